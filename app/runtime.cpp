#include "app/runtime.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <utility>

#include "app/log_failure.hpp"

namespace bot {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> run_adapter(Adapter* adapter, EventSink* sink, Runtime* runtime, size_t* running) {
  try {
    co_await adapter->run(*sink);
  } catch (const std::exception& e) {
    spdlog::error("the {} adapter stopped: {}", adapter->platform(), e.what());
  }
  if (--*running == 0) {
    // The last adapter finished (the console reached the end of its input): deliver what is
    // left, then stop.
    co_await sink->drained();
    runtime->stop();
  }
}

}  // namespace

Runtime::Runtime(asio::io_context& io, const District& district, Store& store, const Clock& clock)
    : io_(io),
      services_(workflows::services_of(district)),
      router_(services_),
      store_(store),
      bot_(district.config, district.prompts, router_, store, clock),
      dispatcher_(io.get_executor(), store, district.config, clock),
      scheduler_(io.get_executor(), bot_, clock),
      grace_(io) {
  dispatcher_.use_prompts(district.prompts);
  bot_.on_outbox_written([this] { dispatcher_.notify(); });
  bot_.on_timers_written([this] { scheduler_.notify(); });
  bot_.on_deletions_requested([this](std::vector<Outbound> d) { dispatcher_.request_deletions(std::move(d)); });
  // A named member, not a coroutine lambda with captures (GCC 12 mis-compiles those).
  bot_.on_drained(std::bind(&OutboxDispatcher::drain, &dispatcher_));
}

void Runtime::add_adapter(Adapter& adapter) {
  adapters_.push_back(&adapter);
  dispatcher_.add_adapter(adapter);
}

void Runtime::stop() {
  dispatcher_.stop();
  scheduler_.stop();
  io_.stop();
}

void Runtime::shut_down(std::chrono::milliseconds grace) {
  if (std::exchange(shutting_down_, true)) return;
  stopping_ = true;
  grace_.expires_after(grace);
  grace_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) stop();
  });
  asio::co_spawn(io_, shut_down_steps(grace), app::log_failure("the shutdown"));
}

asio::awaitable<void> Runtime::shut_down_steps(std::chrono::milliseconds grace) {
  const auto start = std::chrono::steady_clock::now();
  // Receiving and acknowledging go on while the outbox delivers.
  co_await dispatcher_.settle(start + grace * 2 / 3);
  dispatcher_.stop_sending();
  // When the last adapter's run() returns, run_adapter waits for the sends under way and calls stop().
  for (Adapter* a : adapters_) a->stop();
  co_await dispatcher_.idle(start + grace);
  if (adapters_.empty()) stop();
}

void Runtime::catch_stop_signals() {
  if (!signals_) signals_.emplace(io_, SIGINT, SIGTERM);
}

int Runtime::run(bool stop_on_signal) {
  start(stop_on_signal);
  io_.run();
  return 0;
}

void Runtime::start(bool stop_on_signal) {
  dispatcher_.recover();
  // The standing timers (the next digest) exist; then timers that fell due while Hallpass was
  // stopped fire first, before any new event.
  bot_.start_up();
  bot_.fire_due_timers();
  if (stop_on_signal) {
    // A signal caught since catch_stop_signals() is delivered to this wait at once.
    catch_stop_signals();
    signals_->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {}: stopping", sig);
      shut_down(kStopGrace);
    });
  }
  asio::co_spawn(io_, scheduler_.run(), app::log_failure("the scheduler"));
  asio::co_spawn(io_, dispatcher_.run(), app::log_failure("the outbox dispatcher"));
  running_adapters_ = adapters_.size();
  started_ = true;
  for (Adapter* a : adapters_)
    asio::co_spawn(io_, run_adapter(a, &bot_, this, &running_adapters_), app::log_failure("an adapter"));
}

}  // namespace bot
