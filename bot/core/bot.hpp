#pragma once
// The bot core: turns one Inbound (or one due timer) into a committed state change plus the
// messages it causes, in a single SQLite transaction, then wakes the outbox dispatcher.
//
// Runs on the io_context thread; handle() is synchronous and takes microseconds to milliseconds.
// On PostgreSQL a command's transaction runs on a thread of its own instead (run_commands_on):
// async_handle() waits for it there without holding the io thread.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/command_thread.hpp"
#include "bot/core/router.hpp"
#include "bot/district/config.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/adapter.hpp"
#include "bot/model/clock.hpp"
#include "bot/store/store.hpp"

namespace bot {

class Bot final : public EventSink {
 public:
  // The router (the workflows) decides what each event and timer does; the bot owns the
  // transaction around it, the de-duplication, the directory lookup and the failure message.
  Bot(const DistrictConfig& config, const Prompts& prompts, Router& router, Store& store, const Clock& clock);

  // De-duplicates on (platform, event id), resolves the actor from the directory, routes the
  // event and commits. A workflow that throws changes nothing; the person is told and the error logged.
  HandleResult handle(const Inbound& event) override;
  boost::asio::awaitable<HandleResult> async_handle(const Inbound& event) override;
  boost::asio::awaitable<void> drained() override;

  // From now on the events' and the timers' transactions run on `thread`, on `store`: a store of
  // the same district on a connection only that thread uses. `store` is opened, and later closed,
  // only while the thread is paused or has nothing left to run.
  void run_commands_on(CommandThread& thread, Store& store) {
    command_thread_ = &thread;
    command_store_ = &store;
  }

  // Fires every timer due now, each in its own transaction. Returns how many fired. The
  // synchronous form (start-up, tests) on this thread and the bot's own store; the scheduler's
  // on the command thread when there is one.
  int fire_due_timers();
  boost::asio::awaitable<int> async_fire_due_timers();
  // When the next timer falls due (the scheduler's sleep), read where the timers are fired.
  boost::asio::awaitable<std::optional<TimePoint>> async_next_timer();
  // Several workers on one database (issue 23): fire_due_timers() claims each due timer for
  // `owner` for `length`, so that no two workers fire the same one; a worker that dies while
  // firing loses its claim when the lease ends (the firing's transaction never committed).
  void use_leases(std::string owner, std::chrono::milliseconds length) {
    lease_owner_ = std::move(owner);
    lease_length_ = length;
  }
  // Once at start-up, before fire_due_timers(): the workflows make sure their standing timers
  // exist (the next nightly digest), in one transaction. Throws if the store fails.
  void start_up();

  // Called after each commit that wrote to the outbox or the timers (the dispatcher and scheduler wake).
  void on_outbox_written(std::function<void()> f) { outbox_written_ = std::move(f); }
  void on_timers_written(std::function<void()> f) { timers_written_ = std::move(f); }
  void on_drained(std::function<boost::asio::awaitable<void>()> f) { drained_ = std::move(f); }
  // Called after a commit with the deletions the workflow asked for (Outbound::delete_ref), which
  // are never written to the outbox.
  void on_deletions_requested(std::function<void(std::vector<Outbound>)> f) { deletions_requested_ = std::move(f); }

 private:
  // What a commit wakes: called on the io thread, after a command thread's commit too.
  struct Wakes {
    bool outbox = false;
    bool timers = false;
    std::vector<Outbound> deletions;
  };
  HandleResult handle_in(Store& store, const Inbound& event, Wakes& wakes);
  int fire_due_timers_in(Store& store, Wakes& wakes);
  void write_effects(Store& store, Effects& fx);
  void commit(Store& store, Transaction& tx, Effects& fx, Wakes& wakes);
  void wake(Wakes& wakes);
  void tell_failure(Store& store, const Inbound& event, const Person* actor, Wakes& wakes);
  std::string thread_key_of(Store& store, const Inbound& event, const Person* actor);

  const DistrictConfig& config_;
  const Prompts& prompts_;
  Router& router_;
  Store& store_;
  const Clock& clock_;
  std::string lease_owner_;  // empty: no leases (one worker)
  std::chrono::milliseconds lease_length_{60'000};
  std::function<void()> outbox_written_;
  std::function<void()> timers_written_;
  std::function<boost::asio::awaitable<void>()> drained_;
  std::function<void(std::vector<Outbound>)> deletions_requested_;
  CommandThread* command_thread_ = nullptr;
  Store* command_store_ = nullptr;
  // Expires with the bot: an event whose transaction finished on the command thread after a
  // reload removed its district wakes nothing.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace bot
