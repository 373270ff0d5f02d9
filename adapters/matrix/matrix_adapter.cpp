#include "adapters/matrix/matrix_adapter.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/common/json_fields.hpp"
#include "adapters/matrix/matrix_api.hpp"
#include "adapters/matrix/matrix_protocol.hpp"
#include "bot/model/backoff.hpp"
#include "bot/model/markup.hpp"
#include "bot/model/metrics.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::matrix {

namespace asio = boost::asio;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {
constexpr auto kFilter =
    R"({"room":{"timeline":{"limit":50},"state":{"lazy_load_members":true}},"presence":{"not_types":["*"]}})";
constexpr int kBackfillLimit = 100;

std::string setting(const std::map<std::string, std::string>& s, const char* key) {
  auto it = s.find(key);
  if (it == s.end() || it->second.empty())
    throw std::invalid_argument(std::string("adapters.matrix.") + key + " is not set");
  return it->second;
}
}  // namespace

MatrixOptions options_from_settings(const std::map<std::string, std::string>& s) {
  MatrixOptions o;
  o.homeserver = setting(s, "homeserver");
  while (o.homeserver.ends_with("/")) o.homeserver.pop_back();
  o.access_token = setting(s, "access_token");
  o.user_id = setting(s, "user_id");
  if (auto it = s.find("device_id"); it != s.end()) o.device_id = it->second;
  if (auto it = s.find("sync_timeout_ms"); it != s.end()) o.sync_timeout_ms = std::stoi(it->second);
  return o;
}

struct MatrixState {
  MatrixState(asio::any_io_executor ex, MatrixOptions opts, SyncCheckpoint cp, RoomMemory mem, Sentences say)
      : executor(ex),
        options(std::move(opts)),
        checkpoint(std::move(cp)),
        memory(std::move(mem)),
        sentences(std::move(say)),
        sync_client(ex, options.homeserver),
        send_client(ex, options.homeserver),
        sync_api(sync_client, options.access_token),
        send_api(send_client, options.access_token),
        timer(ex),
        retry_backoff(options.first_backoff, options.max_backoff) {}

  asio::any_io_executor executor;
  MatrixOptions options;
  SyncCheckpoint checkpoint;
  RoomMemory memory;
  Sentences sentences;
  // Two connections: the long-poll would otherwise hold up every send for up to 30 s.
  http::HttpClient sync_client;
  http::HttpClient send_client;
  MatrixApi sync_api;
  MatrixApi send_api;
  asio::steady_timer timer;
  bool stopped = false;
  std::string filter_id;
  std::set<std::string> direct_rooms;                         // every DM room known (for Inbound place.direct)
  std::map<std::string, std::string> dm_room_of;              // user id → the DM they are written to
  std::map<std::string, std::string> dm_user_of;              // DM room → its person
  std::map<std::string, std::vector<std::string>> direct_of;  // m.direct as read: user → rooms, oldest first
  bool direct_loaded = false;                                 // m.direct was read (by start-up or the first send)
  std::set<std::string> recalled;                             // rooms whose saved facts were read this run
  std::set<std::string> probed;                               // rooms whose members were counted this run
  std::set<std::string> encrypted_rooms;
  std::set<std::string> plain_rooms;  // asked this run: no m.room.encryption
  std::set<std::string> told_encrypted;
  std::map<std::string, std::string> event_room;   // event id → its room (sent, received or looked up)
  std::map<std::string, std::string> last_sender;  // room → who last wrote there (a reply's person)
  // Single flight: one DM look-up or creation per person (and one m.direct write) at a time.
  std::map<std::string, std::shared_ptr<asio::steady_timer>> flights;
  std::set<std::string> button_actions;  // of the buttons shown so far (see Context)
  bot::Backoff retry_backoff;            // jittered, so that many bots restarted together do not come back at once
};

