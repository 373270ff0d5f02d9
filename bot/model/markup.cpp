#include "bot/model/markup.hpp"

#include <cctype>
#include <string_view>

#include "bot/model/text.hpp"

namespace bot::markup {
namespace {

constexpr std::string_view kSpecial = "\\*_[]()";

bool starts_with_at(std::string_view s, size_t i, std::string_view what) { return s.substr(i, what.size()) == what; }

// Parses the inline markup of one line into spans.
std::vector<Span> parse_inline(std::string_view s) {
  std::vector<Span> spans;
  Span cur;
  bool bold = false, italic = false;
  auto flush = [&] {
    cur.text = strip_bidi(cur.text);
    if (!cur.text.empty()) spans.push_back(cur);
    cur = Span{.bold = bold, .italic = italic};
  };
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && kSpecial.find(s[i + 1]) != std::string_view::npos) {
      cur.text += s[i + 1];
      i += 2;
    } else if (starts_with_at(s, i, "**") && (bold || s.find("**", i + 2) != std::string_view::npos)) {
      flush();
      bold = !bold;
      cur.bold = bold;
      i += 2;
    } else if (c == '_' && (italic || s.find('_', i + 1) != std::string_view::npos) &&
               (italic || i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
      flush();
      italic = !italic;
      cur.italic = italic;
      i += 1;
    } else if (c == '[') {
      // [label](url): only http(s) and mailto links are links; anything else stays literal.
      size_t close = s.find("](", i);
      size_t end = close == std::string_view::npos ? close : s.find(')', close + 2);
      if (close != std::string_view::npos && end != std::string_view::npos) {
        std::string_view url = s.substr(close + 2, end - close - 2);
        if (url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")) {
          flush();
          Span link{.bold = bold, .italic = italic, .link = std::string(url)};
          std::string_view label = s.substr(i + 1, close - i - 1);
          for (size_t k = 0; k < label.size(); ++k) {
            if (label[k] == '\\' && k + 1 < label.size()) ++k;
            link.text += label[k];
          }
          link.text = strip_bidi(link.text);
          spans.push_back(std::move(link));
          i = end + 1;
          continue;
        }
      }
      cur.text += c;
      ++i;
    } else {
      cur.text += c;
      ++i;
    }
  }
  flush();
  return spans;
}

}  // namespace

std::string escape(std::string_view user_text) {
  std::string out;
  out.reserve(user_text.size());
  for (char c : strip_bidi(user_text)) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string escape_short(std::string_view user_text, std::size_t max_chars) {
  return escape(cut_at_word(user_text, max_chars));
}

std::vector<Paragraph> parse(std::string_view text) {
  std::vector<Paragraph> out;
  Paragraph para;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      if (!para.lines.empty()) out.push_back(std::move(para));
      para = {};
    } else {
      Line l;
      if (line.starts_with("- ")) {
        l.list_item = true;
        line.remove_prefix(2);
      }
      l.spans = parse_inline(line);
      para.lines.push_back(std::move(l));
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (!para.lines.empty()) out.push_back(std::move(para));
  return out;
}

std::string to_plain(std::string_view text) {
  std::string out;
  for (const auto& p : parse(text)) {
    if (!out.empty()) out += "\n\n";
    bool first = true;
    for (const auto& l : p.lines) {
      if (!first) out += '\n';
      first = false;
      if (l.list_item) out += "- ";
      for (const auto& s : l.spans) {
        out += s.text;
        if (!s.link.empty() && s.link != s.text) out += " (" + s.link + ")";
      }
    }
  }
  return out;
}

}  // namespace bot::markup
