// hallpass check-config and the commands that start the bot judge a config the same way, from
// the real binary: a file check-config refuses is refused by run, demo, console, digest and ask
// with the same problems at the same lines, before anything starts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "bot/store/store.hpp"
#include "tests/support/config_files.hpp"

namespace {

struct Variant {
  std::filesystem::path file;
  ~Variant() { std::filesystem::remove_all(file.parent_path()); }
};

// The lines "file:line: message" of the output.
std::vector<std::string> problem_lines(const std::string& output, const std::string& file) {
  std::vector<std::string> out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(file + ":")) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("a config check-config refuses is refused by every command, with the same problems", "[cli][config]") {
  Variant v{test_support::sample_config_variant(
      "cli-agree", {{"port: 8080", "port: 99999"},
                    {"  language: en", "  language: fr"},
                    {"  - { id: t.garcia,", "  - { id: t.garcia, handles: { web: s.patel },"},
                    {"model-bp#authorization.4", "model-bp#authorization.99"}})};
  const std::string file = v.file.string();
  const std::string dir = v.file.parent_path().string();
  const std::string bin = std::string(HALLPASS_BINARY);
  auto check = test_support::run_command(bin + " check-config " + file + " 2>&1");
  INFO(check.output);
  CHECK(check.exit_code == 1);
  const auto expected = problem_lines(check.output, file);
  REQUIRE(expected.size() == 4);
  CHECK(expected[0].find("district.language must be one of en, es") != std::string::npos);

  // Commands that only read a database get one that exists, so the config is what they refuse.
  bot::open_sqlite_store(dir + "/existing.db");
  // `timeout`: were the refusal ever lost, run and demo would otherwise run on.
  const std::vector<std::string> commands = {
      "run --config " + file + " --db " + dir + "/run.db",
      "demo --config " + file + " --db " + dir + "/demo.db --port 0",
      "console --as t.garcia --config " + file + " --db " + dir + "/existing.db",
      "digest --dry-run --config " + file + " --db " + dir + "/existing.db",
      "ask \"can I friend a parent\" --config " + file,
  };
  for (const auto& command : commands) {
    auto run = test_support::run_command("timeout 20 " + bin + " " + command + " </dev/null 2>&1");
    INFO(command << "\n" << run.output);
    CHECK(run.exit_code == 1);
    CHECK(problem_lines(run.output, file) == expected);
    // Refused before anything was created.
    CHECK_FALSE(std::filesystem::exists(dir + "/run.db"));
    CHECK_FALSE(std::filesystem::exists(dir + "/demo.db"));
  }
}

TEST_CASE("check-config says OK to the sample and names what it loaded", "[cli][config]") {
  auto run = test_support::run_command(std::string(HALLPASS_BINARY) + " check-config config/sample-district.yaml 2>&1");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("config/sample-district.yaml: OK — Sierra Vista Unified School District, 3 sites") !=
        std::string::npos);
}

TEST_CASE("check-config explains a file it cannot read, and a folder", "[cli][config]") {
  const std::string bin = std::string(HALLPASS_BINARY);
  auto missing = test_support::run_command(bin + " check-config /nonexistent/district.yaml 2>&1");
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("/nonexistent/district.yaml: this config file does not exist") != std::string::npos);
  auto folder = test_support::run_command(bin + " check-config config 2>&1");
  CHECK(folder.exit_code == 1);
  CHECK(folder.output.find("config: this config file is not a file (a folder?)") != std::string::npos);
}
