#include "adapters/slack/slack_api_calls.hpp"

#include "adapters/common/json_fields.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_blocks.hpp"

namespace adapters::slack {

namespace {

using json_fields::member;
using json_fields::str;
using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

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
    call.body_json = json{{"trigger_id", d.reply_context}, {"view", json::parse(*view)}}.dump();
    return call;
  }
  if (d.channel.rfind("dm:", 0) == 0) {
    call.method = "conversations.open";
    call.dm_user = d.channel.substr(3);
    if (call.dm_user.empty()) return fail("\"dm:\" channel without a user");
    call.body_json = json{{"users", call.dm_user}}.dump();
    return call;
  }
  json body{
      {"channel", d.channel}, {"text", fallback_text(d.message)}, {"blocks", json::parse(render_blocks(d.message))}};
  if (!d.update_ref.empty()) {
    call.method = "chat.update";
    body["ts"] = d.update_ref;
  } else {
    call.method = d.ephemeral_user.empty() ? "chat.postMessage" : "chat.postEphemeral";
    if (!d.ephemeral_user.empty()) body["user"] = d.ephemeral_user;
    if (!d.thread_ref.empty()) body["thread_ts"] = d.thread_ref;
    // The outbox key travels with the message, so that after a crash in the middle of this call
    // the channel's history tells whether it arrived (reconcile_query).
    if (d.ephemeral_user.empty() && !d.idempotency_key.empty())
      body["metadata"] = json{{"event_type", kOutboxEventType}, {"event_payload", {{"outbox_key", d.idempotency_key}}}};
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

std::optional<ApiCall> reconcile_query(const bot::Delivery& d) {
  // Ephemeral messages, modals and file deletions leave nothing in the history to look for.
  if (!d.delete_ref.empty() || !d.ephemeral_user.empty() || d.message.find_form() || d.idempotency_key.empty() ||
      d.channel.empty() || d.channel.rfind("dm:", 0) == 0 || d.channel.rfind("email:", 0) == 0)
    return std::nullopt;
  ApiCall call;
  // A thread reply is only in its thread's replies. The newest 200 suffice: the message was being
  // sent when Hallpass stopped, a restart ago.
  json query{{"channel", d.channel}, {"include_all_metadata", "true"}, {"limit", "200"}};
  if (!d.thread_ref.empty()) {
    call.method = "conversations.replies";
    query["ts"] = d.thread_ref;
  } else {
    call.method = "conversations.history";
  }
  call.body_json = query.dump();
  return call;
}

std::optional<std::string> find_outbox_key(std::string_view history_body, std::string_view outbox_key) {
  auto parsed = parse_json(history_body);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const json& messages = member(*parsed, "messages");
  if (!messages.is_array()) return std::nullopt;
  for (const auto& m : messages) {
    const json& meta = member(m, "metadata");
    if (str(meta, "event_type") == kOutboxEventType && str(member(meta, "event_payload"), "outbox_key") == outbox_key)
      return str(m, "ts");
  }
  return std::nullopt;
}

}  // namespace adapters::slack
