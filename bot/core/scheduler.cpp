#include "bot/core/scheduler.hpp"

#include <algorithm>

#include <boost/asio/use_awaitable.hpp>

#include "bot/model/use_tuple.hpp"

namespace bot {

namespace asio = boost::asio;

Scheduler::Scheduler(asio::any_io_executor executor, Bot& bot, const Clock& clock)
    : bot_(bot), clock_(clock), wake_(executor) {}

void Scheduler::notify() {
  notified_ = true;
  wake_.cancel();
}

void Scheduler::stop() {
  stopped_ = true;
  wake_.cancel();
}

asio::awaitable<void> Scheduler::run() {
  while (!stopped_) {
    notified_ = false;
    co_await bot_.async_fire_due_timers();
    auto wait = std::chrono::milliseconds(60'000);
    if (auto next = co_await bot_.async_next_timer()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now());
      wait = std::clamp(until + std::chrono::milliseconds(5), std::chrono::milliseconds(5), wait);
      // Still due after firing: another worker holds it; looked at again when its lease may end.
      if (lease_length_.count() > 0 && until.count() <= 0) wait = lease_length_ / 3;
    }
    // A notify() or stop() while the database was asked (on the command thread) found no timer
    // waiting to cancel.
    if (stopped_) break;
    if (notified_) continue;
    wake_.expires_after(wait);
    co_await wake_.async_wait(bot::use_tuple);
  }
}

}  // namespace bot