namespace {

// The keys of RoomMemory.
constexpr std::string_view kDmKey = "matrix.dm.";                // + user: the room they are written to
constexpr std::string_view kDirectKey = "matrix.direct.";        // + room: its person ("-": no longer a DM)
constexpr std::string_view kEncryptedKey = "matrix.encrypted.";  // + room: "1"
constexpr std::string_view kToldKey = "matrix.told_encrypted.";  // + user: "1"
constexpr std::string_view kMovedKey = "matrix.moved.";          // + event: "room\nevent" posted instead

// Past this many remembered event rooms the map starts again (the homeserver is asked instead).
constexpr size_t kMaxEventRooms = 100000;

std::string recall(MatrixState& s, std::string_view prefix, const std::string& key) {
  if (!s.memory.load) return {};
  auto v = s.memory.load(std::string(prefix) + key);
  return v ? *v : std::string();
}

void keep(MatrixState& s, std::string_view prefix, const std::string& key, const std::string& value) {
  if (s.memory.save) s.memory.save(std::string(prefix) + key, value);
}

std::string sentence(MatrixState& s, const std::string& key, const std::string& user,
                     const bot::PromptVars& vars = {}) {
  if (!s.sentences) return "[" + key + "]";
  return s.sentences(key, user, vars);
}

void note_event(MatrixState& s, const std::string& event_id, const std::string& room) {
  if (event_id.empty()) return;
  if (s.event_room.size() >= kMaxEventRooms) s.event_room.clear();
  s.event_room[event_id] = room;
}

// Waits its turn for key; release() lets the next one in, which then looks again.
asio::awaitable<void> acquire(std::shared_ptr<MatrixState> s, std::string key) {
  for (;;) {
    auto it = s->flights.find(key);
    if (it == s->flights.end()) {
      s->flights.emplace(key, std::make_shared<asio::steady_timer>(s->executor, asio::steady_timer::time_point::max()));
      co_return;
    }
    std::shared_ptr<asio::steady_timer> turn = it->second;
    co_await turn->async_wait(bot::use_tuple);
  }
}

struct Flight {
  std::shared_ptr<MatrixState> s;
  std::string key;
  Flight(std::shared_ptr<MatrixState> state, std::string k) : s(std::move(state)), key(std::move(k)) {}
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;
  ~Flight() {
    auto it = s->flights.find(key);
    if (it == s->flights.end()) return;
    // After stop() the io_context may be going away: waking the waiters would post to it.
    if (!s->stopped) it->second->cancel();
    s->flights.erase(it);
  }
};

// Sleeps for d unless stop() comes first. Returns false once stopped.
asio::awaitable<bool> pause(std::shared_ptr<MatrixState> s, milliseconds d) {
  if (s->stopped) co_return false;
  s->timer.expires_after(d);
  co_await s->timer.async_wait(bot::use_tuple);
  co_return !s->stopped;
}

// failures: how many tries failed before this one, so the first retry waits first_backoff.
milliseconds next_backoff(MatrixState& s, int failures) { return s.retry_backoff.delay(failures); }

// How long a failed response asks us to wait: Retry-After, then retry_after_ms, then backoff.
milliseconds wait_for(MatrixState& s, const http::Response& r, int failures) {
  if (r.error == bot::SendErrorKind::rate_limited) {
    if (r.retry_after.count() > 0) return r.retry_after;
    if (long long ms = retry_after_ms(r.body); ms > 0) return milliseconds(ms);
  }
  return next_backoff(s, failures);
}

bot::SendResult send_failure(const http::Response& r, MatrixState& s) {
  bot::SendResult out;
  out.error = r.error;
  out.error_text = r.error_text;
  json j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("errcode"))
    out.error_text += " " + json_fields::str(j, "errcode") + ": " + json_fields::str(j, "error");
  if (r.error == bot::SendErrorKind::rate_limited) out.retry_after = wait_for(s, r, 0);
  return out;
}

void remember_direct(MatrixState& s, const json& m_direct) {
  if (!m_direct.is_object()) return;
  for (const auto& [user, rooms] : m_direct.items()) {
    if (!rooms.is_array()) continue;
    auto& known = s.direct_of[user];
    for (const auto& r : rooms)
      if (r.is_string() && std::find(known.begin(), known.end(), r.get<std::string>()) == known.end()) {
        known.push_back(r.get<std::string>());
        s.direct_rooms.insert(r.get<std::string>());
        s.dm_user_of.emplace(r.get<std::string>(), user);
      }
  }
}

// The room is a DM with user; current: it is where the person is written to from now on.
void remember_dm(MatrixState& s, const std::string& user, const std::string& room, bool current) {
  s.direct_rooms.insert(room);
  s.dm_user_of[room] = user;
  keep(s, kDirectKey, room, user);
  if (!current) return;
  if (auto it = s.dm_room_of.find(user); it != s.dm_room_of.end() && it->second == room) return;
  s.dm_room_of[user] = room;
  keep(s, kDmKey, user, room);
}

// The bot left the room, or its person did: it is nobody's DM any more.
void forget_room(MatrixState& s, const std::string& room) {
  s.direct_rooms.erase(room);
  s.plain_rooms.erase(room);
  if (auto it = s.dm_user_of.find(room); it != s.dm_user_of.end()) {
    if (auto cur = s.dm_room_of.find(it->second); cur != s.dm_room_of.end() && cur->second == room) {
      s.dm_room_of.erase(cur);
      keep(s, kDmKey, it->second, "");
    }
    s.dm_user_of.erase(it);
    keep(s, kDirectKey, room, "-");
  }
}

void mark_encrypted(MatrixState& s, const std::string& room) {
  if (s.encrypted_rooms.insert(room).second) {
    keep(s, kEncryptedKey, room, "1");
    spdlog::info("matrix: {} is encrypted: Hallpass does not write there", room);
  }
  s.plain_rooms.erase(room);
  // Nobody is written to in an encrypted room: their next message finds (or makes) a plain DM.
  if (auto it = s.dm_user_of.find(room); it != s.dm_user_of.end())
    if (auto cur = s.dm_room_of.find(it->second); cur != s.dm_room_of.end() && cur->second == room) {
      s.dm_room_of.erase(cur);
      keep(s, kDmKey, it->second, "");
    }
}

