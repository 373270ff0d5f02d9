// Slash commands through Socket Mode: the fake Slack server (its own thread, loopback) sends N
// "/socialmedia help" envelopes at a fixed rate over two websockets; Hallpass (the real Slack
// adapter in a test Process: the runtime as the product wires it, over a SQLite file in WAL mode,
// on one io_context thread)
// handles, commits and acknowledges each, then posts the ephemeral answers through the Web API.
// Reports throughput and the ack latency Slack would see (envelope written → ack read), p50/p99/max.
// With the product's pacing (about one post per second per channel), three more scenarios:
//   stop: 200/s over 50 channels, SIGTERM's shutdown at command 1,000, a restart over the same
//         database: acknowledged-but-unanswered commands, undeliverable ones meanwhile;
//   429:  one channel's chat.postEphemeral answers 429 (Retry-After 3 s): the other channels' delay;
//   drop: a TCP drop every 4 s (the oldest connection, or all): undeliverable of 2,000.
//
//   build-release/bench/slack_ack_bench [N=2000] [rate=200] [rate=1000] …
//   build-release/bench/slack_ack_bench stop [grace_ms=20000] [N=2000] [stop_at=1000]
//   build-release/bench/slack_ack_bench 429
//   build-release/bench/slack_ack_bench drop [oldest|all] [every_ms=4000] [N=2000]
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
#include <future>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "adapters/slack/slack_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "bot/district/district.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/temp_dir.hpp"

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

adapters::slack::SlackOptions product_options(const bot::District& district, const std::string& base_url) {
  adapters::slack::SlackOptions o;  // the product's pacing: about 1 post per second per channel, burst 5
  o.api.base_url = base_url;
  o.api.bot_token = "xoxb-bench";
  o.api.app_token = "xapp-bench";
  o.known_user = [&district](std::string_view id) { return district.config.person_by_handle("slack", id) != nullptr; };
  return o;
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
    adapters::slack::SlackAdapter adapter(io.get_executor(), product_options(district, base_url));
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

// ---- Scenarios of issue 17: a stop, one channel's 429, dropped connections -------------------

// Reads the fake server's state on its own thread (it is not thread-safe).
template <class F>
auto on_server(asio::io_context& server_io, F f) {
  std::promise<decltype(f())> done;
  auto result = done.get_future();
  asio::post(server_io, [&] { done.set_value(f()); });
  return result.get();
}

struct Counts {
  std::size_t acked = 0;  // distinct envelopes acknowledged
  std::size_t answers = 0;
  int dispatch_failures = 0;
  int redeliveries = 0;
};

Counts counts(test_support::FakeSlackServer& server) {
  Counts c;
  std::set<std::string> ids;
  for (const auto& a : server.acks()) ids.insert(a.envelope_id);
  c.acked = ids.size();
  c.answers = server.message_count();
  c.dispatch_failures = server.dispatch_failures();
  c.redeliveries = server.redeliveries();
  return c;
}

struct Offer {
  long n = 2000;
  double rate = 200;
  int channels = 50;
  long stop_at = -1;                        // SIGTERM's shutdown after this many commands
  std::chrono::milliseconds drop_every{0};  // drop a connection this often
  bool drop_all = false;                    // every open connection, not only the oldest
};

asio::awaitable<void> offer(test_support::FakeSlackServer* server, std::vector<std::string> users, Offer o,
                            std::atomic<long>* sent, std::atomic<bool>* finished) {
  auto ex = co_await asio::this_coro::executor;
  while (server->open_connections().size() < 2)
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::milliseconds(1));
  const auto start = SteadyClock::now();
  auto next_drop = start + o.drop_every;
  const auto period = std::chrono::duration<double>(1.0 / o.rate);
  for (long i = 0; i < o.n; ++i) {
    auto due = start + std::chrono::duration_cast<SteadyClock::duration>(period * static_cast<double>(i));
    if (due > SteadyClock::now()) co_await sleep_until(ex, due);
    if (o.drop_every.count() > 0 && SteadyClock::now() >= next_drop) {
      next_drop += o.drop_every;
      for (int c : server->open_connections()) {
        server->drop(c);
        if (!o.drop_all) break;  // the oldest only
      }
    }
    server->slash_command(users[i % users.size()], "CBENCH" + std::to_string(i % o.channels), "help");
    sent->store(i + 1);
  }
  finished->store(true);
}

