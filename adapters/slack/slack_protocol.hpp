#pragma once
// The Slack wire protocol, sans-I/O: Socket Mode frames and acks, payloads → bot::Inbound,
// request signatures and form bodies of HTTP mode, bot::Message → Block Kit, Web API call
// arguments and responses. Nothing here opens a socket or reads a clock; callers pass `now`.
// Facts and limits: /work/shared/protocols/slack.md (docs/slack.md says what is still missing).
#include <boost/system/result.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/delivery.hpp"
#include "bot/model/inbound.hpp"
#include "bot/model/message.hpp"

namespace adapters::slack {

struct ProtocolError {
  std::string message;  // what was wrong, for the log
};

// What result<T, ProtocolError>::value() throws on an error: std::invalid_argument(message).
[[noreturn]] void throw_exception_from_error(const ProtocolError& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, ProtocolError>;

// ---- Socket Mode ----------------------------------------------------------------------------

enum class FrameKind { hello, disconnect, envelope };
enum class DisconnectReason { warning, refresh_requested, link_disabled, too_many_websockets, other };
enum class EnvelopeType { slash_commands, interactive, events_api };

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
  int num_connections = 0;        // hello
  std::string app_id;             // hello
  DisconnectReason reason = DisconnectReason::other;  // disconnect
  std::string reason_text;        // disconnect: the reason as sent
  Envelope envelope;              // envelope
};

// Parses one Socket Mode text frame. Refuses malformed JSON, an unknown frame or envelope type
// and an envelope without envelope_id or payload object.
Result<Frame> parse_frame(std::string_view text);
// {"envelope_id":…} or, with a payload (JSON text of an object), {"envelope_id":…,"payload":…}.
// Throws nlohmann::json::parse_error when payload_json is not JSON.
std::string ack_frame(std::string_view envelope_id, std::string_view payload_json = {});

// ---- Payloads → Inbound ---------------------------------------------------------------------

// A delivery payload (the same object in Socket Mode and HTTP mode) → the neutral event.
// An empty optional means "nothing for the bot": bot messages, edits and deletions, channel
// messages that are neither thread replies nor carry files, view_closed and other interactions.
// event_id: the envelope id when there is one, else a stable id from the payload
// (events: event_id; slash commands and actions: the trigger_id).
Result<std::optional<bot::Inbound>> payload_to_inbound(EnvelopeType type,
                                                      std::string_view payload_json,
                                                      std::string_view envelope_id,
                                                      std::chrono::system_clock::time_point now);

// ---- HTTP mode ------------------------------------------------------------------------------

// Checks X-Slack-Signature ("v0=<hex>") = HMAC-SHA256(secret, "v0:<ts>:<raw body>") in constant
// time, and refuses a timestamp more than 5 minutes from `now` (replays).
Result<void> verify_slack_signature(std::string_view signing_secret,
                                    std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    std::chrono::system_clock::time_point now);

// application/x-www-form-urlencoded → fields ("+" is a space, %XX a byte). Refuses a bad %XX.
Result<std::map<std::string, std::string>> parse_form_urlencoded(std::string_view body);
// A slash command delivered as form fields (HTTP mode).
Result<bot::Inbound> parse_slash_command_form(std::string_view body,
                                              std::chrono::system_clock::time_point now);
// An interactive request body "payload=<json>" → the payload's JSON text.
Result<std::string> interactive_payload_from_form(std::string_view body);
// The challenge of an Events API {"type":"url_verification"} body, or nullopt for any other body.
std::optional<std::string> url_verification_challenge(std::string_view body);

// ---- Rendering ------------------------------------------------------------------------------

inline constexpr std::size_t kMaxBlocks = 50;
inline constexpr std::size_t kMaxSectionText = 3000;
inline constexpr std::size_t kMaxFieldText = 2000;
inline constexpr std::size_t kMaxFieldsPerSection = 10;
inline constexpr std::size_t kMaxHeaderText = 150;
inline constexpr std::size_t kMaxActionElements = 25;
inline constexpr std::size_t kMaxButtonText = 75;
inline constexpr std::size_t kMaxButtonValue = 2000;
inline constexpr std::size_t kMaxActionId = 255;
inline constexpr std::size_t kMaxModalTitle = 24;
inline constexpr std::size_t kMaxModalBlocks = 100;
inline constexpr std::size_t kMaxPrivateMetadata = 3000;

// Escapes user text for mrkdwn: only & < > (so <@U…>, <!here> and <url> cannot be formed).
std::string escape_mrkdwn(std::string_view text);
// Neutral markup (bot/model/markup.hpp) → mrkdwn.
std::string to_mrkdwn(std::string_view markup);
// The message's blocks as a JSON array (form blocks are left out: forms open as modals), within
// Slack's limits: sections split at 3000 characters, fields 10 per section, buttons 25 per actions
// block, at most 50 blocks with a closing "…message shortened" context.
std::string render_blocks(const bot::Message& message);
// The notification text: Message::fallback, else the plain text, escaped and at most 4000 bytes.
std::string fallback_text(const bot::Message& message);
// Where a modal was opened: a view_submission carries no channel of its own, so the adapter
// sends this through Slack in the view's private_metadata, and the submission is answered in the
// conversation (and thread) the form came from.
struct ModalOrigin {
  std::string channel;     // "C…", "D…" or "dm:U…"
  std::string thread_ref;  // the thread's root ts, or empty
};

// A views.open modal for the form. Refuses a context over 3000 bytes (private_metadata).
Result<std::string> render_modal(const bot::Form& form);
// The modal for a message with a form: its text blocks (header, paragraphs, fields, quotes,
// context; not buttons) above the form's inputs, and the origin wrapped with the form's context
// into private_metadata. Refuses when that exceeds 3000 bytes.
Result<std::string> render_modal(const bot::Message& message, const ModalOrigin& origin);
// {"response_action":"errors","errors":{"<input key>":"<error>"}} from the inputs' error texts.
std::string form_errors_payload(const bot::Form& form);
// True when some input of the form carries an error (a refused submission shown again).
bool has_input_errors(const bot::Form& form);
// {"response_action":"update","view":<view>}: the open modal is replaced by the next form.
std::string form_update_payload(std::string_view view_json);

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
Result<ApiCall> build_api_call(const bot::Delivery& delivery);

// ---- Web API responses ----------------------------------------------------------------------

struct ApiResponse {
  bool ok = false;
  std::string error;
  std::string ts;       // chat.postMessage / chat.update; chat.postEphemeral's message_ts
  std::string channel;  // the channel, or conversations.open's channel.id
  std::string url;      // apps.connections.open: the websocket URL
  std::string user_id;  // users.info / users.lookupByEmail: user.id
  std::string email;    // users.info / users.lookupByEmail: user.profile.email (needs users:read.email)
  std::vector<std::string> messages;  // response_metadata.messages (invalid_blocks hints)
};

Result<ApiResponse> parse_api_response(std::string_view body);
// The outcome of a Web API call as the dispatcher sees it. retry_after: the Retry-After header
// in seconds when present (used for HTTP 429 / "ratelimited").
bot::SendResult to_send_result(int http_status, std::optional<std::chrono::seconds> retry_after,
                               std::string_view body);

}  // namespace adapters::slack
