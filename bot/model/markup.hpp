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

// Escapes user text so that it is shown literally. Bidi controls (bot::is_bidi_control) are
// dropped: they would let a person's text reorder the card around it.
std::string escape(std::string_view user_text);
// How much of a person's text an answer quotes back ("I don't know …"): enough to recognise it.
inline constexpr std::size_t kShortQuote = 80;
// escape() of at most max_chars characters of user text, cut at a word with "…": for echoing
// what someone typed, which may be any length.
std::string escape_short(std::string_view user_text, std::size_t max_chars = kShortQuote);
// Parses markup into paragraphs of lines of spans. Never fails: malformed markup is literal text.
// Bidi controls are dropped from the spans, so no renderer shows them, escaped or not.
std::vector<Paragraph> parse(std::string_view markup);
// The text without markup, with "- " kept for list items and blank lines between paragraphs.
std::string to_plain(std::string_view markup);

}  // namespace bot::markup
