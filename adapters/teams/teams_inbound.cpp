// POST /api/messages: the Bot Framework's requests to the bot (see teams_adapter.hpp for the order
// of the steps and why).
#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_adapter_state.hpp"
#include "bot/model/use_tuple.hpp"

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

// A look-up that failed is not asked again for a while: ten minutes when Teams answered that it
// has no e-mail for the person (they will not get one soon), one minute when the look-up itself
// failed (throttled, unreachable), so a short outage does not leave people unknown for long.
constexpr std::chrono::steady_clock::duration kNoEmailKnownFor = std::chrono::minutes(10);
constexpr std::chrono::steady_clock::duration kLookupFailedFor = std::chrono::minutes(1);

// Logs what ends a background task; nothing of it may escape onto the bot's thread.
void log_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    spdlog::error("teams: handling an activity after its answer failed: {}", e.what());
  }
}

asio::awaitable<void> learn_installer_email(std::shared_ptr<TeamsState> s, ConversationReference ref) {
  std::string email = co_await learn_email(s, ref, ref.user_id);
  s->references.remember_email(ref, email);
}

// Installs and removals: the references proactive messages need (docs/teams.md tells the
// administrator why the app should be installed for people ahead of time). The installer's
// e-mail is looked up after the answer.
void note_installation(std::shared_ptr<TeamsState> s, const ParsedActivity& a) {
  const ConversationReference& ref = a.reference;
  const std::string where = ref.personal() ? "a personal chat" : "conversation " + ref.conversation_id;
  if (a.installation == Installation::removed) {
    spdlog::info("teams: Hallpass was removed from {}", where);
    s->references.forget(ref);
    return;
  }
  spdlog::info("teams: Hallpass was installed in {}", where);
  s->references.remember(ref);
  if (ref.personal() && !ref.user_id.empty() && !s->known_user(ref.user_id))
    asio::co_spawn(s->executor, learn_installer_email(s, ref), log_failure);
}

// Step 6: the core records the event with its replies in the outbox (or knows it already).
// Returns false when it could not be recorded.
// A sentence the core answers with at once and records nowhere (a county's tenant that no district
// lists: county.unknown_workspace), as a reply to the activity. Not in the outbox, like Slack's
// answer in its acknowledgement: a failed post is logged, not retried.
asio::awaitable<void> reply_at_once(std::shared_ptr<TeamsState> s, ConversationReference where, std::string activity_id,
                                    std::string text) {
  bot::Message m;
  m.paragraph(text);
  const bot::SendResult r = co_await s->connector.send(reply_to_activity(
      where.service_url, where.conversation_id, activity_id, message_activity(m, s->options.max_activity_bytes)));
  if (!r.ok()) spdlog::warn("teams: the immediate reply to activity {} failed: {}", activity_id, r.error_text);
}

asio::awaitable<bool> hand_to_core(std::shared_ptr<TeamsState> s, const bot::Inbound& in,
                                   const ConversationReference& where, std::string activity_id) {
  if (!s->sink) co_return false;
  bot::HandleResult handled = co_await s->sink->async_handle(in);
  if (!handled.accepted) co_return false;
  if (handled.duplicate)
    spdlog::info("teams: activity {} was handled before (a re-send); nothing done again", activity_id);
  if (!handled.immediate_reply.empty())
    asio::co_spawn(s->executor, reply_at_once(s, where, activity_id, std::move(handled.immediate_reply)), log_failure);
  co_return true;
}

// Steps 5 and 6 for someone the directory does not know by Teams id, after Teams had its answer:
// the e-mail look-up may take as long as the Connector makes it (a 429 waited out, a slow
// service) without Teams sending the activity again; the person's reply waits for it instead.
asio::awaitable<void> look_up_then_handle(std::shared_ptr<TeamsState> s, ConversationReference where, bot::Inbound in,
                                          std::string activity_id) {
  in.actor_email = co_await learn_email(s, where, in.actor);
  if (where.personal()) s->references.remember_email(where, in.actor_email);
  if (s->stopped || !s->sink) {
    spdlog::warn("teams: activity {} was acknowledged but Hallpass stopped before handling it", activity_id);
    co_return;
  }
  // Awaited apart from the `if`: inside the condition, GCC 12 built code that crashed copying
  // activity_id into hand_to_core.
  const bool recorded = co_await hand_to_core(s, in, where, activity_id);
  if (!recorded)
    spdlog::error("teams: activity {} was acknowledged but could not be recorded; it is lost", activity_id);
}

}  // namespace