// What was saved about a room in earlier runs: whose DM it is, whether it is encrypted.
void recall_room(MatrixState& s, const std::string& room) {
  if (!s.recalled.insert(room).second) return;
  std::string user = recall(s, kDirectKey, room);
  if (user == "-") {
    s.direct_rooms.erase(room);
    s.dm_user_of.erase(room);
  } else if (!user.empty()) {
    s.direct_rooms.insert(room);
    s.dm_user_of[room] = user;
  }
  if (recall(s, kEncryptedKey, room) == "1") s.encrypted_rooms.insert(room);
}

enum class RoomCheck { plain, encrypted, unusable, failed };

// Whether the bot may write into room in clear text. unusable: the bot is not in it (403);
// failed: the homeserver could not be asked (error is set).
asio::awaitable<RoomCheck> check_room(std::shared_ptr<MatrixState> s, std::string room, bot::SendResult& error) {
  recall_room(*s, room);
  if (s->encrypted_rooms.contains(room)) co_return RoomCheck::encrypted;
  if (s->plain_rooms.contains(room)) co_return RoomCheck::plain;
  http::Response r = co_await s->send_api.room_state(room, "m.room.encryption");
  if (r.ok()) {
    mark_encrypted(*s, room);
    co_return RoomCheck::encrypted;
  }
  if (r.error == bot::SendErrorKind::not_found) {
    s->plain_rooms.insert(room);
    co_return RoomCheck::plain;
  }
  if (r.error == bot::SendErrorKind::auth) co_return RoomCheck::unusable;
  error = send_failure(r, *s);
  co_return RoomCheck::failed;
}

asio::awaitable<bool> read_m_direct(std::shared_ptr<MatrixState> s, MatrixApi& api, bot::SendResult& error) {
  http::Response cur = co_await api.get_account_data(s->options.user_id, "m.direct");
  if (cur.ok())
    remember_direct(*s, json::parse(cur.body, nullptr, false));
  else if (cur.error != bot::SendErrorKind::not_found) {
    error = send_failure(cur, *s);
    co_return false;
  }
  s->direct_loaded = true;
  co_return true;
}

// Adds room to the bot's m.direct for user. m.direct is written whole, so one read-modify-write
// at a time. A failure is logged: the store still knows the room.
asio::awaitable<void> add_to_m_direct(std::shared_ptr<MatrixState> s, std::string user, std::string room) {
  co_await acquire(s, "m.direct");
  Flight flight(s, "m.direct");
  json direct = json::object();
  http::Response cur = co_await s->send_api.get_account_data(s->options.user_id, "m.direct");
  if (cur.ok()) {
    json parsed = json::parse(cur.body, nullptr, false);
    if (parsed.is_object()) direct = parsed;
  } else if (cur.error != bot::SendErrorKind::not_found) {
    spdlog::warn("matrix: cannot read m.direct to add {}: {}", room, cur.error_text);
    co_return;
  }
  if (!direct.contains(user) || !direct[user].is_array()) direct[user] = json::array();
  for (const auto& r : direct[user])
    if (r == room) co_return;
  direct[user].push_back(room);
  http::Response put = co_await s->send_api.put_account_data(s->options.user_id, "m.direct", direct.dump());
  if (!put.ok()) spdlog::warn("matrix: cannot record the direct room in m.direct: {}", put.error_text);
  auto& known = s->direct_of[user];
  if (std::find(known.begin(), known.end(), room) == known.end()) known.push_back(room);
}

