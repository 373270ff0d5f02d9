#pragma once
// Runs the timers kept in the store (deadlines, warnings, digests) when they fall due. Timers
// live in the database, so a restart catches up on what it missed; each fires once.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "bot/core/bot.hpp"
#include "bot/model/clock.hpp"

namespace bot {

class Scheduler {
 public:
  // The timers are read and fired through the bot, where its transactions run (Bot::run_commands_on).
  Scheduler(boost::asio::any_io_executor executor, Bot& bot, const Clock& clock);
  // Fires due timers, then sleeps until the next one (at most a minute, so a changed system
  // clock is noticed) or until notify(). Runs until stop().
  boost::asio::awaitable<void> run();
  void notify();
  void stop();
  // Several workers (Bot::use_leases): a due timer another worker holds is looked at again every
  // third of a lease (its worker may have died), not polled.
  void use_leases(std::chrono::milliseconds length) { lease_length_ = length; }

 private:
  Bot& bot_;
  const Clock& clock_;
  boost::asio::steady_timer wake_;
  bool stopped_ = false;
  bool notified_ = false;                      // notify() since the last firing began
  std::chrono::milliseconds lease_length_{0};  // 0: no leases
};

}  // namespace bot
