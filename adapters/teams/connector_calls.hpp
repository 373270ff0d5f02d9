#pragma once
// Bot Connector REST calls, sans-I/O: what to send for each operation (method, path, body) and
// what a response means (bot::SendResult, resource ids, members). connector_client.hpp sends them.
// Base URL = the conversation's serviceUrl, which may carry a path ("…/amer/"); conversation and
// activity ids are percent-encoded in paths (they contain : ; @ =).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/path_segment.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "adapters/teams/teams_protocol.hpp"
#include "bot/model/delivery.hpp"

namespace adapters::teams {

// ---- service URLs ----------------------------------------------------------------------------

struct ServiceUrl {
  std::string origin;     // "https://smba.trafficmanager.net" (scheme and host lower case, default port left out)
  std::string base_path;  // "/amer", without the trailing slash; "" for none

  // origin + base_path: the form service URLs are compared in.
  std::string normalized() const { return origin + base_path; }
};

// Parses a service URL. Refuses anything but https, except http to a loopback host (tests), and
// URLs with user info, a query or a fragment: the bearer token goes to whatever this names.
Result<ServiceUrl> parse_service_url(std::string_view url);
using adapters::http::encode_path_segment;  // conversation and activity ids in paths

// ---- calls -----------------------------------------------------------------------------------

struct ConnectorCall {
  std::string method;        // "POST", "PUT", "GET", "DELETE"
  std::string service_url;   // the base, as stored (parse_service_url splits it)
  std::string path;          // from "/v3/…", already encoded; appended to the base path
  std::string body;          // JSON; empty for GET and DELETE
  std::string conversation;  // the conversation this writes to, without ";messageid=": the
                             // pacing key (7 per second per conversation); empty for reads
};

// POST /v3/conversations/{id}/activities: a new message (top-level in a channel).
ConnectorCall send_to_conversation(std::string_view service_url, std::string_view conversation_id,
                                   const nlohmann::json& activity);
// POST /v3/conversations/{id}/activities/{replyToId} with replyToId in the body. For a channel
// thread, conversation_id is the thread's ("…;messageid=<root>", thread_conversation_id).
ConnectorCall reply_to_activity(std::string_view service_url, std::string_view conversation_id,
                                std::string_view reply_to_id, const nlohmann::json& activity);
// PUT /v3/conversations/{id}/activities/{activityId}: replaces a message (a card after a decision).
ConnectorCall update_activity(std::string_view service_url, std::string_view conversation_id,
                              std::string_view activity_id, const nlohmann::json& activity);
// DELETE /v3/conversations/{id}/activities/{activityId}: only the bot's own messages.
ConnectorCall delete_activity(std::string_view service_url, std::string_view conversation_id,
                              std::string_view activity_id);
// POST /v3/conversations: the personal chat of the bot and user_id ("29:…"), for a proactive
// message; the id it returns is stable, so keep it. tenant_id goes in tenantId and channelData.
ConnectorCall create_personal_conversation(std::string_view service_url, std::string_view bot_id,
                                           std::string_view bot_name, std::string_view user_id,
                                           std::string_view tenant_id);
// POST /v3/conversations with channelData.channel and the first message: a new thread in a
// channel (Teams has no other way to start one). The answer's activityId is the thread's root;
// the call is paced with the channel's other writes.
ConnectorCall create_channel_thread(std::string_view service_url, std::string_view bot_id, std::string_view channel_id,
                                    std::string_view tenant_id, const nlohmann::json& activity);
// GET /v3/conversations/{id}/members/{userId}: a member with email and userPrincipalName, to
// match a Teams user to the people directory. user_id: "29:…" or the aadObjectId.
ConnectorCall get_member(std::string_view service_url, std::string_view conversation_id, std::string_view user_id);

// The call for one delivery into the conversation `to` (resolved by the adapter, e.g. a "dm:29:…"
// channel to the saved personal conversation): delete_ref → DELETE, update_ref → PUT,
// thread_ref in a channel → a reply in that thread, else a new message. Threads exist only in
// channels, so thread_ref is ignored elsewhere; Teams has no ephemeral messages, so
// ephemeral_user is the adapter's to handle. Refuses a reference without serviceUrl or
// conversation id, and a thread_ref that is not a Teams message id.
Result<ConnectorCall> build_delivery_call(const bot::Delivery& delivery, const ConversationReference& to,
                                          std::size_t max_bytes = kMaxActivityBytes);

// ---- responses -------------------------------------------------------------------------------

// {"id":"…"} of a send, reply or update.
Result<std::string> parse_resource_id(std::string_view body);

struct ConversationResource {
  std::string id;           // the conversation ("a:…" personal; "19:…;messageid=…" new thread)
  std::string activity_id;  // the first message, when one was posted with it
  std::string service_url;  // where to call for it, when the service says so
};
Result<ConversationResource> parse_conversation_resource(std::string_view body);

struct TeamsMember {
  std::string id;  // "29:…"
  std::string name;
  std::string aad_object_id;
  std::string email;
  std::string user_principal_name;
  std::string tenant_id;
};
Result<TeamsMember> parse_member(std::string_view body);

// The message of an error body: {"error":{"code","message"}} or {"message"}; "" when neither.
std::string error_message(std::string_view body);

// 429, 412, 502 and 504 are worth retrying at once with backoff (Microsoft's rate-limit guide).
bool retry_status(int http_status);

// The outcome of a call as the dispatcher sees it: 2xx → ok with ref = the body's id;
// 429 → rate_limited, 412/5xx → server (both retryable; retry_after kept when given);
// 401/403 → auth (403 also when the user blocked the bot); 404 → not_found; else bad_request.
bot::SendResult to_send_result(int http_status, std::chrono::milliseconds retry_after, std::string_view body);

}  // namespace adapters::teams
