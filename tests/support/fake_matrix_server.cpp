#include "tests/support/fake_matrix_server.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse_path.hpp>

#include "tests/support/fake_http_listener.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr int kLongPollCapMs = 200;

struct FakeMatrixState {
  FakeMatrixState(std::string user, std::string tok) : bot(std::move(user)), token(std::move(tok)) {}

  struct Failure {
    std::string part;
    int status;
    long long retry_after_ms;
  };
  struct Invite {
    std::string room_id, inviter;
    bool is_direct;
    bool encrypted = false;
  };

  std::optional<FakeHttpListener> http;
  std::string bot;
  std::string token;
  std::vector<FakeMatrixServer::Event> timeline;  // the stream: position = index
  std::set<std::string> joined;
  std::vector<std::string> left;
  std::set<std::string> encrypted;                       // rooms with m.room.encryption state
  std::map<std::string, std::set<std::string>> members;  // joined members, where a test set them
  std::vector<Invite> invites;
  std::map<std::string, json> txns;  // room\ntype\ntxn → response
  std::vector<FakeMatrixServer::Event> bot_events;
  std::vector<std::pair<std::string, std::string>> created;
  std::map<std::string, json> account_data;
  std::vector<Failure> failures;
  std::vector<asio::steady_timer*> waiting;  // long-polls to wake on a new event
  bool limit_next = false;
  int sends = 0, syncs = 0, failed = 0, refused_relations = 0, next_id = 1, next_room = 1;

  std::string append(const std::string& room, json event) {
    std::string id = "$ev" + std::to_string(next_id++);
    event["event_id"] = id;
    event["origin_server_ts"] = 1795000000000LL + next_id;
    timeline.push_back({room, std::move(event)});
    wake();
    return id;
  }
  void wake() {
    for (auto* t : waiting) t->cancel();
  }
};

