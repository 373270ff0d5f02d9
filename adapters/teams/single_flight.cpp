#include "adapters/teams/single_flight.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "bot/model/use_tuple.hpp"

namespace adapters::teams {

namespace asio = boost::asio;

SingleFlight::SingleFlight(asio::any_io_executor executor) : wake_(std::move(executor)) {}

void SingleFlight::begin() {
  running_ = true;
  ++flight_;
  wake_.expires_at(asio::steady_timer::time_point::max());
}

void SingleFlight::end() {
  running_ = false;
  wake_.cancel();  // the waiters' timer waits complete with operation_aborted: that is the signal
}

asio::awaitable<void> SingleFlight::wait() {
  const std::uint64_t flight = flight_;
  while (running_ && flight_ == flight) co_await wake_.async_wait(bot::use_tuple);
}

}  // namespace adapters::teams
