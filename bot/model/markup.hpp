#pragma once
// The neutral markup used in Message text, and helpers to escape user text into it.
//
// Syntax (deliberately small, so every platform can render it):
//   **bold**   _italic_   [label](https://url)   a line starting with "- " is a list item
//   a blank line separates paragraphs; a backslash makes the next character literal
//   (escape() puts one before each of  \ * _ [ ] ( )  so user text can never become markup).
// Renderers call parse() and escape each Span's text for their own format.
#include <string>
#include <string_view>
#include <vector>

namespace bot::markup {

struct Span {
  std::string text;  // literal text, escapes removed
  bool bold = false;
  bool italic = false;
  std::string link;  // non-empty: this span is a link to this URL
};

struct Line {
  bool list_item = false;
  std::vector<Span> spans;
};

struct Paragraph {
  std::vector<Line> lines;
};

// Escapes user text so that it is shown literally.
std::string escape(std::string_view user_text);
// Parses markup into paragraphs of lines of spans. Never fails: malformed markup is literal text.
std::vector<Paragraph> parse(std::string_view markup);
// The text without markup, with "- " kept for list items and blank lines between paragraphs.
std::string to_plain(std::string_view markup);

}  // namespace bot::markup
