#pragma once
// Puts the parts together on one io_context: the bot core, the outbox dispatcher, the scheduler
// and the adapters. run() returns when every adapter's run() has returned (the console at end of
// input) or on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/bot.hpp"
#include "bot/core/command_thread.hpp"
#include "bot/core/outbox_dispatcher.hpp"
#include "bot/core/scheduler.hpp"
#include "bot/district/district.hpp"
#include "bot/model/adapter.hpp"
#include "workflows/router.hpp"

namespace bot {

class Runtime {
 public:
  Runtime(boost::asio::io_context& io, const District& district, Store& store, const Clock& clock);

  void add_adapter(Adapter& adapter);
  Bot& bot() { return bot_; }
  OutboxDispatcher& dispatcher() { return dispatcher_; }
  // Several workers on one database: outbox rows and timers are claimed for `owner` for `length`
  // (OutboxDispatcher::use_leases). Before start().
  void use_leases(const std::string& owner, std::chrono::milliseconds length) {
    dispatcher_.use_leases(owner, length);
    bot_.use_leases(owner, length);
    scheduler_.use_leases(length);
  }
  // PostgreSQL: the district's database work runs on `thread`, on `store`, a store of this district
  // on that thread's own connection: the events' and timers' transactions (Bot::run_commands_on)
  // and the dispatcher's claims, marks and look-ups (OutboxDispatcher::use_database_thread), in
  // the order they were asked for. One thread for both, not one each: with a thread of their own
  // the commands took the processor from the deliveries, and under load the answers fell a minute
  // behind the acknowledgements (docs/scale-out.md, "Commands off the io thread"). Before start().
  void run_commands_on(CommandThread& thread, Store& store) {
    bot_.run_commands_on(thread, store);
    dispatcher_.use_database_thread(thread, store);
  }
  // Catches SIGINT and SIGTERM from now on; run() then stops politely on one, also on one that
  // arrived while the adapters were starting (before this, such a signal would end the process
  // at once). Call it before announcing that the bot is up.
  void catch_stop_signals();
  // Runs until the adapters finish or a stop signal; returns the process exit code.
  int run(bool stop_on_signal = true);
  // What run() does before it runs the io_context: recovers the outbox, runs start-up and the
  // timers that fell due, and puts the scheduler, the dispatcher and the adapters on the
  // io_context. For a caller that runs the io_context itself (the tests' Process, the benches).
  void start(bool stop_on_signal = true);
  // Ends run() at once.
  void stop();
  // A county worker's district that stops being served (its file removed): the dispatcher and the
  // scheduler stop; the io_context goes on for the others.
  void stop_serving() {
    dispatcher_.stop();
    scheduler_.stop();
  }
  // Stops without losing what was acknowledged: first the outbox delivers while the adapters
  // still receive and acknowledge (Slack does not deliver a slash command again, so closing the
  // sockets first would lose the commands sent meanwhile), for up to two thirds of `grace` or until
  // nothing is left to send; then the adapters stop receiving (connections closed politely), no
  // new send starts (a message still waiting for its pacing slot stays pending for the next
  // start, never 'uncertain'), and the sends under way finish. Ends run() after `grace` at the
  // latest. Safe to call twice.
  void shut_down(std::chrono::milliseconds grace);
  // How long SIGTERM's shutdown may take: under deploy/hallpass.service's TimeoutStopSec (30 s),
  // which kills the process after it.
  static constexpr std::chrono::milliseconds kStopGrace{20'000};

  // For the admin listener's /readyz: started, not stopping, and every adapter still running
  // (connected, or retrying its connection: an adapter's run() returns only when it gives up).
  struct Readiness {
    bool started = false;
    bool stopping = false;
    size_t adapters = 0;
    size_t adapters_running = 0;
  };
  Readiness readiness() const { return {started_, stopping_, adapters_.size(), running_adapters_}; }

 private:
  boost::asio::io_context& io_;
  workflows::Services services_;
  workflows::WorkflowRouter router_;
  Store& store_;
  Bot bot_;
  OutboxDispatcher dispatcher_;
  Scheduler scheduler_;
  std::vector<Adapter*> adapters_;
  size_t running_adapters_ = 0;
  boost::asio::awaitable<void> shut_down_steps(std::chrono::milliseconds grace);

  boost::asio::steady_timer grace_;
  bool shutting_down_ = false;
  std::optional<boost::asio::signal_set> signals_;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace bot
