#pragma once
// A worker's share of the processor, for the scale-out benches. On a machine with few cores the
// bench, the fake Slack, PostgreSQL and every worker share them: one worker can already take all
// of them, so adding workers shows the machine, not the design. Giving each worker a fixed share
// (BENCH_WORKER_CPUS=0.3: 30% of one core, as a small machine of its own would) shows what the
// design does when workers bring their own processors. Linux control groups (v2, or v1's `cpu`
// controller); the bench must be allowed to create them (root in the test VM).
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace bench {

class CpuQuota {
 public:
  // Confines pid (all its threads) to `cpus` cores' worth of time in a group of its own.
  // Throws std::runtime_error, saying why, when no control group can be made.
  CpuQuota(pid_t pid, double cpus);
  ~CpuQuota();  // removes the group (its process has exited, or is moved back to the root group)
  CpuQuota(const CpuQuota&) = delete;
  CpuQuota& operator=(const CpuQuota&) = delete;

  // BENCH_WORKER_CPUS, when set to a number above 0; nothing otherwise (no quota).
  static std::optional<double> from_environment();

 private:
  std::filesystem::path group_;
  std::filesystem::path root_procs_;  // where a live process is moved back before the group is removed
  pid_t pid_;
};

}  // namespace bench
