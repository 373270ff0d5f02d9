#pragma once
// Delivers what workflows wrote to the outbox, through the adapters, in order.
//
// Resolves each entry's recipient to a platform address (a person's direct conversation, a
// configured place, or the place an event came from), threads it under the request's root
// message, records the platform's reference of what it posted (for later thread replies and
// updates), retries retryable failures with exponential backoff and jitter (honouring
// Retry-After), and gives up on the rest with a log line. Runs on the io_context thread;
// conversations are delivered concurrently, the messages of one conversation in order.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

  // Adapters in priority order: a person or place reachable on several platforms gets the first.
  void add_adapter(Adapter& adapter);
  // The district's prompts, for the sentences adapters add themselves (Message::notes) in the
  // reader's language. Without them those stay in English.
  void use_prompts(const Prompts& prompts) { prompts_ = &prompts; }
  // After a restart: what was in flight is retried where the adapter's sends are idempotent,
  // and marked uncertain (never sent twice) where they are not.
  void recover();
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

  // The config key of handles and places for a platform ("console" shares the web chat's).
  static std::string directory_key(std::string_view platform);

 private:
  struct Resolved {
    Adapter* adapter = nullptr;
    Delivery delivery;
    bool new_thread_root = false;
    std::string record_key;  // remember the posted message under this key
  };
  bool resolve(const OutboxEntry& e, Resolved& out, std::string& error);
  bool in_scope(const OutboxEntry& e) const;
  std::vector<OutboxEntry> due_entries();
  Adapter* adapter_for(std::string_view platform) const;
  boost::asio::awaitable<size_t> deliver_pass();
  boost::asio::awaitable<void> deliver_conversation(std::vector<OutboxEntry> entries, size_t& delivered);
  boost::asio::awaitable<void> delete_pass();
  boost::asio::awaitable<void> wait_until_idle();

  boost::asio::any_io_executor executor_;
  Store& store_;
  const DistrictConfig& config_;
  const Clock& clock_;
  const Prompts* prompts_ = nullptr;
  std::optional<Scope> scope_;
  std::vector<Adapter*> adapters_;
  std::vector<Outbound> deletions_;
  Backoff retry_backoff_;  // before a retryable failure's next try, when the platform named no Retry-After
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer idle_;
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace bot
