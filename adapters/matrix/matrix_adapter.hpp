#pragma once
// MatrixAdapter: Hallpass as a plain Matrix bot user (platform "matrix").
//
// run() long-polls /sync on one connection: the first sync without a saved token is history and
// answers nothing; afterwards each batch's message events go to the sink, and only then is
// next_batch saved through the checkpoint, so a crash replays a batch (de-duplicated by event id)
// instead of losing it. Limited timelines are backfilled with /messages. Invites to configured
// rooms and DMs are joined, others left. 429 waits for Retry-After (or retry_after_ms); other
// failures back off exponentially with jitter, capped.
// send() posts m.notice events with PUT and txnId = the delivery's idempotency key, so a resend
// after a crash returns the first event id. Everything runs on the executor's one thread.
//
// Direct rooms: every DM (the ones people open and invite the bot to, and the ones the bot
// creates) is remembered in RoomMemory and in the bot's m.direct, so a restart writes to the same
// room; at most one DM is created per person, even for concurrent sends. Nothing is ever sent
// into an encrypted room (m.room.encryption): a person who writes there is told once, in a plain
// DM, to write there instead. A thread reply or an edit whose target is in another room (Synapse:
// "Relations must be in the same room") is posted at the top of the room with a reference, and
// later replies and edits go to that new message.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "adapters/common/setting_checks.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/adapter.hpp"

namespace adapters::matrix {

struct MatrixOptions {
  std::string homeserver;       // "https://matrix.example.org"
  std::string access_token;     // never logged
  std::string user_id;          // "@hallpass:example.org"
  std::string device_id;        // the device the token belongs to (txn ids are scoped per device)
  std::set<std::string> rooms;  // configured room ids: invites to these are accepted
  int sync_timeout_ms = 30000;
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(2)};
};

// Where next_batch is kept between runs (cmd_run: the store's "matrix.next_batch" checkpoint).
struct SyncCheckpoint {
  std::function<std::optional<std::string>()> load;
  std::function<void(std::string)> save;
};

// What the adapter keeps between runs besides the sync token, each under a "matrix." key (cmd_run:
// the store's adapter state): the person of each direct room and the DM each person is written
// to, the rooms known to be encrypted, who was told about encryption, and where a message whose
// thread or original was in another room was posted instead. Without it, memory only.
struct RoomMemory {
  std::function<std::optional<std::string>(const std::string& key)> load;
  std::function<void(const std::string& key, const std::string& value)> save;
};

// The sentences the adapter writes itself (prompts/<lang>/matrix.yaml: key "matrix.…"), in the
// language of the Matrix user who reads them (empty: the district's). Without it, "[key]".
using Sentences =
    std::function<std::string(const std::string& key, const std::string& user_id, const bot::PromptVars& vars)>;

// Builds options from config adapters.matrix settings (homeserver, access_token, user_id,
// device_id, sync_timeout_ms). Throws std::invalid_argument naming a missing setting.
MatrixOptions options_from_settings(const std::map<std::string, std::string>& settings);

using settings::SettingProblem;
// Every problem of the settings at once (matrix_adapter_settings.cpp), for the config loader:
// keys that are not Matrix settings (with the one probably meant), missing and malformed values.
std::vector<SettingProblem> check_settings(const std::map<std::string, std::string>& settings);

struct MatrixState;  // connections and what the adapter remembers, in the .cpp

class MatrixAdapter final : public bot::Adapter {
 public:
  MatrixAdapter(boost::asio::any_io_executor executor, MatrixOptions options, SyncCheckpoint checkpoint,
                RoomMemory memory = {}, Sentences sentences = {});
  ~MatrixAdapter() override;
  MatrixAdapter(const MatrixAdapter&) = delete;
  MatrixAdapter& operator=(const MatrixAdapter&) = delete;

  std::string_view platform() const override { return "matrix"; }
  boost::asio::awaitable<void> run(bot::EventSink& sink) override;
  // channel: a room id, or "dm:@user:server" (the person's plain direct room, created and
  // remembered if needed). A message for an encrypted room goes to the plain DM of its person
  // (the room's DM partner, or who last wrote there) with a note, or fails with a log line.
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override;
  bool idempotent_sends() const override { return true; }
  // Ends run() and fails pending requests. Safe to call twice.
  void stop() override;
  // The configured rooms from now on (a county's reload adds and removes districts' rooms):
  // invites to them are accepted from the next sync. A room new to the list is joined at once,
  // which accepts an invite still waiting and enters a room anyone may join; otherwise the
  // log says to invite the bot.
  void serve_rooms(std::set<std::string> rooms);

 private:
  std::shared_ptr<MatrixState> state_;
};

}  // namespace adapters::matrix
