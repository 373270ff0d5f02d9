#include "adapters/slack/slack_adapter.hpp"

#include "adapters/common/endpoint_url.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/slack/slack_api_calls.hpp"
#include "adapters/slack/slack_blocks.hpp"
#include "adapters/slack/slack_install_store.hpp"
#include "adapters/slack/slack_installer.hpp"
#include "adapters/slack/slack_payloads.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::slack {

namespace asio = boost::asio;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using bot::use_tuple;
// Slack accepts a response_url up to five times within 30 minutes.
constexpr auto kResponseUrlLife = std::chrono::minutes(30);
constexpr int kResponseUrlUses = 5;
constexpr std::size_t kMaxRememberedEphemerals = 10000;

namespace {

// A view_submission whose ack waits for the core's answer (keyed by its trigger_id).
struct PendingForm {
  explicit PendingForm(asio::any_io_executor ex) : done(ex) {}
  asio::steady_timer done;  // cancelled when answered
  std::string payload;      // the ack's payload: errors, or the next view
  bool answered = false;

  void answer(std::string p) {
    if (answered) return;
    answered = true;
    payload = std::move(p);
    done.cancel();
  }
};

// The response_url of a button pressed on an ephemeral message: the only way to replace it.
struct EphemeralReply {
  std::string response_url;
  SteadyClock::time_point expires;
  int uses_left = kResponseUrlUses;
};

}  // namespace

struct SlackState {
  SlackState(asio::any_io_executor ex, SlackOptions opts)
      : executor(ex), options(std::move(opts)), api(ex, options.api) {}

  asio::any_io_executor executor;
  SlackOptions options;
  SlackWebApi api;
  std::unique_ptr<SocketModeReceiver> receiver;      // Socket Mode
  std::unique_ptr<SlackHttpReceiver> http_receiver;  // HTTP mode
  bot::EventSink* sink = nullptr;
  bool stopped = false;
  std::map<std::string, std::shared_ptr<PendingForm>> pending_forms;  // trigger_id →
  std::map<std::string, EphemeralReply> ephemerals;                   // message ts →
  std::map<std::string, std::unique_ptr<http::HttpClient>> hooks;     // response_url origin →
  // Install mode (options.install.enabled()): each workspace's installation and its own API
  // client (its bot token, its pacing: Slack's limits are per workspace).
  struct Workspace {
    Installation installation;
    std::shared_ptr<SlackWebApi> api;
  };
  std::shared_ptr<SlackInstallStore> installs;
  std::unique_ptr<SlackInstaller> installer;
  std::map<std::string, Workspace> workspaces;  // team id →
  std::map<std::string, std::string> team_of;   // channel or user id → team id
  bool installing() const { return installs != nullptr; }
};

