#include "workflows/platforms.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace workflows {
namespace {

struct PlatformName {
  std::string_view id;
  std::string_view label;
  std::array<std::string_view, 3> aliases;
};

constexpr std::array<PlatformName, 6> kPlatforms{{
    {"facebook", "Facebook", {"fb", "face book", ""}},
    {"instagram", "Instagram", {"insta", "ig", ""}},
    {"x", "X (Twitter)", {"twitter", "x (twitter)", "x/twitter"}},
    {"youtube", "YouTube", {"yt", "you tube", ""}},
    {"tiktok", "TikTok", {"tik tok", "", ""}},
    {"linkedin", "LinkedIn", {"linked in", "", ""}},
}};

}  // namespace

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const std::vector<std::string>& known_platforms() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& p : kPlatforms) v.emplace_back(p.id);
    return v;
  }();
  return ids;
}

std::string platform_label(std::string_view id) {
  for (const auto& p : kPlatforms)
    if (p.id == id) return std::string(p.label);
  return std::string(id);
}

std::optional<std::string> platform_id(std::string_view word) {
  std::string w = lower(trim(word));
  for (const auto& p : kPlatforms) {
    if (w == p.id || w == lower(p.label)) return std::string(p.id);
    for (auto a : p.aliases)
      if (!a.empty() && w == a) return std::string(p.id);
  }
  return std::nullopt;
}

std::vector<bot::PlatformPlan> parse_platform_text(std::string_view text) {
  std::vector<bot::PlatformPlan> plans;
  auto add = [&plans](std::string id, std::string objectives) {
    for (auto& p : plans)
      if (p.platform == id) {
        if (p.objectives.empty()) p.objectives = std::move(objectives);
        return;
      }
    plans.push_back({std::move(id), std::move(objectives)});
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(";\n", start);
    std::string segment = trim(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (size_t colon = segment.find(':'); colon != std::string::npos) {
      if (auto id = platform_id(segment.substr(0, colon))) add(*id, trim(segment.substr(colon + 1)));
    } else {
      // A plain list of names: "instagram, youtube" or "instagram and youtube".
      std::string word;
      for (char c : segment + " ") {
        if (c == ',' || c == ' ' || c == '&') {
          if (auto id = platform_id(word)) add(*id, "");
          word.clear();
        } else {
          word += c;
        }
      }
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return plans;
}

std::vector<std::string> split_choices(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string part = trim(value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
    if (!part.empty() && std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<std::string> find_request_id(std::string_view text) {
  static const std::regex id(R"((?:^|[^A-Za-z0-9])([Rr]-\d{1,9})(?![0-9]))");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(text.begin(), text.end(), m, id)) {
    std::string out = m[1].str();
    out[0] = 'R';
    return out;
  }
  return std::nullopt;
}

}  // namespace workflows
