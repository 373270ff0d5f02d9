#pragma once
// Small text helpers every layer needs (the config loader, the policy parser, the adapters), in one
// place instead of a copy per file. ASCII only: they read markup, settings and commands, never
// decide anything about letters outside ASCII.
#include <string>
#include <string_view>

namespace bot {

// The white space trim() removes unless told otherwise: blanks, tabs and line ends.
inline constexpr std::string_view kSpace = " \t\r\n";
// Everything std::isspace accepts in the C locale.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";

// s without the characters of `space` at either end; a view into s.
std::string_view trim_view(std::string_view s, std::string_view space = kSpace);
// The same, copied.
std::string trim(std::string_view s, std::string_view space = kSpace);
// s with A–Z turned into a–z; other bytes unchanged.
std::string lower(std::string_view s);

// True when s holds a space or any control character (ids and handles are one word).
bool has_space(std::string_view s);

// True when s is well-formed UTF-8 (no stray, truncated or overlong bytes, no surrogates, nothing
// past U+10FFFF).
bool is_utf8(std::string_view s);
// s with each byte that is not part of well-formed UTF-8 replaced by U+FFFD: text from a platform
// (a %FF in a form, a cut character) is then shown, stored and answered, never refused.
std::string scrub_utf8(std::string_view s);

}  // namespace bot