namespace {

// ---- Install mode: which workspace's token a call goes with ----

void add_workspace(SlackState& s, const Installation& installation) {
  WebApiOptions o = s.options.api;
  o.bot_token = installation.bot_token;
  o.app_token.clear();
  o.reread_bot_token = {};
  o.reread_app_token = {};
  o.connections = 2;  // per workspace; a county has hundreds
  s.workspaces[installation.team_id] = {installation, std::make_shared<SlackWebApi>(s.executor, o)};
}

// The workspace's API, from memory or else from the store (another worker may have installed it).
std::shared_ptr<SlackWebApi> workspace_api(SlackState& s, const std::string& team) {
  if (auto it = s.workspaces.find(team); it != s.workspaces.end()) return it->second.api;
  std::string problem;
  auto installation = s.installs->load(team, &problem);
  if (!installation) {
    if (!problem.empty()) spdlog::error("slack: the installation of workspace {} cannot be read: {}", team, problem);
    return nullptr;
  }
  add_workspace(s, *installation);
  return s.workspaces[team].api;
}

// A channel or person heard from in a workspace: later deliveries there go with its token.
void remember_place(SlackState& s, const std::string& place, const std::string& team) {
  if (place.empty() || team.empty()) return;
  auto& known = s.team_of[place];
  if (known == team) return;
  known = team;
  s.installs->set_team_of(place, team);
}

std::optional<std::string> team_of_place(SlackState& s, const std::string& place) {
  if (place.empty()) return std::nullopt;
  if (auto it = s.team_of.find(place); it != s.team_of.end()) return it->second;
  auto team = s.installs->team_of(place);
  if (team) s.team_of[place] = *team;
  return team;
}

// app_uninstalled, or tokens_revoked naming the workspace's bot user: the installation goes.
void forget_workspace(SlackState& s, const Uninstall& u) {
  auto it = s.workspaces.find(u.team_id);
  std::optional<Installation> installation;
  if (it != s.workspaces.end())
    installation = it->second.installation;
  else
    installation = s.installs->load(u.team_id);
  if (!u.app_uninstalled) {
    const bool names_bot = installation && std::find(u.revoked_bot_users.begin(), u.revoked_bot_users.end(),
                                                     installation->bot_user_id) != u.revoked_bot_users.end();
    if (!names_bot) return;  // a user token, not Hallpass's bot: nothing of Hallpass's changed
  }
  s.installs->remove(u.team_id);
  if (it != s.workspaces.end()) s.workspaces.erase(it);
  spdlog::warn(
      "slack: workspace {} {}; its installation is removed, and messages to it fail until it installs "
      "Hallpass again",
      u.team_id, u.app_uninstalled ? "uninstalled Hallpass" : "revoked Hallpass's bot token");
}

// A place no event came from yet (an approvals channel named in the config, a person known by
// e-mail): asked of each installed workspace in turn (conversations.info, users.info,
// users.lookupByEmail), and remembered with the first that knows it.
asio::awaitable<std::optional<std::string>> probe_team(std::shared_ptr<SlackState> s, std::string place) {
  std::vector<std::pair<std::string, std::shared_ptr<SlackWebApi>>> apis;
  for (auto& [team, w] : s->workspaces) apis.emplace_back(team, w.api);
  for (auto& [team, api] : apis) {
    // Named locals, not braced temporaries, around co_await (GCC 12 mis-compiles those).
    ApiOutcome found;
    std::map<std::string, std::string> fields;
    fields["channel"] = place;
    std::string email;
    if (place.starts_with("email:")) email = place.substr(6);
    if (!email.empty())
      found = co_await api->lookup_by_email(email);
    else if (place.starts_with("U") || place.starts_with("W"))
      found = co_await api->user_info(place);
    else
      found = co_await api->call_form("conversations.info", fields);
    if (!found.ok()) continue;
    if (!place.starts_with("email:")) remember_place(*s, place, team);
    co_return team;
  }
  co_return std::nullopt;
}

// The API a delivery goes through: the one bot token's, or in install mode the token of the
// workspace its channel or person was heard from (or, never heard from, found in by asking each).
// Null with *why when no installed workspace has it.
asio::awaitable<std::shared_ptr<SlackWebApi>> api_for(std::shared_ptr<SlackState> s, bot::Delivery d,
                                                      std::string* why) {
  if (!s->installing()) co_return std::shared_ptr<SlackWebApi>(s, &s->api);  // the state's own client
  std::string place = d.channel;
  if (place.starts_with("dm:")) place = place.substr(3);
  std::optional<std::string> team = team_of_place(*s, place);
  if (!team) team = team_of_place(*s, d.ephemeral_user);
  if (!team && s->workspaces.size() == 1) team = s->workspaces.begin()->first;
  if (!team && !place.empty()) team = co_await probe_team(s, place);
  if (!team) {
    *why = "no installed Slack workspace has " + d.channel + " (asked each of the " +
           std::to_string(s->workspaces.size()) + " installed)";
    co_return nullptr;
  }
  auto api = workspace_api(*s, *team);
  if (!api)
    *why = "Slack workspace " + *team +
           " has no installation (Hallpass was uninstalled there or its token was "
           "revoked); someone in that workspace must install Hallpass again at /slack/install";
  co_return api;
}

// When the outbox has delivered what was due (the core's answer included), a form still
// waiting is acknowledged plainly.
asio::awaitable<void> answer_when_drained(std::shared_ptr<SlackState> s, std::shared_ptr<PendingForm> pending) {
  if (s->sink) co_await s->sink->drained();
  pending->answer({});
}

// A button pressed on an ephemeral message: keep its response_url to replace that message.
void remember_ephemeral(SlackState& s, const std::string& payload_json) {
  json p = json::parse(payload_json, nullptr, false);
  if (!p.is_object() || p.value("type", "") != "block_actions") return;
  const json container = p.value("container", json::object());
  if (!container.is_object() || !container.value("is_ephemeral", false)) return;
  const std::string ts = container.value("message_ts", "");
  const std::string url = p.value("response_url", "");
  if (ts.empty() || url.empty()) return;
  const bool secure = url.starts_with("https://");
  // Plain http only when the API itself is plain http (a loopback test server).
  if (!secure && !(url.starts_with("http://") && s.options.api.base_url.starts_with("http://"))) return;
  const auto now = SteadyClock::now();
  std::erase_if(s.ephemerals, [now](const auto& e) { return e.second.expires <= now; });
  if (s.ephemerals.size() >= kMaxRememberedEphemerals) return;
  s.ephemerals[ts] = EphemeralReply{url, now + kResponseUrlLife};
}

asio::awaitable<AckReply> handle_payload(std::shared_ptr<SlackState> s, EnvelopeType type, std::string payload,
                                         std::string envelope_id) {
  // Not refused once stopping: until its socket closes, what arrives is recorded and acknowledged
  // (a slash command refused now would be lost; Slack does not deliver it again).
  if (!s->sink) co_return AckReply{.accepted = false};
  if (s->installing() && type == EnvelopeType::events_api) {
    if (auto uninstall = uninstall_event(payload)) {
      forget_workspace(*s, *uninstall);
      co_return AckReply{};
    }
  }
  auto parsed = payload_to_inbound(type, payload, envelope_id, std::chrono::system_clock::now());
  if (!parsed) {
    // Acknowledged all the same: Slack would only send the same thing again.
    spdlog::warn("slack: a delivery was not understood and is dropped: {}", parsed.error().message);
    co_return AckReply{};
  }
  if (!*parsed) co_return AckReply{};  // nothing for the bot
  bot::Inbound event = std::move(**parsed);
  std::shared_ptr<SlackWebApi> api(s, &s->api);
  if (s->installing()) {
    api = workspace_api(*s, event.place.workspace);
    if (!api) {
      // Acknowledged: Slack would only send it again, and there is no token to answer with.
      spdlog::warn("slack: dropped a delivery from workspace {}, which has not installed Hallpass (or removed it)",
                   http::loggable(event.place.workspace));
      co_return AckReply{};
    }
    remember_place(*s, event.place.channel, event.place.workspace);
    remember_place(*s, event.actor, event.place.workspace);
  }
  if (type == EnvelopeType::interactive) remember_ephemeral(*s, payload);
  if (!s->options.known_user || !s->options.known_user(event.actor)) {
    ApiOutcome info = co_await api->user_info(event.actor);
    if (info.ok()) event.actor_email = info.response.email;
  }
  std::shared_ptr<PendingForm> pending;
  if (event.kind == bot::InboundKind::form_submission && !event.reply_context.empty()) {
    pending = std::make_shared<PendingForm>(s->executor);
    pending->done.expires_after(s->options.form_reply_wait);
    s->pending_forms[event.reply_context] = pending;
  }
  bot::HandleResult result = co_await s->sink->async_handle(event);
  AckReply reply{.accepted = result.accepted};
  if (type == EnvelopeType::slash_commands && !result.immediate_reply.empty())
    reply.payload_json = json{{"response_type", "ephemeral"}, {"text", result.immediate_reply}}.dump();
  if (pending) {
    if (result.accepted && !result.duplicate) {
      asio::co_spawn(s->executor, answer_when_drained(s, pending), asio::detached);
      if (!pending->answered) co_await pending->done.async_wait(use_tuple);
      reply.payload_json = pending->payload;
    }
    pending->answered = true;  // too late now: later deliveries go out normally
    if (auto it = s->pending_forms.find(event.reply_context); it != s->pending_forms.end() && it->second == pending)
      s->pending_forms.erase(it);
  }
  co_return reply;
}

bot::SendResult failed(bot::SendErrorKind kind, std::string text) {
  bot::SendResult r;
  r.error = kind;
  r.error_text = std::move(text);
  return r;
}

// "dm:U…" → the DM channel id.
asio::awaitable<bot::SendResult> resolve_dm(std::shared_ptr<SlackWebApi> api, std::string& channel) {
  ApiOutcome dm = co_await api->open_dm(channel.substr(3));
  if (dm.ok()) channel = dm.response.channel;
  co_return dm.result;
}

// Replaces an ephemeral message through the response_url of a button pressed on it.
asio::awaitable<bot::SendResult> replace_ephemeral(std::shared_ptr<SlackState> s, EphemeralReply& target,
                                                   bot::Delivery d) {
  // The URL came in a verified payload; still, only https (or http to a loopback test server).
  http::EndpointUrl url;
  std::string refused;
  try {
    url = http::parse_endpoint_url(target.response_url);
  } catch (const std::invalid_argument& e) {
    refused = e.what();
  }
  if (!refused.empty()) co_return failed(bot::SendErrorKind::bad_request, "response_url refused: " + refused);
  auto& client = s->hooks[url.origin];
  if (!client) client = std::make_unique<http::HttpClient>(s->executor, url.origin);
  --target.uses_left;
  http::Request req;
  req.method = "POST";
  req.target = url.target;
  req.content_type = "application/json; charset=utf-8";
  req.body = json{{"replace_original", true},
                  {"text", fallback_text(d.message)},
                  {"blocks", json::parse(render_blocks(d.message))}}
                 .dump();
  http::Response r = co_await client->request(std::move(req));
  if (!r.ok()) {
    spdlog::warn("slack: replacing an ephemeral message failed: {}", r.error_text);
    co_return failed(r.error, "response_url: " + r.error_text);
  }
  bot::SendResult ok;
  ok.ref = d.update_ref;
  co_return ok;
}

// Tells a person that Slack refused what they were waiting for (a form that did not open), in
// their language; Slack's reason goes to the log, not to them.
asio::awaitable<void> tell_person(std::shared_ptr<SlackWebApi> api, std::string user, std::string note) {
  std::string channel = "dm:" + user;
  if (!(co_await resolve_dm(api, channel)).ok()) co_return;
  json body{{"channel", channel}, {"text", escape_mrkdwn(note)}};
  co_await api->call_json("chat.postMessage", body.dump(), channel);
}

asio::awaitable<bot::SendResult> send_delivery(std::shared_ptr<SlackState> s, bot::Delivery d) {
  const bot::Form* form = d.delete_ref.empty() ? d.message.find_form() : nullptr;
  std::string no_api;
  std::shared_ptr<SlackWebApi> api = co_await api_for(s, d, &no_api);
  if (!api) {
    spdlog::error("slack: cannot send to {}: {}", d.channel, no_api);
    co_return failed(no_api.starts_with("no installed") ? bot::SendErrorKind::not_found : bot::SendErrorKind::auth,
                     no_api);
  }
  if (d.channel.starts_with("email:")) {
    // A person the directory knows by e-mail only (first, so a form's origin is their DM).
    ApiOutcome user = co_await api->lookup_by_email(d.channel.substr(6));
    if (!user.ok()) co_return user.result;
    d.channel = "dm:" + user.response.user_id;
  }
  // The core's answer to a view_submission whose ack is waiting: it goes back in the ack.
  if (form && !d.reply_context.empty()) {
    if (auto it = s->pending_forms.find(d.reply_context); it != s->pending_forms.end() && !it->second->answered) {
      if (has_input_errors(*form)) {
        it->second->answer(form_errors_payload(*form));
        co_return bot::SendResult{};
      }
      if (auto view = render_modal(d.message, ModalOrigin{d.channel, d.thread_ref})) {
        it->second->answer(form_update_payload(*view));
        co_return bot::SendResult{};
      }
    }
  }

  if (d.channel.empty() && !d.ephemeral_user.empty() && !form) {
    // A reply with no conversation to go to (a modal opened without an origin): their DM.
    d.channel = "dm:" + d.ephemeral_user;
    d.ephemeral_user.clear();
    d.thread_ref.clear();
  }
  // Who waits for this (no ?: with strings: GCC 12 mis-compiles their temporaries in coroutines).
  std::string waiting_user = d.ephemeral_user;
  if (waiting_user.empty() && d.channel.starts_with("dm:")) waiting_user = d.channel.substr(3);
  // A form opens as a modal: its channel is only where the answer goes later.
  if (d.channel.starts_with("dm:") && !form) {
    if (auto r = co_await resolve_dm(api, d.channel); !r.ok()) co_return r;
  }

  if (!d.update_ref.empty() && !d.ephemeral_user.empty() && d.delete_ref.empty()) {
    // An ephemeral message cannot be edited with chat.update: replace it through the
    // response_url of a button pressed on it, or else show the new version beside it.
    auto it = s->ephemerals.find(d.update_ref);
    if (it != s->ephemerals.end() && it->second.uses_left > 0 && it->second.expires > SteadyClock::now())
      co_return co_await replace_ephemeral(s, it->second, d);
    d.update_ref.clear();
    d.thread_ref.clear();
  }

  auto call = build_api_call(d);
  if (!call) co_return failed(bot::SendErrorKind::bad_request, call.error().message);
  std::string pace_channel;
  if (call->method.starts_with("chat.post") || call->method == "chat.update") pace_channel = d.channel;
  ApiOutcome out = co_await api->call_json(call->method, call->body_json, pace_channel, d.on_attempt);
  if (out.ok()) {
    bot::SendResult r = out.result;
    if (r.ref.empty()) r.ref = d.update_ref;
    co_return r;
  }
  if (call->method == "chat.postEphemeral" && out.result.error == bot::SendErrorKind::not_found &&
      !d.ephemeral_user.empty()) {
    // The bot is not in that channel: the person gets the answer in their DM instead.
    spdlog::info("slack: cannot answer in {} ({}); sending the answer to the person's DM", d.channel,
                 out.result.error_text);
    bot::Delivery dm = d;
    dm.channel = "dm:" + d.ephemeral_user;
    dm.ephemeral_user.clear();
    dm.thread_ref.clear();
    dm.update_ref.clear();
    co_return co_await send_delivery(s, std::move(dm));
  }
  if (call->method == "views.open" && !out.result.retryable() && !waiting_user.empty()) {
    std::string reason = out.response.error;
    if (reason.empty()) reason = out.result.error_text;
    spdlog::warn("slack: the form for {} did not open: {}", waiting_user, reason);
    co_await tell_person(api, waiting_user, d.message.notes.form_not_opened);
  }
  co_return out.result;
}

// The receiver's handler holds the state weakly: the state owns the receiver.
asio::awaitable<AckReply> handle_if_alive(std::weak_ptr<SlackState> weak, EnvelopeType type, std::string payload,
                                          std::string envelope_id) {
  auto s = weak.lock();
  if (!s) co_return AckReply{.accepted = false};
  co_return co_await handle_payload(s, type, std::move(payload), std::move(envelope_id));
}

// Install mode: each workspace's token, checked at start (a workspace may have removed Hallpass
// while it was down; Slack's event for that went unanswered).
asio::awaitable<void> check_workspace_tokens(std::shared_ptr<SlackState> s) {
  std::vector<std::pair<std::string, std::shared_ptr<SlackWebApi>>> apis;
  for (auto& [team, w] : s->workspaces) apis.emplace_back(team, w.api);
  for (auto& [team, api] : apis) {
    ApiOutcome who = co_await api->auth_test();
    if (!who.ok() && who.result.error == bot::SendErrorKind::auth)
      spdlog::error(
          "slack: Slack refused the bot token of workspace {} ({}); someone there must install Hallpass "
          "again at /slack/install",
          team, who.result.error_text);
  }
}

asio::awaitable<void> check_token(std::shared_ptr<SlackState> s) {
  if (s->installing()) co_return co_await check_workspace_tokens(s);
  ApiOutcome who = co_await s->api.auth_test();
  if (who.ok())
    spdlog::info("slack: the bot token works");
  else if (who.result.error == bot::SendErrorKind::auth)
    spdlog::error("slack: Slack refused the bot token ({}); check adapters.slack.bot_token (xoxb-…)",
                  who.result.error_text);
}

}  // namespace