namespace {

// The decoded segments of an absolute path; nullopt for a malformed one.
std::optional<std::vector<std::string>> segments(std::string_view path) {
  auto parsed = boost::urls::parse_path(path);
  if (!parsed) return std::nullopt;
  std::vector<std::string> out;
  for (auto segment : *parsed) out.push_back(segment.decode());
  return out;
}

struct Reply {
  int status = 200;
  json body = json::object();
  std::string retry_after;
};

Reply error(int status, const std::string& code, const std::string& text) {
  return {status, {{"errcode", code}, {"error", text}}, ""};
}

json encryption_event() {
  return {{"type", "m.room.encryption"},
          {"state_key", ""},
          {"sender", "@admin:test"},
          {"content", {{"algorithm", "m.megolm.v1.aes-sha2"}}}};
}

const FakeMatrixServer::Event* find_event(const FakeMatrixState& s, const std::string& event_id) {
  for (const auto& e : s.timeline)
    if (e.event.value("event_id", "") == event_id) return &e;
  return nullptr;
}

// Synapse 1.67 (handlers/message.py, _validate_event_relation): a relation's parent must be known
// and in the same room; the bot's replies name their parent in m.in_reply_to too.
std::optional<std::string> relation_problem(const FakeMatrixState& s, const std::string& room, const json& content) {
  const json relates = content.value("m.relates_to", json::object());
  if (!relates.is_object()) return std::nullopt;
  std::vector<std::string> parents;
  if (relates.contains("event_id") && relates["event_id"].is_string()) parents.push_back(relates["event_id"]);
  const json reply = relates.value("m.in_reply_to", json::object());
  if (reply.is_object() && reply.contains("event_id") && reply["event_id"].is_string())
    parents.push_back(reply["event_id"]);
  for (const auto& parent : parents) {
    const auto* e = find_event(s, parent);
    if (!e) return "Can't send relation to unknown event";
    if (e->room_id != room) return "Relations must be in the same room";
  }
  return std::nullopt;
}

size_t position(const std::string& token) {
  if (token.size() < 2) return 0;
  return static_cast<size_t>(std::stoul(token.substr(1)));
}

json sync_body(FakeMatrixState& s, size_t from) {
  json rooms = {{"join", json::object()}, {"invite", json::object()}, {"leave", json::object()}};
  std::map<std::string, std::vector<size_t>> per_room;
  for (size_t i = from; i < s.timeline.size(); ++i)
    if (s.joined.contains(s.timeline[i].room_id)) per_room[s.timeline[i].room_id].push_back(i);
  for (auto& [room, idx] : per_room) {
    json timeline = {{"events", json::array()}, {"limited", false}};
    if (s.limit_next && idx.size() > 1) {
      timeline["limited"] = true;
      timeline["prev_batch"] = "p" + std::to_string(idx.back());
      idx = {idx.back()};
    }
    for (size_t i : idx) timeline["events"].push_back(s.timeline[i].event);
    json state = json::array();
    if (s.encrypted.contains(room)) state.push_back(encryption_event());
    rooms["join"][room] = {{"timeline", timeline}, {"state", {{"events", state}}}};
  }
  s.limit_next = false;
  for (const auto& inv : s.invites) {
    json member = {{"type", "m.room.member"},
                   {"state_key", s.bot},
                   {"sender", inv.inviter},
                   {"content", {{"membership", "invite"}}}};
    if (inv.is_direct) member["content"]["is_direct"] = true;
    json stripped = json::array({member});
    if (inv.encrypted) stripped.push_back(encryption_event());
    rooms["invite"][inv.room_id] = {{"invite_state", {{"events", stripped}}}};
  }
  return {{"next_batch", "s" + std::to_string(s.timeline.size())}, {"rooms", rooms}};
}

asio::awaitable<Reply> handle_sync(std::shared_ptr<FakeMatrixState> s, std::map<std::string, std::string> q) {
  ++s->syncs;
  size_t from = q.contains("since") ? position(q["since"]) : 0;
  int timeout = q.contains("timeout") ? std::min(std::stoi(q["timeout"]), kLongPollCapMs) : 0;
  if (q.contains("since") && from >= s->timeline.size() && s->invites.empty() && timeout > 0) {
    asio::steady_timer timer(s->http->executor());
    timer.expires_after(std::chrono::milliseconds(timeout));
    s->waiting.push_back(&timer);
    co_await timer.async_wait(kToken);
    std::erase(s->waiting, &timer);
  }
  co_return Reply{200, sync_body(*s, from), ""};
}

Reply handle_messages(FakeMatrixState& s, const std::string& room, std::map<std::string, std::string> q) {
  size_t from = position(q["from"]);
  size_t to = q.contains("to") ? position(q["to"]) : 0;
  json chunk = json::array();
  for (size_t i = std::min(from, s.timeline.size()); i-- > to;)
    if (s.timeline[i].room_id == room) chunk.push_back(s.timeline[i].event);
  return {200, {{"chunk", chunk}, {"start", q["from"]}, {"end", "p" + std::to_string(to)}}, ""};
}

Reply handle_send(FakeMatrixState& s, const std::string& room, const std::string& type, const std::string& txn,
                  const std::string& body) {
  ++s.sends;
  std::string key = room + "\n" + type + "\n" + txn;
  if (auto it = s.txns.find(key); it != s.txns.end()) return {200, it->second, ""};
  json content = json::parse(body, nullptr, false);
  if (!content.is_object()) return error(400, "M_NOT_JSON", "content is not JSON");
  if (!s.joined.contains(room)) return error(403, "M_FORBIDDEN", "not in the room");
  if (auto problem = relation_problem(s, room, content)) {
    ++s.refused_relations;
    return error(400, "M_UNKNOWN", *problem);
  }
  json ev = {{"type", type}, {"sender", s.bot}, {"content", content}, {"unsigned", {{"transaction_id", txn}}}};
  std::string id = s.append(room, ev);
  s.bot_events.push_back(s.timeline.back());
  s.txns[key] = {{"event_id", id}};
  return {200, s.txns[key], ""};
}

asio::awaitable<Reply> route(std::shared_ptr<FakeMatrixState> s, const FakeRequest& req) {
  std::string target(req.target());
  size_t qm = target.find('?');
  std::string path = target.substr(0, qm);
  auto q = form_fields(qm == std::string::npos ? "" : std::string_view(target).substr(qm + 1));
  for (auto it = s->failures.begin(); it != s->failures.end(); ++it)
    if (path.find(it->part) != std::string::npos) {
      FakeMatrixState::Failure f = *it;
      s->failures.erase(it);
      ++s->failed;
      if (f.status == 429) {
        Reply r = error(429, "M_LIMIT_EXCEEDED", "Too many requests");
        r.body["retry_after_ms"] = f.retry_after_ms;
        r.retry_after = std::to_string(f.retry_after_ms / 1000);
        co_return r;
      }
      co_return error(f.status, "M_UNKNOWN", "scripted failure");
    }
  if (path == "/_matrix/client/versions") co_return Reply{200, {{"versions", {"v1.11"}}}, ""};
  if (req[http::field::authorization] != "Bearer " + s->token) co_return error(401, "M_UNKNOWN_TOKEN", "unknown token");
  const std::string prefix = "/_matrix/client/v3";
  if (!path.starts_with(prefix)) co_return error(404, "M_UNRECOGNIZED", "unknown endpoint");
  auto parsed = segments(path.substr(prefix.size()));
  if (!parsed) co_return error(400, "M_UNRECOGNIZED", "malformed path");
  const auto& seg = *parsed;
  const auto method = req.method();
  if (seg.size() == 2 && seg[0] == "account" && seg[1] == "whoami")
    co_return Reply{200, {{"user_id", s->bot}, {"device_id", "HALLPASSTEST"}}, ""};
  if (seg.size() == 3 && seg[0] == "user" && seg[2] == "filter") co_return Reply{200, {{"filter_id", "f1"}}, ""};
  if (seg.size() == 1 && seg[0] == "sync") co_return co_await handle_sync(s, q);
  if (seg.size() == 5 && seg[0] == "rooms" && seg[2] == "send" && method == http::verb::put)
    co_return handle_send(*s, seg[1], seg[3], seg[4], req.body());
  if (seg.size() == 5 && seg[0] == "rooms" && seg[2] == "redact" && method == http::verb::put)
    co_return handle_send(*s, seg[1], "m.room.redaction", "redact-" + seg[4], json{{"redacts", seg[3]}}.dump());
  if ((seg.size() == 2 && seg[0] == "join") || (seg.size() == 3 && seg[0] == "rooms" && seg[2] == "join")) {
    std::string room = seg[0] == "join" ? seg[1] : seg[1];
    for (const auto& i : s->invites)
      if (i.room_id == room) s->members[room] = {s->bot, i.inviter};
    std::erase_if(s->invites, [&](const FakeMatrixState::Invite& i) { return i.room_id == room; });
    s->joined.insert(room);
    co_return Reply{200, {{"room_id", room}}, ""};
  }
  if (seg.size() == 3 && seg[0] == "rooms" && seg[2] == "leave") {
    std::erase_if(s->invites, [&](const FakeMatrixState::Invite& i) { return i.room_id == seg[1]; });
    s->joined.erase(seg[1]);
    s->left.push_back(seg[1]);
    co_return Reply{200, json::object(), ""};
  }
  if (seg.size() == 1 && seg[0] == "createRoom" && method == http::verb::post) {
    json body = json::parse(req.body(), nullptr, false);
    std::string room = "!dm" + std::to_string(s->next_room++) + ":test";
    std::string user = body.is_object() && body.contains("invite") ? body["invite"][0].get<std::string>() : "";
    s->joined.insert(room);
    s->members[room] = {s->bot};  // the person is invited, not yet joined
    s->created.push_back({room, user});
    co_return Reply{200, {{"room_id", room}}, ""};
  }
  if (seg.size() == 4 && seg[0] == "user" && seg[2] == "account_data") {
    if (method == http::verb::put) {
      s->account_data[seg[3]] = json::parse(req.body(), nullptr, false);
      co_return Reply{200, json::object(), ""};
    }
    if (auto it = s->account_data.find(seg[3]); it != s->account_data.end()) co_return Reply{200, it->second, ""};
    co_return error(404, "M_NOT_FOUND", "no account data");
  }
  if (seg.size() == 3 && seg[0] == "rooms" && seg[2] == "messages") co_return handle_messages(*s, seg[1], q);
  if (seg.size() == 4 && seg[0] == "rooms" && seg[2] == "state" && method == http::verb::get) {
    if (!s->joined.contains(seg[1])) co_return error(403, "M_FORBIDDEN", "not in the room");
    if (seg[3] == "m.room.encryption" && s->encrypted.contains(seg[1]))
      co_return Reply{200, encryption_event()["content"], ""};
    co_return error(404, "M_NOT_FOUND", "Event not found.");
  }
  if (seg.size() == 3 && seg[0] == "rooms" && seg[2] == "joined_members" && method == http::verb::get) {
    if (!s->joined.contains(seg[1])) co_return error(403, "M_FORBIDDEN", "not in the room");
    // Rooms a test made with add_room are group rooms: the bot and two people.
    std::set<std::string> in = {s->bot, "@admin:test", "@staff:test"};
    if (auto it = s->members.find(seg[1]); it != s->members.end()) in = it->second;
    json joined = json::object();
    for (const auto& u : in) joined[u] = {{"display_name", u}};
    co_return Reply{200, {{"joined", joined}}, ""};
  }
  if (seg.size() == 4 && seg[0] == "rooms" && seg[2] == "event" && method == http::verb::get) {
    if (!s->joined.contains(seg[1])) co_return error(403, "M_FORBIDDEN", "not in the room");
    const auto* e = find_event(*s, seg[3]);
    if (!e || e->room_id != seg[1]) co_return error(404, "M_NOT_FOUND", "Event not found.");
    co_return Reply{200, e->event, ""};
  }
  co_return error(404, "M_UNRECOGNIZED", "unknown endpoint");
}

asio::awaitable<FakeResponse> answer(std::shared_ptr<FakeMatrixState> s, const FakeRequest& req) {
  // Not a ?: with co_await in it: GCC 12 miscompiles that (the temporary is freed twice).
  Reply r = error(503, "M_UNKNOWN", "the server is gone");
  if (s) r = co_await route(s, req);
  FakeResponse res{r.status, r.body.dump(), "application/json", {}};
  if (!r.retry_after.empty()) res.headers.emplace_back("Retry-After", r.retry_after);
  co_return res;
}

}  // namespace

