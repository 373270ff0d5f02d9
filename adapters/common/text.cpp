#include "adapters/common/text.hpp"

#include <algorithm>
#include <cctype>

namespace adapters::text {
namespace {

constexpr std::size_t kMaxKey = 64;  // longer than any form key ("objectives.<platform name>")

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == ' ' || c == '\t';
}

// When a field starts at text[i] (blanks, a key, blanks, '='), its key and where its value starts.
bool field_at(std::string_view text, std::size_t i, std::string_view space, std::string& key, std::size_t& value_at) {
  const std::size_t begin = text.find_first_not_of(" \t", i);
  if (begin == std::string_view::npos || !std::isalnum(static_cast<unsigned char>(text[begin]))) return false;
  std::size_t end = begin;
  while (end < text.size() && end - begin <= kMaxKey && key_char(text[end])) ++end;
  if (end >= text.size() || text[end] != '=' || end - begin > kMaxKey) return false;
  key = trim(text.substr(begin, end - begin), space);
  value_at = end + 1;
  return !key.empty();
}

}  // namespace

void read_pairs(std::string_view text, std::map<std::string, std::string>& values, std::string_view space) {
  std::string key;
  std::string value;
  bool in_field = false;
  bool boundary = true;        // a field may start here
  std::size_t before_sep = 0;  // the value's length before the ';' or line end just read
  bool sep_seen = false;       // since the field started
  for (std::size_t i = 0; i <= text.size();) {
    std::string next_key;
    std::size_t value_at = 0;
    if (boundary && field_at(text, i, space, next_key, value_at)) {
      if (in_field) values[key] = trim(std::string_view(value).substr(0, before_sep), space);
      key = std::move(next_key);
      value.clear();
      sep_seen = false;
      in_field = true;
      i = value_at;
    }
    boundary = false;
    if (i >= text.size()) break;
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == ';') {
      value += ';';
      i += 2;
      continue;
    }
    if (c == ';' || c == '\n') {
      before_sep = value.size();
      sep_seen = true;
      boundary = true;
    }
    value += c;
    ++i;
  }
  // A ';' or line end with nothing after it ends the last field rather than belonging to it.
  const std::string_view after_sep = std::string_view(value).substr(std::min(before_sep, value.size()));
  if (sep_seen && trim_view(after_sep, " \t\r\n;").empty()) value.resize(before_sep);
  if (in_field) values[key] = trim(value, space);
}

}  // namespace adapters::text
