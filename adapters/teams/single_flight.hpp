#pragma once
// SingleFlight: at most one fetch of a shared thing (signing keys, the bot's token) at a time.
// A caller that finds a fetch running waits for that fetch to end instead of starting its own,
// then reads what it left behind. One thread (the executor's); not thread-safe.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>

namespace adapters::teams {

class SingleFlight {
 public:
  explicit SingleFlight(boost::asio::any_io_executor executor);

  bool running() const { return running_; }
  // Marks the start of the fetch: call only when !running().
  void begin();
  // Marks its end and wakes everyone waiting for it. Call on every path, failures included.
  void end();
  // Completes when the fetch running now ends (at once when none runs). Callers that arrive
  // after it ended do not wait for a later one.
  boost::asio::awaitable<void> wait();

 private:
  boost::asio::steady_timer wake_;
  bool running_ = false;
  std::uint64_t flight_ = 0;  // counts begin(): a waiter waits for one flight only
};

}  // namespace adapters::teams