FakeMatrixServer::FakeMatrixServer(asio::io_context& io, std::string bot_user_id, std::string token)
    : state_(std::make_shared<FakeMatrixState>(std::move(bot_user_id), std::move(token))) {
  state_->http.emplace(io, [weak = std::weak_ptr(state_)](const FakeRequest& req) { return answer(weak.lock(), req); });
}

FakeMatrixServer::~FakeMatrixServer() { stop(); }

void FakeMatrixServer::stop() {
  state_->http->stop();
  state_->wake();
}

std::string FakeMatrixServer::origin() const { return state_->http->origin(); }

void FakeMatrixServer::add_room(const std::string& room_id, bool encrypted) {
  state_->joined.insert(room_id);
  if (encrypted) encrypt(room_id);
}

void FakeMatrixServer::add_direct_room(const std::string& room_id, const std::string& user) {
  state_->joined.insert(room_id);
  state_->members[room_id] = {state_->bot, user};
}

void FakeMatrixServer::invite(const std::string& room_id, const std::string& inviter, bool is_direct, bool encrypted) {
  state_->invites.push_back({room_id, inviter, is_direct, encrypted});
  if (encrypted) state_->encrypted.insert(room_id);
  state_->wake();
}

void FakeMatrixServer::encrypt(const std::string& room_id) {
  state_->encrypted.insert(room_id);
  state_->append(room_id, encryption_event());
}

