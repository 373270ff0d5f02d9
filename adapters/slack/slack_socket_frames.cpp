#include "adapters/slack/slack_socket_frames.hpp"

#include "adapters/common/json_fields.hpp"

#include <nlohmann/json.hpp>

namespace adapters::slack {

namespace {

using json_fields::member;
using json_fields::str;
using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

}  // namespace

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
    const json& age = member(member(j, "debug_info"), "approximate_connection_time");
    if (age.is_number_integer()) f.approximate_connection_time = age.get<int>();
    return f;
  }
  if (type == "disconnect") {
    f.kind = FrameKind::disconnect;
    f.reason_text = str(j, "reason");
    if (f.reason_text == "warning")
      f.reason = DisconnectReason::warning;
    else if (f.reason_text == "refresh_requested")
      f.reason = DisconnectReason::refresh_requested;
    else if (f.reason_text == "link_disabled")
      f.reason = DisconnectReason::link_disabled;
    else if (f.reason_text == "too_many_websockets")
      f.reason = DisconnectReason::too_many_websockets;
    else
      f.reason = DisconnectReason::other;
    return f;
  }
  f.kind = FrameKind::envelope;
  Envelope& e = f.envelope;
  if (type == "slash_commands")
    e.type = EnvelopeType::slash_commands;
  else if (type == "interactive")
    e.type = EnvelopeType::interactive;
  else if (type == "events_api")
    e.type = EnvelopeType::events_api;
  else
    return fail("unknown frame type \"" + type + "\"");
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

}  // namespace adapters::slack
