// Several `hallpass run` workers on one throwaway PostgreSQL (issue 23, docs/scale-out.md): Slack
// in HTTP mode against the fake Slack (this process, loopback), and this process as Slack posting
// signed "/socialmedia help" commands to the workers' Request URLs, `concurrency` at a time,
// spread round-robin over the workers, each command in a channel of its own (so Slack's pacing of
// one channel never counts). For 1, 2 and 3 workers: commands acknowledged per second and the ack
// latency (p50/p99). Then 3 workers for `kill_seconds` with one worker killed with SIGKILL every
// 10 s and started again: every command acknowledged and every answer posted are counted after
// the leases expire (lost = acknowledged, never answered and not marked 'uncertain'; doubled =
// answered twice; uncertain = in flight at the kill, not sent again, its reader told).
//
//   build-release/bench/workers_bench [seconds=10] [concurrency=32] [kill_seconds=30] [lease_s=3]
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/slack_run_fixtures.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using Clock = std::chrono::steady_clock;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
constexpr auto kTeacher = "U0TEACHER";
constexpr auto kMayBeMissing = "cannot check whether that message arrived";

Request signed_command(const std::string& channel, int n) {
  return test_support::signed_slash_command(kSecret, {channel, kTeacher, "help", "1234.5678." + std::to_string(n)});
}

struct Worker {
  std::unique_ptr<test_support::HallpassProcess> process;
  std::unique_ptr<HttpClient> client;
  bool up = false;
};

struct Bench {
  Bench(int lease_seconds) : lease_seconds(lease_seconds) {
    server.add_user(kTeacher, "tgarcia@sierravista.example.org");
    file = test_support::slack_sample_config("workers-bench", server.api_base_url(), test_support::SlackMode::http);
  }
  ~Bench() {
    workers.clear();
    server.stop();
    std::filesystem::remove_all(file.parent_path());
  }

  // Runs the io_context until done() or the deadline.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() > deadline) return false;
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void start(std::size_t i) {
    if (workers.size() <= i) workers.resize(i + 1);
    const auto out =
        (file.parent_path() / ("stdout-" + std::to_string(i) + "-" + std::to_string(++starts) + ".txt")).string();
    auto& w = workers[i];
    w.client.reset();
    w.process = std::make_unique<test_support::HallpassProcess>(
        std::vector<std::string>{"run", "--config", file.string()},
        std::map<std::string, std::string>{{"HALLPASS_DATABASE_URL", database},
                                           {"HALLPASS_LEASE_SECONDS", std::to_string(lease_seconds)},
                                           {"HALLPASS_LOG_LEVEL", "warn"},
                                           {"SLACK_BOT_TOKEN", "xoxb-county"},
                                           {"SLACK_SIGNING_SECRET", kSecret},
                                           {"SLACK_APP_TOKEN", ""}},
        out);
    const std::string banner = "Slack Request URLs: http://127.0.0.1:";
    std::string printed;
    if (!run_until(
            [&] {
              printed = w.process->output();
              return printed.find("/slack/{commands,interactivity,events}") != std::string::npos;
            },
            std::chrono::seconds(20))) {
      std::fprintf(stderr, "worker %zu did not start: %s\n", i, printed.c_str());
      std::exit(1);
    }
    const auto at = printed.find(banner);
    w.client = std::make_unique<HttpClient>(
        io.get_executor(), "http://127.0.0.1:" + std::to_string(std::stoi(printed.substr(at + banner.size()))), "", 64);
    w.up = true;
  }

  void kill(std::size_t i) {
    workers[i].up = false;
    workers[i].process->kill_now();
    workers[i].client->close();
  }

  // One client coroutine: sends commands back to back until `until`, round-robin over the live workers.
  asio::awaitable<void> client_loop(Clock::time_point until) {
    while (Clock::now() < until) {
      std::size_t pick = next_worker++ % workers.size();
      for (std::size_t tries = 0; tries < workers.size() && !workers[pick].up; ++tries)
        pick = next_worker++ % workers.size();
      if (!workers[pick].up) {
        asio::steady_timer pause(io, std::chrono::milliseconds(5));
        co_await pause.async_wait(asio::use_awaitable);
        continue;
      }
      const int n = ++sent;
      const std::string channel = "C0B" + std::to_string(n);
      const auto t0 = Clock::now();
      Response r = co_await workers[pick].client->request(signed_command(channel, n));
      if (r.status == 200) {
        acked_channels.push_back(channel);
        ack_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      } else {
        ++refused;
      }
    }
    ++clients_done;
  }

