#include "bench/cpu_quota.hpp"

#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace bench {

namespace fs = std::filesystem;

namespace {

constexpr long kPeriodMicroseconds = 100000;  // the kernel's default period

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out)
    throw std::runtime_error("cannot write " + file.string() + " (is the bench allowed to make control groups?)");
}

}  // namespace

std::optional<double> CpuQuota::from_environment() {
  const char* text = std::getenv("BENCH_WORKER_CPUS");
  if (!text || !*text) return std::nullopt;
  const double cpus = std::strtod(text, nullptr);
  if (cpus <= 0) return std::nullopt;
  return cpus;
}

CpuQuota::CpuQuota(pid_t pid, double cpus) : pid_(pid) {
  const auto name = "hallpass-bench-" + std::to_string(::getpid()) + "-" + std::to_string(pid);
  const long quota = static_cast<long>(cpus * kPeriodMicroseconds);
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {  // v2: one hierarchy
    group_ = fs::path("/sys/fs/cgroup") / name;
    root_procs_ = "/sys/fs/cgroup/cgroup.procs";
    fs::create_directory(group_);
    write_file(group_ / "cpu.max", std::to_string(quota) + " " + std::to_string(kPeriodMicroseconds));
  } else if (fs::exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")) {  // v1's cpu controller
    group_ = fs::path("/sys/fs/cgroup/cpu") / name;
    root_procs_ = "/sys/fs/cgroup/cpu/cgroup.procs";
    fs::create_directory(group_);
    write_file(group_ / "cpu.cfs_period_us", std::to_string(kPeriodMicroseconds));
    write_file(group_ / "cpu.cfs_quota_us", std::to_string(quota));
  } else {
    throw std::runtime_error("BENCH_WORKER_CPUS is set, but this machine has no cpu control group to limit a worker");
  }
  // A share of time applies to ordinary threads only, and a real-time thread (the bench may run
  // under `chrt -f`, which its children inherit) cannot even join the group: make them ordinary.
  std::error_code no_tasks;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", no_tasks)) {
    const sched_param normal{};
    ::sched_setscheduler(static_cast<pid_t>(std::stol(task.path().filename().string())), SCHED_OTHER, &normal);
  }
  try {
    write_file(group_ / "cgroup.procs", std::to_string(pid));
  } catch (...) {
    std::error_code ignored;
    fs::remove(group_, ignored);
    throw;
  }
}

CpuQuota::~CpuQuota() {
  // A group with a process in it cannot be removed: move a still-running worker back first.
  std::error_code ignored;
  if (fs::exists("/proc/" + std::to_string(pid_))) {
    std::ofstream back(root_procs_);
    back << pid_;
  }
  fs::remove(group_, ignored);
}

}  // namespace bench
