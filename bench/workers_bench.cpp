// Several `hallpass run` workers on one throwaway PostgreSQL (issue 23, docs/scale-out.md): Slack
// in HTTP mode against the fake Slack (this process, loopback), and this process as Slack posting
// signed "/socialmedia help" commands to the workers' Request URLs, `concurrency` at a time,
// spread round-robin over the workers, each command in a channel of its own (so Slack's pacing of
// one channel never counts). For 1, 2 and 3 workers: commands acknowledged per second and the ack
// latency (p50/p99). Then 3 workers for `kill_seconds` with one worker killed with SIGKILL every
// 10 s and started again: every command acknowledged and every answer posted are counted after
// the leases expire (lost = acknowledged, never answered and not marked 'uncertain'; doubled =
// answered twice; uncertain = in flight at the kill, not sent again, its reader told).
// The workers, the load and the counting are bench/slack_workers (shared with county_bench).
//
//   build-release/bench/workers_bench [seconds=10] [concurrency=32] [kill_seconds=30] [lease_s=3]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "bench/slack_workers.hpp"
#include "tests/support/slack_run_fixtures.hpp"

namespace {

constexpr auto kTeacher = "U0TEACHER";

bench::BenchCommand help_command(int n, const std::string& channel) {
  return {test_support::signed_slash_command(bench::kBenchSigningSecret,
                                             {channel, kTeacher, "help", "1234.5678." + std::to_string(n)}),
          "help"};
}

// The config folder, removed after the workers are gone (it is declared before them). With
// WORKERS_BENCH_KEEP_LOGS=DIR the workers' output (their log: HALLPASS_LOG_LEVEL passes through) is
// copied there first, one folder per run.
struct Folder {
  std::filesystem::path path;
  ~Folder() {
    std::error_code ignored;
    if (const char* keep = std::getenv("WORKERS_BENCH_KEEP_LOGS"); keep && *keep) {
      static int runs = 0;
      const auto to = std::filesystem::path(keep) / ("run-" + std::to_string(++runs));
      std::filesystem::create_directories(to, ignored);
      for (const auto& f : std::filesystem::directory_iterator(path, ignored))
        if (f.path().filename().string().starts_with("stdout-"))
          std::filesystem::copy_file(f.path(), to / f.path().filename(), ignored);
    }
    std::filesystem::remove_all(path, ignored);
  }
};

// One run's workers on the sample district, in a config folder of their own.
struct Run {
  explicit Run(int lease) : workers(lease) {
    workers.server.add_user(kTeacher, "tgarcia@sierravista.example.org");
    file = test_support::slack_sample_config("workers-bench", workers.server.api_base_url(),
                                             test_support::SlackMode::http);
    folder.path = file.parent_path();
    workers.run_args = {"run", "--config", file.string()};
    workers.outputs = folder.path;
    if (const char* level = std::getenv("HALLPASS_LOG_LEVEL"); level && *level)
      workers.extra_env["HALLPASS_LOG_LEVEL"] = level;
  }
  Folder folder;
  bench::SlackWorkers workers;
  std::filesystem::path file;
};

}  // namespace

int run_bench(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 32;
  const int kill_seconds = argc > 3 ? std::atoi(argv[3]) : 30;
  const int lease = argc > 4 ? std::atoi(argv[4]) : 3;
  std::printf("workers_bench: %d s per run, %d commands in flight, lease %d s; one PostgreSQL 15 on 127.0.0.1\n",
              seconds, concurrency, lease);
  std::fflush(stdout);  // before the workers are forked, or they inherit the line
  for (std::size_t k = 1; k <= 3; ++k) {
    Run run(lease);
    for (std::size_t i = 0; i < k; ++i) run.workers.start(i);
    bench::print_outcome(std::to_string(k) + " worker(s)", run.workers.load(seconds, concurrency, help_command));
  }
  if (kill_seconds > 0) {
    Run run(lease);
    for (std::size_t i = 0; i < 3; ++i) run.workers.start(i);
    const auto o = run.workers.load(kill_seconds, concurrency, help_command, [&](int tick) {
      const std::size_t victim = static_cast<std::size_t>(tick) % 3;
      run.workers.kill(victim);
      run.workers.start(victim);
    });
    bench::print_outcome("3, kill -9 every 10 s", o);
  }
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
