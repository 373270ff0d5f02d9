// Slash commands through Socket Mode: the fake Slack server (its own thread, loopback) sends N
// "/socialmedia help" envelopes at a fixed rate over two websockets; Hallpass (the real Slack
// adapter in a test Process: the runtime as the product wires it, over a SQLite file in WAL mode,
// on one io_context thread)
// handles, commits and acknowledges each, then posts the ephemeral answers through the Web API.
// Reports throughput and the ack latency Slack would see (envelope written → ack read), p50/p99/max.
//
//   build/bench/slack_ack_bench [N=2000] [rate=200] [rate=1000] …
#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include "adapters/slack/slack_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "bot/district/district.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_slack_server.hpp"

namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

std::string slack_id(const std::string& person_id) {
  std::string id = "U";
  for (char c : person_id)
    if (c != '.') id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

struct Report {
  double send_seconds = 0;    // first envelope → last envelope written
  double ack_seconds = 0;     // first envelope → last ack
  double answer_seconds = 0;  // first envelope → last answer posted
  std::size_t acks = 0;
  std::size_t answers = 0;
  std::vector<double> latencies_ms;
};

asio::awaitable<void> sleep_until(asio::any_io_executor ex, SteadyClock::time_point t) {
  asio::steady_timer timer(ex, t);
  co_await timer.async_wait(kToken);
}

// Runs on the server's thread: the only place that touches the fake server.
asio::awaitable<void> drive(test_support::FakeSlackServer* server, std::vector<std::string> users, long n, double rate,
                            Report* report, std::atomic<bool>* done) {
  auto ex = co_await asio::this_coro::executor;
  while (server->open_connections().size() < 2)
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::milliseconds(1));
  const auto start = SteadyClock::now();
  const auto period = std::chrono::duration<double>(1.0 / rate);
  for (long i = 0; i < n; ++i) {
    auto due = start + std::chrono::duration_cast<SteadyClock::duration>(period * static_cast<double>(i));
    if (due > SteadyClock::now()) co_await sleep_until(ex, due);
    // One channel per command: the answers are not held back by per-channel pacing.
    server->slash_command(users[i % users.size()], "CBENCH" + std::to_string(i), "help");
  }
  report->send_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const auto give_up = SteadyClock::now() + std::chrono::seconds(120);
  while (server->ack_count() < static_cast<std::size_t>(n) && SteadyClock::now() < give_up)
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::microseconds(200));
  report->ack_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  while (server->message_count() < static_cast<std::size_t>(n) && SteadyClock::now() < give_up)
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::milliseconds(1));
  report->answer_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  report->answers = server->message_count();
  for (const auto& a : server->acks())
    report->latencies_ms.push_back(std::chrono::duration<double, std::milli>(a.latency).count());
  report->acks = report->latencies_ms.size();
  done->store(true);
}

Report run_once(const bot::District& district, long n, double rate) {
  asio::io_context server_io;
  test_support::FakeSlackServer server(server_io, "xoxb-bench", "xapp-bench");
  std::vector<std::string> users;
  for (const auto& p : district.config.people) {
    server.add_user(slack_id(p.id), p.email);
    users.push_back(slack_id(p.id));
  }
  const std::string base_url = server.api_base_url();
  Report report;
  std::atomic<bool> done{false};
  asio::co_spawn(server_io, drive(&server, users, n, rate, &report, &done), asio::detached);
  std::thread server_thread([&server_io] { server_io.run(); });

  {
    // Its SQLite file lives in a folder of its own, removed with it (with the -wal and -shm).
    test_support::Process process({.district = &district});
    asio::io_context& io = process.io();
    adapters::slack::SlackOptions o;
    o.api.base_url = base_url;
    o.api.bot_token = "xoxb-bench";
    o.api.app_token = "xapp-bench";
    o.known_user = [&district](std::string_view id) {
      return district.config.person_by_handle("slack", id) != nullptr;
    };
    adapters::slack::SlackAdapter adapter(io.get_executor(), o);
    process.add_adapter(adapter);
    process.start();
    while (!done.load()) io.run_one_for(std::chrono::milliseconds(5));
    adapter.stop();
    process.dispatcher().stop();
    io.run_for(std::chrono::milliseconds(50));
  }
  server_io.stop();
  server_thread.join();
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 2000;
  std::vector<double> rates;
  for (int i = 2; i < argc; ++i) rates.push_back(std::atof(argv[i]));
  if (rates.empty()) rates = {200, 1000};
  spdlog::set_level(spdlog::level::err);
  auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
  if (!loaded) return 1;
  for (auto& p : loaded->config.people) p.handles["slack"] = slack_id(p.id);
  const bot::District& district = *loaded;

  for (double rate : rates) {
    Report r = run_once(district, n, rate);
    std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
    auto at = [&](double q) {
      if (r.latencies_ms.empty()) return 0.0;
      return r.latencies_ms[std::min(r.latencies_ms.size() - 1, static_cast<size_t>(q * r.latencies_ms.size()))];
    };
    std::printf(
        "slack socket mode, %ld slash commands offered at %.0f/s: sent in %.2f s, all acked after %.2f s "
        "(%.0f acks/s), answers posted after %.2f s (%zu/%ld)\n",
        n, rate, r.send_seconds, r.ack_seconds, r.acks / r.ack_seconds, r.answer_seconds, r.answers, n);
    std::printf("  ack latency: p50=%.2f ms  p99=%.2f ms  max=%.2f ms  (%zu acks)\n", at(0.50), at(0.99),
                r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(), r.acks);
  }
  return 0;
}
