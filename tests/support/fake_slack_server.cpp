#include "tests/support/fake_slack_server.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/support/fake_http_listener.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr auto kTeam = "T0FAKE";
constexpr auto kApp = "A0FAKE";
constexpr auto kBotUser = "U0HALLPASS";

namespace {

// One Socket Mode websocket, as the server sees it.
struct WsConn {
  explicit WsConn(beast::tcp_stream&& stream)
      : ws(std::move(stream)), wake(ws.get_executor()), hold(ws.get_executor()) {
    wake.expires_at(asio::steady_timer::time_point::max());
    hold.expires_at(asio::steady_timer::time_point::max());
  }
  int id = 0;
  websocket::stream<beast::tcp_stream> ws;
  std::deque<std::pair<std::string, std::string>> out;  // (envelope id or "", frame)
  asio::steady_timer wake;
  asio::steady_timer hold;  // a silent connection waits on it until the server stops
  bool open = true;
  bool server_closing = false;  // the server closes it (after a disconnect frame's grace)
  std::set<std::string> unacked;
  std::map<std::string, SteadyClock::time_point> sent_at;
  SteadyClock::time_point opened_at = SteadyClock::now();
};
using ConnPtr = std::shared_ptr<WsConn>;

struct Envelope {
  json frame;
  std::string view_user;  // view_submission: whose open view the ack may replace
  bool acked = false;
};

struct Failure {
  std::string method;
  int status = 0;
  int retry_after = 0;
  std::string error;  // ok:false with this error instead of an HTTP status
};

}  // namespace

struct FakeSlackState {
  FakeSlackState(std::string bot, std::string app) : bot_token(std::move(bot)), app_token(std::move(app)) {}

  std::string origin() const { return "127.0.0.1:" + std::to_string(http->port()); }
  std::string next_ts() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "1795000000.%06d", ++ts_counter);
    return buf;
  }
  std::string new_trigger(const std::string& user) {
    std::string t = std::to_string(6100000000000 + ++trigger_counter) + ".1234567890.fake";
    triggers[t] = user;
    return t;
  }
  std::string new_response_url(const std::string& channel, const std::string& ts) {
    int n = ++response_counter;
    response_targets[n] = {channel, ts};
    return "http://" + origin() + "/response/" + std::to_string(n);
  }

  ConnPtr pick(int connection) {
    if (conns.empty()) return nullptr;
    if (connection != 0) {
      for (auto& c : conns)
        if (c->id == connection) return c;
      return nullptr;
    }
    return conns[rr++ % conns.size()];
  }

  void send_envelope(const std::string& id, int connection) {
    ConnPtr c = pick(connection);
    if (!c) {
      ++dispatch_failures;
      waiting.push_back(id);
      return;
    }
    c->unacked.insert(id);
    c->out.emplace_back(id, envelopes[id].frame.dump());
    c->wake.cancel();
  }

  std::optional<FakeHttpListener> http;  // Web API, response_url and Socket Mode upgrades
  std::string bot_token;
  std::string app_token;
  bool stopped = false;
  std::map<std::string, std::string> email_of;  // user id → e-mail
  std::set<std::string> not_in;
  std::vector<ConnPtr> conns;      // said hello, open
  std::vector<ConnPtr> all_conns;  // for stop()
  int opened = 0, closed_by_client = 0, next_conn = 1;
  std::chrono::milliseconds drop_age{0};  // drop_at_age()
  int without_connection = 0;
  std::size_t rr = 0;
  std::chrono::milliseconds grace{2000};
  bool silence_next = false;
  std::unique_ptr<tcp::acceptor> tls_acceptor;  // hand_out_untrusted_wss()
  std::unique_ptr<asio::ssl::context> tls;
  int refused_tls = 0;
  std::set<std::string> tickets;
  int ticket_counter = 0;
  std::map<std::string, Envelope> envelopes;
  std::deque<std::string> waiting;
  std::vector<FakeSlackServer::Ack> acks;
  int dispatch_failures = 0, redeliveries = 0, envelope_counter = 0, event_counter = 0;
  std::map<std::string, std::string> triggers;  // issued, unused → user
  std::set<std::string> used_triggers;
  long long trigger_counter = 0;
  std::map<std::string, json> views;  // user → open view
  int view_counter = 0;
  std::vector<FakeSlackServer::Call> calls;
  struct Grant {
    std::string team_id, team_name, bot_token, installer, enterprise_id;
  };
  std::string client_id, client_secret;
  std::map<std::string, Grant> grants;                 // code → what oauth.v2.access gives (once)
  std::map<std::string, std::string> workspace_token;  // installed bot token → team id
  std::set<std::string> revoked;
  std::map<std::string, std::string> channel_team;  // add_channel()
  std::vector<Failure> failures;
  int failed = 0;
  std::vector<std::pair<std::string, bool>> hang;  // (method, carried out): its next call is never answered
  std::vector<FakeSlackServer::Message> messages;
  int ts_counter = 0;
  std::vector<json> response_posts;
  std::map<int, std::pair<std::string, std::string>> response_targets;  // n → (channel, ts)
  int response_counter = 0;
};

