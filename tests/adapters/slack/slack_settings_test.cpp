// The adapters.slack settings: what the adapter is built from, every problem at once, and how
// check-config reports a bad one (with the file and line, like every other configuration problem).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "adapters/slack/slack_adapter.hpp"
#include "tests/support/config_files.hpp"

namespace {

using adapters::slack::check_settings;
using adapters::slack::options_from_settings;
using Settings = std::map<std::string, std::string>;

Settings socket_mode() { return {{"bot_token", "xoxb-1"}, {"app_token", "xapp-1"}}; }
Settings http_mode() { return {{"bot_token", "xoxb-1"}, {"mode", "http"}, {"signing_secret", "8f74"}}; }

// The problem reported for key, or "" when there is none.
std::string problem_of(const Settings& s, const std::string& key) {
  for (const auto& p : check_settings(s))
    if (p.key == key) return p.message;
  return {};
}

}  // namespace

TEST_CASE("slack settings: Socket Mode by default, with Slack's API and two connections", "[unit][slack]") {
  CHECK(check_settings(socket_mode()).empty());
  auto o = options_from_settings(socket_mode());
  CHECK(o.socket_mode);
  CHECK(o.api.bot_token == "xoxb-1");
  CHECK(o.api.app_token == "xapp-1");
  CHECK(o.api.base_url == "https://slack.com/api");
  CHECK(o.socket.connections == 2);
  Settings s = socket_mode();
  s["connections"] = "4";
  s["api_base_url"] = "http://127.0.0.1:9/api";
  o = options_from_settings(s);
  CHECK(o.socket.connections == 4);
  CHECK(o.api.base_url == "http://127.0.0.1:9/api");
}

TEST_CASE("slack settings: HTTP mode listens on 127.0.0.1:3000 unless told otherwise", "[unit][slack]") {
  CHECK(check_settings(http_mode()).empty());  // no app_token needed
  auto o = options_from_settings(http_mode());
  CHECK_FALSE(o.socket_mode);
  CHECK(o.http.signing_secret == "8f74");
  CHECK(o.http.listen_address == "127.0.0.1");
  CHECK(o.http.port == 3000);
  Settings s = http_mode();
  s["listen"] = "0.0.0.0";
  s["port"] = "8443";
  o = options_from_settings(s);
  CHECK(o.http.listen_address == "0.0.0.0");
  CHECK(o.http.port == 8443);
}

TEST_CASE("slack settings: every problem is named at once", "[unit][slack]") {
  SECTION("a misspelt key, with the one meant") {
    Settings s = socket_mode();
    s["app_tokn"] = "xapp-2";
    s["colour"] = "blue";
    CHECK(problem_of(s, "app_tokn") == "adapters.slack.app_tokn is not a Slack setting; did you mean app_token?");
    CHECK(problem_of(s, "colour") == "adapters.slack.colour is not a Slack setting");
    CHECK_THROWS_WITH(options_from_settings(s), Catch::Contains("app_tokn"));
  }
  SECTION("what each mode requires") {
    CHECK_THAT(problem_of({{"app_token", "xapp-1"}}, "bot_token"), Catch::Contains("SLACK_BOT_TOKEN"));
    CHECK_THAT(problem_of({{"bot_token", "xoxb-1"}}, "app_token"), Catch::Contains("SLACK_APP_TOKEN"));
    CHECK_THAT(problem_of({{"bot_token", "xoxb-1"}, {"mode", "http"}}, "signing_secret"),
               Catch::Contains("SLACK_SIGNING_SECRET"));
    CHECK(problem_of({{"bot_token", "xoxb-1"}, {"mode", "http"}}, "app_token").empty());
    CHECK(problem_of(socket_mode(), "signing_secret").empty());
  }
  SECTION("values out of range, all reported") {
    Settings s = http_mode();
    s["mode"] = "webhook";
    s["app_token"] = "xapp-1";  // not http, so Socket Mode's token is needed
    s["connections"] = "11";
    s["port"] = "70000";
    s["listen"] = "my-server";
    s["api_base_url"] = "ftp://slack.example.com/api";
    CHECK_THAT(problem_of(s, "mode"), Catch::Contains("socket or http"));
    CHECK_THAT(problem_of(s, "connections"), Catch::Contains("1 to 10"));
    CHECK_THAT(problem_of(s, "port"), Catch::Contains("0 to 65535"));
    CHECK_THAT(problem_of(s, "listen"), Catch::Contains("not an IP address"));
    CHECK_THAT(problem_of(s, "api_base_url"), Catch::Contains("https://"));
    CHECK(check_settings(s).size() == 5);
    // The bot token would cross the network in clear text.
    Settings clear = socket_mode();
    clear["api_base_url"] = "http://slack.example.com/api";
    CHECK_THAT(problem_of(clear, "api_base_url"), Catch::Contains("http is only for loopback test servers"));
    for (const char* bad : {"0", "x", "-1", ""}) {
      Settings c = socket_mode();
      c["connections"] = bad;
      INFO(bad);
      if (*bad)
        CHECK_FALSE(problem_of(c, "connections").empty());
      else
        CHECK(problem_of(c, "connections").empty());  // empty: the default
    }
  }
}

TEST_CASE("slack settings: check-config reports a misspelt key with its line", "[unit][slack][cli]") {
  auto file = test_support::sample_config_variant(
      "slack-typo", "slack: { enabled: false, app_token:", "slack: { enabled: true,\n           app_tokn:");
  const int line = test_support::line_of(file, "app_tokn");
  auto run = test_support::run_command("SLACK_APP_TOKEN=xapp-1 SLACK_BOT_TOKEN=xoxb-1 " + std::string(HALLPASS_BINARY) +
                                       " check-config " + file.string() + " 2>&1");
  std::filesystem::remove_all(file.parent_path());
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find(file.string() + ":" + std::to_string(line) +
                        ": adapters.slack.app_tokn is not a Slack setting; did you mean app_token?") !=
        std::string::npos);
  // Without app_token, Socket Mode has no token: reported at the section's line.
  CHECK(run.output.find(file.string() + ":" + std::to_string(line - 1) + ": adapters.slack.app_token is missing") !=
        std::string::npos);
}