// The person's plain DM: the one they are written to, else a saved or m.direct one that is not
// encrypted and still has the bot, else a new one (recorded in the memory and in m.direct).
// The caller holds the person's flight.
asio::awaitable<std::string> direct_room_locked(std::shared_ptr<MatrixState> s, std::string user,
                                                bot::SendResult& error) {
  if (!s->direct_loaded) {
    // After a restart the dispatcher may send before run() has read m.direct: read it here.
    if (!co_await read_m_direct(s, s->send_api, error)) co_return std::string();
  }
  std::vector<std::string> candidates;
  auto consider = [&candidates](const std::string& room) {
    if (!room.empty() && std::find(candidates.begin(), candidates.end(), room) == candidates.end())
      candidates.push_back(room);
  };
  if (auto it = s->dm_room_of.find(user); it != s->dm_room_of.end()) consider(it->second);
  consider(recall(*s, kDmKey, user));
  if (auto it = s->direct_of.find(user); it != s->direct_of.end())
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r) consider(*r);
  for (const auto& room : candidates) {
    recall_room(*s, room);
    if (auto owner = s->dm_user_of.find(room); owner == s->dm_user_of.end() || owner->second != user) {
      if (recall(*s, kDirectKey, room) == "-") continue;  // left by its person or the bot
    }
    RoomCheck check = co_await check_room(s, room, error);
    if (check == RoomCheck::failed) co_return std::string();
    if (check == RoomCheck::plain) {
      remember_dm(*s, user, room, true);
      co_return room;
    }
  }
  http::Response r = co_await s->send_api.create_direct_room(user);
  if (!r.ok()) {
    error = send_failure(r, *s);
    co_return std::string();
  }
  json j = json::parse(r.body, nullptr, false);
  std::string room = json_fields::str(j, "room_id");
  if (room.empty()) {
    error.error = bot::SendErrorKind::server;
    error.error_text = "createRoom answered without room_id";
    co_return std::string();
  }
  spdlog::info("matrix: created the direct room {} with {}", room, user);
  remember_dm(*s, user, room, true);
  // A homeserver may encrypt new private rooms by default: then nothing can be written there.
  RoomCheck check = co_await check_room(s, room, error);
  if (check == RoomCheck::failed) co_return std::string();
  if (check != RoomCheck::plain) {
    error.error = bot::SendErrorKind::bad_request;
    error.error_text = "the homeserver made the new direct room " + room +
                       " encrypted; Hallpass cannot write there (turn off encryption by default for private rooms)";
    co_return std::string();
  }
  co_await add_to_m_direct(s, user, room);
  co_return room;
}

asio::awaitable<std::string> direct_room(std::shared_ptr<MatrixState> s, std::string user, bot::SendResult& error) {
  co_await acquire(s, "dm:" + user);
  Flight flight(s, "dm:" + user);
  std::string room = co_await direct_room_locked(s, user, error);
  co_return room;
}

// Tells a person once, in a plain DM, that Hallpass does not read or write encrypted rooms.
asio::awaitable<void> tell_encrypted(std::shared_ptr<MatrixState> s, std::string user) {
  if (user.empty() || user == s->options.user_id || s->told_encrypted.contains(user)) co_return;
  if (recall(*s, kToldKey, user) == "1") {
    s->told_encrypted.insert(user);
    co_return;
  }
  bot::SendResult error;
  std::string room = co_await direct_room(s, user, error);
  if (room.empty()) {
    spdlog::warn("matrix: cannot tell {} that encrypted rooms are not read: {}", user, error.error_text);
    co_return;
  }
  bot::Message m;
  m.paragraph(sentence(*s, "matrix.encrypted_room", user));
  m.fallback = bot::markup::to_plain(m.blocks.front().text);
  json content = notice_contents(m, "", "").front();
  http::Response r = co_await s->send_api.send(room, "m.room.message", "hallpass-encrypted-" + user, content.dump());
  if (!r.ok()) {
    spdlog::warn("matrix: cannot tell {} that encrypted rooms are not read: {}", user, r.error_text);
    co_return;
  }
  s->told_encrypted.insert(user);
  keep(*s, kToldKey, user, "1");
}

// whoami, the filter and the m.direct map; retried with backoff until they succeed.
asio::awaitable<bool> start_up(std::shared_ptr<MatrixState> s) {
  int failures = 0;
  while (!s->stopped) {
    http::Response who = co_await s->sync_api.whoami();
    if (who.ok()) {
      json j = json::parse(who.body, nullptr, false);
      std::string me = json_fields::str(j, "user_id");
      if (!me.empty() && me != s->options.user_id) {
        spdlog::warn("matrix: the access token belongs to {}, not to the configured user_id {}; using {}", me,
                     s->options.user_id, me);
        s->options.user_id = me;
      }
      break;
    }
    if (who.error == bot::SendErrorKind::auth)
      spdlog::error("matrix: the homeserver refused the access token (HTTP {}); check adapters.matrix.access_token",
                    who.status);
    else
      spdlog::warn("matrix: cannot reach the homeserver: {}", who.error_text);
    if (!co_await pause(s, wait_for(*s, who, failures++))) co_return false;
  }
  http::Response f = co_await s->sync_api.create_filter(s->options.user_id, kFilter);
  json fj = json::parse(f.body, nullptr, false);
  // Without a stored filter the same filter goes inline; the sync is the same.
  // No ?: over strings in a coroutine (GCC 12, docs/architecture.md "Pitfalls").
  s->filter_id = kFilter;
  if (f.ok()) {
    std::string filter_id = json_fields::str(fj, "filter_id");
    if (!filter_id.empty()) s->filter_id = filter_id;
  }
  if (!s->direct_loaded) {
    bot::SendResult ignored;
    co_await read_m_direct(s, s->sync_api, ignored);
  }
  co_return !s->stopped;
}