namespace {

struct Reply {
  int status = 200;
  json body = json::object();
  int retry_after = -1;
};

Reply slack_error(const std::string& error) { return {200, {{"ok", false}, {"error", error}}, -1}; }

json form_json(std::string_view body) {
  json out = json::object();
  for (auto& [name, value] : form_fields(body)) out[name] = std::move(value);
  return out;
}

std::string text_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// What Slack checks of a message's blocks (a part of it: the limits Hallpass must keep).
bool blocks_valid(const json& blocks, std::size_t max_blocks) {
  if (blocks.is_null()) return true;
  if (!blocks.is_array() || blocks.size() > max_blocks) return false;
  for (const auto& b : blocks) {
    if (!b.is_object() || !b.contains("type")) return false;
    if (b["type"] == "section" && b.contains("text") && b["text"]["text"].get<std::string>().size() > 3000)
      return false;
    if (b["type"] == "actions" && b["elements"].size() > 25) return false;
  }
  return true;
}

FakeSlackServer::Message* find_message(FakeSlackState& s, const std::string& channel, const std::string& ts) {
  for (auto& m : s.messages)
    if (m.channel == channel && m.ts == ts) return &m;
  return nullptr;
}

Reply post_message(FakeSlackState& s, const json& b, bool ephemeral) {
  const std::string channel = text_of(b, "channel");
  if (channel.empty()) return slack_error("channel_not_found");
  if (ephemeral && s.not_in.contains(channel)) return slack_error("not_in_channel");
  json blocks = b.contains("blocks") ? b["blocks"] : json();
  if (blocks.is_string()) blocks = json::parse(blocks.get<std::string>(), nullptr, false);
  if (text_of(b, "text").empty() && blocks.is_null()) return slack_error("no_text");
  if (!blocks_valid(blocks, 50)) return slack_error("invalid_blocks");
  FakeSlackServer::Message m{.channel = channel,
                             .ts = s.next_ts(),
                             .thread_ts = text_of(b, "thread_ts"),
                             .text = text_of(b, "text"),
                             .blocks = blocks,
                             .user = text_of(b, "user"),
                             .ephemeral = ephemeral,
                             .metadata = b.contains("metadata") ? b["metadata"] : json()};
  if (ephemeral && m.user.empty()) return slack_error("user_not_found");
  m.at = std::chrono::steady_clock::now();
  s.messages.push_back(m);
  if (ephemeral) return {200, {{"ok", true}, {"message_ts", m.ts}}, -1};
  return {200, {{"ok", true}, {"channel", channel}, {"ts", m.ts}, {"message", {{"text", m.text}, {"ts", m.ts}}}}, -1};
}

Reply open_view(FakeSlackState& s, const json& b) {
  const std::string trigger = text_of(b, "trigger_id");
  auto it = s.triggers.find(trigger);
  if (it == s.triggers.end())
    return slack_error(s.used_triggers.contains(trigger) ? "exchanged_trigger_id" : "invalid_trigger_id");
  const std::string user = it->second;
  s.triggers.erase(it);
  s.used_triggers.insert(trigger);
  json view = b.contains("view") ? b["view"] : json();
  if (view.is_string()) view = json::parse(view.get<std::string>(), nullptr, false);
  if (!view.is_object() || view.value("type", "") != "modal" || !blocks_valid(view["blocks"], 100) ||
      text_of(view["title"], "text").size() > 24 || text_of(view, "private_metadata").size() > 3000)
    return slack_error("invalid_arguments");
  view["id"] = "V" + std::to_string(++s.view_counter);
  view["hash"] = "1795000000.hash" + std::to_string(s.view_counter);
  s.views[user] = view;
  return {200, {{"ok", true}, {"view", view}}, -1};
}

json user_json(const std::string& id, const std::string& email) {
  return {{"id", id}, {"name", id}, {"is_bot", false}, {"profile", {{"email", email}, {"display_name", id}}}};
}

std::string base64_text(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// oauth.v2.access as Slack documents it: the client by HTTP Basic or parameters, a code used once.
Reply oauth_access(FakeSlackState& s, const json& body, const std::string& auth) {
  const bool basic = auth == "Basic " + base64_text(s.client_id + ":" + s.client_secret);
  const bool params = text_of(body, "client_id") == s.client_id && text_of(body, "client_secret") == s.client_secret;
  if (s.client_id.empty() || (!basic && !params)) return slack_error("invalid_client_id");
  auto it = s.grants.find(text_of(body, "code"));
  if (it == s.grants.end()) return slack_error("invalid_code");
  const auto g = it->second;
  s.grants.erase(it);
  s.workspace_token[g.bot_token] = g.team_id;
  json answer{{"ok", true},
              {"access_token", g.bot_token},
              {"token_type", "bot"},
              {"scope", "commands,chat:write,im:write,users:read,users:read.email"},
              {"bot_user_id", FakeSlackServer::bot_user_of(g.team_id)},
              {"app_id", kApp},
              {"team", {{"id", g.team_id}, {"name", g.team_name}}},
              {"enterprise", g.enterprise_id.empty() ? json() : json{{"id", g.enterprise_id}, {"name", "Grid"}}},
              {"is_enterprise_install", false},
              {"authed_user", {{"id", g.installer}}}};
  return {200, answer, -1};
}

Reply route_api(FakeSlackState& s, const std::string& method, const FakeRequest& req) {
  const std::string type(req[http::field::content_type]);
  json body = type.starts_with("application/json") ? json::parse(req.body(), nullptr, false) : form_json(req.body());
  if (body.is_discarded()) body = json::object();
  const std::string auth(req[http::field::authorization]);
  const std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : "";
  s.calls.push_back({method, body, token});

  if (method == "oauth.v2.access") return oauth_access(s, body, auth);
  if (auth.empty()) return slack_error("not_authed");
  const bool app_method = method == "apps.connections.open";
  if (s.revoked.contains(token)) return slack_error("token_revoked");
  const bool installed = !app_method && s.workspace_token.contains(token);
  if (!installed && token != (app_method ? s.app_token : s.bot_token))
    return slack_error(token == (app_method ? s.bot_token : s.app_token) ? "not_allowed_token_type" : "invalid_auth");
  if (method == "auth.revoke") {
    s.revoked.insert(token);
    return {200, {{"ok", true}, {"revoked", true}}, -1};
  }
  for (auto it = s.failures.begin(); it != s.failures.end(); ++it)
    if (it->method == method) {
      Failure f = *it;
      s.failures.erase(it);
      ++s.failed;
      if (!f.error.empty()) return slack_error(f.error);
      if (f.status == 429) return {429, {{"ok", false}, {"error", "ratelimited"}}, f.retry_after};
      return {f.status, {{"ok", false}, {"error", "fatal_error"}}, -1};
    }

  if (method == "auth.test")
    return {200, {{"ok", true}, {"team_id", kTeam}, {"user_id", kBotUser}, {"bot_id", "B0HALLPASS"}}, -1};
  if (method == "apps.connections.open") {
    std::string ticket = "t" + std::to_string(++s.ticket_counter);
    s.tickets.insert(ticket);
    if (s.tls_acceptor) {
      const auto port = s.tls_acceptor->local_endpoint().port();
      return {200, {{"ok", true}, {"url", "wss://127.0.0.1:" + std::to_string(port) + "/link/?ticket=" + ticket}}, -1};
    }
    return {200, {{"ok", true}, {"url", "ws://" + s.origin() + "/link/?ticket=" + ticket + "&app_id=" + kApp}}, -1};
  }
  if (method == "chat.postMessage") return post_message(s, body, false);
  if (method == "chat.postEphemeral") return post_message(s, body, true);
  if (method == "chat.update") {
    auto* m = find_message(s, text_of(body, "channel"), text_of(body, "ts"));
    if (!m || m->ephemeral) return slack_error("message_not_found");
    json blocks = body.contains("blocks") ? body["blocks"] : json();
    if (!blocks_valid(blocks, 50)) return slack_error("invalid_blocks");
    m->text = text_of(body, "text");
    m->blocks = blocks;
    ++m->edits;
    return {200, {{"ok", true}, {"channel", m->channel}, {"ts", m->ts}, {"text", m->text}}, -1};
  }
  if (method == "chat.delete") {
    const std::string channel = text_of(body, "channel"), ts = text_of(body, "ts");
    auto before = s.messages.size();
    std::erase_if(s.messages, [&](const auto& m) { return m.channel == channel && m.ts == ts; });
    if (s.messages.size() == before) return slack_error("message_not_found");
    return {200, {{"ok", true}, {"channel", channel}, {"ts", ts}}, -1};
  }
  if (method == "files.delete") return {200, {{"ok", true}}, -1};
  if (method == "views.open") return open_view(s, body);
  if (method == "conversations.open") {
    const std::string users = text_of(body, "users");
    if (users.empty() || users.find(',') != std::string::npos) return slack_error("invalid_arguments");
    return {200, {{"ok", true}, {"channel", {{"id", FakeSlackServer::dm_channel(users)}}}}, -1};
  }
  if (method == "conversations.history" || method == "conversations.replies") {
    // The newest first, as Slack answers; metadata only with include_all_metadata.
    const std::string channel = text_of(body, "channel"), thread = text_of(body, "ts");
    const bool with_metadata = text_of(body, "include_all_metadata") == "true";
    json list = json::array();
    for (auto it = s.messages.rbegin(); it != s.messages.rend(); ++it) {
      if (it->channel != channel || it->ephemeral) continue;
      if (method == "conversations.replies" && it->ts != thread && it->thread_ts != thread) continue;
      if (method == "conversations.history" && !it->thread_ts.empty()) continue;
      json m{{"type", "message"}, {"ts", it->ts}, {"text", it->text}};
      if (with_metadata && !it->metadata.is_null()) m["metadata"] = it->metadata;
      list.push_back(m);
    }
    return {200, {{"ok", true}, {"messages", list}, {"has_more", false}}, -1};
  }
  if (method == "conversations.info") {
    const std::string channel = text_of(body, "channel");
    auto it = s.channel_team.find(channel);
    auto team = s.workspace_token.find(token);
    const bool known = s.channel_team.empty() ||
                       (it != s.channel_team.end() && team != s.workspace_token.end() && team->second == it->second);
    if (!known) return slack_error("channel_not_found");
    return {200, {{"ok", true}, {"channel", {{"id", channel}}}}, -1};
  }
  if (method == "users.info") {
    auto it = s.email_of.find(text_of(body, "user"));
    if (it == s.email_of.end()) return slack_error("user_not_found");
    return {200, {{"ok", true}, {"user", user_json(it->first, it->second)}}, -1};
  }
  if (method == "users.lookupByEmail") {
    for (const auto& [id, email] : s.email_of)
      if (email == text_of(body, "email")) return {200, {{"ok", true}, {"user", user_json(id, email)}}, -1};
    return slack_error("users_not_found");
  }
  return slack_error("unknown_method");
}

Reply route_response_url(FakeSlackState& s, int n, const std::string& body_text) {
  json body = json::parse(body_text, nullptr, false);
  if (!body.is_object()) return {400, {{"ok", false}, {"error", "invalid_payload"}}, -1};
  s.response_posts.push_back(body);
  auto it = s.response_targets.find(n);
  if (it == s.response_targets.end()) return {404, {{"ok", false}, {"error", "expired_url"}}, -1};
  if (body.value("replace_original", false))
    if (auto* m = find_message(s, it->second.first, it->second.second)) {
      m->text = text_of(body, "text");
      m->blocks = body.contains("blocks") ? body["blocks"] : json();
      ++m->edits;
    }
  return {200, {{"ok", true}}, -1};
}

void deliver_waiting(FakeSlackState& s) {
  while (!s.waiting.empty() && !s.conns.empty()) {
    std::string id = s.waiting.front();
    s.waiting.pop_front();
    s.send_envelope(id, 0);
  }
}

void record_ack(FakeSlackState& s, WsConn& c, const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("envelope_id")) return;
  const std::string id = j["envelope_id"];
  FakeSlackServer::Ack ack{
      .envelope_id = id, .payload = j.contains("payload") ? j["payload"] : json(), .connection = c.id};
  if (auto it = c.sent_at.find(id); it != c.sent_at.end()) ack.latency = SteadyClock::now() - it->second;
  s.acks.push_back(ack);
  c.unacked.erase(id);
  auto e = s.envelopes.find(id);
  if (e == s.envelopes.end()) return;
  e->second.acked = true;
  const json& p = ack.payload;
  if (p.is_object() && p.value("response_action", "") == "update" && !e->second.view_user.empty()) {
    json view = p["view"];
    view["id"] = "V" + std::to_string(++s.view_counter);
    s.views[e->second.view_user] = view;
  }
}

// Holds the server state while the connection writes, though it reads none of it.
asio::awaitable<void> ws_writer([[maybe_unused]] std::shared_ptr<FakeSlackState> s, ConnPtr c) {
  while (c->open) {
    if (c->out.empty() && !c->server_closing) {
      co_await c->wake.async_wait(kToken);
      continue;
    }
    if (!c->out.empty()) {
      auto [id, frame] = std::move(c->out.front());
      c->out.pop_front();
      if (!id.empty()) c->sent_at[id] = SteadyClock::now();
      c->ws.text(true);
      auto [ec, n] = co_await c->ws.async_write(asio::buffer(frame), kToken);
      if (ec) break;
      continue;
    }
    co_await c->ws.async_close(websocket::close_code::service_restart, kToken);
    break;
  }
}

// drop_at_age(): the connection's TCP socket closed once it is that old.
asio::awaitable<void> drop_when_old(std::shared_ptr<FakeSlackState> s, ConnPtr c) {
  asio::steady_timer timer(c->ws.get_executor());
  timer.expires_at(c->opened_at + s->drop_age);
  co_await timer.async_wait(kToken);
  if (!c->open || s->stopped) co_return;
  beast::error_code ignored;
  beast::get_lowest_layer(c->ws).socket().close(ignored);
}

// The server's own close of a connection it sent a disconnect frame to.
asio::awaitable<void> close_after_grace(std::shared_ptr<FakeSlackState> s, ConnPtr c) {
  asio::steady_timer timer(c->ws.get_executor());
  timer.expires_after(s->grace);
  co_await timer.async_wait(kToken);
  if (!c->open) co_return;
  c->server_closing = true;
  c->wake.cancel();
}

asio::awaitable<void> ws_session(std::shared_ptr<FakeSlackState> s, beast::tcp_stream stream,
                                 http::request<http::string_body> req) {
  std::string target(req.target());
  auto pos = target.find("ticket=");
  std::string ticket = pos == std::string::npos ? "" : target.substr(pos + 7, target.find('&', pos) - pos - 7);
  if (!target.starts_with("/link/") || !s->tickets.erase(ticket)) {
    http::response<http::string_body> res{http::status::unauthorized, req.version()};
    res.body() = "invalid ticket";
    res.prepare_payload();
    co_await http::async_write(stream, res, kToken);
    co_return;
  }
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);  // as a real server would: frames go at once
  auto c = std::make_shared<WsConn>(std::move(stream));
  c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  auto [aec] = co_await c->ws.async_accept(req, kToken);
  if (aec) co_return;
  c->id = s->next_conn++;
  c->opened_at = SteadyClock::now();
  ++s->opened;
  if (s->drop_age.count() > 0) asio::co_spawn(c->ws.get_executor(), drop_when_old(s, c), asio::detached);
  s->conns.push_back(c);
  s->all_conns.push_back(c);
  json hello = {{"type", "hello"},
                {"num_connections", s->conns.size()},
                {"debug_info", {{"host", "applink-fake"}, {"build_number", 1}, {"approximate_connection_time", 18060}}},
                {"connection_info", {{"app_id", kApp}}}};
  c->out.emplace_back("", hello.dump());
  asio::co_spawn(c->ws.get_executor(), ws_writer(s, c), asio::detached);
  deliver_waiting(*s);