// The fake Slack with the district's users, serving on a thread of its own from start() until
// it is destroyed (the scenarios read it through on_server).
struct SlackOnThread {
  asio::io_context io;
  test_support::FakeSlackServer server{io, "xoxb-bench", "xapp-bench"};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;

  SlackOnThread(const bot::District& district, const std::vector<std::string>& users) {
    for (std::size_t i = 0; i < users.size(); ++i) server.add_user(users[i], district.config.people[i].email);
  }
  // Spawns the scenario's driver on the server's context and starts its thread.
  void start(asio::awaitable<void> driver) {
    asio::co_spawn(io, std::move(driver), asio::detached);
    thread = std::thread([this] { io.run(); });
  }
  ~SlackOnThread() {
    work.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }
};

struct Served {
  std::unique_ptr<test_support::Process> process;
  std::unique_ptr<adapters::slack::SlackAdapter> adapter;
};

Served serve(const bot::District& district, const std::string& db, const std::string& base_url) {
  Served s;
  s.process = std::make_unique<test_support::Process>(test_support::ProcessOptions{.db = db, .district = &district});
  s.adapter = std::make_unique<adapters::slack::SlackAdapter>(s.process->io().get_executor(),
                                                              product_options(district, base_url));
  s.process->add_adapter(*s.adapter);
  s.process->start();
  return s;
}

void unserve(Served& s) {
  s.adapter->stop();
  s.process->dispatcher().stop();
  s.process->io().run_for(std::chrono::milliseconds(50));
  s.adapter.reset();
  s.process.reset();
}

