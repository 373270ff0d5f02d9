#include "adapters/matrix/matrix_adapter.hpp"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/matrix/matrix_api.hpp"
#include "adapters/matrix/matrix_protocol.hpp"
#include "bot/model/backoff.hpp"
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
  MatrixState(asio::any_io_executor ex, MatrixOptions opts, SyncCheckpoint cp)
      : executor(ex),
        options(std::move(opts)),
        checkpoint(std::move(cp)),
        sync_client(ex, options.homeserver),
        send_client(ex, options.homeserver),
        sync_api(sync_client, options.access_token),
        send_api(send_client, options.access_token),
        timer(ex),
        retry_backoff(options.first_backoff, options.max_backoff) {}

  asio::any_io_executor executor;
  MatrixOptions options;
  SyncCheckpoint checkpoint;
  // Two connections: the long-poll would otherwise hold up every send for up to 30 s.
  http::HttpClient sync_client;
  http::HttpClient send_client;
  MatrixApi sync_api;
  MatrixApi send_api;
  asio::steady_timer timer;
  bool stopped = false;
  std::string filter_id;
  std::set<std::string> direct_rooms;
  std::map<std::string, std::string> dm_room_of;  // user id → direct room
  bool direct_loaded = false;                     // m.direct was read (by start-up or the first send)
  std::set<std::string> encryption_noticed;
  std::set<std::string> encrypted_rooms;
  std::set<std::string> button_actions;  // of the buttons shown so far (see Context)
  bot::Backoff retry_backoff;            // jittered, so that many bots restarted together do not come back at once
};

namespace {

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

void remember_direct(MatrixState& s, const json& m_direct) {
  if (!m_direct.is_object()) return;
  for (const auto& [user, rooms] : m_direct.items()) {
    if (!rooms.is_array()) continue;
    for (const auto& r : rooms)
      if (r.is_string()) {
        s.direct_rooms.insert(r.get<std::string>());
        s.dm_room_of[user] = r.get<std::string>();
      }
  }
}

// whoami, the filter and the m.direct map; retried with backoff until they succeed.
asio::awaitable<bool> start_up(std::shared_ptr<MatrixState> s) {
  int failures = 0;
  while (!s->stopped) {
    http::Response who = co_await s->sync_api.whoami();
    if (who.ok()) {
      json j = json::parse(who.body, nullptr, false);
      std::string me = j.is_object() ? j.value("user_id", "") : "";
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
  s->filter_id = f.ok() && fj.is_object() && fj.contains("filter_id") ? fj["filter_id"].get<std::string>() : kFilter;
  http::Response d = co_await s->sync_api.get_account_data(s->options.user_id, "m.direct");
  if (d.ok()) remember_direct(*s, json::parse(d.body, nullptr, false));
  if (d.ok() || d.error == bot::SendErrorKind::not_found) s->direct_loaded = true;
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
      if (inv.is_direct) {
        s->direct_rooms.insert(inv.room_id);
        if (!inv.inviter.empty()) s->dm_room_of[inv.inviter] = inv.room_id;
      }
    } else {
      spdlog::info("matrix: declining the invite of {} to {}: not a configured room", inv.inviter, inv.room_id);
      co_await s->sync_api.leave(inv.room_id);
    }
  }
}

// Says once per room (and once per device, through the fixed txn id) that encryption is not supported.
asio::awaitable<void> refuse_encrypted(std::shared_ptr<MatrixState> s, std::string room_id) {
  if (s->encryption_noticed.contains(room_id)) co_return;
  http::Response r = co_await s->sync_api.send(room_id, "m.room.message", "hallpass-encrypted-" + room_id,
                                               encrypted_room_notice().dump());
  if (r.ok())
    s->encryption_noticed.insert(room_id);
  else
    spdlog::warn("matrix: cannot post the encryption notice in {}: {}", room_id, r.error_text);
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
    std::string end = j.value("end", "");
    if (end.empty() || end == from) break;
    from = end;
  }
  std::reverse(out.begin(), out.end());
  co_return out;
}