  if (std::exchange(s->silence_next, false)) {
    // Reading nothing: Beast answers pings only while a read is pending.
    co_await c->hold.async_wait(kToken);
  }
  beast::flat_buffer buffer;
  bool client_closed = false;
  for (;;) {
    auto [ec, n] = co_await c->ws.async_read(buffer, kToken);
    if (ec) {
      client_closed = ec == websocket::error::closed && !c->server_closing;
      break;
    }
    record_ack(*s, *c, beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
  }
  c->open = false;
  c->wake.cancel();
  if (client_closed) ++s->closed_by_client;
  std::erase(s->conns, c);
  if (s->conns.empty() && !s->stopped) ++s->without_connection;
  // Unacknowledged envelopes go to another connection, as Slack delivers them again.
  for (const auto& id : c->unacked) {
    auto& e = s->envelopes[id];
    if (e.acked) continue;
    e.frame["retry_attempt"] = e.frame.value("retry_attempt", 0) + 1;
    e.frame["retry_reason"] = "timeout";
    ++s->redeliveries;
    s->send_envelope(id, 0);
  }
}

asio::awaitable<FakeResponse> answer(std::shared_ptr<FakeSlackState> s, const FakeRequest& req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  Reply r;
  if (!s)
    r = {503, {{"ok", false}, {"error", "service_unavailable"}}, -1};
  else if (req.method() != http::verb::post)
    r = {405, {{"ok", false}, {"error", "method_not_allowed"}}, -1};
  else if (path.starts_with("/api/")) {
    const std::string method = path.substr(5);
    auto h = std::find_if(s->hang.begin(), s->hang.end(), [&](const auto& m) { return m.first == method; });
    const bool hangs = h != s->hang.end();
    const bool carry_out = !hangs || h->second;
    if (hangs) s->hang.erase(h);
    if (carry_out) r = route_api(*s, method, req);
    if (hangs) {
      // Done, and never answered: waits until the server stops.
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer forever(ex);
      while (!s->stopped) {
        forever.expires_after(std::chrono::milliseconds(50));
        co_await forever.async_wait(kToken);
      }
      r = {503, {{"ok", false}, {"error", "service_unavailable"}}, -1};
    }
  } else if (path.starts_with("/response/"))
    r = route_response_url(*s, std::stoi(path.substr(10)), req.body());
  else
    r = {404, {{"ok", false}, {"error", "unknown_path"}}, -1};
  FakeResponse res{r.status, r.body.dump(), "application/json; charset=utf-8", {}};
  if (r.retry_after >= 0) res.headers.emplace_back("Retry-After", std::to_string(r.retry_after));
  co_return res;
}

asio::awaitable<void> upgrade(std::shared_ptr<FakeSlackState> s, beast::tcp_stream stream,
                              http::request<http::string_body> req) {
  if (s) co_await ws_session(s, std::move(stream), std::move(req));
}

// A TLS listener that only does handshakes: with a self-signed certificate they must fail.
asio::awaitable<void> tls_accept_loop(std::shared_ptr<FakeSlackState> s) {
  while (!s->stopped && s->tls_acceptor) {
    auto [ec, socket] = co_await s->tls_acceptor->async_accept(kToken);
    if (ec) break;
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *s->tls);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kToken);
    if (hec) ++s->refused_tls;
  }
}

