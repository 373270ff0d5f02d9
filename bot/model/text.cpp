#include "bot/model/text.hpp"

namespace bot {

std::string_view trim_view(std::string_view s, std::string_view space) {
  const size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return s.substr(s.size());
  return s.substr(b, s.find_last_not_of(space) - b + 1);
}

std::string trim(std::string_view s, std::string_view space) { return std::string(trim_view(s, space)); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace bot
