#pragma once
// What workers_bench and county_bench share: several `hallpass run` workers on one throwaway
// PostgreSQL, Slack in HTTP mode against the fake Slack (in this process, on loopback), and this
// process as Slack posting signed slash commands to the workers' Request URLs, `concurrency` at a
// time, round-robin over the live workers, each command in a channel of its own (so Slack's pacing
// of one channel never counts). After a load every acknowledged command is looked for in the fake
// Slack once the leases have expired: answered, lost (acknowledged, never answered and not marked
// 'uncertain'), doubled (answered twice) or uncertain (in flight at a kill, not sent again, its
// reader told).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "bench/cpu_quota.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"

namespace bench {

inline constexpr auto kBenchSigningSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
inline constexpr auto kBenchBotToken = "xoxb-county";

// One command the load sends: the signed request, and its kind ("help", "ask"…) for the counts.
struct BenchCommand {
  adapters::http::Request request;
  std::string kind;
  int worker = -1;  // the worker it must go to (a single-district worker); -1: the next live one
};

struct LoadOutcome {
  double seconds = 0, per_second = 0, p50 = 0, p99 = 0;
  std::size_t sent = 0, acked = 0, refused = 0, answered = 0, lost = 0, doubled = 0, uncertain = 0;
  std::size_t deliveries = 0;  // answers posted for the acknowledged commands, doubles included
  double settle_seconds = 0;   // from the end of the load until no row was pending or in flight
  // Per kind: {acknowledged, answered}.
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_kind;
  std::vector<std::string> doubled_detail;           // the first doubled commands, each with what was posted
  std::map<std::string, std::string> sample_answer;  // per kind, the first answer's text (to see what was answered)
};

class SlackWorkers {
 public:
  // Set run_args and outputs before the first start (the fake Slack's address, which the
  // configuration names, is known once this is built).
  explicit SlackWorkers(int lease_seconds);
  ~SlackWorkers();
  SlackWorkers(const SlackWorkers&) = delete;
  SlackWorkers& operator=(const SlackWorkers&) = delete;

  // Starts (or restarts) worker i; its start-up time in seconds (fork to its Request URLs
  // printed). Throws std::runtime_error with its output when it stopped or did not start in `limit`.
  double start(std::size_t i, std::chrono::seconds limit = std::chrono::seconds(20));
  void kill(std::size_t i);
  // Worker i's resident memory now (VmRSS), in MB; 0 when it is not running.
  double rss_mb(std::size_t i) const;
  // The CPU time worker i has used so far (user and system), in seconds; 0 when it is not running.
  double cpu_seconds(std::size_t i) const;
  std::size_t size() const { return workers_.size(); }

  // Sends commands for `seconds` (make(n, channel) builds the n-th), with an optional action
  // every 10 s; then waits for every answer and counts.
  using MakeCommand = std::function<BenchCommand(int n, const std::string& channel)>;
  LoadOutcome load(int seconds, int concurrency, const MakeCommand& make,
                   const std::function<void(int)>& every_10s = {});

  // Runs the io_context until done() or the limit.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit);

  boost::asio::io_context io;
  test_support::FakeSlackServer server{io, kBenchBotToken, "xapp-unused"};
  std::string database;                          // a fresh database on the shared throwaway PostgreSQL
  std::vector<std::string> run_args;             // after the binary: {"run", "--config", file}
  std::filesystem::path outputs;                 // a folder for the workers' standard output (the caller removes it)
  std::map<std::string, std::string> extra_env;  // more environment for the workers
  std::string ready_line;  // printed once the worker is ready, besides its Request URLs ("" for none)

 private:
  struct Worker {
    std::unique_ptr<CpuQuota> quota;  // declared first: removed after its process has stopped
    std::unique_ptr<test_support::HallpassProcess> process;
    std::unique_ptr<adapters::http::HttpClient> client;
    bool up = false;
  };
  boost::asio::awaitable<void> client_loop(std::chrono::steady_clock::time_point until, const MakeCommand& make);

  int lease_seconds_;
  std::optional<double> worker_cpus_ = CpuQuota::from_environment();
  std::vector<Worker> workers_;
  std::size_t next_worker_ = 0;
  int sent_ = 0, refused_ = 0, clients_done_ = 0;
  struct Acked {
    std::string channel;
    std::string kind;
  };
  std::vector<Acked> acked_;
  std::vector<double> ack_ms_;
};

// One line of the table: what, acks/s, p50/p99, answered, lost, doubled, uncertain, refused.
void print_outcome(const std::string& what, const LoadOutcome& o);

}  // namespace bench