// Handles one batch. Returns false when an event was not accepted, so the token must not advance.
asio::awaitable<bool> handle_batch(std::shared_ptr<MatrixState> s, bot::EventSink& sink, SyncBatch batch,
                                   std::string since) {
  co_await handle_invites(s, batch.invites);
  for (const auto& room : batch.left) s->direct_rooms.erase(room);
  Context ctx{.bot_user_id = s->options.user_id, .direct_rooms = s->direct_rooms, .button_actions = s->button_actions};
  for (auto& room : batch.joined) {
    if (room.encrypted) s->encrypted_rooms.insert(room.room_id);
    if (s->encrypted_rooms.contains(room.room_id)) {
      // Whatever arrives there (ciphertext, or clear text clients show with a warning) is not answered.
      co_await refuse_encrypted(s, room.room_id);
      continue;
    }
    if (since.empty()) continue;  // the first sync: history, not commands
    if (room.limited && !room.prev_batch.empty()) {
      std::vector<json> missed = co_await backfill(s, room.room_id, room.prev_batch, since);
      room.events.insert(room.events.begin(), missed.begin(), missed.end());
    }
    for (const auto& e : room.events) {
      auto ev = to_inbound(e, room.room_id, ctx);
      if (!ev) continue;
      bot::HandleResult r = sink.handle(*ev);
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

bot::SendResult send_failure(const http::Response& r, MatrixState& s) {
  bot::SendResult out;
  out.error = r.error;
  out.error_text = r.error_text;
  json j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("errcode"))
    out.error_text += " " + j.value("errcode", "") + ": " + j.value("error", "");
  if (r.error == bot::SendErrorKind::rate_limited) out.retry_after = wait_for(s, r, 0);
  return out;
}

// The direct room with user_id: remembered, or created and recorded in m.direct.
asio::awaitable<std::string> direct_room(std::shared_ptr<MatrixState> s, std::string user_id, bot::SendResult& error) {
  if (!s->direct_loaded) {
    // After a restart the dispatcher may send before run() has read m.direct: read it here, or
    // a retried delivery would open a second room and post there under its old txn id.
    http::Response cur = co_await s->send_api.get_account_data(s->options.user_id, "m.direct");
    if (cur.ok())
      remember_direct(*s, json::parse(cur.body, nullptr, false));
    else if (cur.error != bot::SendErrorKind::not_found) {
      error = send_failure(cur, *s);
      co_return std::string();
    }
    s->direct_loaded = true;
  }
  if (auto it = s->dm_room_of.find(user_id); it != s->dm_room_of.end()) co_return it->second;
  http::Response r = co_await s->send_api.create_direct_room(user_id);
  if (!r.ok()) {
    error = send_failure(r, *s);
    co_return std::string();
  }
  json j = json::parse(r.body, nullptr, false);
  std::string room = j.is_object() ? j.value("room_id", "") : "";
  if (room.empty()) {
    error.error = bot::SendErrorKind::server;
    error.error_text = "createRoom answered without room_id";
    co_return std::string();
  }
  s->dm_room_of[user_id] = room;
  s->direct_rooms.insert(room);
  // m.direct is written whole, so read it first and add the room (read-modify-write).
  json direct = json::object();
  http::Response cur = co_await s->send_api.get_account_data(s->options.user_id, "m.direct");
  if (cur.ok()) {
    json parsed = json::parse(cur.body, nullptr, false);
    if (parsed.is_object()) direct = parsed;
  }
  if (!direct.contains(user_id) || !direct[user_id].is_array()) direct[user_id] = json::array();
  direct[user_id].push_back(room);
  http::Response put = co_await s->send_api.put_account_data(s->options.user_id, "m.direct", direct.dump());
  if (!put.ok()) spdlog::warn("matrix: cannot record the direct room in m.direct: {}", put.error_text);
  co_return room;
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
  std::string room = d.channel;
  if (!user.empty()) {
    room = co_await direct_room(s, user, out);
    if (room.empty()) co_return out;
  }
  std::string txn = d.idempotency_key.empty() ? "hallpass-" + d.outbox_id : d.idempotency_key;
  if (!d.delete_ref.empty()) {
    http::Response r = co_await s->send_api.redact(room, d.delete_ref, txn);
    if (!r.ok()) co_return send_failure(r, *s);
    co_return out;
  }
  s->button_actions.merge(button_actions(d.message));
  auto contents = notice_contents(d.message, d.thread_ref, d.update_ref);
  for (size_t i = 0; i < contents.size(); ++i) {
    // One txn id per chunk, derived from the delivery's key, so a retry repeats each chunk's id.
    std::string chunk_txn = i == 0 ? txn : txn + "." + std::to_string(i);
    http::Response r = co_await s->send_api.send(room, "m.room.message", chunk_txn, contents[i].dump());
    if (!r.ok()) co_return send_failure(r, *s);
    json j = json::parse(r.body, nullptr, false);
    if (i == 0) out.ref = j.is_object() ? j.value("event_id", "") : "";
  }
  // An edit keeps the original's reference, so later updates still replace the first event.
  if (!d.update_ref.empty()) out.ref = d.update_ref;
  co_return out;
}

}  // namespace

MatrixAdapter::MatrixAdapter(asio::any_io_executor executor, MatrixOptions options, SyncCheckpoint checkpoint)
    : state_(std::make_shared<MatrixState>(executor, std::move(options), std::move(checkpoint))) {}

MatrixAdapter::~MatrixAdapter() { stop(); }

void MatrixAdapter::stop() {
  state_->stopped = true;
  state_->timer.cancel();
  state_->sync_client.close();
  state_->send_client.close();
}

asio::awaitable<void> MatrixAdapter::run(bot::EventSink& sink) { co_await sync_loop(state_, sink); }

asio::awaitable<bot::SendResult> MatrixAdapter::send(bot::Delivery delivery) {
  co_return co_await send_delivery(state_, std::move(delivery));
}

}  // namespace adapters::matrix