  struct Outcome {
    double seconds = 0, per_second = 0, p50 = 0, p99 = 0;
    std::size_t acked = 0, refused = 0, answered = 0, lost = 0, doubled = 0, uncertain = 0;
  };

  // Load for `seconds`, with an optional action every 10 s; then waits for the answers.
  Outcome load(int seconds, int concurrency, const std::function<void(int)>& every_10s = {}) {
    acked_channels.clear();
    ack_ms.clear();
    refused = 0;
    clients_done = 0;
    const auto t0 = Clock::now();
    const auto until = t0 + std::chrono::seconds(seconds);
    for (int c = 0; c < concurrency; ++c) asio::co_spawn(io, client_loop(until), asio::detached);
    int tick = 0;
    while (clients_done < concurrency) {
      io.run_one_for(std::chrono::milliseconds(5));
      if (every_10s && Clock::now() - t0 >= std::chrono::seconds(10 * (tick + 1)) && Clock::now() < until)
        every_10s(tick++);
    }
    Outcome o;
    o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    o.acked = acked_channels.size();
    o.refused = refused;
    o.per_second = static_cast<double>(o.acked) / o.seconds;
    std::sort(ack_ms.begin(), ack_ms.end());
    if (!ack_ms.empty()) {
      o.p50 = ack_ms[ack_ms.size() / 2];
      o.p99 = ack_ms[std::min(ack_ms.size() - 1, ack_ms.size() * 99 / 100)];
    }
    // Every acknowledged command answered (or settled 'uncertain'), waiting out the leases.
    const auto settled = [&] {
      return test_support::PostgresServer::shared()
          .rows(database, "SELECT 1 FROM outbox WHERE state IN ('pending', 'in_flight') LIMIT 1")
          .empty();
    };
    run_until(settled, std::chrono::seconds(lease_seconds * 4 + 60));
    o.uncertain = std::stoul(test_support::PostgresServer::shared().rows(
        database, "SELECT count(*) FROM outbox WHERE state = 'uncertain'")[0][0]);
    for (const auto& channel : acked_channels) {
      std::size_t answers = 0;
      for (const auto& m : server.messages(channel))
        if (m.text.find(kMayBeMissing) == std::string::npos) ++answers;
      if (answers > 0) ++o.answered;
      if (answers > 1) ++o.doubled;
      if (answers == 0 && server.find(channel, kMayBeMissing).empty()) ++o.lost;
    }
    return o;
  }

  asio::io_context io;
  test_support::FakeSlackServer server{io, "xoxb-county", "xapp-unused"};
  int lease_seconds;
  std::filesystem::path file;
  std::string database;
  std::vector<Worker> workers;
  std::size_t next_worker = 0;
  int sent = 0, refused = 0, clients_done = 0, starts = 0;
  std::vector<std::string> acked_channels;
  std::vector<double> ack_ms;
};

void print(const char* what, const Bench::Outcome& o) {
  std::printf(
      "%-22s %6zu acked in %5.1f s = %7.1f/s  ack p50 %6.1f ms p99 %7.1f ms  answered %zu  lost %zu  doubled %zu  "
      "uncertain %zu  refused %zu\n",
      what, o.acked, o.seconds, o.per_second, o.p50, o.p99, o.answered, o.lost, o.doubled, o.uncertain, o.refused);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 32;
  const int kill_seconds = argc > 3 ? std::atoi(argv[3]) : 30;
  const int lease = argc > 4 ? std::atoi(argv[4]) : 3;
  std::printf("workers_bench: %d s per run, %d commands in flight, lease %d s; one PostgreSQL 15 on 127.0.0.1\n",
              seconds, concurrency, lease);
  std::fflush(stdout);  // before the workers are forked, or they inherit the line
  for (std::size_t k = 1; k <= 3; ++k) {
    Bench bench(lease);
    bench.database = test_support::PostgresServer::shared().fresh_database();
    for (std::size_t i = 0; i < k; ++i) bench.start(i);
    const auto o = bench.load(seconds, concurrency);
    print((std::to_string(k) + " worker(s)").c_str(), o);
  }
  if (kill_seconds > 0) {
    Bench bench(lease);
    bench.database = test_support::PostgresServer::shared().fresh_database();
    for (std::size_t i = 0; i < 3; ++i) bench.start(i);
    const auto o = bench.load(kill_seconds, concurrency, [&](int tick) {
      const std::size_t victim = static_cast<std::size_t>(tick) % 3;
      bench.kill(victim);
      bench.start(victim);
    });
    print("3, kill -9 every 10 s", o);
  }
  return 0;
}
