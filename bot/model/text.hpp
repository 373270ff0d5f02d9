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

// s with every `from` replaced by `to` (a renderer filling a placeholder the prompts left open).
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

// True when s holds a space or any control character (ids and handles are one word).
bool has_space(std::string_view s);

// True when s is well-formed UTF-8 (no stray, truncated or overlong bytes, no surrogates, nothing
// past U+10FFFF).
bool is_utf8(std::string_view s);
// s with each byte that is not part of well-formed UTF-8 replaced by U+FFFD: text from a platform
// (a %FF in a form, a cut character) is then shown, stored and answered, never refused.
std::string scrub_utf8(std::string_view s);

// The number of characters (code points) in s, the way people and platforms count a length
// (Slack's max_length, an HTML maxlength); a byte that starts no character counts as one.
std::size_t char_count(std::string_view s);
// s cut to at most max_chars characters: at the last space or line end of the part that fits
// (unless that drops more than a quarter of it: then mid-word), followed by "…". s itself when it
// fits. Never splits a UTF-8 character; the "…" counts towards max_chars.
std::string cut_at_word(std::string_view s, std::size_t max_chars);
// The same by bytes: at most max_bytes bytes, "…" included (for a platform's size limit).
std::string cut_at_word_bytes(std::string_view s, std::size_t max_bytes);

// True for the characters that reorder the text around them when shown (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C): in a person's text they can make a card read
// differently from what was stored ("txt.exe" shown as "exe.txt").
bool is_bidi_control(char32_t c);
// s without those characters.
std::string strip_bidi(std::string_view s);

}  // namespace bot