std::string FakeMatrixServer::post_encrypted(const std::string& room_id, const std::string& sender) {
  return state_->append(room_id, {{"type", "m.room.encrypted"},
                                  {"sender", sender},
                                  {"content",
                                   {{"algorithm", "m.megolm.v1.aes-sha2"},
                                    {"ciphertext", "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg"},
                                    {"session_id", "fake"},
                                    {"device_id", "PHONE"},
                                    {"sender_key", "fake"}}}});
}

void FakeMatrixServer::remove_bot(const std::string& room_id) { state_->joined.erase(room_id); }

void FakeMatrixServer::leave(const std::string& room_id, const std::string& user) {
  state_->append(
      room_id,
      {{"type", "m.room.member"}, {"state_key", user}, {"sender", user}, {"content", {{"membership", "leave"}}}});
}

std::string FakeMatrixServer::post(const std::string& room_id, const std::string& sender, const std::string& body,
                                   const std::string& thread_root) {
  json content = {{"msgtype", "m.text"}, {"body", body}};
  if (!thread_root.empty())
    content["m.relates_to"] = {{"rel_type", "m.thread"},
                               {"event_id", thread_root},
                               {"is_falling_back", true},
                               {"m.in_reply_to", {{"event_id", thread_root}}}};
  return state_->append(room_id, {{"type", "m.room.message"}, {"sender", sender}, {"content", content}});
}

void FakeMatrixServer::limit_next_sync() { state_->limit_next = true; }

void FakeMatrixServer::fail_next(const std::string& path_part, int status, long long retry_after_ms) {
  state_->failures.push_back({path_part, status, retry_after_ms});
}

std::vector<FakeMatrixServer::Event> FakeMatrixServer::bot_events() const { return state_->bot_events; }
int FakeMatrixServer::send_requests() const { return state_->sends; }
int FakeMatrixServer::sync_requests() const { return state_->syncs; }
int FakeMatrixServer::failed_requests() const { return state_->failed; }
std::vector<std::string> FakeMatrixServer::joined_rooms() const {
  return {state_->joined.begin(), state_->joined.end()};
}
std::vector<std::string> FakeMatrixServer::left_rooms() const { return state_->left; }
std::vector<std::pair<std::string, std::string>> FakeMatrixServer::created_direct_rooms() const {
  return state_->created;
}
int FakeMatrixServer::refused_relations() const { return state_->refused_relations; }
json FakeMatrixServer::account_data(const std::string& type) const {
  auto it = state_->account_data.find(type);
  return it == state_->account_data.end() ? json() : it->second;
}

}  // namespace test_support