asio::awaitable<void> handle_invites(std::shared_ptr<MatrixState> s, std::vector<Invite> invites) {
  for (const auto& inv : invites) {
    if (inv.is_direct || s->options.rooms.contains(inv.room_id)) {
      http::Response r = co_await s->sync_api.join(inv.room_id);
      if (!r.ok()) {
        spdlog::warn("matrix: cannot join {}: {}", inv.room_id, r.error_text);
        continue;
      }
      spdlog::info("matrix: joined {}{}", inv.room_id, inv.is_direct ? " (direct messages)" : "");
      if (inv.encrypted) mark_encrypted(*s, inv.room_id);
      if (!inv.is_direct || inv.inviter.empty()) continue;
      s->recalled.insert(inv.room_id);
      if (inv.encrypted) {
        remember_dm(*s, inv.inviter, inv.room_id, false);
        co_await tell_encrypted(s, inv.inviter);
        continue;
      }
      {
        // The room the person opened is where they are written to from now on.
        co_await acquire(s, "dm:" + inv.inviter);
        Flight flight(s, "dm:" + inv.inviter);
        remember_dm(*s, inv.inviter, inv.room_id, true);
        s->plain_rooms.insert(inv.room_id);
      }
      co_await add_to_m_direct(s, inv.inviter, inv.room_id);
    } else {
      spdlog::info("matrix: declining the invite of {} to {}: not a configured room", inv.inviter, inv.room_id);
      co_await s->sync_api.leave(inv.room_id);
    }
  }
}

// Fetches the events a limited timeline left out (between since and prev_batch), oldest first.
asio::awaitable<std::vector<json>> backfill(std::shared_ptr<MatrixState> s, std::string room_id, std::string from,
                                            std::string to) {
  std::vector<json> out;
  for (int page = 0; page < 20 && !from.empty(); ++page) {
    http::Response r = co_await s->sync_api.messages(room_id, from, to, kBackfillLimit);
    if (!r.ok()) {
      spdlog::warn("matrix: cannot backfill {}: {}", room_id, r.error_text);
      break;
    }
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("chunk") || !j["chunk"].is_array() || j["chunk"].empty()) break;
    for (const auto& e : j["chunk"]) out.push_back(e);  // newest first (dir=b)
    std::string end = json_fields::str(j, "end");
    if (end.empty() || end == from) break;
    from = end;
  }
  std::reverse(out.begin(), out.end());
  co_return out;
}

// What the room's timeline says about the room itself: its person left (a DM no more), and the
// events' rooms (for thread roots). Returns whether the DM's person left.
bool read_room_events(MatrixState& s, const JoinedRoom& room) {
  bool person_left = false;
  for (const auto& e : room.events) {
    note_event(s, json_fields::str(e, "event_id"), room.room_id);
    if (json_fields::str(e, "type") != "m.room.member") continue;
    auto owner = s.dm_user_of.find(room.room_id);
    if (owner == s.dm_user_of.end() || json_fields::str(e, "state_key") != owner->second) continue;
    const std::string membership = json_fields::str(json_fields::member(e, "content"), "membership");
    if (membership == "leave" || membership == "ban") person_left = true;
  }
  return person_left;
}

// A joined room that is neither configured nor known as a DM (one joined before DMs were
// remembered): with exactly the bot and one person in it, it is that person's DM from now on.
asio::awaitable<void> probe_room(std::shared_ptr<MatrixState> s, std::string room) {
  if (s->direct_rooms.contains(room) || s->options.rooms.contains(room) || s->dm_user_of.contains(room) ||
      recall(*s, kDirectKey, room) == "-" || !s->probed.insert(room).second)
    co_return;
  http::Response r = co_await s->sync_api.joined_members(room);
  if (!r.ok()) co_return;  // asked again after a restart; meanwhile the room is not direct
  json j = json::parse(r.body, nullptr, false);
  const json& joined = json_fields::member(j, "joined");
  if (!joined.is_object() || joined.size() != 2 || !joined.contains(s->options.user_id)) co_return;
  std::string person;
  for (const auto& [user, info] : joined.items())
    if (user != s->options.user_id) person = user;
  co_await acquire(s, "dm:" + person);
  {
    Flight flight(s, "dm:" + person);
    // The person's DM stays the one they are written to; this one is known as theirs too.
    const bool current = !s->dm_room_of.contains(person) && recall(*s, kDmKey, person).empty();
    remember_dm(*s, person, room, current);
  }
  spdlog::info("matrix: {} is a direct room with {} (two members)", room, person);
  co_await add_to_m_direct(s, person, room);
}

