#include "adapters/teams/teams_cards.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_protocol.hpp"
#include "bot/model/markup.hpp"
#include "bot/model/text.hpp"

namespace adapters::teams {

namespace {

using nlohmann::json;

constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
constexpr std::size_t kNoCap = std::string::npos;
constexpr std::size_t kShortestCut = 200;  // below this a cut text says too little to keep shortening

// Cuts to at most max bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// "&amp;", "&#39;", "&x;": text a Markdown renderer would decode as an entity.
bool entity_at(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') ++j;
  const std::size_t start = j;
  while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
  return j > start && j < s.size() && s[j] == ';';
}

// See the header for what is escaped and why. line_start: text begins a line, where list,
// heading and quote markers would take effect.
std::string escape_inline(std::string_view raw, bool line_start) {
  const std::string clean = bot::strip_bidi(raw);  // bidi controls would reorder the card around them
  const std::string_view text = clean;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool at_start = line_start;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\n\n";
      at_start = true;
      continue;
    }
    if (at_start) {
      if (c == ' ' || c == '\t') {
        out += c;
        continue;
      }
      at_start = false;
      if (c == '-' || c == '+' || c == '#' || c == '>' || c == '=') {
        out += '\\';
        out += c;
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c))) {  // "1. " and "1) " start ordered lists
        std::size_t j = i;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
        if (j < text.size() && (text[j] == '.' || text[j] == ')')) {
          out.append(text.substr(i, j - i));
          out += '\\';
          out += text[j];
          i = j;
          continue;
        }
      }
    }
    switch (c) {
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
        out += '\\';
        out += c;
        break;
      case ']':
        out += "\\]";
        if (next == '(') out += kZeroWidthSpace;
        break;
      case '<':
        out += '<';
        out += kZeroWidthSpace;
        break;
      case '{':
        out += '{';
        if (next == '{') out += kZeroWidthSpace;
        break;
      case '&':
        if (entity_at(text, i)) out += '\\';
        out += '&';
        break;
      default: out += c;
    }
  }
  return out;
}

// Markdown emphasis cannot begin or end with a space: the spaces go outside the marks.
std::string emphasise(const std::string& text, std::string_view mark) {
  const std::size_t b = text.find_first_not_of(' ');
  if (b == std::string::npos) return text;
  const std::size_t e = text.find_last_not_of(' ');
  return text.substr(0, b) + std::string(mark) + text.substr(b, e - b + 1) + std::string(mark) + text.substr(e + 1);
}

// A link destination that cannot end the link early or break out of it.
std::string link_target(std::string_view url) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F || c == '(' || c == ')' || c == '<' || c == '>' || c == '"' || c == '\\' || c == '`') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool safe_link(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:");
}

json text_block(std::string text) { return json{{"type", "TextBlock"}, {"text", std::move(text)}, {"wrap", true}}; }

json subtle_block(std::string text) {
  json j = text_block(std::move(text));
  j["isSubtle"] = true;
  j["size"] = "Small";
  return j;
}

