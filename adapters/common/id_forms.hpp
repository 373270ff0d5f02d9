#pragma once
// Small tests of the forms platform ids take, shared by the platforms' rules and settings checks.
#include <string_view>

#include "bot/model/text.hpp"

namespace adapters {

using bot::has_space;

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
