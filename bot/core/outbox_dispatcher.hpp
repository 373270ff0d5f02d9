#pragma once
// Delivers what workflows wrote to the outbox, through the adapters, in order.
//
// Resolves each entry's recipient to a platform address (a person's direct conversation, a
// configured place, or the place an event came from), threads it under the request's root
// message, records the platform's reference of what it posted (for later thread replies and
// updates), retries retryable failures with exponential backoff and jitter (honouring
// Retry-After), and gives up on the rest with a log line. Runs on the io_context thread;
// conversations are delivered concurrently, the messages of one conversation in order: each
// conversation with something to send has a worker of its own, and a pass that finds more for it
// appends to that worker's queue, so a conversation waiting for its pacing slot or a rate limit
// holds up nobody else's messages, and a pass never waits for a conversation. On PostgreSQL its
// database work runs on the district's command thread (use_database_thread): the io thread only
// sends.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "bot/core/command_thread.hpp"
#include "bot/district/config.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/adapter.hpp"
#include "bot/model/backoff.hpp"
#include "bot/model/clock.hpp"
#include "bot/store/store.hpp"

namespace bot {

class OutboxDispatcher {
 public:
  OutboxDispatcher(boost::asio::any_io_executor executor, Store& store, const DistrictConfig& config,
                   const Clock& clock);
  // Lease mode: takes its conversation key back from the store (not from those of
  // key_conversations_in, which may be gone already: they must not write after it).
  ~OutboxDispatcher();
  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  // Adapters in priority order: a person or place reachable on several platforms gets the first.
  void add_adapter(Adapter& adapter);
  // The district's prompts, for the sentences adapters add themselves (Message::notes) in the
  // reader's language. Without them those stay in English.
  void use_prompts(const Prompts& prompts) { prompts_ = &prompts; }
  // After a restart: what was in flight is retried where the adapter's sends are idempotent; where
  // they are not, it is left in flight for reconcile_in_flight() (which run() calls first).
  void recover();
  // Asks each adapter whether each message left in flight by a crash arrived (Slack: its outbox
  // key in the message metadata): arrived → sent; did not → sent now; cannot tell → 'uncertain',
  // and the reader is told that a message may be missing. Never sends one twice.
  boost::asio::awaitable<void> reconcile_in_flight();
  // Wakes run() because something was written.
  void notify();
  // Deletions (Outbound::delete_ref) to ask the adapters for on the next pass. Kept in memory
  // only, never in the store; a failure is logged without the reference.
  void request_deletions(std::vector<Outbound> deletions);
  // Delivers until stop(); sleeps until the next retry or a notify().
  boost::asio::awaitable<void> run();
  // Delivers everything due now, and returns when nothing is due (retries later are not waited for).
  boost::asio::awaitable<void> drain();
  void stop();

  // Shutting down, in three steps (app/runtime): settle() delivers while the adapters still
  // receive, until nothing is being sent or due, or `until`; stop_sending() starts nothing new
  // (a message still waiting inside an adapter for its pacing slot was never attempted and stays
  // pending, for the next start); idle() waits for the sends already under way, until `until`.
  boost::asio::awaitable<void> settle(std::chrono::steady_clock::time_point until);
  void stop_sending();
  boost::asio::awaitable<void> idle(std::chrono::steady_clock::time_point until);
  // Conversations being delivered now.
  std::size_t delivering() const { return lanes_.size(); }

  // Who a console run delivers to: one person (their direct messages, and replies to their own
  // events on `platform` that are public or only for `user`), and only entries above after_id
  // (what this run enqueued). Everything else stays pending, untouched, for the adapters of the
  // bot that serves the district: a console over a live database must not take others' messages.
  struct Scope {
    std::string person_id;
    std::string platform;
    std::string user;  // the person's user id on that platform
    std::int64_t after_id = 0;
  };
  void deliver_only(Scope scope) { scope_ = std::move(scope); }

  // Several workers on one database (issue 23): each pass claims the due rows for `owner` (a
  // worker id, host:pid:random) for `length`; a lease is renewed while its row is still being
  // sent, and given back when the row waits for a retry or is left unsent at a stop. Rows of a
  // worker that died are taken when their lease expires: pending ones are simply sent, in-flight
  // ones are reconciled as after a restart (retried where sends are idempotent, otherwise checked,
  // or marked 'uncertain'). Without it (one SQLite worker) nothing is leased, as before.
  // A conversation (a lane) is one worker's at a time (Store::claim_due_outbox): from its first
  // claimed row until 5 s after its last message there, so the order of its messages and its
  // pacing are this worker's, whichever worker wrote the rows; while it keeps one it looks for
  // new rows there every 250 ms, and a worker whose due rows wait in another's conversation looks
  // again when that worker's lease there ends.
  void use_leases(std::string owner, std::chrono::milliseconds length);
  // Lease mode: rows that another store of this district writes (the commands' own connection,
  // Bot::run_commands_on) are keyed by their conversation too, as the claims expect.
  void key_conversations_in(Store& store);
  // PostgreSQL (issue 23): the claims, marks and look-ups run on `thread`, on `store` (this
  // district's store on a connection only that thread uses), and the coroutine that delivers waits
  // for them without holding the io thread, so a delivery's round trips to the database never hold
  // up an acknowledgement. Before run(); `store` is keyed like the others (key_conversations_in).
  // Without it the dispatcher's own store is used where it runs, as with SQLite.
  void use_database_thread(CommandThread& thread, Store& store);
  // The conversation (lane) a message goes to, "platform\nchannel"; "" when no running adapter
  // reaches it.
  std::string conversation_of(const Outbound& o) const;

