#pragma once
// The hallpass binary as a child process, for tests of `hallpass run` against fake platforms:
// started with the environment variables given (set, or unset when empty), its standard output
// written to a file the test can read, stopped with SIGTERM like systemd stops it.
#include <sys/types.h>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test_support {

// The port after `mark` in what a process printed (text or a JSON log line), 0 if not there yet:
// printed_port(out, "Hallpass admin: http://127.0.0.1:").
unsigned short printed_port(const std::string& out, const std::string& mark);

class HallpassProcess {
 public:
  // Runs HALLPASS_BINARY with args (e.g. {"run", "--config", file}); stdout goes to stdout_file.
  HallpassProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                  std::string stdout_file);
  ~HallpassProcess();  // kills it if it is still running
  HallpassProcess(const HallpassProcess&) = delete;
  HallpassProcess& operator=(const HallpassProcess&) = delete;

  // Runs the test's io_context (where the fake servers live) until done() holds; false after
  // 10 s, and then the process is killed.
  bool run_until(boost::asio::io_context& io, const std::function<bool()>& done);
  // What it printed on standard output so far.
  std::string output() const;
  // SIGTERM, without waiting (the test can then watch it shut down with run_until).
  void terminate();
  // SIGHUP: reload the district's file, as `systemctl reload` does.
  void hang_up();
  // SIGTERM (unless terminate() sent it), then waits: its exit code, or -1 when it did not exit by itself.
  int stop();
  // kill -9, as a crash or the OOM killer stops it: nothing is cleaned up; waits for it to be gone.
  void kill_now() { kill(); }
  pid_t pid() const { return pid_; }

 private:
  void kill();
  pid_t pid_ = -1;
  bool terminated_ = false;
  std::string stdout_file_;
};

}  // namespace test_support