// A self-signed certificate for 127.0.0.1, made up in memory.
void use_self_signed_certificate(asio::ssl::context& ctx) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx.native_handle(), cert);
  SSL_CTX_use_PrivateKey(ctx.native_handle(), key);
  X509_free(cert);
  EVP_PKEY_free(key);
}

json event_envelope_payload(FakeSlackState& s, json event) {
  return {{"token", "fake-verification"},
          {"team_id", kTeam},
          {"api_app_id", kApp},
          {"event", std::move(event)},
          {"type", "event_callback"},
          {"event_id", "Ev" + std::to_string(++s.event_counter)},
          {"event_time", 1795000000},
          {"authorizations", json::array({{{"user_id", kBotUser}, {"is_bot", true}, {"team_id", kTeam}}})}};
}

// view.state.values for the submitted values, by the view's input blocks.
json state_values(const json& view, const std::map<std::string, std::string>& values) {
  json out = json::object();
  for (const auto& block : view.value("blocks", json::array())) {
    if (block.value("type", "") != "input") continue;
    const std::string key = block.value("block_id", "");
    const json& el = block["element"];
    const std::string type = el.value("type", "");
    const std::string action = el.value("action_id", key);
    auto it = values.find(key);
    const std::string value = it == values.end() ? "" : it->second;
    json state = {{"type", type}};
    if (type == "checkboxes" || type == "multi_static_select") {
      json selected = json::array();
      size_t start = 0;
      while (!value.empty() && start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string v = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!v.empty()) selected.push_back({{"value", v}, {"text", {{"type", "plain_text"}, {"text", v}}}});
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      state["selected_options"] = selected;
    } else if (type == "static_select" || type == "radio_buttons") {
      state["selected_option"] =
          value.empty() ? json() : json{{"value", value}, {"text", {{"type", "plain_text"}, {"text", value}}}};
    } else {
      state["value"] = value.empty() ? json() : json(value);
    }
    out[key][action] = state;
  }
  return out;
}

}  // namespace

