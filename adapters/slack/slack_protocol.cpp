#include "adapters/slack/slack_protocol.hpp"

#include "adapters/common/json_fields.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bot/model/markup.hpp"

namespace adapters::slack {

void throw_exception_from_error(const ProtocolError& error, const boost::source_location&) {
  throw std::invalid_argument(error.message);
}

namespace {

using nlohmann::json;
using json_fields::member;
using json_fields::str;

constexpr std::string_view kCommand = "/socialmedia";

ProtocolError fail(std::string message) { return ProtocolError{std::move(message)}; }

std::optional<json> parse_json(std::string_view text) {
  json j = json_fields::parse(text);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Cuts to at most max bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// Like truncate_utf8 but ends with "…" when something was cut.
std::string shorten(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return truncate_utf8(s, max - 3) + "\xE2\x80\xA6";
}

// Slack ts "1700000000.123456" → time point, exactly (a double would lose the microseconds);
// `fallback` when it is not of that form.
std::chrono::system_clock::time_point ts_time(std::string_view ts,
                                              std::chrono::system_clock::time_point fallback) {
  const auto dot = ts.find('.');
  const std::string_view secs = ts.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : ts.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  // At most 10 digits and before 2200: later seconds would overflow the clock's nanoseconds.
  if (secs.empty() || secs.size() > 10 || !digits(secs) || frac.size() > 6 || !digits(frac) ||
      std::stoll(std::string(secs)) >= 7258118400LL)
    return fallback;
  std::string micro(frac);
  micro.resize(6, '0');
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(std::stoll(std::string(secs))) +
          std::chrono::microseconds(std::stoll(micro))));
}

// ---- payloads -------------------------------------------------------------------------------

Result<bot::Inbound> slash_command(const std::map<std::string, std::string>& f,
                                   std::string_view envelope_id,
                                   std::chrono::system_clock::time_point now) {
  auto get = [&](const char* key) {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  if (get("command") != kCommand) return fail("unknown slash command \"" + get("command") + "\"");
  bot::Inbound in;
  in.platform = "slack";
  in.kind = bot::InboundKind::command;
  in.event_id = !envelope_id.empty() ? std::string(envelope_id) : get("trigger_id");
  if (in.event_id.empty()) return fail("slash command without trigger_id");
  in.actor = get("user_id");
  if (in.actor.empty()) return fail("slash command without user_id");
  in.place.workspace = get("team_id");
  in.place.channel = get("channel_id");
  // A slash command in a DM with the bot arrives with channel_name "directmessage" and a "D…" id.
  in.place.direct = get("channel_name") == "directmessage" || in.place.channel.rfind('D', 0) == 0;
  in.text = get("text");
  in.reply_context = get("trigger_id");
  in.time = now;
  return in;
}

// view.state.values → key → value; block_id is the input key (render_modal sets it so).
std::map<std::string, std::string> flatten_state(const json& values) {
  std::map<std::string, std::string> out;
  if (!values.is_object()) return out;
  for (const auto& [block_id, actions] : values.items()) {
    if (!actions.is_object()) continue;
    for (const auto& [action_id, state] : actions.items()) {
      const std::string type = str(state, "type");
      std::string value;
      if (type == "static_select" || type == "radio_buttons" || type == "external_select") {
        value = str(member(state, "selected_option"), "value");
      } else if (type == "checkboxes" || type == "multi_static_select" ||
                 type == "multi_external_select") {
        const json& opts = member(state, "selected_options");
        if (opts.is_array()) {
          for (const auto& o : opts) {
            if (!value.empty()) value += ',';
            value += str(o, "value");
          }
        }
      } else {
        value = str(state, "value");
      }
      out[block_id] = std::move(value);
    }
  }
  return out;
}

// private_metadata is the form's context, or (for modals opened with an origin) a JSON object
// {"hallpass":1,"context":…,"channel":…,"thread":…}. Returns the context; fills origin.
std::string split_private_metadata(const std::string& metadata, ModalOrigin& origin) {
  if (metadata.empty() || metadata.front() != '{') return metadata;
  auto parsed = parse_json(metadata);
  if (!parsed || !parsed->is_object() || !member(*parsed, "hallpass").is_number_integer()) return metadata;
  origin.channel = str(*parsed, "channel");
  origin.thread_ref = str(*parsed, "thread");
  return str(*parsed, "context");
}

Result<std::optional<bot::Inbound>> interactive(const json& p, std::string_view envelope_id,
                                                std::chrono::system_clock::time_point now) {
  const std::string type = str(p, "type");
  bot::Inbound in;
  in.platform = "slack";
  in.actor = str(member(p, "user"), "id");
  in.place.workspace = str(member(p, "team"), "id");
  in.reply_context = str(p, "trigger_id");
  in.event_id = !envelope_id.empty() ? std::string(envelope_id) : in.reply_context;
  in.time = now;
  if (type == "block_actions") {
    const json& actions = member(p, "actions");
    if (!actions.is_array() || actions.empty()) return fail("block_actions without actions");
    const json& a = actions.front();
    in.kind = bot::InboundKind::action;
    in.action_id = str(a, "action_id");
    if (in.action_id.empty()) return fail("block_actions action without action_id");
    in.action_value = a.contains("value") ? str(a, "value")
                                          : str(member(a, "selected_option"), "value");
    const json& container = member(p, "container");
    in.place.channel = str(member(p, "channel"), "id");
    if (in.place.channel.empty()) in.place.channel = str(container, "channel_id");
    const json& msg = member(p, "message");
    // The thread of the clicked message: its root when it is a reply, else the message itself.
    // An ephemeral message is no thread root (Slack does not keep it), so only its own thread counts.
    const json& ephemeral = member(container, "is_ephemeral");
    const bool is_ephemeral = ephemeral.is_boolean() && ephemeral.get<bool>();
    in.place.thread_ref = str(msg, "thread_ts");
    if (in.place.thread_ref.empty() && !is_ephemeral) in.place.thread_ref = str(msg, "ts");
    if (in.place.thread_ref.empty() && !is_ephemeral) in.place.thread_ref = str(container, "message_ts");
    in.place.direct = in.place.channel.rfind('D', 0) == 0;
    if (in.event_id.empty()) in.event_id = str(a, "action_ts");
  } else if (type == "view_submission") {
    const json& view = member(p, "view");
    in.kind = bot::InboundKind::form_submission;
    in.form_id = str(view, "callback_id");
    if (in.form_id.empty()) return fail("view_submission without callback_id");
    ModalOrigin origin;
    in.form_context = split_private_metadata(str(view, "private_metadata"), origin);
    in.place.channel = origin.channel;
    in.place.thread_ref = origin.thread_ref;
    in.place.direct = origin.channel.rfind('D', 0) == 0 || origin.channel.rfind("dm:", 0) == 0;
    in.values = flatten_state(member(member(view, "state"), "values"));
    if (in.event_id.empty()) in.event_id = str(view, "id") + ":" + str(view, "hash");
  } else {
    return std::optional<bot::Inbound>();  // view_closed, shortcuts, suggestions: not for the core
  }
  if (in.actor.empty()) return fail(type + " without user.id");
  if (in.event_id.empty()) return fail(type + " without trigger_id");  // the core de-duplicates on it
  return std::optional<bot::Inbound>(std::move(in));
}

// Removes a leading "<@U…>" (and any "|name" inside it) plus the space after it.
std::string strip_leading_mention(std::string_view text) {
  std::string_view t = text;
  while (t.size() > 2 && t.substr(0, 2) == "<@") {
    auto end = t.find('>');
    if (end == std::string_view::npos) break;
    t.remove_prefix(end + 1);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  }
  return std::string(t);
}

Result<std::optional<bot::Inbound>> event_callback(const json& p,
                                                   std::chrono::system_clock::time_point now) {
  if (str(p, "type") != "event_callback") return std::optional<bot::Inbound>();
  const json& e = member(p, "event");
  if (!e.is_object()) return fail("event_callback without event");
  const std::string event_id = str(p, "event_id");
  if (event_id.empty()) return fail("event_callback without event_id");
  const std::string type = str(e, "type");
  const std::string subtype = str(e, "subtype");
  // Our own posts and other bots' come back as events; edits and deletions are not new requests.
  if (e.contains("bot_id") || subtype == "bot_message") return std::optional<bot::Inbound>();
  if (!subtype.empty() && subtype != "file_share" && subtype != "thread_broadcast")
    return std::optional<bot::Inbound>();
  if (type != "message" && type != "app_mention") return std::optional<bot::Inbound>();

  bot::Inbound in;
  in.platform = "slack";
  in.kind = bot::InboundKind::message;
  in.event_id = event_id;
  in.actor = str(e, "user");
  if (in.actor.empty()) return fail(type + " event without user");
  in.place.workspace = str(p, "team_id");
  in.place.channel = str(e, "channel");
  in.place.thread_ref = str(e, "thread_ts");
  in.time = ts_time(str(e, "ts"), now);
  in.text = str(e, "text");
  const json& files = member(e, "files");
  if (files.is_array() && !files.empty()) {
    in.has_attachment = true;
    in.attachment_ref = str(files.front(), "id");
  }
  if (type == "app_mention") {
    in.mentions_bot = true;
    in.text = strip_leading_mention(in.text);
    return std::optional<bot::Inbound>(std::move(in));
  }
  in.place.direct = str(e, "channel_type") == "im";
  if (in.place.direct) return std::optional<bot::Inbound>(std::move(in));
  // In channels a mention of the bot also arrives as app_mention; take that one only.
  const json& auths = member(p, "authorizations");
  if (auths.is_array() && !auths.empty()) {
    const std::string bot_user = str(auths.front(), "user_id");
    if (!bot_user.empty() && in.text.find("<@" + bot_user) != std::string::npos)
      return std::optional<bot::Inbound>();
  }
  const bool thread_reply = !in.place.thread_ref.empty() && in.place.thread_ref != str(e, "ts");
  if (thread_reply || in.has_attachment) return std::optional<bot::Inbound>(std::move(in));
  return std::optional<bot::Inbound>();
}

// ---- rendering ------------------------------------------------------------------------------

json plain_text(std::string_view text, std::size_t max) {
  return json{{"type", "plain_text"}, {"text", shorten(text, max)}, {"emoji", true}};
}

json mrkdwn_section(std::string text) {
  return json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

json context_block(std::string text) {
  return json{{"type", "context"},
              {"elements", json::array({{{"type", "mrkdwn"}, {"text", std::move(text)}}})}};
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
      for (auto& piece : split_text(quoted, kMaxSectionText))
        blocks.push_back(mrkdwn_section(std::move(piece)));
      if (!block.citation.empty())
        blocks.push_back(context_block(escape_mrkdwn(block.citation)));
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
    case bot::BlockKind::form:
      break;  // opened as a modal through views.open (build_api_call)
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
      break;
    case bot::InputKind::single_choice: {
      el = {{"type", in.choices.size() <= 5 ? "radio_buttons" : "static_select"},
            {"options", json::array()}};
      for (std::size_t i = 0; i < in.choices.size() && i < 100; ++i) {
        el["options"].push_back(option_json(in.choices[i]));
        if (in.choices[i].value == in.initial) el["initial_option"] = option_json(in.choices[i]);
      }
      break;
    }
    case bot::InputKind::multi_choice: {
      el = {{"type", in.choices.size() <= 10 ? "checkboxes" : "multi_static_select"},
            {"options", json::array()}};
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

// ---- Web API errors -------------------------------------------------------------------------

bot::SendErrorKind error_kind(std::string_view error) {
  static const std::map<std::string_view, bot::SendErrorKind> kinds = {
      {"ratelimited", bot::SendErrorKind::rate_limited},
      {"rate_limited", bot::SendErrorKind::rate_limited},
      {"invalid_auth", bot::SendErrorKind::auth},
      {"not_authed", bot::SendErrorKind::auth},
      {"token_revoked", bot::SendErrorKind::auth},
      {"token_expired", bot::SendErrorKind::auth},
      {"account_inactive", bot::SendErrorKind::auth},
      {"missing_scope", bot::SendErrorKind::auth},
      {"not_allowed_token_type", bot::SendErrorKind::auth},
      {"channel_not_found", bot::SendErrorKind::not_found},
      {"not_in_channel", bot::SendErrorKind::not_found},
      {"is_archived", bot::SendErrorKind::not_found},
      {"message_not_found", bot::SendErrorKind::not_found},
      {"user_not_found", bot::SendErrorKind::not_found},
      {"users_not_found", bot::SendErrorKind::not_found},
      {"thread_not_found", bot::SendErrorKind::not_found},
      {"invalid_blocks", bot::SendErrorKind::bad_request},
      {"msg_too_long", bot::SendErrorKind::bad_request},
      {"no_text", bot::SendErrorKind::bad_request},
      {"invalid_arguments", bot::SendErrorKind::bad_request},
      {"cant_update_message", bot::SendErrorKind::bad_request},
      {"expired_trigger_id", bot::SendErrorKind::bad_request},
      {"exchanged_trigger_id", bot::SendErrorKind::bad_request},
      {"invalid_trigger_id", bot::SendErrorKind::bad_request},
      {"internal_error", bot::SendErrorKind::server},
      {"fatal_error", bot::SendErrorKind::server},
      {"service_unavailable", bot::SendErrorKind::server},
      {"request_timeout", bot::SendErrorKind::timeout},
  };
  auto it = kinds.find(error);
  return it == kinds.end() ? bot::SendErrorKind::bad_request : it->second;
}

}  // namespace

// ---- Socket Mode ----------------------------------------------------------------------------

Result<Frame> parse_frame(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed || !parsed->is_object()) return fail("frame is not a JSON object");
  const json& j = *parsed;
  Frame f;
  const std::string type = str(j, "type");
  if (type == "hello") {
    f.kind = FrameKind::hello;
    const json& n = member(j, "num_connections");
    if (n.is_number_integer()) f.num_connections = n.get<int>();
    f.app_id = str(member(j, "connection_info"), "app_id");
    return f;
  }
  if (type == "disconnect") {
    f.kind = FrameKind::disconnect;
    f.reason_text = str(j, "reason");
    if (f.reason_text == "warning") f.reason = DisconnectReason::warning;
    else if (f.reason_text == "refresh_requested") f.reason = DisconnectReason::refresh_requested;
    else if (f.reason_text == "link_disabled") f.reason = DisconnectReason::link_disabled;
    else if (f.reason_text == "too_many_websockets") f.reason = DisconnectReason::too_many_websockets;
    else f.reason = DisconnectReason::other;
    return f;
  }
  f.kind = FrameKind::envelope;
  Envelope& e = f.envelope;
  if (type == "slash_commands") e.type = EnvelopeType::slash_commands;
  else if (type == "interactive") e.type = EnvelopeType::interactive;
  else if (type == "events_api") e.type = EnvelopeType::events_api;
  else return fail("unknown frame type \"" + type + "\"");
  e.envelope_id = str(j, "envelope_id");
  if (e.envelope_id.empty()) return fail(type + " envelope without envelope_id");
  const json& payload = member(j, "payload");
  if (!payload.is_object()) return fail(type + " envelope without a payload object");
  e.payload = payload.dump();
  const json& accepts = member(j, "accepts_response_payload");
  e.accepts_response_payload = accepts.is_boolean() && accepts.get<bool>();
  const json& attempt = member(j, "retry_attempt");
  if (attempt.is_number_integer()) e.retry_attempt = attempt.get<int>();
  e.retry_reason = str(j, "retry_reason");
  return f;
}

std::string ack_frame(std::string_view envelope_id, std::string_view payload_json) {
  json j{{"envelope_id", envelope_id}};
  if (!payload_json.empty()) j["payload"] = json::parse(payload_json);
  return j.dump();
}

Result<std::optional<bot::Inbound>> payload_to_inbound(EnvelopeType type,
                                                      std::string_view payload_json,
                                                      std::string_view envelope_id,
                                                      std::chrono::system_clock::time_point now) {
  auto parsed = parse_json(payload_json);
  if (!parsed || !parsed->is_object()) return fail("payload is not a JSON object");
  switch (type) {
    case EnvelopeType::slash_commands: {
      std::map<std::string, std::string> fields;
      for (const auto& [k, v] : parsed->items())
        if (v.is_string()) fields[k] = v.get<std::string>();
      auto in = slash_command(fields, envelope_id, now);
      if (!in) return in.error();
      return std::optional<bot::Inbound>(std::move(*in));
    }
    case EnvelopeType::interactive:
      return interactive(*parsed, envelope_id, now);
    case EnvelopeType::events_api:
      return event_callback(*parsed, now);
  }
  return fail("unknown envelope type");
}

// ---- HTTP mode ------------------------------------------------------------------------------

Result<void> verify_slack_signature(std::string_view signing_secret,
                                    std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    std::chrono::system_clock::time_point now) {
  if (signing_secret.empty()) return fail("no signing secret configured");
  if (timestamp_header.empty() || timestamp_header.size() > 12 ||
      !std::all_of(timestamp_header.begin(), timestamp_header.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return fail("malformed X-Slack-Request-Timestamp");
  const long long ts = std::stoll(std::string(timestamp_header));
  const long long now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (std::llabs(now_s - ts) > 5 * 60) return fail("stale X-Slack-Request-Timestamp");

  constexpr std::string_view kPrefix = "v0=";
  if (signature_header.size() != kPrefix.size() + 64 || signature_header.substr(0, 3) != kPrefix)
    return fail("malformed X-Slack-Signature");
  unsigned char given[32];
  for (std::size_t i = 0; i < 32; ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nibble(signature_header[3 + 2 * i]);
    const int lo = nibble(signature_header[4 + 2 * i]);
    if (hi < 0 || lo < 0) return fail("malformed X-Slack-Signature");
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }

  std::string base = "v0:";
  base.append(timestamp_header);
  base += ':';
  base.append(raw_body);
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), signing_secret.data(), static_cast<int>(signing_secret.size()),
            reinterpret_cast<const unsigned char*>(base.data()), base.size(), expected, &len) ||
      len != 32)
    return fail("HMAC-SHA256 failed");
  if (CRYPTO_memcmp(expected, given, 32) != 0) return fail("signature mismatch");
  return {};
}

Result<std::map<std::string, std::string>> parse_form_urlencoded(std::string_view body) {
  auto decode = [](std::string_view s, std::string& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%') {
        if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
          return false;
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return true;
  };
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!decode(pair.substr(0, eq), key) ||
        (eq != std::string_view::npos && !decode(pair.substr(eq + 1), value)))
      return fail("malformed %-escape in form body");
    fields[std::move(key)] = std::move(value);
  }
  return fields;
}

