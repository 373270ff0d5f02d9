#pragma once
// The social media platforms a request may name, and reading them from what staff type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/message.hpp"
#include "bot/model/request.hpp"

namespace workflows {

// "facebook", "instagram", "x", "youtube", "tiktok", "linkedin" (and "other" in forms).
const std::vector<std::string>& known_platforms();
// The display name: "Instagram", "X (Twitter)"; any other name is shown as given.
std::string platform_label(std::string_view id);
// The id of a platform named in free text ("insta", "Twitter", "FB"), if known.
std::optional<std::string> platform_id(std::string_view word);
// Reads "Instagram: class news; YouTube: concert videos" or "instagram youtube" into plans.
std::vector<bot::PlatformPlan> parse_platform_text(std::string_view text);
// Splits a multi-choice value "a, b,c" into its parts.
std::vector<std::string> split_choices(std::string_view value);
std::string trim(std::string_view s);
std::string lower(std::string_view s);
// The request id named in text ("r-1001" → "R-1001"), if any.
std::optional<std::string> find_request_id(std::string_view text);

}  // namespace workflows
