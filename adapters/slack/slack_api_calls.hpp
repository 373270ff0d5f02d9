#pragma once
// Web API calls, sans-I/O: which method and JSON body deliver a bot::Delivery (post, update,
// ephemeral, delete, open a DM or a modal), and what Slack's answer means (ts, channel, socket
// URL, user; an error as a bot::SendResult the outbox dispatcher retries by kind). Apart from
// Block Kit (slack_blocks.hpp), which these bodies carry, the way Teams keeps connector_calls apart
// from teams_cards; slack_web_api.cpp sends the calls and reads the answers over HTTPS.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/slack/slack_protocol_result.hpp"
#include "bot/model/delivery.hpp"

namespace adapters::slack {

// One Web API call to make for a delivery.
struct ApiCall {
  std::string method;     // "chat.postMessage", "chat.update", "chat.postEphemeral", "views.open",
                          // or "conversations.open" when the channel is "dm:<user>"
  std::string body_json;  // the JSON body (token goes in the Authorization header)
  std::string dm_user;    // conversations.open: open this DM, then build again with its channel
};

// chat.delete (or files.delete for a file id "F…") when delete_ref is set, chat.update when
// update_ref is set, chat.postEphemeral for ephemeral_user, views.open for a message with a form
// and a trigger_id (reply_context; the delivery's channel and thread become the modal's origin),
// else chat.postMessage; thread_ts from thread_ref. Refuses an empty channel, and a form without
// a trigger_id.
// chat.postMessage carries metadata {event_type: kOutboxEventType, event_payload: {outbox_key:
// delivery.idempotency_key}} (the outbox key, for reconcile_query after a crash).
Result<ApiCall> build_api_call(const bot::Delivery& delivery);

inline constexpr const char* kOutboxEventType = "hallpass_outbox";
// The history call (form fields as a JSON object of strings) that shows whether a message posted
// with chat.postMessage arrived: conversations.replies for a thread reply, else
// conversations.history, with include_all_metadata. None for what leaves no trace to look for
// (ephemeral messages, modals, deletions, a "dm:"/"email:" channel not resolved yet).
std::optional<ApiCall> reconcile_query(const bot::Delivery& delivery);
// The ts of the message in a conversations.history/replies answer whose metadata carries this
// outbox key; none when no message does (or the answer does not parse).
std::optional<std::string> find_outbox_key(std::string_view history_body, std::string_view outbox_key);

// ---- Web API responses ----------------------------------------------------------------------

struct ApiResponse {
  bool ok = false;
  std::string error;
  std::string ts;                     // chat.postMessage / chat.update; chat.postEphemeral's message_ts
  std::string channel;                // the channel, or conversations.open's channel.id
  std::string url;                    // apps.connections.open: the websocket URL
  std::string user_id;                // users.info / users.lookupByEmail: user.id
  std::string email;                  // users.info / users.lookupByEmail: user.profile.email (needs users:read.email)
  std::vector<std::string> messages;  // response_metadata.messages (invalid_blocks hints)
};

Result<ApiResponse> parse_api_response(std::string_view body);
// The outcome of a Web API call as the dispatcher sees it. retry_after: the Retry-After header
// in seconds when present (used for HTTP 429 / "ratelimited").
bot::SendResult to_send_result(int http_status, std::optional<std::chrono::seconds> retry_after, std::string_view body);

}  // namespace adapters::slack