  // The config key of handles and places for a platform ("console" shares the web chat's).
  static std::string directory_key(std::string_view platform);

 private:
  struct Resolved {
    Adapter* adapter = nullptr;
    Delivery delivery;
    bool new_thread_root = false;
    std::string record_key;  // remember the posted message under this key
  };
  // Runs f(store) where the database work runs: on the database thread, or here.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Store&>> in_store(F f);
  boost::asio::awaitable<bool> resolve(const OutboxEntry& e, Resolved& out, std::string& error);
  bool route(const Outbound& o, Resolved& out, std::string& error) const;
  // Lease mode: a row just sent (or failed, or reconciled) keeps its conversation for its pacing
  // (inside the caller's transaction). Returns whether it did (kept_conversation() then, here).
  bool keep_conversation(Store& store, std::int64_t id, TimePoint now) const;
  void kept_conversation();
  // A row that arrived (sent now, or found sent after a restart): marked sent with the platform's
  // reference, the thread root and card it became remembered, its conversation kept. Returns
  // keep_conversation()'s answer.
  bool record_sent(Store& store, const OutboxEntry& e, const Resolved& r, const std::string& platform,
                   const std::string& ref, TimePoint now) const;
  bool in_scope(const OutboxEntry& e) const;
  std::vector<OutboxEntry> due_entries(Store& store, std::int64_t after_id, TimePoint now) const;
  Adapter* adapter_for(std::string_view platform) const;
  // The platforms whose sends the platform de-duplicates: their interrupted rows are simply retried.
  std::vector<std::string> idempotent_platforms() const;
  void recover_platforms(Store& store, const std::vector<std::string>& platforms) const;
  boost::asio::awaitable<size_t> deliver_pass();
  boost::asio::awaitable<size_t> spawn_due();
  boost::asio::awaitable<void> deliver_conversation(std::string conversation);
  boost::asio::awaitable<bool> deliver_one(OutboxEntry e);
  // Delivery::on_attempt: the row is in flight from now on.
  boost::asio::awaitable<void> mark_attempt(bool& attempted, std::int64_t id, std::string platform,
                                            std::string channel);
  boost::asio::awaitable<void> delete_pass();
  boost::asio::awaitable<void> wait_until_idle();
  // Waits until signal_change() (a pass or a conversation ended) or `until`.
  boost::asio::awaitable<void> wait_for_change(std::chrono::steady_clock::time_point until);
  void signal_change();
  // The short note that a message may be missing, to the same reader in their language.
  std::optional<Outbound> may_be_missing_note(const OutboxEntry& e) const;
  // Lease mode: gives a row back (inside the caller's transaction, if any).
  void release(Store& store, std::int64_t id) const;
  void key_store(Store& store);
  // Lease mode, from run() every third of a lease: renews what is being sent, and takes back what
  // dead workers left in flight.
  boost::asio::awaitable<void> keep_leases();
  // With nothing in hand (several workers), whether the periodic look finds anything: false means
  // do the usual round; true means sleep for `wait` (a third of a lease, or until the next retry).
  boost::asio::awaitable<bool> quiet_look(std::chrono::milliseconds& wait);
  // How long to sleep to wake just after `at` (at least 1 ms), at most `cap`.
  std::chrono::milliseconds wait_until(TimePoint at, std::chrono::milliseconds cap) const;

  boost::asio::any_io_executor executor_;
  Store& store_;
  CommandThread* db_thread_ = nullptr;  // use_database_thread
  Store* db_store_ = nullptr;
  std::vector<Store*> keyed_stores_;  // key_conversations_in
  const DistrictConfig& config_;
  const Clock& clock_;
  const Prompts* prompts_ = nullptr;
  std::optional<Scope> scope_;
  std::vector<Adapter*> adapters_;
  std::vector<Outbound> deletions_;
  Backoff retry_backoff_;  // before a retryable failure's next try, when the platform named no Retry-After
  boost::asio::steady_timer wake_;
  std::set<boost::asio::steady_timer*> change_waiters_;
  // "platform\nchannel" → what its worker still has to send, in order; present while it runs.
  std::map<std::string, std::deque<OutboxEntry>> lanes_;
  std::set<std::int64_t> active_;  // ids in a lane or being sent: a pass skips them
  std::int64_t cursor_ = 0;        // a pass after notify() reads only ids above this
  bool full_scan_ = true;          // the next pass reads every due row (retries fell due)
  bool notified_ = false;          // notify() while a pass ran: run() passes again at once
  bool busy_ = false;
  bool stopped_ = false;
  bool stopping_ = false;    // stop_sending(): nothing new is started
  std::string lease_owner_;  // empty: no leases (one worker)
  std::chrono::milliseconds lease_length_{60'000};
  std::chrono::steady_clock::time_point next_lease_check_{};
  std::chrono::steady_clock::time_point keeping_until_{};  // a conversation is kept (keep_conversation)
  std::chrono::steady_clock::time_point next_handoff_check_{};
  std::optional<TimePoint> next_handoff_;  // when another worker's conversation with due rows frees up
};

}  // namespace bot