SlackAdapter::SlackAdapter(asio::any_io_executor executor, SlackOptions options)
    : state_(std::make_shared<SlackState>(executor, std::move(options))) {
  if (state_->options.socket_mode)
    state_->receiver =
        std::make_unique<SocketModeReceiver>(executor, state_->api, state_->options.socket, envelope_handler());
  else
    state_->http_receiver = std::make_unique<SlackHttpReceiver>(executor, http_options(), envelope_handler());
}

namespace {

asio::awaitable<http::ServerReply> install_page(std::weak_ptr<SlackState> weak, http::ServerRequest req) {
  auto s = weak.lock();
  if (!s || !s->installer) co_return http::text_reply(503, "Try again\n");
  co_return co_await s->installer->handle(std::move(req));
}

void installed(std::weak_ptr<SlackState> weak, const Installation& installation) {
  if (auto s = weak.lock()) add_workspace(*s, installation);
}

}  // namespace

SlackHttpOptions SlackAdapter::http_options() {
  SlackHttpOptions http = state_->options.http;
  auto& s = *state_;
  if (!s.options.install.enabled()) return http;
  const AdapterState& state = s.options.state;
  if (!state.load || !state.save || !state.claim || !state.list || !state.remove)
    throw std::invalid_argument("slack: installations need somewhere to keep them (the adapter state)");
  s.installs = std::make_shared<SlackInstallStore>(state, s.options.install.key);
  std::vector<std::string> problems;
  for (const Installation& i : s.installs->load_all(problems)) add_workspace(s, i);
  for (const auto& p : problems)
    spdlog::error("slack: an installation cannot be read and is left out ({}); was install_secret changed?", p);
  using namespace std::placeholders;
  std::weak_ptr<SlackState> weak = state_;
  s.installer =
      std::make_unique<SlackInstaller>(s.executor, s.options.install, s.options.api.base_url, s.installs,
                                       s.options.prompts, s.options.http.clock, std::bind(&installed, weak, _1));
  // A bound function, not a coroutine lambda with captures (GCC 12 mis-compiles those).
  http.install_pages = std::bind(&install_page, weak, _1);
  return http;
}