void FakeSlackServer::rotate_bot_token(const std::string& token) { state_->bot_token = token; }

void FakeSlackServer::set_oauth_client(const std::string& client_id, const std::string& client_secret) {
  state_->client_id = client_id;
  state_->client_secret = client_secret;
}

void FakeSlackServer::authorize(const std::string& code, const std::string& team_id, const std::string& team_name,
                                const std::string& bot_token, const std::string& installer,
                                const std::string& enterprise_id) {
  state_->grants[code] = {team_id, team_name, bot_token, installer, enterprise_id};
}

void FakeSlackServer::revoke_token(const std::string& bot_token) { state_->revoked.insert(bot_token); }

void FakeSlackServer::add_channel(const std::string& channel, const std::string& team_id) {
  state_->channel_team[channel] = team_id;
}

std::string FakeSlackServer::bot_user_of(const std::string& team_id) {
  return "UB" + (team_id.starts_with("T") ? team_id.substr(1) : team_id);
}

FakeSlackServer::FakeSlackServer(asio::io_context& io, std::string bot_token, std::string app_token)
    : state_(std::make_shared<FakeSlackState>(std::move(bot_token), std::move(app_token))) {
  std::weak_ptr<FakeSlackState> weak = state_;
  state_->http.emplace(
      io, [weak](const FakeRequest& req) { return answer(weak.lock(), req); },
      [weak](beast::tcp_stream stream, FakeRequest req) {
        return upgrade(weak.lock(), std::move(stream), std::move(req));
      });
}

