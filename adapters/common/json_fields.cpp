#include "adapters/common/json_fields.hpp"

#include <spdlog/spdlog.h>

#include "bot/model/text.hpp"

namespace adapters::json_fields {

namespace {

int hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    const char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= c - '0';
    else if (c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
    else
      return -1;
  }
  return v;
}

}  // namespace

std::string repair_text(std::string_view raw) {
  const std::string text = bot::scrub_utf8(raw);
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
      continue;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    if (text[i + 1] != 'u') {  // another escape: copied whole
      out.append(text, i, 2);
      ++i;
      continue;
    }
    const int v = hex4(text, i + 2);
    const bool high = v >= 0xD800 && v <= 0xDBFF;
    const bool low = v >= 0xDC00 && v <= 0xDFFF;
    if (high && i + 11 < text.size() && text[i + 6] == '\\' && text[i + 7] == 'u') {
      const int next = hex4(text, i + 8);
      if (next >= 0xDC00 && next <= 0xDFFF) {  // a pair: both kept
        out.append(text, i, 12);
        i += 11;
        continue;
      }
    }
    if (high || low) {
      out += "\\ufffd";
      i += 5;
      continue;
    }
    out.append(text, i, 2);  // \u and a code unit that is no surrogate: copied as it is
    ++i;
  }
  return out;
}

nlohmann::json parse(std::string_view text) {
  nlohmann::json j = detail::parse_exact(text);
  if (!j.is_discarded()) return j;
  const std::string repaired = repair_text(text);
  if (repaired == text) return j;
  j = detail::parse_exact(repaired);
  if (!j.is_discarded())
    spdlog::warn("a payload held invalid UTF-8 or a lone surrogate escape; read with U+FFFD in its place");
  return j;
}

}  // namespace adapters::json_fields