std::vector<std::string> SlackAdapter::installed_teams() const {
  std::vector<std::string> teams;
  for (const auto& [team, w] : state_->workspaces) teams.push_back(team);
  return teams;
}

SlackAdapter::~SlackAdapter() {
  stop();
  state_->receiver.reset();
  state_->http_receiver.reset();
  state_->installer.reset();
  for (auto& [team, w] : state_->workspaces) w.api->close();
  state_->api.close();
}

void SlackAdapter::stop() {
  state_->stopped = true;
  state_->api.stop_waiting();
  for (auto& [team, w] : state_->workspaces) w.api->stop_waiting();
  if (state_->receiver) state_->receiver->stop();
  if (state_->http_receiver) state_->http_receiver->stop();
  for (auto& [trigger, pending] : state_->pending_forms) pending->answer({});
}

void SlackAdapter::listen() {
  if (!state_->http_receiver) return;
  const auto& o = state_->options.http;
  try {
    state_->http_receiver->listen();
  } catch (const std::exception& e) {
    throw std::runtime_error("the Slack adapter cannot listen on " + o.listen_address + ":" + std::to_string(o.port) +
                             " for Slack's Request URLs: " + e.what() +
                             " (check adapters.slack.listen and port; see docs/slack.md)");
  }
}

std::string SlackAdapter::url() const { return state_->http_receiver ? state_->http_receiver->url() : std::string(); }

