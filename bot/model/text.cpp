#include "bot/model/text.hpp"

#include <algorithm>

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

namespace {

// The length of the well-formed UTF-8 character at s[i], or 0 when the byte there starts none
// (the Unicode standard's table of well-formed byte sequences).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  if (b < 0x80) return 1;
  const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i + k < s.size() && at(i + k) >= lo && at(i + k) <= hi;
  };
  if (b >= 0xC2 && b <= 0xDF) return cont(1) ? 2 : 0;
  if (b == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // not a surrogate
  if (b == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xF1 && b <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  for (std::size_t i = 0;;) {
    const std::size_t at = s.find(from, i);
    out.append(s.substr(i, at == std::string_view::npos ? std::string_view::npos : at - i));
    if (at == std::string_view::npos) return out;
    out.append(to);
    i = at + from.size();
  }
}

bool has_space(std::string_view s) {
  for (unsigned char c : s)
    if (c <= ' ') return true;
  return false;
}

bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string scrub_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

constexpr std::string_view kEllipsis = "\u2026";

// The code point of the well-formed character of length n at s[i].
char32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  const auto at = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (n) {
    case 1: return at(0);
    case 2: return ((at(0) & 0x1F) << 6) | (at(1) & 0x3F);
    case 3: return ((at(0) & 0x0F) << 12) | ((at(1) & 0x3F) << 6) | (at(2) & 0x3F);
    default: return ((at(0) & 0x07) << 18) | ((at(1) & 0x3F) << 12) | ((at(2) & 0x3F) << 6) | (at(3) & 0x3F);
  }
}

// Cuts s at byte `end` (a character boundary), backing to the last blank when that keeps at
// least three quarters of it, trims the blanks before the cut and appends the ellipsis.
std::string cut_at(std::string_view s, std::size_t end) {
  std::string_view head = s.substr(0, end);
  if (end < s.size() && s[end] != ' ' && s[end] != '\n') {
    const std::size_t blank = head.find_last_of(" \n\t");
    if (blank != std::string_view::npos && blank >= end - end / 4) head = head.substr(0, blank);
  }
  head = trim_view(head);
  return std::string(head) + std::string(kEllipsis);
}

}  // namespace

std::size_t char_count(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) i += std::max<std::size_t>(1, utf8_length(s, i));
  return count;
}

std::string cut_at_word(std::string_view s, std::size_t max_chars) {
  if (char_count(s) <= max_chars) return std::string(s);
  if (max_chars == 0) return {};
  std::size_t end = 0;
  for (std::size_t kept = 0; kept + 1 < max_chars && end < s.size(); ++kept)
    end += std::max<std::size_t>(1, utf8_length(s, end));
  return cut_at(s, end);
}

std::string cut_at_word_bytes(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  if (max_bytes < kEllipsis.size()) return {};
  std::size_t end = 0;
  while (end < s.size()) {
    const std::size_t n = std::max<std::size_t>(1, utf8_length(s, end));
    if (end + n + kEllipsis.size() > max_bytes) break;
    end += n;
  }
  return cut_at(s, end);
}

bool is_bidi_control(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

std::string strip_bidi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += s[i++];
      continue;
    }
    if (n < 2 || !is_bidi_control(code_point(s, i, n))) out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace bot
