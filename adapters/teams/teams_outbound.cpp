// TeamsAdapter::send: which conversation a delivery goes to, and the Connector call that posts it
// (see teams_adapter.hpp for the channels the core uses).
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_adapter_state.hpp"

namespace adapters::teams {

namespace asio = boost::asio;

namespace {

bot::SendResult failed(bot::SendErrorKind kind, std::string text) {
  bot::SendResult r;
  r.error = kind;
  r.error_text = std::move(text);
  return r;
}

struct Target {
  std::optional<ConversationReference> reference;
  bot::SendResult failure;  // when there is no reference
};

// A saved reference arrived in a validated activity (or came back from the Connector) in an
// earlier run: its service URL may have the token again.
std::optional<ConversationReference> trusted(TeamsState& s, std::optional<ConversationReference> r) {
  if (r && !s.connector.trust(r->service_url)) return std::nullopt;
  return r;
}

// Where conversations nothing was saved for are reached: the latest reference's service URL and
// tenant (one district's conversations share them), else the configured ones.
std::pair<std::string, std::string> service_and_tenant(TeamsState& s) {
  std::string service = s.options.service_url;
  std::string tenant = s.options.tenant_id;
  if (auto latest = trusted(s, s.references.latest())) {
    service = latest->service_url;
    if (tenant.empty()) tenant = latest->tenant_id;
  }
  return {service, tenant};
}

asio::awaitable<Target> open_personal_chat(std::shared_ptr<TeamsState> s, std::string user_id) {
  if (auto saved = trusted(*s, s->references.personal_chat(user_id))) co_return Target{saved, {}};
  auto [service, tenant] = service_and_tenant(*s);
  if (tenant.empty())
    co_return Target{std::nullopt, failed(bot::SendErrorKind::bad_request,
                                          "no personal chat with " + user_id +
                                              " is known and the tenant is unknown: set adapters.teams.tenant_id")};
  CreatedConversation created = co_await s->connector.create_conversation(
      create_personal_conversation(service, s->bot_id(), s->options.bot_name, user_id, tenant));
  if (!created.result.ok()) {
    created.result.error_text = "could not open a personal chat with " + user_id + ": " + created.result.error_text +
                                " (is the Hallpass app installed for this person? see docs/teams.md)";
    co_return Target{std::nullopt, created.result};
  }
  ConversationReference ref;
  ref.service_url = service;
  ref.conversation_id = created.conversation.id;
  ref.conversation_type = "personal";
  ref.tenant_id = tenant;
  ref.bot_id = s->bot_id();
  ref.bot_name = s->options.bot_name;
  ref.user_id = user_id;
  s->references.remember(ref);
  co_return Target{ref, {}};
}

asio::awaitable<Target> target_of(std::shared_ptr<TeamsState> s, const std::string& channel) {
  if (channel.starts_with("email:") || (channel.starts_with("dm:") && channel.find('@') != std::string::npos)) {
    const std::string email = channel.substr(channel.find(':') + 1);
    if (auto saved = trusted(*s, s->references.personal_chat_by_email(email))) co_return Target{saved, {}};
    co_return Target{std::nullopt,
                     failed(bot::SendErrorKind::not_found,
                            "no Teams personal chat is known for " + email +
                                ": the Hallpass app must be installed for this person (or they must message it "
                                "once) before Hallpass can write to them; see docs/teams.md")};
  }
  if (channel.starts_with("dm:")) co_return co_await open_personal_chat(s, channel.substr(3));
  if (auto saved = trusted(*s, s->references.conversation(channel))) co_return Target{saved, {}};
  // A place's channel the bot has not heard from: every channel of a team where the app is
  // installed is reachable with the team's service URL and tenant.
  auto [service, tenant] = service_and_tenant(*s);
  ConversationReference ref;
  ref.service_url = service;
  ref.conversation_id = split_conversation_id(channel).base;
  ref.conversation_type = is_channel_conversation(channel) ? "channel" : "groupChat";
  ref.tenant_id = tenant;
  ref.bot_id = s->bot_id();
  co_return Target{ref, {}};
}

// The clear words for the failures a person can act on.
void explain(bot::SendResult& r, const std::string& channel) {
  if (r.error_text.find("MessageWritesBlocked") != std::string::npos) {
    r.error = bot::SendErrorKind::auth;
    r.error_text = "Teams refused the message to " + channel +
                   ": the person has blocked Hallpass or removed the app (MessageWritesBlocked). They need to "
                   "unblock or reinstall it in Teams.";
  }
}

asio::awaitable<bot::SendResult> post_new_thread(std::shared_ptr<TeamsState> s, const bot::Delivery& d,
                                                 const ConversationReference& channel) {
  const std::string tenant = !channel.tenant_id.empty() ? channel.tenant_id : s->options.tenant_id;
  CreatedConversation created = co_await s->connector.create_conversation(
      create_channel_thread(channel.service_url, s->bot_id(), channel.conversation_id, tenant,
                            message_activity(d.message, s->options.max_activity_bytes)));
  if (!created.result.ok()) co_return created.result;
  bot::SendResult r;
  r.ref = !created.conversation.activity_id.empty() ? created.conversation.activity_id
                                                    : split_conversation_id(created.conversation.id).message_id;
  if (r.ref.empty()) co_return failed(bot::SendErrorKind::server, "Teams started a thread but gave no message id");
  co_return r;
}

}  // namespace

asio::awaitable<bot::SendResult> deliver(std::shared_ptr<TeamsState> s, bot::Delivery d) {
  if (s->stopped) co_return failed(bot::SendErrorKind::network, "the Teams adapter is stopped");
  // Teams has no messages only one person in a channel sees: such a message goes to that
  // person's personal chat instead.
  std::string channel = d.channel;
  if (!d.ephemeral_user.empty() && channel != "dm:" + d.ephemeral_user) {
    channel = "dm:" + d.ephemeral_user;
    d.thread_ref.clear();
  }
  Target target = co_await target_of(s, channel);
  if (!target.reference) co_return target.failure;
  const ConversationReference& to = *target.reference;

  bot::SendResult result;
  const bool plain_post = d.delete_ref.empty() && d.update_ref.empty() && d.thread_ref.empty();
  if (plain_post && is_channel_conversation(to.conversation_id, to.conversation_type)) {
    result = co_await post_new_thread(s, d, to);
  } else {
    auto call = build_delivery_call(d, to, s->options.max_activity_bytes);
    if (!call) co_return failed(bot::SendErrorKind::bad_request, call.error().message);
    result = co_await s->connector.send(std::move(*call));
    // A deletion's answer has no id; the message it removed is the reference.
    if (result.ok() && result.ref.empty()) result.ref = !d.delete_ref.empty() ? d.delete_ref : d.update_ref;
  }
  if (!result.ok()) explain(result, channel);
  co_return result;
}

}  // namespace adapters::teams