Result<bot::Inbound> parse_slash_command_form(std::string_view body,
                                              std::chrono::system_clock::time_point now) {
  auto fields = parse_form_urlencoded(body);
  if (!fields) return fields.error();
  return slash_command(*fields, {}, now);
}

Result<std::string> interactive_payload_from_form(std::string_view body) {
  auto fields = parse_form_urlencoded(body);
  if (!fields) return fields.error();
  auto it = fields->find("payload");
  if (it == fields->end()) return fail("interactive body without payload");
  auto parsed = parse_json(it->second);
  if (!parsed || !parsed->is_object()) return fail("interactive payload is not a JSON object");
  return Result<std::string>(boost::system::in_place_value, it->second);
}

std::optional<std::string> url_verification_challenge(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || str(*parsed, "type") != "url_verification") return std::nullopt;
  const json& c = member(*parsed, "challenge");
  if (!c.is_string()) return std::nullopt;
  return c.get<std::string>();
}

// ---- Rendering ------------------------------------------------------------------------------

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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
  if (form.context.size() > kMaxPrivateMetadata)
    return fail("form context longer than 3000 bytes (private_metadata)");
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
            {"submit", plain_text(form.submit_label.empty() ? "Submit" : form.submit_label,
                                  kMaxModalTitle)},
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
    std::string metadata = json{{"hallpass", 1},
                                {"context", form->context},
                                {"channel", origin.channel},
                                {"thread", origin.thread_ref}}
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

