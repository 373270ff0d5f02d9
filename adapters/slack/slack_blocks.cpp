#include "adapters/slack/slack_blocks.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "bot/model/markup.hpp"
#include "bot/model/text.hpp"

namespace adapters::slack {

namespace {

using nlohmann::json;
using protocol_detail::fail;

// Cuts to at most max bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// Like truncate_utf8 but cut at a word and ending with "…" when something was cut, never inside
// an &amp;-style entity (a cut entity would show as raw text).
std::string shorten(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::string out = bot::cut_at_word_bytes(s, max);
  if (out.size() < 3) return out;
  const std::size_t body = out.size() - 3;  // before the "…"
  const std::size_t amp = out.rfind('&', body == 0 ? 0 : body - 1);
  if (amp != std::string::npos && body - amp < 5 && out.find(';', amp) >= body)
    out = out.substr(0, amp) + "\xE2\x80\xA6";
  return out;
}

json plain_text(std::string_view text, std::size_t max) {
  return json{{"type", "plain_text"}, {"text", shorten(text, max)}, {"emoji", true}};
}

json mrkdwn_section(std::string text) {
  return json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

json context_block(std::string text) {
  return json{{"type", "context"}, {"elements", json::array({{{"type", "mrkdwn"}, {"text", std::move(text)}}})}};
}

// Splits mrkdwn into pieces of at most max bytes: at a line break, else a space, never inside a
// UTF-8 sequence or an &amp;-style entity (a cut entity would show as raw text).
std::vector<std::string> split_text(std::string_view s, std::size_t max) {
  std::vector<std::string> out;
  while (s.size() > max) {
    std::size_t cut = s.rfind('\n', max);
    if (cut == std::string_view::npos || cut < max / 2) {
      cut = s.rfind(' ', max);
      if (cut == std::string_view::npos || cut < max / 2) {
        cut = max;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        auto amp = s.rfind('&', cut - 1);
        if (amp != std::string_view::npos && cut - amp < 5 &&
            s.substr(amp, cut - amp).find(';') == std::string_view::npos)
          cut = amp;
      }
    }
    if (cut == 0) cut = max;
    out.emplace_back(s.substr(0, cut));
    s.remove_prefix(cut);
    if (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.remove_prefix(1);
  }
  if (!s.empty() || out.empty()) out.emplace_back(s);
  return out;
}

std::string mrkdwn_url(std::string_view url) {
  std::string out;
  for (char c : url) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "%3C"; break;
      case '>': out += "%3E"; break;
      case '|': out += "%7C"; break;
      default: out += c;
    }
  }
  return out;
}

json button_json(const bot::Button& b) {
  json j{{"type", "button"},
         {"text", plain_text(b.label, kMaxButtonText)},
         {"action_id", truncate_utf8(b.action_id, kMaxActionId)}};
  if (!b.value.empty()) j["value"] = truncate_utf8(b.value, kMaxButtonValue);
  if (b.style == bot::ButtonStyle::primary) j["style"] = "primary";
  if (b.style == bot::ButtonStyle::danger) j["style"] = "danger";
  return j;
}

void append_block(json& blocks, const bot::Block& block) {
  switch (block.kind) {
    case bot::BlockKind::header:
      blocks.push_back({{"type", "header"}, {"text", plain_text(block.text, kMaxHeaderText)}});
      break;
    case bot::BlockKind::paragraph:
      for (auto& piece : split_text(to_mrkdwn(block.text), kMaxSectionText))
        blocks.push_back(mrkdwn_section(std::move(piece)));
      break;
    case bot::BlockKind::context:
      // A context element holds at most 2000 characters.
      blocks.push_back(context_block(truncate_utf8(to_mrkdwn(block.text), kMaxFieldText)));
      break;
    case bot::BlockKind::quote: {
      std::string quoted;
      const std::string text = to_mrkdwn(block.text);
      std::size_t start = 0;
      while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (!quoted.empty()) quoted += '\n';
        quoted += "> " + text.substr(start, end - start);
        start = end + 1;
      }
      for (auto& piece : split_text(quoted, kMaxSectionText)) blocks.push_back(mrkdwn_section(std::move(piece)));
      if (!block.citation.empty()) blocks.push_back(context_block(escape_mrkdwn(block.citation)));
      break;
    }
    case bot::BlockKind::fields: {
      json section;
      for (const auto& f : block.fields) {
        if (section.is_null()) section = {{"type", "section"}, {"fields", json::array()}};
        std::string text = "*" + escape_mrkdwn(f.label) + "*\n" + to_mrkdwn(f.value);
        section["fields"].push_back({{"type", "mrkdwn"}, {"text", shorten(text, kMaxFieldText)}});
        if (section["fields"].size() == kMaxFieldsPerSection) {
          blocks.push_back(std::move(section));
          section = json();
        }
      }
      if (!section.is_null()) blocks.push_back(std::move(section));
      break;
    }
    case bot::BlockKind::buttons: {
      json actions;
      std::vector<std::string> ids;
      for (const auto& b : block.buttons) {
        // action_ids must be unique within one actions block.
        const bool dup = std::find(ids.begin(), ids.end(), b.action_id) != ids.end();
        if (!actions.is_null() && (dup || actions["elements"].size() == kMaxActionElements)) {
          blocks.push_back(std::move(actions));
          actions = json();
          ids.clear();
        }
        if (actions.is_null()) actions = {{"type", "actions"}, {"elements", json::array()}};
        actions["elements"].push_back(button_json(b));
        ids.push_back(b.action_id);
      }
      if (!actions.is_null()) blocks.push_back(std::move(actions));
      break;
    }
    case bot::BlockKind::form: break;  // opened as a modal through views.open (build_api_call)
  }
}

json option_json(const bot::Choice& c) {
  // Option text ≤75, value ≤150.
  return json{{"text", plain_text(c.label, 75)}, {"value", truncate_utf8(c.value, 150)}};
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    auto end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

json input_element(const bot::FormInput& in) {
  json el;
  switch (in.kind) {
    case bot::InputKind::text:
    case bot::InputKind::multiline:
      el = {{"type", "plain_text_input"}};
      if (in.kind == bot::InputKind::multiline) el["multiline"] = true;
      if (!in.initial.empty()) el["initial_value"] = in.initial;
      // Slack counts and stops typing at max_length (at most 3,000); a longer value already there
      // (sent back to be shortened) would make Slack refuse the whole view, so then there is none.
      if (in.max_chars > 0 && bot::char_count(in.initial) <= in.max_chars)
        el["max_length"] = std::min<std::size_t>(in.max_chars, 3000);
      break;
    case bot::InputKind::single_choice: {
      el = {{"type", in.choices.size() <= 5 ? "radio_buttons" : "static_select"}, {"options", json::array()}};
      for (std::size_t i = 0; i < in.choices.size() && i < 100; ++i) {
        el["options"].push_back(option_json(in.choices[i]));
        if (in.choices[i].value == in.initial) el["initial_option"] = option_json(in.choices[i]);
      }
      break;
    }
    case bot::InputKind::multi_choice: {
      el = {{"type", in.choices.size() <= 10 ? "checkboxes" : "multi_static_select"}, {"options", json::array()}};
      const auto initial = split_commas(in.initial);
      json initial_options = json::array();
      for (std::size_t i = 0; i < in.choices.size() && i < 100; ++i) {
        el["options"].push_back(option_json(in.choices[i]));
        if (std::find(initial.begin(), initial.end(), in.choices[i].value) != initial.end())
          initial_options.push_back(option_json(in.choices[i]));
      }
      if (!initial_options.empty()) el["initial_options"] = std::move(initial_options);
      break;
    }
  }
  el["action_id"] = truncate_utf8(in.key, kMaxActionId);
  return el;
}

}  // namespace

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : bot::strip_bidi(text)) {  // bidi controls would reorder the card around them
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_mrkdwn(std::string_view markup) {
  std::string out;
  for (const auto& para : bot::markup::parse(markup)) {
    if (!out.empty()) out += "\n\n";
    bool first_line = true;
    for (const auto& line : para.lines) {
      if (!first_line) out += '\n';
      first_line = false;
      if (line.list_item) out += "\xE2\x80\xA2 ";
      for (const auto& span : line.spans) {
        std::string text = escape_mrkdwn(span.text);
        if (!span.link.empty()) {
          // Slack has no escape for "|" inside <url|label>; a look-alike keeps the label intact.
          std::string label;
          for (char c : text) label += c == '|' ? std::string("\xEF\xBD\x9C") : std::string(1, c);
          text = "<" + mrkdwn_url(span.link) + "|" + label + ">";
        }
        if (span.italic) text = "_" + text + "_";
        if (span.bold) text = "*" + text + "*";
        out += text;
      }
    }
  }
  return out;
}

std::string render_blocks(const bot::Message& message) {
  json blocks = json::array();
  for (const auto& block : message.blocks) append_block(blocks, block);
  if (blocks.size() > kMaxBlocks) {
    json kept = json::array();
    for (std::size_t i = 0; i + 1 < kMaxBlocks; ++i) kept.push_back(std::move(blocks[i]));
    kept.push_back(context_block(escape_mrkdwn(message.notes.shortened)));
    blocks = std::move(kept);
  }
  return blocks.dump();
}

std::string fallback_text(const bot::Message& message) {
  const std::string plain = message.fallback.empty() ? message.plain_text() : message.fallback;
  return shorten(escape_mrkdwn(plain), 4000);
}

Result<std::string> render_modal(const bot::Form& form) {
  if (form.context.size() > kMaxPrivateMetadata) return fail("form context longer than 3000 bytes (private_metadata)");
  json blocks = json::array();
  for (const auto& in : form.inputs) {
    json block{{"type", "input"},
               {"block_id", truncate_utf8(in.key, 255)},
               {"label", plain_text(in.label, 2000)},
               {"optional", !in.required},
               {"element", input_element(in)}};
    if (!in.hint.empty()) block["hint"] = plain_text(in.hint, 2000);
    blocks.push_back(std::move(block));
  }
  json view{{"type", "modal"},
            {"callback_id", truncate_utf8(form.form_id, 255)},
            {"private_metadata", form.context},
            {"title", plain_text(form.title, kMaxModalTitle)},
            {"submit", plain_text(form.submit_label.empty() ? "Submit" : form.submit_label, kMaxModalTitle)},
            {"close", plain_text("Cancel", kMaxModalTitle)},
            {"blocks", std::move(blocks)}};
  return Result<std::string>(boost::system::in_place_value, view.dump());
}

Result<std::string> render_modal(const bot::Message& message, const ModalOrigin& origin) {
  const bot::Form* form = message.find_form();
  if (!form) return fail("the message has no form");
  auto rendered = render_modal(*form);
  if (!rendered) return rendered.error();
  json view = json::parse(*rendered);
  json intro = json::array();
  for (const auto& block : message.blocks)
    if (block.kind != bot::BlockKind::buttons && block.kind != bot::BlockKind::form) append_block(intro, block);
  json& inputs = view["blocks"];
  // A modal holds at most 100 blocks: the inputs first, then as much of the text as fits.
  const std::size_t room = inputs.size() < kMaxModalBlocks ? kMaxModalBlocks - inputs.size() : 0;
  json blocks = json::array();
  for (std::size_t i = 0; i < intro.size() && i < room; ++i) blocks.push_back(std::move(intro[i]));
  for (auto& b : inputs) blocks.push_back(std::move(b));
  view["blocks"] = std::move(blocks);
  if (!origin.channel.empty()) {
    std::string metadata =
        json{{"hallpass", 1}, {"context", form->context}, {"channel", origin.channel}, {"thread", origin.thread_ref}}
            .dump();
    if (metadata.size() > kMaxPrivateMetadata)
      return fail("form context and origin longer than 3000 bytes (private_metadata)");
    view["private_metadata"] = std::move(metadata);
  }
  return Result<std::string>(boost::system::in_place_value, view.dump());
}

bool has_input_errors(const bot::Form& form) {
  return std::any_of(form.inputs.begin(), form.inputs.end(),
                     [](const bot::FormInput& in) { return !in.error.empty(); });
}

std::string form_update_payload(std::string_view view_json) {
  return json{{"response_action", "update"}, {"view", json::parse(view_json)}}.dump();
}

std::string form_errors_payload(const bot::Form& form) {
  json errors = json::object();
  for (const auto& in : form.inputs)
    if (!in.error.empty()) errors[in.key] = in.error;
  return json{{"response_action", "errors"}, {"errors", std::move(errors)}}.dump();
}

}  // namespace adapters::slack
