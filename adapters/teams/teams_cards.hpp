#pragma once
// bot::Message → an Adaptive Card in a Bot Framework message activity, sans-I/O.
//
// Teams renders bot cards up to version 1.5 (msteams-docs cards-reference.md), so cards are 1.5:
// TextBlocks with wrap, a FactSet for fields, an emphasis Container for quotes, ActionSets of
// Action.Submit for buttons, and Input.Text / Input.ChoiceSet for forms (labels, isRequired,
// per-input error text). Every Action.Submit carries {"hallpass": {...}} in its data, which
// parse_activity (teams_protocol.hpp) reads back:
//   button: {"hallpass":{"kind":"action","action_id":"endorse","value":"R-1001"}}
//   form:   {"hallpass":{"kind":"form","form_id":"request.platforms","context":"R-1001"}}
//           (Teams merges each input's value into it under the input's id, which is its key)
//
// Escaping (escape_card_text): TextBlock and Fact text is Markdown, so user text could otherwise
// form links, HTML-ish tags or <at> mentions, emphasis, lists, and the {{DATE()}} functions:
// - "](" never survives: a zero-width space goes between ] and (, so no [label](url) forms even
//   on clients that ignore backslash escapes (Teams mobile has shown backslashes literally);
// - "<" is followed by a zero-width space, so no <at>, HTML tag or <autolink> forms (the iOS
//   renderer treats text containing < as HTML);
// - "{{" gets a zero-width space in the middle (Adaptive Cards expand {{DATE(…)}} / {{TIME(…)}});
// - \ * _ ` [ ] and an &entity; are backslash-escaped, and so are list, heading and quote
//   markers at the start of a line, so text stays literal on clients that honour CommonMark
//   escapes (desktop, web and current mobile);
// - a line break becomes a blank line, the only break TextBlock shows outside lists.
// Mentions need msteams.entities as well as <at> text; cards never carry entities.
//
// Size: the whole activity is kept under max_bytes of UTF-8 JSON (28 KB by default: the limit
// named for Hallpass; Teams' own bot limit is 100 KB of UTF-16, and 28 KB of UTF-8 is at most
// 56 KB of UTF-16). Quotes are shortened first, then paragraphs, context and field values, each
// with a note; buttons and form inputs are never dropped.
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "bot/model/message.hpp"

namespace adapters::teams {

inline constexpr std::string_view kAdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
inline constexpr std::string_view kAdaptiveCardVersion = "1.5";
inline constexpr std::size_t kMaxActivityBytes = 28 * 1024;
inline constexpr std::size_t kMaxSummaryBytes = 1000;

// Literal text → TextBlock Markdown that shows exactly that text (see above).
std::string escape_card_text(std::string_view text);
// Neutral markup (bot/model/markup.hpp) → TextBlock Markdown: **bold**, _italic_, [label](url) for
// http(s)/mailto links only, "- " list items; every text run escaped with escape_card_text.
std::string to_card_markdown(std::string_view markup);

// The Adaptive Card (the attachment's content) for a message, without any size limit.
nlohmann::json render_card(const bot::Message& message);
// Plain text for notifications and the activity feed: Message::fallback, else the plain text,
// at most kMaxSummaryBytes.
std::string summary_text(const bot::Message& message);
// {"type":"message","summary":…,"attachments":[{"contentType":…,"content":<card>}]}, shortened
// to fit max_bytes as described above.
nlohmann::json message_activity(const bot::Message& message, std::size_t max_bytes = kMaxActivityBytes);

}  // namespace adapters::teams
