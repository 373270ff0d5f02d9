#include "adapters/teams/connector_calls.hpp"

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/json_fields.hpp"
#include "adapters/common/text.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace adapters::teams {

namespace {

using adapters::text::lower;
using json_fields::str;
using nlohmann::json;

Error fail(std::string message) { return protocol_error(std::move(message)); }

std::optional<json> parse_object(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string conversation_path(std::string_view conversation_id) {
  return "/v3/conversations/" + encode_path_segment(conversation_id);
}

std::string pacing_key(std::string_view conversation_id) { return split_conversation_id(conversation_id).base; }

}  // namespace

// ---- service URLs ----------------------------------------------------------------------------

Result<ServiceUrl> parse_service_url(std::string_view url) {
  const std::string text(url);
  const std::string scheme = lower(url.substr(0, url.find("://")));
  if (url.find("://") == std::string_view::npos || (scheme != "https" && scheme != "http"))
    return fail("service URL \"" + text + "\" is not http(s)");
  if (url.find_first_of("?#") != std::string_view::npos)
    return fail("service URL \"" + text + "\" has a query or fragment");
  std::string_view rest = url.substr(scheme.size() + 3);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return fail("service URL \"" + text + "\" has user info");
  std::string host;
  std::string port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("service URL \"" + text + "\" has a bad IPv6 host");
    host = lower(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("service URL \"" + text + "\" has a bad port");
      port = std::string(after.substr(1));
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
    auto host_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; };
    if (!std::all_of(host.begin(), host.end(), host_char)) return fail("service URL \"" + text + "\" has a bad host");
  }
  if (host.empty()) return fail("service URL \"" + text + "\" has no host");
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!port.empty() && (port.size() > 5 || !std::all_of(port.begin(), port.end(), digit) || std::stoi(port) == 0 ||
                        std::stoi(port) > 65535))
    return fail("service URL \"" + text + "\" has a bad port");
  if (scheme == "http" && !http::is_loopback_host(host))
    return fail("service URL \"" + text + "\" is plain http to a host that is not loopback");
  if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  while (path.ends_with('/')) path.remove_suffix(1);
  ServiceUrl out;
  out.origin = scheme + "://" + host + (port.empty() ? "" : ":" + port);
  out.base_path = std::string(path);
  return out;
}

// ---- calls -----------------------------------------------------------------------------------

ConnectorCall send_to_conversation(std::string_view service_url, std::string_view conversation_id,
                                   const json& activity) {
  return {"POST", std::string(service_url), conversation_path(conversation_id) + "/activities", activity.dump(),
          pacing_key(conversation_id)};
}

ConnectorCall reply_to_activity(std::string_view service_url, std::string_view conversation_id,
                                std::string_view reply_to_id, const json& activity) {
  json body = activity;
  body["replyToId"] = reply_to_id;
  return {"POST", std::string(service_url),
          conversation_path(conversation_id) + "/activities/" + encode_path_segment(reply_to_id), body.dump(),
          pacing_key(conversation_id)};
}

ConnectorCall update_activity(std::string_view service_url, std::string_view conversation_id,
                              std::string_view activity_id, const json& activity) {
  json body = activity;
  body["id"] = activity_id;
  return {"PUT", std::string(service_url),
          conversation_path(conversation_id) + "/activities/" + encode_path_segment(activity_id), body.dump(),
          pacing_key(conversation_id)};
}

ConnectorCall delete_activity(std::string_view service_url, std::string_view conversation_id,
                              std::string_view activity_id) {
  return {"DELETE", std::string(service_url),
          conversation_path(conversation_id) + "/activities/" + encode_path_segment(activity_id), "",
          pacing_key(conversation_id)};
}

ConnectorCall create_personal_conversation(std::string_view service_url, std::string_view bot_id,
                                           std::string_view bot_name, std::string_view user_id,
                                           std::string_view tenant_id) {
  json bot{{"id", bot_id}};
  if (!bot_name.empty()) bot["name"] = bot_name;
  json body{{"bot", std::move(bot)},
            {"members", json::array({{{"id", user_id}}})},
            {"isGroup", false},
            {"tenantId", tenant_id},
            {"channelData", {{"tenant", {{"id", tenant_id}}}}}};
  return {"POST", std::string(service_url), "/v3/conversations", body.dump(), ""};
}

