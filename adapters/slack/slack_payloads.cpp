#include "adapters/slack/slack_payloads.hpp"

#include "adapters/common/json_fields.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_blocks.hpp"

namespace adapters::slack {

namespace {

using json_fields::member;
using json_fields::str;
using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

constexpr std::string_view kCommand = "/socialmedia";

// Slack ts "1700000000.123456" → time point, exactly (a double would lose the microseconds);
// `fallback` when it is not of that form.
std::chrono::system_clock::time_point ts_time(std::string_view ts, std::chrono::system_clock::time_point fallback) {
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
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(std::stoll(std::string(secs))) + std::chrono::microseconds(std::stoll(micro))));
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
      } else if (type == "checkboxes" || type == "multi_static_select" || type == "multi_external_select") {
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
    in.action_value = a.contains("value") ? str(a, "value") : str(member(a, "selected_option"), "value");
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

Result<std::optional<bot::Inbound>> event_callback(const json& p, std::chrono::system_clock::time_point now) {
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
  // No attachment_ref: Slack lets an app delete only the files it uploaded itself (files.delete
  // answers cant_delete_file for a person's file, even with files:write), so the person is asked
  // to delete it instead of being told it was.
  if (files.is_array() && !files.empty()) in.has_attachment = true;
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
    if (!bot_user.empty() && in.text.find("<@" + bot_user) != std::string::npos) return std::optional<bot::Inbound>();
  }
  const bool thread_reply = !in.place.thread_ref.empty() && in.place.thread_ref != str(e, "ts");
  if (thread_reply || in.has_attachment) return std::optional<bot::Inbound>(std::move(in));
  return std::optional<bot::Inbound>();
}

}  // namespace

Result<bot::Inbound> slash_command_to_inbound(const std::map<std::string, std::string>& f, std::string_view envelope_id,
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

Result<std::optional<bot::Inbound>> payload_to_inbound(EnvelopeType type, std::string_view payload_json,
                                                       std::string_view envelope_id,
                                                       std::chrono::system_clock::time_point now) {
  auto parsed = parse_json(payload_json);
  if (!parsed || !parsed->is_object()) return fail("payload is not a JSON object");
  switch (type) {
    case EnvelopeType::slash_commands: {
      std::map<std::string, std::string> fields;
      for (const auto& [k, v] : parsed->items())
        if (v.is_string()) fields[k] = v.get<std::string>();
      auto in = slash_command_to_inbound(fields, envelope_id, now);
      if (!in) return in.error();
      return std::optional<bot::Inbound>(std::move(*in));
    }
    case EnvelopeType::interactive: return interactive(*parsed, envelope_id, now);
    case EnvelopeType::events_api: return event_callback(*parsed, now);
  }
  return fail("unknown envelope type");
}

}  // namespace adapters::slack
