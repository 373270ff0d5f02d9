#pragma once
// The seam between Slack's two ways of receiving (Socket Mode and HTTP mode) and the adapter:
// both receivers turn what arrived into (type, payload JSON, envelope id) and wait for the ack.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "adapters/slack/slack_payloads.hpp"

namespace adapters::slack {

struct AckReply {
  // true once the event is durably recorded (or was a duplicate, or was nothing for the bot),
  // so it may be acknowledged; false asks Slack to deliver it again (HTTP 503, no socket ack).
  bool accepted = true;
  // The ack's payload as JSON text (view_submission "response_action", a slash command's
  // immediate reply), or empty for a plain ack / an empty HTTP 200.
  std::string payload_json;
};

// envelope_id is empty in HTTP mode (the adapter then uses the payload's own id).
using EnvelopeHandler = std::function<boost::asio::awaitable<AckReply>(EnvelopeType type, std::string payload_json,
                                                                       std::string envelope_id)>;

}  // namespace adapters::slack