asio::awaitable<std::string> learn_email(std::shared_ptr<TeamsState> s, const ConversationReference& where,
                                         std::string user_id) {
  if (auto known = s->references.email_of(user_id); known && !known->empty()) co_return *known;
  if (auto failed = s->email_unknown_until.find(user_id); failed != s->email_unknown_until.end()) {
    if (std::chrono::steady_clock::now() < failed->second) co_return std::string();
    s->email_unknown_until.erase(failed);
  }
  if (auto running = s->email_lookups.find(user_id); running != s->email_lookups.end()) {
    std::shared_ptr<EmailLookup> lookup = running->second;
    while (!lookup->finished) co_await lookup->done.async_wait(bot::use_tuple);
    co_return lookup->email;
  }
  auto lookup = std::make_shared<EmailLookup>(s->executor);
  s->email_lookups[user_id] = lookup;
  const std::string conversation = split_conversation_id(where.conversation_id).base;
  MemberLookup found;
  try {
    found = co_await s->connector.member(get_member(where.service_url, conversation, user_id));
  } catch (const std::exception& e) {
    found.result.error = bot::SendErrorKind::network;
    found.result.error_text = e.what();
  }
  std::string email;
  if (!found.result.ok()) {
    spdlog::warn("teams: could not look up the e-mail of a Teams user in {}: {}", conversation,
                 found.result.error_text);
    const auto wait = found.result.retryable() ? kLookupFailedFor : kNoEmailKnownFor;
    s->email_unknown_until[user_id] = std::chrono::steady_clock::now() + wait;
  } else {
    email = !found.member.email.empty() ? found.member.email : found.member.user_principal_name;
    if (!email.empty())
      s->references.set_email_of(user_id, email);
    else
      s->email_unknown_until[user_id] = std::chrono::steady_clock::now() + kNoEmailKnownFor;
  }
  lookup->email = email;
  lookup->finished = true;
  lookup->done.cancel();
  s->email_lookups.erase(user_id);
  co_return email;
}

asio::awaitable<http::ServerReply> handle_activity_request(std::shared_ptr<TeamsState> s, http::ServerRequest req) {
  if (!s->sink || s->stopped) co_return empty_reply(503);

  // 1. The token first: a request that fails it changes nothing.
  const Claimed claimed = claimed_by(req.body);
  if (auto refused =
          co_await s->authenticator.validate(req.header("authorization"), claimed.channel_id, claimed.service_url)) {
    if (refused->retryable()) {
      // No signing keys yet (their fetch failed): the token may well be good, so Teams is asked
      // to come back, not told the request was forged.
      const auto retry = s->authenticator.keys_retry_after();
      spdlog::warn("teams: answered POST {} from {} with 503 (retry in {} s): {}", req.path, req.sender, retry.count(),
                   refused->message);
      http::ServerReply busy = http::text_reply(503, "Service Unavailable\n");
      busy.headers.emplace_back("Retry-After", std::to_string(retry.count()));
      co_return busy;
    }
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

  // 2. A validated token says the activity came through the Bot Framework, not from which
  // organization: another tenant's people reach a multi-tenant bot too. Nothing of theirs is
  // kept, looked up or answered, and the bot's token is never sent to their service URL.
  if (const auto& accepted = s->options.accepted_tenants;
      !accepted.empty() && std::find(accepted.begin(), accepted.end(), a.reference.tenant_id) == accepted.end()) {
    spdlog::warn("teams: refused activity {} from tenant \"{}\": not one of adapters.teams.tenants", a.id,
                 a.reference.tenant_id);
    co_return http::text_reply(403, "Forbidden\n");
  }

  // 3. Its service URL came with a validated token: the bot's own token may go there now.
  if (auto trusted = s->connector.trust(a.service_url); !trusted) {
    spdlog::warn("teams: refusing the service URL of activity {}: {}", a.id, trusted.error().message);
    co_return http::text_reply(400, "Bad service URL\n");
  }

  // 4. The reference, for proactive messages later.
  if (a.installation != Installation::none) {
    note_installation(s, a);
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

  // 5. Someone the directory does not know by Teams id may be in it by e-mail. Unless the e-mail
  // is known already, Teams gets its answer now and the look-up and the core run after it.
  if (!s->known_user(in.actor)) {
    auto known = s->references.email_of(in.actor);
    if (!known || known->empty()) {
      asio::co_spawn(s->executor, look_up_then_handle(s, a.reference, in, a.id), log_failure);
      co_return empty_reply(200);
    }
    in.actor_email = *known;
    if (a.reference.personal()) s->references.remember_email(a.reference, in.actor_email);
  }
  if (s->stopped) co_return empty_reply(503);

  // 6. The core records it with its replies in the outbox (or knows it already); then answer.
  const bool recorded = co_await hand_to_core(s, in, a.reference, a.id);
  if (!recorded) {
    spdlog::error("teams: activity {} could not be recorded; Teams will send it again", a.id);
    co_return empty_reply(500);
  }
  co_return empty_reply(200);
}

}  // namespace adapters::teams