// Handles one batch. Returns false when an event was not accepted, so the token must not advance.
asio::awaitable<bool> handle_batch(std::shared_ptr<MatrixState> s, bot::EventSink& sink, SyncBatch batch,
                                   std::string since) {
  co_await handle_invites(s, batch.invites);
  for (const auto& room : batch.left) forget_room(*s, room);
  for (auto& room : batch.joined) {
    recall_room(*s, room.room_id);
    if (room.encrypted) mark_encrypted(*s, room.room_id);
    if (read_room_events(*s, room)) {
      spdlog::info("matrix: {} left the direct room {}; Hallpass leaves it too", s->dm_user_of[room.room_id],
                   room.room_id);
      forget_room(*s, room.room_id);
      co_await s->sync_api.leave(room.room_id);
      continue;
    }
    if (s->encrypted_rooms.contains(room.room_id)) {
      // Nothing is answered or written there; whoever writes is told once, in a plain DM.
      if (since.empty()) continue;
      for (const auto& e : room.events) {
        const std::string type = json_fields::str(e, "type");
        if (type == "m.room.encrypted" || type == "m.room.message")
          co_await tell_encrypted(s, json_fields::str(e, "sender"));
      }
      continue;
    }
    if (since.empty()) continue;  // the first sync: history, not commands
    co_await probe_room(s, room.room_id);
    if (room.limited && !room.prev_batch.empty()) {
      std::vector<json> missed = co_await backfill(s, room.room_id, room.prev_batch, since);
      room.events.insert(room.events.begin(), missed.begin(), missed.end());
    }
    Context ctx{
        .bot_user_id = s->options.user_id, .direct_rooms = s->direct_rooms, .button_actions = s->button_actions};
    for (const auto& e : room.events) {
      auto ev = to_inbound(e, room.room_id, ctx);
      if (!ev) continue;
      note_event(*s, ev->event_id, room.room_id);
      s->last_sender[room.room_id] = ev->actor;
      bot::HandleResult r = co_await sink.async_handle(*ev);
      if (!r.accepted) co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> sync_loop(std::shared_ptr<MatrixState> s, bot::EventSink& sink) {
  if (!co_await start_up(s)) co_return;
  std::string since;
  if (s->checkpoint.load)
    if (auto saved = s->checkpoint.load()) since = *saved;
  if (since.empty())
    spdlog::info("matrix: first start: the rooms' history is skipped, commands from now on are answered");
  int failures = 0;
  while (!s->stopped) {
    // The initial sync returns at once; later ones wait on the server for new events.
    int timeout = since.empty() ? 0 : s->options.sync_timeout_ms;
    http::Response r = co_await s->sync_api.sync(s->filter_id, since, timeout);
    if (s->stopped) break;
    if (!r.ok()) {
      if (r.error == bot::SendErrorKind::rate_limited)
        spdlog::info("matrix: rate limited on /sync");
      else
        spdlog::warn("matrix: sync failed: {}", r.error_text);
      bot::metrics::count("hallpass_reconnects_total", {{"platform", "matrix"}});
      if (!co_await pause(s, wait_for(*s, r, failures++))) break;
      continue;
    }
    auto batch = parse_sync(r.body);
    if (!batch) {
      spdlog::warn("matrix: the homeserver sent a sync response without next_batch");
      if (!co_await pause(s, next_backoff(*s, failures++))) break;
      continue;
    }
    std::string next = batch->next_batch;
    bool handled = co_await handle_batch(s, sink, std::move(*batch), since);
    if (!handled) {
      // Not recorded: sync again from the same token; accepted events come back as duplicates.
      spdlog::warn("matrix: an event was not accepted; syncing the batch again");
      if (!co_await pause(s, next_backoff(*s, failures++))) break;
      continue;
    }
    failures = 0;
    since = next;
    if (s->checkpoint.save) s->checkpoint.save(since);
  }
}

// The event to relate to in room for `event`: itself when it is in room, else the message that
// was posted in room in its place (RoomMemory), else empty (it is in another room). failed: the
// homeserver could not be asked.
asio::awaitable<std::string> in_room(std::shared_ptr<MatrixState> s, std::string room, std::string event,
                                     bot::SendResult& error, bool& failed) {
  for (int hop = 0; hop < 8 && !event.empty(); ++hop) {
    auto known = s->event_room.find(event);
    if (known != s->event_room.end() && known->second == room) co_return event;
    std::string moved = recall(*s, kMovedKey, event);
    if (size_t nl = moved.find('\n'); nl != std::string::npos) {
      note_event(*s, moved.substr(nl + 1), moved.substr(0, nl));
      event = moved.substr(nl + 1);
      continue;
    }
    if (known != s->event_room.end()) co_return std::string();
    http::Response r = co_await s->send_api.room_event(room, event);
    if (r.ok()) {
      note_event(*s, event, room);
      co_return event;
    }
    if (r.error == bot::SendErrorKind::not_found || r.error == bot::SendErrorKind::auth ||
        r.error == bot::SendErrorKind::bad_request)
      co_return std::string();  // not in room (or not visible to the bot there)
    error = send_failure(r, *s);
    failed = true;
    co_return std::string();
  }
  co_return std::string();
}

// Synapse refuses a relation to an event of another room, or to one it does not know.
bool relation_refused(const http::Response& r) {
  if (r.status != 400) return false;
  std::string body = r.body;
  std::transform(body.begin(), body.end(), body.begin(), [](unsigned char c) { return std::tolower(c); });
  return body.find("relation") != std::string::npos;
}

bot::Message with_notes(bot::Message message, const std::vector<std::string>& notes) {
  for (auto n = notes.rbegin(); n != notes.rend(); ++n) {
    bot::Block block;
    block.kind = bot::BlockKind::context;
    block.text = *n;
    message.blocks.insert(message.blocks.begin(), std::move(block));
    message.fallback = bot::markup::to_plain(*n) + "\n" + message.fallback;
  }
  return message;
}

std::string thread_note(MatrixState& s, const bot::Delivery& d, const std::string& reader) {
  if (d.thread_key.empty()) return sentence(s, "matrix.thread_elsewhere", reader);
  return sentence(s, "matrix.thread_elsewhere_named", reader, {{"thread", bot::markup::escape(d.thread_key)}});
}

// The person a message for a room may go to instead: the room's DM partner, or who last wrote there.
std::string person_of(MatrixState& s, const std::string& room) {
  if (auto it = s.dm_user_of.find(room); it != s.dm_user_of.end()) return it->second;
  if (auto it = s.last_sender.find(room); it != s.last_sender.end()) return it->second;
  return {};
}

// Posts d in room (a plain room), keeping its thread and edit only where their events are in
// room; else at the top, with a note, and the new message stands for the old from then on.
// reader: the person it is for, when it goes to a DM (their language; a fresh DM if theirs is gone).
asio::awaitable<bot::SendResult> post(std::shared_ptr<MatrixState> s, bot::Delivery d, std::string room,
                                      std::string reader, std::string txn, std::vector<std::string> notes) {
  bot::SendResult out;
  std::string thread_root = d.thread_ref;
  std::string replaces = d.update_ref;
  std::vector<std::string> base_notes = notes;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string stands_for;  // the event in another room this post takes the place of
    bool failed = false;
    if (!replaces.empty()) {
      std::string here = co_await in_room(s, room, replaces, out, failed);
      if (failed) co_return out;
      if (here.empty()) {
        notes.push_back(sentence(*s, "matrix.update_elsewhere", reader));
        stands_for = d.update_ref;
        spdlog::info("matrix: {} is not in {}; its new version is posted at the top", replaces, room);
      }
      replaces = here;
    }
    if (!thread_root.empty() && replaces.empty()) {
      std::string here = co_await in_room(s, room, thread_root, out, failed);
      if (failed) co_return out;
      if (here.empty()) {
        notes.push_back(thread_note(*s, d, reader));
        if (stands_for.empty()) stands_for = d.thread_ref;
        spdlog::info("matrix: the thread root {} is not in {}; the reply is posted at the top", thread_root, room);
      }
      thread_root = here;
    }
    if (!replaces.empty()) thread_root.clear();
    bot::Message message = with_notes(d.message, notes);
    s->button_actions.merge(button_actions(message));
    auto contents = notice_contents(message, thread_root, replaces);
    std::string first;
    bool again = false;
    for (size_t i = 0; i < contents.size(); ++i) {
      // One txn id per chunk, derived from the delivery's key, so a retry repeats each chunk's id.
      std::string chunk_txn = i == 0 ? txn : txn + "." + std::to_string(i);
      http::Response r = co_await s->send_api.send(room, "m.room.message", chunk_txn, contents[i].dump());
      if (!r.ok() && i == 0 && relation_refused(r) && (!thread_root.empty() || !replaces.empty())) {
        // The homeserver knows better than our records: post at the top instead.
        spdlog::warn("matrix: {} refused the relation in {} ({}); posting at the top", s->options.homeserver, room,
                     r.body);
        if (!replaces.empty()) note_event(*s, replaces, "?");
        if (!thread_root.empty()) note_event(*s, thread_root, "?");
        txn += ".top";
        again = true;
        break;
      }
      if (!r.ok() && i == 0 && (r.error == bot::SendErrorKind::auth || r.error == bot::SendErrorKind::not_found)) {
        // The bot is no longer in the room. A person's DM: forget it and write to a new one.
        // Another room: the message goes to the DM of the person it answers, if one is known.
        std::string person = reader;
        if (person.empty()) person = person_of(*s, room);
        if (!person.empty()) {
          spdlog::warn("matrix: cannot write to {} ({}); the message goes to the direct room of {}", room, r.error_text,
                       person);
          if (reader.empty()) {
            base_notes.push_back(sentence(*s, "matrix.moved_to_dm", person));
            reader = person;
          }
          forget_room(*s, room);
          bot::SendResult error;
          room = co_await direct_room(s, reader, error);
          if (room.empty()) co_return error;
          txn += ".dm";
          again = true;
          break;
        }
      }
      if (!r.ok()) {
        out = send_failure(r, *s);
        if (!bot::retryable(out.error)) spdlog::error("matrix: cannot post in {}: {}", room, out.error_text);
        co_return out;
      }
      json j = json::parse(r.body, nullptr, false);
      std::string event_id = json_fields::str(j, "event_id");
      note_event(*s, event_id, room);
      if (i == 0) first = event_id;
    }
    if (again) {
      notes = base_notes;
      thread_root = d.thread_ref;
      replaces = d.update_ref;
      continue;
    }
    if (!stands_for.empty() && !first.empty()) keep(*s, kMovedKey, stands_for, room + "\n" + first);
    // An edit keeps the original's reference, so later updates still find the first event.
    if (d.update_ref.empty())
      out.ref = first;
    else
      out.ref = d.update_ref;
    co_return out;
  }
  out.error = bot::SendErrorKind::bad_request;
  out.error_text = "the homeserver refused every way of posting this in " + room;
  spdlog::error("matrix: {}", out.error_text);
  co_return out;
}

asio::awaitable<bot::SendResult> send_delivery(std::shared_ptr<MatrixState> s, bot::Delivery d) {
  bot::SendResult out;
  std::string user;
  if (d.channel.starts_with("dm:")) user = d.channel.substr(3);
  // Matrix has no messages shown to one member only: those go to the person's direct room.
  if (!d.ephemeral_user.empty()) {
    user = d.ephemeral_user;
    d.thread_ref.clear();
  }
  std::string txn = d.idempotency_key.empty() ? "hallpass-" + d.outbox_id : d.idempotency_key;
  std::vector<std::string> notes;
  std::string room = d.channel;
  if (!user.empty()) {
    room = co_await direct_room(s, user, out);
    if (room.empty()) co_return out;
  } else {
    RoomCheck check = co_await check_room(s, room, out);
    if (check == RoomCheck::failed) co_return out;
    if (check == RoomCheck::encrypted) {
      user = person_of(*s, room);
      if (user.empty()) {
        out.error = bot::SendErrorKind::bad_request;
        out.error_text = room +
                         " is encrypted: Hallpass does not write there in clear text, and nobody's direct "
                         "room stands in for it (make the room unencrypted, or give the place another room)";
        spdlog::error("matrix: {}", out.error_text);
        co_return out;
      }
      spdlog::warn("matrix: {} is encrypted; the message goes to the direct room of {} instead", room, user);
      notes.push_back(sentence(*s, "matrix.moved_from_encrypted", user));
      room = co_await direct_room(s, user, out);
      if (room.empty()) co_return out;
      txn += ".dm";
    }
  }
  if (!d.delete_ref.empty()) {
    bool failed = false;
    std::string target = co_await in_room(s, room, d.delete_ref, out, failed);
    if (failed) co_return out;
    if (target.empty()) target = d.delete_ref;  // ask anyway: the homeserver says where it is
    http::Response r = co_await s->send_api.redact(room, target, txn);
    if (!r.ok()) co_return send_failure(r, *s);
    co_return out;
  }
  co_return co_await post(s, std::move(d), room, user, txn, std::move(notes));
}

}  // namespace

MatrixAdapter::MatrixAdapter(asio::any_io_executor executor, MatrixOptions options, SyncCheckpoint checkpoint,
                             RoomMemory memory, Sentences sentences)
    : state_(std::make_shared<MatrixState>(executor, std::move(options), std::move(checkpoint), std::move(memory),
                                           std::move(sentences))) {}

MatrixAdapter::~MatrixAdapter() { stop(); }

void MatrixAdapter::stop() {
  state_->stopped = true;
  state_->timer.cancel();
  state_->sync_client.close();
  state_->send_client.close();
}

namespace {

asio::awaitable<void> join_added(std::shared_ptr<MatrixState> s, std::vector<std::string> rooms) {
  for (const auto& room : rooms) {
    if (s->stopped) co_return;
    http::Response r = co_await s->send_api.join(room);
    if (r.ok())
      spdlog::info("matrix: joined {}, a room a reload added", room);
    else
      spdlog::warn("matrix: cannot join {} yet ({}): invite {} to it; the invite will be accepted", room, r.error_text,
                   s->options.user_id);
  }
}

}  // namespace

void MatrixAdapter::serve_rooms(std::set<std::string> rooms) {
  std::vector<std::string> added;
  for (const auto& r : rooms)
    if (!state_->options.rooms.contains(r)) added.push_back(r);
  state_->options.rooms = std::move(rooms);
  if (!added.empty() && !state_->stopped)
    asio::co_spawn(state_->executor, join_added(state_, std::move(added)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::warn("matrix: joining the rooms a reload added failed: {}", x.what());
      }
    });
}

asio::awaitable<void> MatrixAdapter::run(bot::EventSink& sink) { co_await sync_loop(state_, sink); }

asio::awaitable<bot::SendResult> MatrixAdapter::send(bot::Delivery delivery) {
  co_return co_await send_delivery(state_, std::move(delivery));
}

}  // namespace adapters::matrix