Result<ApiCall> build_api_call(const bot::Delivery& d) {
  if (d.channel.empty() && d.reply_context.empty()) return fail("delivery without a channel");
  ApiCall call;
  if (!d.delete_ref.empty()) {
    // Slack file ids start with F; anything else is a message ts in the delivery's channel.
    if (d.delete_ref.front() == 'F') {
      call.method = "files.delete";
      call.body_json = json{{"file", d.delete_ref}}.dump();
    } else {
      if (d.channel.empty()) return fail("a message to delete needs its channel");
      call.method = "chat.delete";
      call.body_json = json{{"channel", d.channel}, {"ts", d.delete_ref}}.dump();
    }
    return call;
  }
  if (d.message.find_form()) {
    if (d.reply_context.empty()) return fail("a form needs a trigger_id (reply_context)");
    auto view = render_modal(d.message, ModalOrigin{d.channel, d.thread_ref});
    if (!view) return view.error();
    call.method = "views.open";
    call.body_json =
        json{{"trigger_id", d.reply_context}, {"view", json::parse(*view)}}.dump();
    return call;
  }
  if (d.channel.rfind("dm:", 0) == 0) {
    call.method = "conversations.open";
    call.dm_user = d.channel.substr(3);
    if (call.dm_user.empty()) return fail("\"dm:\" channel without a user");
    call.body_json = json{{"users", call.dm_user}}.dump();
    return call;
  }
  json body{{"channel", d.channel},
            {"text", fallback_text(d.message)},
            {"blocks", json::parse(render_blocks(d.message))}};
  if (!d.update_ref.empty()) {
    call.method = "chat.update";
    body["ts"] = d.update_ref;
  } else {
    call.method = d.ephemeral_user.empty() ? "chat.postMessage" : "chat.postEphemeral";
    if (!d.ephemeral_user.empty()) body["user"] = d.ephemeral_user;
    if (!d.thread_ref.empty()) body["thread_ts"] = d.thread_ref;
  }
  call.body_json = body.dump();
  return call;
}

