#include "tests/support/hallpass_process.hpp"

#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

namespace test_support {

unsigned short printed_port(const std::string& out, const std::string& mark) {
  const auto at = out.find(mark);
  if (at == std::string::npos) return 0;
  std::smatch m;
  const std::string rest = out.substr(at + mark.size());
  if (!std::regex_search(rest, m, std::regex("^[0-9]+"))) return 0;
  return static_cast<unsigned short>(std::stoi(m.str()));
}

HallpassProcess::HallpassProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                                 std::string stdout_file)
    : stdout_file_(std::move(stdout_file)) {
  std::vector<char*> argv{const_cast<char*>(HALLPASS_BINARY)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [name, value] : env) {
      if (value.empty())
        ::unsetenv(name.c_str());
      else
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    if (!std::freopen(stdout_file_.c_str(), "w", stdout)) ::_exit(126);
    ::execv(HALLPASS_BINARY, argv.data());
    ::_exit(127);
  }
}

HallpassProcess::~HallpassProcess() { kill(); }

void HallpassProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool HallpassProcess::run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill();
      return false;
    }
    io.run_one_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string HallpassProcess::output() const {
  std::ifstream in(stdout_file_);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void HallpassProcess::terminate() {
  if (pid_ > 0 && !terminated_) ::kill(pid_, SIGTERM);
  terminated_ = true;
}

void HallpassProcess::hang_up() {
  if (pid_ > 0 && !terminated_) ::kill(pid_, SIGHUP);
}

int HallpassProcess::stop() {
  if (pid_ <= 0) return -1;
  terminate();
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace test_support