int SlackAdapter::open_connections() const { return state_->receiver ? state_->receiver->open_connections() : 0; }

asio::awaitable<void> SlackAdapter::run(bot::EventSink& sink) {
  auto s = state_;
  s->sink = &sink;
  // Beside the receiver, not before it: an unreachable API must not hold up Socket Mode.
  asio::co_spawn(s->executor, check_token(s), asio::detached);
  if (s->receiver && !s->stopped)
    co_await s->receiver->run();
  else if (s->http_receiver && !s->stopped)
    co_await s->http_receiver->run();
  s->sink = nullptr;
}

asio::awaitable<bot::SendResult> SlackAdapter::send(bot::Delivery delivery) {
  co_return co_await send_delivery(state_, std::move(delivery));
}

asio::awaitable<bot::Reconciliation> SlackAdapter::reconcile(bot::Delivery d) {
  auto s = state_;
  using Outcome = bot::Reconciliation::Outcome;
  bot::Reconciliation out;
  // Made again, they change nothing that was done.
  if (!d.update_ref.empty() || !d.delete_ref.empty()) {
    out.outcome = Outcome::not_sent;
    co_return out;
  }
  std::string no_api;
  std::shared_ptr<SlackWebApi> api = co_await api_for(s, d, &no_api);
  if (!api) co_return out;  // unknown: there is no token to look with
  if (d.channel.starts_with("email:")) {
    ApiOutcome user = co_await api->lookup_by_email(d.channel.substr(6));
    if (!user.ok()) {
      out.outcome = user.result.retryable() ? Outcome::retry : Outcome::unknown;
      co_return out;
    }
    d.channel = "dm:" + user.response.user_id;
  }
  if (d.channel.starts_with("dm:") && !d.message.find_form()) {
    if (auto r = co_await resolve_dm(api, d.channel); !r.ok()) {
      out.outcome = r.retryable() ? Outcome::retry : Outcome::unknown;
      co_return out;
    }
  }
  auto query = reconcile_query(d);
  if (!query) co_return out;  // unknown
  std::map<std::string, std::string> fields;
  const json query_fields = json::parse(query->body_json);  // a local: items() refers into it
  for (const auto& [key, value] : query_fields.items()) fields[key] = value.get<std::string>();
  ApiOutcome history = co_await api->call_form(query->method, fields);
  if (!history.ok()) {
    spdlog::warn("slack: cannot read {} to check for an interrupted message: {}", d.channel, history.result.error_text);
    out.outcome = history.result.retryable() ? Outcome::retry : Outcome::unknown;
    co_return out;
  }
  if (auto ts = find_outbox_key(history.body, d.idempotency_key)) {
    out.outcome = Outcome::sent;
    out.ref = *ts;
  } else {
    out.outcome = Outcome::not_sent;
  }
  co_return out;
}

asio::awaitable<AckReply> SlackAdapter::handle_envelope(EnvelopeType type, std::string payload_json,
                                                        std::string envelope_id) {
  co_return co_await handle_payload(state_, type, std::move(payload_json), std::move(envelope_id));
}

EnvelopeHandler SlackAdapter::envelope_handler() {
  using namespace std::placeholders;
  // A bound function, not a coroutine lambda with captures (GCC 12 mis-compiles those).
  return std::bind(&handle_if_alive, std::weak_ptr<SlackState>(state_), _1, _2, _3);
}

}  // namespace adapters::slack
