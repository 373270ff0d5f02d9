#include "bench/slack_workers.hpp"

#include <unistd.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "tests/support/postgres_server.hpp"

namespace bench {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Response;
using Clock = std::chrono::steady_clock;

namespace {

// A child that has exited and not been waited for yet is a zombie ('Z' in /proc/PID/stat); looked
// at without waiting for it, so its HallpassProcess still owns it.
bool has_exited(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), {});
  const auto close = all.rfind(')');
  return close == std::string::npos || (close + 2 < all.size() && all[close + 2] == 'Z');
}

// What a worker that took over a dead worker's row tells the reader instead of sending it again
// (prompts/*/platform.yaml, may_be_missing), in English and in Spanish.
bool is_may_be_missing(const std::string& text) {
  return text.find("cannot check whether that message arrived") != std::string::npos ||
         text.find("no puede comprobar si ese mensaje llegó") != std::string::npos;
}
}  // namespace

SlackWorkers::SlackWorkers(int lease_seconds)
    : database(test_support::PostgresServer::shared().fresh_database()), lease_seconds_(lease_seconds) {
  if (worker_cpus_) {
    std::printf("each worker limited to %.2f of a core once started (BENCH_WORKER_CPUS)\n", *worker_cpus_);
    std::fflush(stdout);  // before the workers are forked
  }
}

SlackWorkers::~SlackWorkers() {
  workers_.clear();
  server.stop();
}

bool SlackWorkers::run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    io.run_one_for(std::chrono::milliseconds(5));
  }
  return true;
}