FakeSlackServer::~FakeSlackServer() { stop(); }

void FakeSlackServer::stop() {
  state_->stopped = true;
  state_->http->stop();
  beast::error_code ignored;
  if (state_->tls_acceptor) state_->tls_acceptor->close(ignored);
  for (auto& c : state_->all_conns) {
    beast::get_lowest_layer(c->ws).socket().close(ignored);
    c->open = false;
    c->wake.cancel();
    c->hold.cancel();
  }
}

void FakeSlackServer::silence_next_connection() { state_->silence_next = true; }

void FakeSlackServer::hand_out_untrusted_wss() {
  auto& s = *state_;
  if (s.tls_acceptor) return;
  s.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  use_self_signed_certificate(*s.tls);
  s.tls_acceptor =
      std::make_unique<tcp::acceptor>(s.http->executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::co_spawn(s.http->executor(), tls_accept_loop(state_), asio::detached);
}

int FakeSlackServer::refused_tls_handshakes() const { return state_->refused_tls; }

std::string FakeSlackServer::api_base_url() const { return "http://" + state_->origin() + "/api"; }

std::string FakeSlackServer::dm_channel(const std::string& user) {
  return "D" + (user.starts_with("U") ? user.substr(1) : user);
}

void FakeSlackServer::add_user(const std::string& user_id, const std::string& email) {
  state_->email_of[user_id] = email;
}

void FakeSlackServer::bot_not_in(const std::string& channel) { state_->not_in.insert(channel); }

std::vector<int> FakeSlackServer::open_connections() const {
  std::vector<int> out;
  for (const auto& c : state_->conns) out.push_back(c->id);
  return out;
}

int FakeSlackServer::connections_opened() const { return state_->opened; }
int FakeSlackServer::connections_closed_by_client() const { return state_->closed_by_client; }
void FakeSlackServer::set_disconnect_grace(std::chrono::milliseconds grace) { state_->grace = grace; }

std::string FakeSlackServer::deliver(const std::string& type, json payload, int connection, std::string envelope_id) {
  auto& s = *state_;
  if (envelope_id.empty()) envelope_id = "env-" + std::to_string(++s.envelope_counter) + "-fake";
  const bool submission = type == "interactive" && payload.value("type", "") == "view_submission";
  json frame = {{"envelope_id", envelope_id},
                {"type", type},
                {"payload", std::move(payload)},
                {"accepts_response_payload", type == "slash_commands" || submission}};
  if (type == "events_api") {
    frame["retry_attempt"] = 0;
    frame["retry_reason"] = "";
  }
  s.envelopes[envelope_id].frame = std::move(frame);
  s.send_envelope(envelope_id, connection);
  return envelope_id;
}

void FakeSlackServer::deliver_again(const std::string& envelope_id, int connection) {
  if (!state_->envelopes.contains(envelope_id)) throw std::invalid_argument("no envelope " + envelope_id);
  state_->send_envelope(envelope_id, connection);
}

std::string FakeSlackServer::retry_in_new_envelope(const std::string& envelope_id) {
  auto& s = *state_;
  auto it = s.envelopes.find(envelope_id);
  if (it == s.envelopes.end()) throw std::invalid_argument("no envelope " + envelope_id);
  json frame = it->second.frame;
  const std::string id = "env-" + std::to_string(++s.envelope_counter) + "-fake";
  frame["envelope_id"] = id;
  frame["retry_attempt"] = frame.value("retry_attempt", 0) + 1;
  frame["retry_reason"] = "timeout";
  s.envelopes[id].frame = std::move(frame);
  s.send_envelope(id, 0);
  return id;
}

void FakeSlackServer::disconnect(int connection, const std::string& reason) {
  ConnPtr c = state_->pick(connection);
  if (!c) throw std::invalid_argument("no open connection " + std::to_string(connection));
  c->out.emplace_back(
      "", json{{"type", "disconnect"}, {"reason", reason}, {"debug_info", {{"host", "applink-fake"}}}}.dump());
  c->wake.cancel();
  asio::co_spawn(c->ws.get_executor(), close_after_grace(state_, c), asio::detached);
}

void FakeSlackServer::drop_at_age(std::chrono::milliseconds age) {
  state_->drop_age = age;
  for (auto& c : state_->conns) asio::co_spawn(c->ws.get_executor(), drop_when_old(state_, c), asio::detached);
}

int FakeSlackServer::times_without_connection() const { return state_->without_connection; }

void FakeSlackServer::drop(int connection) {
  ConnPtr c = state_->pick(connection);
  if (!c) throw std::invalid_argument("no open connection " + std::to_string(connection));
  beast::error_code ignored;
  beast::get_lowest_layer(c->ws).socket().close(ignored);
}

FakeSlackServer::Delivered FakeSlackServer::slash_command(const std::string& user, const std::string& channel,
                                                          const std::string& text, int connection) {
  auto& s = *state_;
  Delivered d;
  d.trigger_id = s.new_trigger(user);
  json payload = {{"token", "fake-verification"},
                  {"team_id", kTeam},
                  {"team_domain", "fake"},
                  {"channel_id", channel},
                  {"channel_name", channel.starts_with("D") ? "directmessage" : "channel-" + channel},
                  {"user_id", user},
                  {"user_name", user},
                  {"command", "/socialmedia"},
                  {"text", text},
                  {"api_app_id", kApp},
                  {"is_enterprise_install", "false"},
                  {"response_url", s.new_response_url(channel, "")},
                  {"trigger_id", d.trigger_id}};
  d.envelope_id = deliver("slash_commands", std::move(payload), connection);
  return d;
}

FakeSlackServer::Delivered FakeSlackServer::block_action(const std::string& user, const std::string& channel,
                                                         const std::string& ts, const std::string& action_id,
                                                         const std::string& value, bool ephemeral) {
  auto& s = *state_;
  Delivered d;
  d.trigger_id = s.new_trigger(user);
  json payload = {
      {"type", "block_actions"},
      {"user", {{"id", user}, {"username", user}, {"team_id", kTeam}}},
      {"api_app_id", kApp},
      {"token", "fake-verification"},
      {"container", {{"type", "message"}, {"message_ts", ts}, {"channel_id", channel}, {"is_ephemeral", ephemeral}}},
      {"trigger_id", d.trigger_id},
      {"team", {{"id", kTeam}}},
      {"channel", {{"id", channel}}},
      {"response_url", s.new_response_url(channel, ts)},
      {"actions", json::array({{{"action_id", action_id},
                                {"block_id", "b1"},
                                {"value", value},
                                {"type", "button"},
                                {"action_ts", "1795000000.999"}}})}};
  if (!ephemeral) {
    json message = {{"type", "message"}, {"ts", ts}};
    if (auto* m = find_message(s, channel, ts); m && !m->thread_ts.empty()) message["thread_ts"] = m->thread_ts;
    payload["message"] = message;
  }
  d.envelope_id = deliver("interactive", std::move(payload));
  return d;
}

FakeSlackServer::Delivered FakeSlackServer::view_submission(const std::string& user,
                                                            const std::map<std::string, std::string>& values) {
  auto& s = *state_;
  auto it = s.views.find(user);
  if (it == s.views.end()) throw std::invalid_argument("no view is open for " + user);
  json view = it->second;
  view["state"] = {{"values", state_values(view, values)}};
  Delivered d;
  d.trigger_id = s.new_trigger(user);
  json payload = {{"type", "view_submission"},
                  {"team", {{"id", kTeam}}},
                  {"user", {{"id", user}, {"username", user}, {"team_id", kTeam}}},
                  {"api_app_id", kApp},
                  {"token", "fake-verification"},
                  {"trigger_id", d.trigger_id},
                  {"view", view},
                  {"response_urls", json::array()}};
  d.envelope_id = deliver("interactive", std::move(payload));
  s.envelopes[d.envelope_id].view_user = user;
  return d;
}

std::string FakeSlackServer::dm_message(const std::string& user, const std::string& text) {
  auto& s = *state_;
  const std::string ts = s.next_ts();
  json event = {{"type", "message"}, {"channel", dm_channel(user)}, {"user", user}, {"text", text}, {"ts", ts},
                {"event_ts", ts},    {"channel_type", "im"}};
  return deliver("events_api", event_envelope_payload(s, std::move(event)));
}

std::string FakeSlackServer::mention(const std::string& user, const std::string& channel, const std::string& text,
                                     const std::string& thread_ts) {
  auto& s = *state_;
  const std::string ts = s.next_ts();
  json event = {{"type", "app_mention"},
                {"channel", channel},
                {"user", user},
                {"text", std::string("<@") + kBotUser + "> " + text},
                {"ts", ts},
                {"event_ts", ts}};
  if (!thread_ts.empty()) event["thread_ts"] = thread_ts;
  return deliver("events_api", event_envelope_payload(s, std::move(event)));
}

std::string FakeSlackServer::thread_reply(const std::string& user, const std::string& channel,
                                          const std::string& thread_ts, const std::string& text) {
  auto& s = *state_;
  const std::string ts = s.next_ts();
  json event = {{"type", "message"},
                {"channel", channel},
                {"user", user},
                {"text", text},
                {"ts", ts},
                {"event_ts", ts},
                {"thread_ts", thread_ts},
                {"channel_type", channel.starts_with("D") ? "im" : "channel"}};  // a DM: D…
  return deliver("events_api", event_envelope_payload(s, std::move(event)));
}

std::vector<FakeSlackServer::Ack> FakeSlackServer::acks() const { return state_->acks; }
std::size_t FakeSlackServer::ack_count() const { return state_->acks.size(); }
std::size_t FakeSlackServer::message_count() const { return state_->messages.size(); }

bool FakeSlackServer::acked(const std::string& envelope_id) const { return acks_of(envelope_id) > 0; }

int FakeSlackServer::acks_of(const std::string& envelope_id) const {
  return static_cast<int>(std::count_if(state_->acks.begin(), state_->acks.end(),
                                        [&](const Ack& a) { return a.envelope_id == envelope_id; }));
}

int FakeSlackServer::dispatch_failures() const { return state_->dispatch_failures; }
int FakeSlackServer::redeliveries() const { return state_->redeliveries; }

std::optional<json> FakeSlackServer::open_view(const std::string& user) const {
  auto it = state_->views.find(user);
  if (it == state_->views.end()) return std::nullopt;
  return it->second;
}

std::vector<FakeSlackServer::Call> FakeSlackServer::calls(const std::string& method) const {
  std::vector<Call> out;
  for (const auto& c : state_->calls)
    if (method.empty() || c.method == method) out.push_back(c);
  return out;
}

void FakeSlackServer::fail_next(const std::string& method, int status, int retry_after_seconds) {
  state_->failures.push_back({method, status, retry_after_seconds, ""});
}

void FakeSlackServer::refuse_next(const std::string& method, const std::string& error) {
  state_->failures.push_back({method, 200, -1, error});
}

int FakeSlackServer::failed_requests() const { return state_->failed; }

void FakeSlackServer::hang_next(const std::string& method, bool carry_out) {
  state_->hang.emplace_back(method, carry_out);
}

std::vector<FakeSlackServer::Message> FakeSlackServer::messages(const std::string& channel) const {
  std::vector<Message> out;
  for (const auto& m : state_->messages)
    if (m.channel == channel) out.push_back(m);
  return out;
}

std::vector<FakeSlackServer::Message> FakeSlackServer::find(const std::string& channel,
                                                            const std::string& needle) const {
  std::vector<Message> out;
  for (const auto& m : messages(channel))
    if (message_text(m).find(needle) != std::string::npos) out.push_back(m);
  return out;
}

std::vector<json> FakeSlackServer::response_url_posts() const { return state_->response_posts; }

std::string message_text(const FakeSlackServer::Message& m) { return m.text + "\n" + m.blocks.dump(); }

}  // namespace test_support