// ---- Web API responses ----------------------------------------------------------------------

Result<ApiResponse> parse_api_response(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return fail("Web API response is not a JSON object");
  const json& j = *parsed;
  const json& ok = member(j, "ok");
  if (!ok.is_boolean()) return fail("Web API response without \"ok\"");
  ApiResponse r;
  r.ok = ok.get<bool>();
  r.error = str(j, "error");
  r.ts = str(j, "ts");
  if (r.ts.empty()) r.ts = str(j, "message_ts");
  const json& channel = member(j, "channel");
  r.channel = channel.is_object() ? str(channel, "id") : str(j, "channel");
  r.url = str(j, "url");
  const json& user = member(j, "user");
  r.user_id = str(user, "id");
  r.email = str(member(user, "profile"), "email");
  const json& messages = member(member(j, "response_metadata"), "messages");
  if (messages.is_array())
    for (const auto& m : messages)
      if (m.is_string()) r.messages.push_back(m.get<std::string>());
  return r;
}

bot::SendResult to_send_result(int http_status, std::optional<std::chrono::seconds> retry_after,
                               std::string_view body) {
  bot::SendResult out;
  auto r = parse_api_response(body);
  if (http_status == 429 || (r && r->error == "ratelimited")) {
    out.error = bot::SendErrorKind::rate_limited;
    out.error_text = "ratelimited";
    // Without Retry-After, wait the 1 s that chat.postMessage allows per channel.
    out.retry_after = retry_after.value_or(std::chrono::seconds(1));
    return out;
  }
  if (!r) {
    out.error = http_status >= 500 ? bot::SendErrorKind::server : bot::SendErrorKind::bad_request;
    out.error_text = "HTTP " + std::to_string(http_status) + ": " + r.error().message;
    return out;
  }
  if (r->ok) {
    out.ref = r->ts;
    return out;
  }
  out.error = error_kind(r->error);
  out.error_text = r->error;
  for (const auto& m : r->messages) out.error_text += "; " + m;
  return out;
}

}  // namespace adapters::slack