double SlackWorkers::start(std::size_t i, std::chrono::seconds limit) {
  if (workers_.size() <= i) workers_.resize(i + 1);
  // Named uniquely in this process: a file left by an earlier run's worker would show its banner.
  static int starts = 0;
  const auto out = (outputs / ("stdout-" + std::to_string(i) + "-" + std::to_string(++starts) + ".txt")).string();
  std::filesystem::remove(out);
  auto& w = workers_[i];
  w.client.reset();
  std::map<std::string, std::string> env{{"HALLPASS_DATABASE_URL", database},
                                         {"HALLPASS_LEASE_SECONDS", std::to_string(lease_seconds_)},
                                         {"HALLPASS_LOG_LEVEL", "warn"},
                                         {"SLACK_BOT_TOKEN", kBenchBotToken},
                                         {"SLACK_SIGNING_SECRET", kBenchSigningSecret},
                                         {"SLACK_APP_TOKEN", ""}};
  for (const auto& [k, v] : extra_env) env[k] = v;
  const auto t0 = Clock::now();
  w.process = std::make_unique<test_support::HallpassProcess>(run_args, env, out);
  const std::string banner = "Slack Request URLs: http://127.0.0.1:";
  std::string printed;
  // The output file is read at most every 20 ms: a county's start-up is long, and reading it
  // every turn of the io_context would take the core the worker is loading on.
  auto last_read = Clock::now() - std::chrono::seconds(1);
  bool exited = false;
  if (!run_until(
          [&] {
            if (Clock::now() - last_read < std::chrono::milliseconds(20)) return false;
            last_read = Clock::now();
            printed = w.process->output();
            exited = has_exited(w.process->pid());
            return exited || (printed.find("/slack/{commands,interactivity,events}") != std::string::npos &&
                              (ready_line.empty() || printed.find(ready_line) != std::string::npos));
          },
          limit) ||
      exited) {
    w.process.reset();
    // Thrown, not exited: the other workers, the fake and the temporary folders are cleaned up.
    throw std::runtime_error("worker " + std::to_string(i) + (exited ? " stopped" : " did not start") + " within " +
                             std::to_string(limit.count()) + " s (its error is above); it printed: " + printed);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto at = printed.find(banner);
  w.client = std::make_unique<HttpClient>(
      io.get_executor(), "http://127.0.0.1:" + std::to_string(std::stoi(printed.substr(at + banner.size()))), "", 64);
  // Start-up runs at full speed (a county's is minutes); the share applies to the load.
  w.quota.reset();
  if (worker_cpus_) w.quota = std::make_unique<CpuQuota>(w.process->pid(), *worker_cpus_);
  w.up = true;
  return seconds;
}

void SlackWorkers::kill(std::size_t i) {
  workers_[i].up = false;
  workers_[i].process->kill_now();
  workers_[i].quota.reset();
  workers_[i].client->close();
}

double SlackWorkers::rss_mb(std::size_t i) const {
  if (i >= workers_.size() || !workers_[i].up) return 0;
  std::ifstream status("/proc/" + std::to_string(workers_[i].process->pid()) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

double SlackWorkers::cpu_seconds(std::size_t i) const {
  if (i >= workers_.size() || !workers_[i].up) return 0;
  std::ifstream stat("/proc/" + std::to_string(workers_[i].process->pid()) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), {});
  const auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  // Fields after the command: state is field 3, utime 14 and stime 15 (proc(5)), in clock ticks.
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int n = 3; n <= 15 && rest >> field; ++n)
    if (n >= 14) ticks += std::strtod(field.c_str(), nullptr);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

asio::awaitable<void> SlackWorkers::client_loop(Clock::time_point until, const MakeCommand& make) {
  while (Clock::now() < until) {
    // Nothing is awaited between numbering the command and sending it: the numbers stay unique.
    const int n = sent_ + 1;
    const std::string channel = "C0B" + std::to_string(n);
    BenchCommand command = make(n, channel);
    std::size_t pick =
        command.worker >= 0 ? static_cast<std::size_t>(command.worker) : next_worker_++ % workers_.size();
    for (std::size_t tries = 0; command.worker < 0 && tries < workers_.size() && !workers_[pick].up; ++tries)
      pick = next_worker_++ % workers_.size();
    if (pick >= workers_.size() || !workers_[pick].up) {
      asio::steady_timer pause(io, std::chrono::milliseconds(5));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    ++sent_;
    const auto t0 = Clock::now();
    Response r = co_await workers_[pick].client->request(command.request);
    if (r.status == 200) {
      acked_.push_back({channel, std::move(command.kind)});
      ack_ms_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    } else {
      ++refused_;
    }
  }
  ++clients_done_;
}

LoadOutcome SlackWorkers::load(int seconds, int concurrency, const MakeCommand& make,
                               const std::function<void(int)>& every_10s) {
  acked_.clear();
  ack_ms_.clear();
  refused_ = 0;
  clients_done_ = 0;
  const int sent_before = sent_;
  const auto t0 = Clock::now();
  const auto until = t0 + std::chrono::seconds(seconds);
  for (int c = 0; c < concurrency; ++c) asio::co_spawn(io, client_loop(until, make), asio::detached);
  int tick = 0;
  while (clients_done_ < concurrency) {
    io.run_one_for(std::chrono::milliseconds(5));
    if (every_10s && Clock::now() - t0 >= std::chrono::seconds(10 * (tick + 1)) && Clock::now() < until)
      every_10s(tick++);
  }
  LoadOutcome o;
  o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  o.sent = static_cast<std::size_t>(sent_ - sent_before);
  o.acked = acked_.size();
  o.refused = static_cast<std::size_t>(refused_);
  o.per_second = static_cast<double>(o.acked) / o.seconds;
  std::sort(ack_ms_.begin(), ack_ms_.end());
  if (!ack_ms_.empty()) {
    o.p50 = ack_ms_[ack_ms_.size() / 2];
    o.p99 = ack_ms_[std::min(ack_ms_.size() - 1, ack_ms_.size() * 99 / 100)];
  }
  // Every acknowledged command answered (or settled 'uncertain'), waiting out the leases.
  auto& pg = test_support::PostgresServer::shared();
  // Asked every 100 ms, not at every turn of the io_context: each question opens a connection to
  // PostgreSQL (10-30 ms on a busy machine), and the fake Slack the workers post to runs on this
  // thread. Asked at every turn, it got one handler per question and took a few posts a second:
  // a backlog left at the end of a load outlived the wait and was counted lost.
  auto last_asked = Clock::now() - std::chrono::seconds(1);
  const auto settled = [&] {
    if (Clock::now() - last_asked < std::chrono::milliseconds(100)) return false;
    last_asked = Clock::now();
    return pg.rows(database, "SELECT 1 FROM outbox WHERE state IN ('pending', 'in_flight') LIMIT 1").empty();
  };
  const auto settle_from = Clock::now();
  run_until(settled, std::chrono::seconds(lease_seconds_ * 4 + 60));
  o.settle_seconds = std::chrono::duration<double>(Clock::now() - settle_from).count();
  // Rows that never settled are what "lost" counts: shown with their lease and times (relative to
  // now, in ms) so a run that loses answers says where they stopped.
  const std::string now_ms = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
  const auto left = pg.rows(database, "SELECT id, state, platform || '/' || channel, lease_owner, lease_until - " +
                                          now_ms + ", attempts, next_attempt - " + now_ms + ", created_at - " + now_ms +
                                          ", last_error FROM outbox WHERE state IN ('pending', 'in_flight') "
                                          "ORDER BY id LIMIT 20");
  if (!left.empty()) {
    std::fprintf(stderr,
                 "unsettled outbox rows (first 20; id state platform/channel owner lease_in attempts due_in "
                 "created_ago error):\n");
    for (const auto& r : left) {
      std::string line;
      for (const auto& f : r) line += (line.empty() ? "" : " | ") + f;
      for (auto& c : line)
        if (c == '\n') c = '/';
      std::fprintf(stderr, "  %s\n", line.c_str());
    }
  }
  o.uncertain = std::stoul(pg.rows(database, "SELECT count(*) FROM outbox WHERE state = 'uncertain'")[0][0]);
  for (const auto& a : acked_) {
    std::size_t answers = 0;
    for (const auto& m : server.messages(a.channel))
      if (!is_may_be_missing(m.text)) {
        ++answers;
        if (!o.sample_answer.contains(a.kind)) o.sample_answer[a.kind] = test_support::message_text(m);
      }
    auto& kind = o.by_kind[a.kind];
    ++kind.first;
    o.deliveries += answers;
    if (answers > 0) {
      ++o.answered;
      ++kind.second;
    }
    if (answers > 1) {
      ++o.doubled;
      // What was posted twice, for the report (at most a few).
      if (o.doubled_detail.size() < 5) {
        std::string d = a.kind + " in " + a.channel + ":";
        for (const auto& m : server.messages(a.channel))
          d += " [" + std::string(m.ephemeral ? "ephemeral to " + m.user : "message") + " ts " + m.ts + " metadata " +
               m.metadata.dump() + " text " + m.text.substr(0, 60) + "]";
        o.doubled_detail.push_back(d);
      }
    }
    const auto told = server.messages(a.channel);
    if (answers == 0 && std::none_of(told.begin(), told.end(), [](const auto& m) { return is_may_be_missing(m.text); }))
      ++o.lost;
  }
  return o;
}

void print_outcome(const std::string& what, const LoadOutcome& o) {
  std::printf(
      "%-22s %6zu acked in %5.1f s = %7.1f/s  ack p50 %6.1f ms p99 %7.1f ms  answered %zu  lost %zu  doubled %zu  "
      "uncertain %zu  refused %zu  settled in %.1f s\n",
      what.c_str(), o.acked, o.seconds, o.per_second, o.p50, o.p99, o.answered, o.lost, o.doubled, o.uncertain,
      o.refused, o.settle_seconds);
  std::fflush(stdout);
}

}  // namespace bench
