#pragma once
// FakeMatrixServer: a Matrix homeserver on 127.0.0.1 (port 0), inside the test's io_context,
// speaking enough of the Client-Server API for the adapter: versions, whoami, filter, sync
// (since/timeout long-poll, capped short), send (PUT, idempotent per txn id), redact, join,
// leave, createRoom, account data, messages, a room's m.room.encryption state and one event.
// Scriptable: timeline events, invites, encrypted rooms, a limited next sync, and failures (429
// with Retry-After and retry_after_ms, 5xx). Like Synapse it refuses a relation (thread, reply,
// edit) to an event of another room ("Relations must be in the same room") or to an unknown one.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace test_support {

struct FakeMatrixState;

class FakeMatrixServer {
 public:
  // Listens at once; requests must carry "Authorization: Bearer <token>".
  FakeMatrixServer(boost::asio::io_context& io, std::string bot_user_id, std::string token);
  ~FakeMatrixServer();

  std::string origin() const;  // "http://127.0.0.1:<port>"
  void stop();

  // A room the bot has joined. encrypted: its timeline starts with m.room.encryption.
  void add_room(const std::string& room_id, bool encrypted = false);
  // A room the bot has joined with exactly one other member (a DM joined by an earlier version of
  // Hallpass, which kept the DMs people opened only in memory).
  void add_direct_room(const std::string& room_id, const std::string& user);
  // Invites the bot; is_direct marks a DM; encrypted: the room has m.room.encryption (in the
  // invite's stripped state and, once joined, in the room's state).
  void invite(const std::string& room_id, const std::string& inviter, bool is_direct, bool encrypted = false);
  // Turns encryption on in a room (an m.room.encryption state event in its timeline).
  void encrypt(const std::string& room_id);
  // A user's m.room.encrypted event (ciphertext the bot cannot read); returns its event id.
  std::string post_encrypted(const std::string& room_id, const std::string& sender);
  // The bot is removed from the room (its sends there are refused with 403 from now on).
  void remove_bot(const std::string& room_id);
  // The user leaves the room (an m.room.member leave event).
  void leave(const std::string& room_id, const std::string& user);
  // A user's m.text message; returns its event id. thread_root: a reply in that thread.
  std::string post(const std::string& room_id, const std::string& sender, const std::string& body,
                   const std::string& thread_root = {});
  // The next sync returns only each room's newest event, with limited:true and a prev_batch.
  void limit_next_sync();
  // The next request whose path contains path_part fails with status (429: with both
  // Retry-After: 0 and retry_after_ms, so the test does not wait).
  void fail_next(const std::string& path_part, int status, long long retry_after_ms = 0);

  struct Event {
    std::string room_id;
    nlohmann::json event;  // type, sender, event_id, content, origin_server_ts, unsigned
  };
  // Every event the bot created with send, in order (a repeated txn id adds nothing).
  std::vector<Event> bot_events() const;
  int send_requests() const;  // PUT send requests, repeats included
  int sync_requests() const;
  int failed_requests() const;  // requests answered by fail_next
  std::vector<std::string> joined_rooms() const;
  std::vector<std::string> left_rooms() const;
  // Rooms created with createRoom, with the user each invited.
  std::vector<std::pair<std::string, std::string>> created_direct_rooms() const;
  nlohmann::json account_data(const std::string& type) const;
  // Sends refused because they related to an event of another room or an unknown one.
  int refused_relations() const;

 private:
  std::shared_ptr<FakeMatrixState> state_;
};

}  // namespace test_support