// Shortens text to cap bytes, at a word, with an ellipsis; markup: never leaves a dangling
// backslash escape.
std::string shorten(std::string_view text, std::size_t cap, bool markup, bool& shortened) {
  if (cap == kNoCap || text.size() <= cap) return std::string(text);
  shortened = true;
  std::string cut = bot::cut_at_word_bytes(text, cap + kEllipsis.size());
  if (cut.ends_with(kEllipsis)) cut.resize(cut.size() - kEllipsis.size());
  if (cut.size() > cap) cut = truncate_utf8(cut, cap);
  if (markup) {
    std::size_t backslashes = 0;
    while (backslashes < cut.size() && cut[cut.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) cut.pop_back();
  }
  return cut + std::string(kEllipsis);
}

struct Caps {
  std::size_t quote = kNoCap;  // bytes of each quote's text
  std::size_t text = kNoCap;   // bytes of each paragraph, context line and field value (markup)
};

json submit_action(std::string title, json data) {
  return json{
      {"type", "Action.Submit"}, {"title", std::move(title)}, {"data", {{std::string(kCardDataKey), std::move(data)}}}};
}

json button_action(const bot::Button& b) {
  json a = submit_action(b.label, {{"kind", "action"}, {"action_id", b.action_id}, {"value", b.value}});
  // Without this a button next to a form would send (and validate) the form's inputs.
  a["associatedInputs"] = "none";
  if (b.style == bot::ButtonStyle::primary) a["style"] = "positive";
  if (b.style == bot::ButtonStyle::danger) a["style"] = "destructive";
  return a;
}

json input_element(const bot::FormInput& in) {
  json j;
  if (in.kind == bot::InputKind::text || in.kind == bot::InputKind::multiline) {
    j = {{"type", "Input.Text"}, {"isMultiline", in.kind == bot::InputKind::multiline}};
    // Teams stops typing at maxLength; a longer value already there (sent back to be shortened)
    // keeps the input without one, so it is shown whole.
    if (in.max_chars > 0 && bot::char_count(in.initial) <= in.max_chars) j["maxLength"] = in.max_chars;
  } else {
    json choices = json::array();
    for (const auto& c : in.choices) choices.push_back({{"title", c.label}, {"value", c.value}});
    const bool multi = in.kind == bot::InputKind::multi_choice;
    // A few choices read best as radio buttons / check boxes, many as a drop-down.
    j = {{"type", "Input.ChoiceSet"},
         {"choices", std::move(choices)},
         {"isMultiSelect", multi},
         {"style", in.choices.size() <= 6 ? "expanded" : "compact"}};
  }
  j["id"] = in.key;  // Teams sends the value under this name: the form's key
  j["label"] = in.label;
  j["isRequired"] = in.required;
  if (!in.initial.empty()) j["value"] = in.initial;
  if (!in.error.empty()) j["errorMessage"] = in.error;
  return j;
}

json form_container(const bot::Form& f) {
  json items = json::array();
  if (!f.title.empty()) {
    json title = text_block(escape_card_text(f.title));
    title["weight"] = "Bolder";
    items.push_back(std::move(title));
  }
  for (const auto& in : f.inputs) {
    items.push_back(input_element(in));
    if (!in.hint.empty()) {
      json hint = subtle_block(escape_card_text(in.hint));
      hint["spacing"] = "None";
      items.push_back(std::move(hint));
    }
    // The refusal of the last submission, shown under its input (errorMessage alone appears
    // only when the client's own validation fails).
    if (!in.error.empty()) {
      json error = text_block(escape_card_text(in.error));
      error["color"] = "Attention";
      error["size"] = "Small";
      error["spacing"] = "None";
      items.push_back(std::move(error));
    }
  }
  json submit = submit_action(f.submit_label.empty() ? "Submit" : f.submit_label,
                              {{"kind", "form"}, {"form_id", f.form_id}, {"context", f.context}});
  items.push_back({{"type", "ActionSet"}, {"actions", json::array({std::move(submit)})}});
  return json{{"type", "Container"}, {"separator", true}, {"items", std::move(items)}};
}

json card_body(const bot::Message& m, const Caps& caps, bool& shortened) {
  json body = json::array();
  for (const auto& b : m.blocks) {
    switch (b.kind) {
      case bot::BlockKind::header: {
        json h = text_block(escape_card_text(b.text));
        h["size"] = "Medium";
        h["weight"] = "Bolder";
        h["style"] = "heading";
        body.push_back(std::move(h));
        break;
      }
      case bot::BlockKind::paragraph:
        body.push_back(text_block(to_card_markdown(shorten(b.text, caps.text, true, shortened))));
        break;
      case bot::BlockKind::context:
        body.push_back(subtle_block(to_card_markdown(shorten(b.text, caps.text, true, shortened))));
        break;
      case bot::BlockKind::quote: {
        // Quotes are verbatim policy text, not markup. Markdown has no quote block in TextBlock.
        bool cut = false;
        json items = json::array({text_block(escape_card_text(shorten(b.text, caps.quote, false, cut)))});
        if (!b.citation.empty()) items.push_back(subtle_block(escape_card_text("\xE2\x80\x94 " + b.citation)));
        if (cut) items.push_back(subtle_block(escape_card_text(m.notes.quote_shortened)));
        shortened = shortened || cut;
        body.push_back({{"type", "Container"}, {"style", "emphasis"}, {"items", std::move(items)}});
        break;
      }
      case bot::BlockKind::fields: {
        json facts = json::array();
        for (const auto& f : b.fields)
          facts.push_back({{"title", escape_card_text(f.label)},
                           {"value", to_card_markdown(shorten(f.value, caps.text, true, shortened))}});
        if (!facts.empty()) body.push_back({{"type", "FactSet"}, {"facts", std::move(facts)}});
        break;
      }
      case bot::BlockKind::buttons: {
        json actions = json::array();
        for (const auto& btn : b.buttons) actions.push_back(button_action(btn));
        if (!actions.empty()) body.push_back({{"type", "ActionSet"}, {"actions", std::move(actions)}});
        break;
      }
      case bot::BlockKind::form:
        if (b.form) body.push_back(form_container(*b.form));
        break;
    }
  }
  if (body.empty()) body.push_back(text_block(escape_card_text(summary_text(m))));
  return body;
}

json card(const bot::Message& m, const Caps& caps) {
  bool shortened = false;
  json body = card_body(m, caps, shortened);
  if (shortened && caps.text != kNoCap) body.push_back(subtle_block(escape_card_text(m.notes.shortened)));
  return json{{"type", "AdaptiveCard"},
              {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
              {"version", std::string(kAdaptiveCardVersion)},
              {"fallbackText", summary_text(m)},
              {"msteams", {{"width", "Full"}}},
              {"body", std::move(body)}};
}

json activity(const bot::Message& m, const Caps& caps) {
  return json{{"type", "message"},
              {"summary", summary_text(m)},
              {"attachments",
               json::array({{{"contentType", std::string(kAdaptiveCardContentType)}, {"content", card(m, caps)}}})}};
}

}  // namespace

std::string escape_card_text(std::string_view text) { return escape_inline(text, true); }

std::string to_card_markdown(std::string_view markup) {
  std::string out;
  for (const auto& para : bot::markup::parse(markup)) {
    if (!out.empty()) out += "\n\n";
    for (std::size_t i = 0; i < para.lines.size(); ++i) {
      const auto& line = para.lines[i];
      // List items follow each other with one line break; any other break needs a blank line.
      if (i > 0) out += line.list_item && para.lines[i - 1].list_item ? "\n" : "\n\n";
      if (line.list_item) out += "- ";
      bool first = true;
      for (const auto& span : line.spans) {
        std::string text;
        if (!span.link.empty() && safe_link(span.link)) {
          std::string label = escape_inline(span.text.empty() ? span.link : span.text, false);
          text = "[" + label + "](" + link_target(span.link) + ")";
        } else {
          text = escape_inline(span.text, first);
        }
        if (span.italic) text = emphasise(text, "_");
        if (span.bold) text = emphasise(text, "**");
        out += text;
        first = false;
      }
    }
  }
  return out;
}

json render_card(const bot::Message& message) { return card(message, Caps{}); }

std::string summary_text(const bot::Message& message) {
  std::string plain = message.fallback.empty() ? message.plain_text() : message.fallback;
  if (plain.size() <= kMaxSummaryBytes) return plain;
  return truncate_utf8(plain, kMaxSummaryBytes - kEllipsis.size()) + std::string(kEllipsis);
}

json message_activity(const bot::Message& message, std::size_t max_bytes) {
  Caps caps;
  json out = activity(message, caps);
  auto fits = [&] { return out.dump().size() <= max_bytes; };
  if (fits()) return out;

  // Quotes first (long policy passages are the usual cause), a third shorter each round.
  std::size_t longest = 0;
  for (const auto& b : message.blocks)
    if (b.kind == bot::BlockKind::quote) longest = std::max(longest, b.text.size());
  for (std::size_t cap = longest; cap > kShortestCut && !fits();) {
    cap = std::max(kShortestCut, cap * 2 / 3);
    caps.quote = cap;
    out = activity(message, caps);
  }
  // Then every other text; buttons and inputs stay whatever it takes.
  longest = 0;
  for (const auto& b : message.blocks) {
    if (b.kind == bot::BlockKind::paragraph || b.kind == bot::BlockKind::context)
      longest = std::max(longest, b.text.size());
    for (const auto& f : b.fields) longest = std::max(longest, f.value.size());
  }
  for (std::size_t cap = longest; cap > kShortestCut && !fits();) {
    cap = std::max(kShortestCut, cap * 2 / 3);
    caps.text = cap;
    out = activity(message, caps);
  }
  if (!fits()) {
    caps.quote = 0;
    caps.text = 0;
    out = activity(message, caps);
  }
  return out;
}

}  // namespace adapters::teams