// 200/s over 50 channels, SIGTERM's shutdown at command stop_at, then a restart over the same
// database: how many acknowledged commands went unanswered.
void stop_scenario(const bot::District& district, const std::vector<std::string>& users, Offer o,
                   std::chrono::milliseconds grace) {
  test_support::TempDir dir("bench-stop");
  const std::string db = dir.file("hallpass.db");
  SlackOnThread slack(district, users);
  auto& server_io = slack.io;
  auto& server = slack.server;
  std::atomic<long> sent{0};
  std::atomic<bool> finished{false};
  slack.start(offer(&server, users, o, &sent, &finished));

  Served first = serve(district, db, server.api_base_url());
  SteadyClock::time_point stop_asked{};
  while (!first.process->io().stopped()) {
    if (stop_asked == SteadyClock::time_point{} && sent.load() >= o.stop_at) {
      stop_asked = SteadyClock::now();
      first.process->runtime().shut_down(grace);  // what SIGTERM does
    }
    first.process->io().run_one_for(std::chrono::milliseconds(5));
  }
  const double stop_seconds = std::chrono::duration<double>(SteadyClock::now() - stop_asked).count();
  int pending = 0, uncertain = 0, in_flight = 0, failed = 0;
  for (const auto& e : first.process->store().outbox_entries()) {
    pending += e.state == bot::OutboxState::pending;
    uncertain += e.state == bot::OutboxState::uncertain;
    in_flight += e.state == bot::OutboxState::in_flight;
    failed += e.state == bot::OutboxState::failed;
  }
  const Counts at_exit = on_server(server_io, [&] { return counts(server); });
  const long sent_at_exit = sent.load();
  unserve(first);
  while (!finished.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const Counts before_restart = on_server(server_io, [&] { return counts(server); });

  // The next start: the commands Slack could not deliver meanwhile (the fake keeps them; Slack
  // would not) and what was left pending.
  Served second = serve(district, db, server.api_base_url());
  const auto give_up = SteadyClock::now() + std::chrono::seconds(120);
  auto quiet_since = SteadyClock::now();
  std::size_t last = 0;
  while (SteadyClock::now() < give_up) {
    second.process->io().run_one_for(std::chrono::milliseconds(5));
    const std::size_t now_answers = on_server(server_io, [&] { return server.message_count(); });
    if (now_answers != last) {
      last = now_answers;
      quiet_since = SteadyClock::now();
    } else if (SteadyClock::now() - quiet_since > std::chrono::seconds(3)) {
      break;
    }
  }
  int still_uncertain = 0;
  for (const auto& e : second.process->store().outbox_entries())
    still_uncertain += e.state == bot::OutboxState::uncertain;
  const Counts final_counts = on_server(server_io, [&] { return counts(server); });
  unserve(second);

  std::printf("slack stop: %ld commands at %.0f/s over %d channels, SIGTERM after command %ld (grace %lld ms)\n", o.n,
              o.rate, o.channels, o.stop_at, static_cast<long long>(grace.count()));
  std::printf("  process exited %.2f s after SIGTERM, %ld commands sent by then; %zu acknowledged, %zu answered\n",
              stop_seconds, sent_at_exit, at_exit.acked, at_exit.answers);
  std::printf("  at exit: acknowledged but unanswered %zu; outbox pending %d, uncertain %d, in flight %d, failed %d\n",
              at_exit.acked - std::min(at_exit.acked, at_exit.answers), pending, uncertain, in_flight, failed);
  std::printf(
      "  undeliverable while stopping/stopped (no connection: dispatch_failed): %d; sent again after a close: %d\n",
      before_restart.dispatch_failures, before_restart.redeliveries);
  std::printf("  after a restart: %zu acknowledged, %zu answered -> acknowledged but unanswered %zu (uncertain %d)\n",
              final_counts.acked, final_counts.answers,
              final_counts.acked - std::min(final_counts.acked, final_counts.answers), still_uncertain);
}

// Commands at `rate` over `channels` channels while a connection drops every few seconds.
void drop_scenario(const bot::District& district, const std::vector<std::string>& users, Offer o) {
  test_support::TempDir dir("bench-drop");
  SlackOnThread slack(district, users);
  auto& server_io = slack.io;
  auto& server = slack.server;
  std::atomic<long> sent{0};
  std::atomic<bool> finished{false};
  slack.start(offer(&server, users, o, &sent, &finished));
  Served p = serve(district, dir.file("hallpass.db"), server.api_base_url());
  while (!finished.load()) p.process->io().run_one_for(std::chrono::milliseconds(5));
  const auto until = SteadyClock::now() + std::chrono::seconds(3);
  while (SteadyClock::now() < until) p.process->io().run_one_for(std::chrono::milliseconds(5));
  const Counts c = on_server(server_io, [&] { return counts(server); });
  const int opened = on_server(server_io, [&] { return server.connections_opened(); });
  unserve(p);
  std::printf("slack drops: %ld commands at %.0f/s, %s dropped every %lld ms\n", o.n, o.rate,
              o.drop_all ? "every connection" : "the oldest connection", static_cast<long long>(o.drop_every.count()));
  std::printf(
      "  undeliverable: %d (no connection open: %d; on a dropped connection before its ack: %d); "
      "acknowledged %zu, answered %zu, connections opened %d\n",
      c.dispatch_failures + c.redeliveries, c.dispatch_failures, c.redeliveries, c.acked, c.answers, opened);
}

// One channel's chat.postEphemeral answers 429 (Retry-After 3 s); then one command in each of 20
// other channels: how long their answers take.
asio::awaitable<void> limit_drive(test_support::FakeSlackServer* server, std::vector<std::string> users,
                                  std::vector<double>* others_ms, double* limited_ms, std::atomic<bool>* done) {
  auto ex = co_await asio::this_coro::executor;
  while (server->open_connections().size() < 2)
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::milliseconds(1));
  server->fail_next("chat.postEphemeral", 429, 3);
  const auto limited_at = SteadyClock::now();
  server->slash_command(users[0], "CLIMITED", "help");
  while (server->failed_requests() < 1) co_await sleep_until(ex, SteadyClock::now() + std::chrono::microseconds(200));
  std::vector<SteadyClock::time_point> sent_at;
  for (int i = 0; i < 20; ++i) {
    sent_at.push_back(SteadyClock::now());
    server->slash_command(users[(i + 1) % users.size()], "COTHER" + std::to_string(i), "help");
  }
  std::vector<double> seen(20, -1);
  const auto give_up = SteadyClock::now() + std::chrono::seconds(30);
  *limited_ms = -1;
  while (SteadyClock::now() < give_up) {
    bool all = true;
    for (int i = 0; i < 20; ++i) {
      if (seen[i] < 0 && !server->messages("COTHER" + std::to_string(i)).empty())
        seen[i] = std::chrono::duration<double, std::milli>(SteadyClock::now() - sent_at[i]).count();
      all = all && seen[i] >= 0;
    }
    if (*limited_ms < 0 && !server->messages("CLIMITED").empty())
      *limited_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - limited_at).count();
    if (all && *limited_ms >= 0) break;
    co_await sleep_until(ex, SteadyClock::now() + std::chrono::microseconds(200));
  }
  *others_ms = seen;
  done->store(true);
}

