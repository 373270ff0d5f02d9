#pragma once
// Parsing platform JSON (Slack payloads, Teams activities, Matrix events) and reading fields that
// may be missing or of another type, without exceptions: a protocol layer decides itself which
// absent field is an error.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace adapters::json_fields {

// A string member, or "" when absent, of another type, or j is not an object.
inline std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Deeper than any payload a platform sends (Block Kit, Adaptive Cards and Matrix events stay
// under 30 levels), and shallow enough for nlohmann's copy, comparison and dump, which recurse
// once per level: a frame of 100,000 brackets (200 KB) overflows the stack.
inline constexpr std::size_t kMaxDepth = 128;

// Untrusted JSON text → a value; discarded (is_discarded()) when it is not JSON or nests deeper
// than kMaxDepth. Never throws (but bad_alloc).
namespace detail {
inline nlohmann::json parse_exact(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return nlohmann::json(nlohmann::json::value_t::discarded);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}
}  // namespace detail

// The text with what makes a JSON parser refuse a whole payload for one character replaced by
// U+FFFD: bytes that are not UTF-8, and \uD800–\uDFFF escapes that are not a surrogate pair.
std::string repair_text(std::string_view text);

// The payload as JSON, or discarded when it is not JSON or nests too deep. A payload that is JSON
// but for a bad character (invalid UTF-8, a lone surrogate escape) is read with that character
// replaced (and a warning logged, without the payload): it costs nobody an answer.
nlohmann::json parse(std::string_view text);

// A member of any type, or null when absent or j is not an object.
inline const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

}  // namespace adapters::json_fields
