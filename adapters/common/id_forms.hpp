#pragma once
// Small tests of the forms platform ids take, shared by the platforms' registrations.
#include <string_view>

namespace adapters {

// A space or any control character.
inline bool has_space(std::string_view v) {
  for (unsigned char c : v)
    if (c <= ' ') return true;
  return false;
}

// Capital letters and digits only ("U0TGARCIA1").
inline bool upper_alnum(std::string_view v) {
  for (char c : v)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// "<sigil>localpart:server" (Matrix user and room ids): the sigil, two characters at least before
// the colon, something after it, no space.
inline bool sigil_colon_id(std::string_view v, char sigil) {
  const auto colon = v.find(':');
  return !v.empty() && v.front() == sigil && colon != std::string_view::npos && colon >= 2 && colon + 1 < v.size() &&
         !has_space(v);
}

}  // namespace adapters