ConnectorCall create_channel_thread(std::string_view service_url, std::string_view bot_id, std::string_view channel_id,
                                    std::string_view tenant_id, const json& activity) {
  const std::string channel = split_conversation_id(channel_id).base;
  json body{{"isGroup", true},
            {"bot", {{"id", bot_id}}},
            {"activity", activity},
            {"channelData", {{"channel", {{"id", channel}}}}}};
  if (!tenant_id.empty()) {
    body["tenantId"] = tenant_id;
    body["channelData"]["tenant"] = {{"id", tenant_id}};
  }
  return {"POST", std::string(service_url), "/v3/conversations", body.dump(), channel};
}

ConnectorCall get_member(std::string_view service_url, std::string_view conversation_id, std::string_view user_id) {
  return {"GET", std::string(service_url),
          conversation_path(conversation_id) + "/members/" + encode_path_segment(user_id), "", ""};
}

Result<ConnectorCall> build_delivery_call(const bot::Delivery& d, const ConversationReference& to,
                                          std::size_t max_bytes) {
  if (to.service_url.empty()) return fail("no service URL for the conversation " + d.channel);
  if (to.conversation_id.empty()) return fail("no Teams conversation for " + d.channel);
  if (!d.delete_ref.empty()) return delete_activity(to.service_url, to.conversation_id, d.delete_ref);
  const json activity = message_activity(d.message, max_bytes);
  if (!d.update_ref.empty()) return update_activity(to.service_url, to.conversation_id, d.update_ref, activity);
  if (!d.thread_ref.empty() && is_channel_conversation(to.conversation_id, to.conversation_type)) {
    auto thread = thread_conversation_id(to.conversation_id, d.thread_ref);
    if (!thread) return thread.error();
    return reply_to_activity(to.service_url, *thread, d.thread_ref, activity);
  }
  return send_to_conversation(to.service_url, to.conversation_id, activity);
}

// ---- responses -------------------------------------------------------------------------------

Result<std::string> parse_resource_id(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return fail("Connector response is not a JSON object");
  std::string id = str(*j, "id");
  if (id.empty()) return fail("Connector response without id");
  return Result<std::string>(boost::system::in_place_value, std::move(id));
}

Result<ConversationResource> parse_conversation_resource(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return fail("create conversation response is not a JSON object");
  ConversationResource r{str(*j, "id"), str(*j, "activityId"), str(*j, "serviceUrl")};
  if (r.id.empty()) return fail("create conversation response without id");
  return r;
}

Result<TeamsMember> parse_member(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return fail("member response is not a JSON object");
  TeamsMember m;
  m.id = str(*j, "id");
  m.name = str(*j, "name");
  m.aad_object_id = str(*j, "aadObjectId");
  m.email = str(*j, "email");
  m.user_principal_name = str(*j, "userPrincipalName");
  m.tenant_id = str(*j, "tenantId");
  if (m.id.empty()) return fail("member response without id");
  return m;
}

std::string error_message(std::string_view body) {
  auto j = parse_object(body);
  if (!j) return {};
  const auto error = j->find("error");
  if (error != j->end() && error->is_object()) {
    const std::string code = str(*error, "code");
    const std::string message = str(*error, "message");
    return code.empty() ? message : message.empty() ? code : code + ": " + message;
  }
  return str(*j, "message");
}

bool retry_status(int status) { return status == 429 || status == 412 || status == 502 || status == 504; }

bot::SendResult to_send_result(int status, std::chrono::milliseconds retry_after, std::string_view body) {
  bot::SendResult r;
  if (status >= 200 && status < 300) {
    if (auto id = parse_resource_id(body)) r.ref = *id;
    return r;
  }
  const std::string message = error_message(body);
  r.error_text = "HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message);
  r.retry_after = retry_after;
  if (status == 429)
    r.error = bot::SendErrorKind::rate_limited;
  else if (status == 412 || status >= 500)
    r.error = bot::SendErrorKind::server;
  else if (status == 401 || status == 403)
    r.error = bot::SendErrorKind::auth;
  else if (status == 404)
    r.error = bot::SendErrorKind::not_found;
  else
    r.error = bot::SendErrorKind::bad_request;
  return r;
}

}  // namespace adapters::teams
