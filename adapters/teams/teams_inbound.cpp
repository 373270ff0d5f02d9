// POST /api/messages: the Bot Framework's requests to the bot (see teams_adapter.hpp for the order
// of the steps and why).
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_adapter_state.hpp"

namespace adapters::teams {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// What the token is checked against: the activity's channelId and serviceUrl. Nothing else of
// the body is looked at before the token passed.
struct Claimed {
  std::string channel_id;
  std::string service_url;
};

Claimed claimed_by(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  Claimed out;
  if (!j.is_object()) return out;
  if (auto it = j.find("channelId"); it != j.end() && it->is_string()) out.channel_id = it->get<std::string>();
  if (auto it = j.find("serviceUrl"); it != j.end() && it->is_string()) out.service_url = it->get<std::string>();
  return out;
}

http::ServerReply empty_reply(int status) { return http::ServerReply{status, "", ""}; }

// Installs and removals: the references proactive messages need (docs/teams.md tells the
// administrator why the app should be installed for people ahead of time).
asio::awaitable<void> note_installation(std::shared_ptr<TeamsState> s, const ParsedActivity& a) {
  const ConversationReference& ref = a.reference;
  const std::string where = ref.personal() ? "a personal chat" : "conversation " + ref.conversation_id;
  if (a.installation == Installation::removed) {
    spdlog::info("teams: Hallpass was removed from {}", where);
    s->references.forget(ref);
    co_return;
  }
  spdlog::info("teams: Hallpass was installed in {}", where);
  s->references.remember(ref);
  if (ref.personal() && !ref.user_id.empty() && !s->known_user(ref.user_id)) {
    std::string email = co_await learn_email(s, ref, ref.user_id);
    s->references.remember_email(ref, email);
  }
}

}  // namespace

asio::awaitable<std::string> learn_email(std::shared_ptr<TeamsState> s, const ConversationReference& where,
                                         std::string user_id) {
  if (auto known = s->references.email_of(user_id); known && !known->empty()) co_return *known;
  const std::string conversation = split_conversation_id(where.conversation_id).base;
  MemberLookup found = co_await s->connector.member(get_member(where.service_url, conversation, user_id));
  if (!found.result.ok()) {
    spdlog::warn("teams: could not look up the e-mail of a Teams user in {}: {}", conversation,
                 found.result.error_text);
    co_return std::string();
  }
  std::string email = !found.member.email.empty() ? found.member.email : found.member.user_principal_name;
  if (!email.empty()) s->references.set_email_of(user_id, email);
  co_return email;
}

asio::awaitable<http::ServerReply> handle_activity_request(std::shared_ptr<TeamsState> s, http::ServerRequest req) {
  if (!s->sink || s->stopped) co_return empty_reply(503);

  // 1. The token first: a request that fails it changes nothing.
  const Claimed claimed = claimed_by(req.body);
  if (auto refused =
          co_await s->authenticator.validate(req.header("authorization"), claimed.channel_id, claimed.service_url)) {
    // The reason names the failed check, never the token.
    spdlog::warn("teams: refused POST {} from {}: {}", req.path, req.sender, refused->message);
    co_return http::text_reply(401, "Unauthorized\n");
  }
  if (s->stopped) co_return empty_reply(503);

  auto parsed = parse_activity(req.body, s->now());
  if (!parsed) {
    spdlog::warn("teams: a validated activity from {} is malformed: {}", req.sender, parsed.error().message);
    co_return http::text_reply(400, "Bad activity\n");
  }
  ParsedActivity& a = *parsed;

  // 2. Its service URL came with a validated token: the bot's own token may go there now.
  if (auto trusted = s->connector.trust(a.service_url); !trusted) {
    spdlog::warn("teams: refusing the service URL of activity {}: {}", a.id, trusted.error().message);
    co_return http::text_reply(400, "Bad service URL\n");
  }

  // 3. The reference, for proactive messages later.
  if (a.installation != Installation::none) {
    co_await note_installation(s, a);
    co_return empty_reply(200);
  }
  if (a.type == "invoke") {
    // No Action.Execute, message extension or task module: Microsoft's SDKs answer such an
    // invoke with 501 too. Card buttons (Action.Submit) arrive as messages.
    spdlog::info("teams: no handler for an invoke activity; answered 501");
    co_return empty_reply(501);
  }
  s->references.remember(a.reference);
  if (!a.inbound) {
    spdlog::debug("teams: activity {} is not for the core: {}", a.id, a.ignored);
    co_return empty_reply(200);
  }
  bot::Inbound& in = *a.inbound;

  // 4. Someone the directory does not know by Teams id may be in it by e-mail.
  if (!s->known_user(in.actor)) {
    in.actor_email = co_await learn_email(s, a.reference, in.actor);
    if (a.reference.personal()) s->references.remember_email(a.reference, in.actor_email);
  }
  if (s->stopped) co_return empty_reply(503);

  // 5. The core records it with its replies in the outbox (or knows it already); then answer.
  bot::HandleResult handled = s->sink->handle(in);
  if (!handled.accepted) {
    spdlog::error("teams: activity {} could not be recorded; Teams will send it again", a.id);
    co_return empty_reply(500);
  }
  if (handled.duplicate) spdlog::info("teams: activity {} was handled before (a re-send); nothing done again", a.id);
  co_return empty_reply(200);
}

}  // namespace adapters::teams
