#pragma once
// Socket Mode's frames, sans-I/O: a text frame from Slack's websocket (hello, disconnect, or an
// envelope carrying one payload) → a Frame, and the ack frame that answers an envelope. Apart
// from the payloads (slack_payloads.hpp) because HTTP mode delivers the same payloads without
// any frame; slack_socket_mode.cpp is the websocket that reads and writes these.
#include <string>
#include <string_view>

#include "adapters/slack/slack_payloads.hpp"
#include "adapters/slack/slack_protocol_result.hpp"

namespace adapters::slack {

enum class FrameKind { hello, disconnect, envelope };
enum class DisconnectReason { warning, refresh_requested, link_disabled, too_many_websockets, other };

struct Envelope {
  std::string envelope_id;
  EnvelopeType type = EnvelopeType::events_api;
  std::string payload;  // the payload object as JSON text, as an HTTP Request URL would get it
  bool accepts_response_payload = false;
  int retry_attempt = 0;
  std::string retry_reason;
};

struct Frame {
  FrameKind kind = FrameKind::hello;
  int num_connections = 0;                            // hello
  std::string app_id;                                 // hello
  int approximate_connection_time = 0;                // hello: seconds Slack means to keep it (0: not said)
  DisconnectReason reason = DisconnectReason::other;  // disconnect
  std::string reason_text;                            // disconnect: the reason as sent
  Envelope envelope;                                  // envelope
};

// Parses one Socket Mode text frame. Refuses malformed JSON, an unknown frame or envelope type
// and an envelope without envelope_id or payload object.
Result<Frame> parse_frame(std::string_view text);
// {"envelope_id":…} or, with a payload (JSON text of an object), {"envelope_id":…,"payload":…}.
// Throws nlohmann::json::parse_error when payload_json is not JSON.
std::string ack_frame(std::string_view envelope_id, std::string_view payload_json = {});

}  // namespace adapters::slack