void limit_scenario(const bot::District& district, const std::vector<std::string>& users) {
  test_support::TempDir dir("bench-429");
  SlackOnThread slack(district, users);
  std::vector<double> others;
  double limited = -1;
  std::atomic<bool> done{false};
  slack.start(limit_drive(&slack.server, users, &others, &limited, &done));
  Served p = serve(district, dir.file("hallpass.db"), slack.server.api_base_url());
  while (!done.load()) p.process->io().run_one_for(std::chrono::milliseconds(5));
  unserve(p);
  std::sort(others.begin(), others.end());
  std::printf("slack 429: one channel answered 429 (Retry-After 3 s); its answer after %.1f ms\n", limited);
  std::printf("  20 other channels' answers: p50=%.2f ms  max=%.2f ms  (min %.2f ms)\n", others[others.size() / 2],
              others.back(), others.front());
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::err);
  auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
  if (!loaded) return 1;
  for (auto& p : loaded->config.people) p.handles["slack"] = slack_id(p.id);
  const bot::District& district = *loaded;
  std::vector<std::string> users;
  for (const auto& p : district.config.people) users.push_back(slack_id(p.id));

  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "stop") {
    // slack_ack_bench stop [grace_ms=20000] [N=2000] [stop_at=1000]
    Offer o;
    o.n = argc > 3 ? std::atol(argv[3]) : 2000;
    o.stop_at = argc > 4 ? std::atol(argv[4]) : 1000;
    stop_scenario(district, users, o, std::chrono::milliseconds(argc > 2 ? std::atol(argv[2]) : 20000));
    return 0;
  }
  if (mode == "drop") {
    // slack_ack_bench drop [oldest|all] [every_ms=4000] [N=2000]
    Offer o;
    o.drop_all = argc > 2 && std::string(argv[2]) == "all";
    o.drop_every = std::chrono::milliseconds(argc > 3 ? std::atol(argv[3]) : 4000);
    o.n = argc > 4 ? std::atol(argv[4]) : 2000;
    o.channels = 2000;  // one channel per command: pacing holds nothing back
    drop_scenario(district, users, o);
    return 0;
  }
  if (mode == "429") {
    limit_scenario(district, users);
    return 0;
  }

  // slack_ack_bench [N=2000] [rate=200] [rate=1000] …
  const long n = argc > 1 ? std::atol(argv[1]) : 2000;
  std::vector<double> rates;
  for (int i = 2; i < argc; ++i) rates.push_back(std::atof(argv[i]));
  if (rates.empty()) rates = {200, 1000};
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
