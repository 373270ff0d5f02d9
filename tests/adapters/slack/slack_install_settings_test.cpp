// The adapters.slack settings of HTTP mode with installations (client_id, client_secret,
// install_secret, redirect_url, allowed_teams, install_contact, scopes): what the adapter is built
// from, what each problem says, how check-config places it in the file, and `hallpass run`
// refusing to start without the install secret and starting with it.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "adapters/slack/slack_adapter.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"

namespace {

using adapters::slack::check_settings;
using adapters::slack::options_from_settings;
using Settings = std::map<std::string, std::string>;

constexpr auto kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

Settings installs() {
  return {{"mode", "http"},
          {"signing_secret", "8f74"},
          {"client_id", "1234567890.987654321"},
          {"client_secret", "s3cret"},
          {"install_secret", kKey},
          {"redirect_url", "https://hallpass.county.example.org/slack/oauth_redirect"},
          {"allowed_teams", "T0LINCOLN, T0ROOSEVELT E0GRID"}};
}

std::string problem_of(const Settings& s, const std::string& key) {
  for (const auto& p : check_settings(s))
    if (p.key == key) return p.message;
  return {};
}

}  // namespace

TEST_CASE("slack install settings: client_id turns installations on; no bot_token then", "[unit][slack][install]") {
  INFO(check_settings(installs()).size());
  CHECK(check_settings(installs()).empty());
  auto o = options_from_settings(installs());
  CHECK_FALSE(o.socket_mode);
  CHECK(o.install.enabled());
  CHECK(o.install.client_id == "1234567890.987654321");
  CHECK(o.install.allowed_teams == std::set<std::string>{"T0LINCOLN", "T0ROOSEVELT", "E0GRID"});
  CHECK(o.install.scopes.starts_with("commands,chat:write"));
  CHECK(o.install.key[0] == 0x00);
  CHECK(o.install.key[31] == 0xff);
  CHECK(o.api.bot_token.empty());
  // Without client_id, HTTP mode is the one-token mode it always was.
  CHECK_FALSE(
      options_from_settings({{"bot_token", "xoxb-1"}, {"mode", "http"}, {"signing_secret", "x"}}).install.enabled());
}

TEST_CASE("slack install settings: each problem says what to do", "[unit][slack][install]") {
  SECTION("what installations require") {
    for (const char* key : {"client_secret", "install_secret", "redirect_url", "allowed_teams"}) {
      Settings s = installs();
      s.erase(key);
      INFO(key);
      CHECK_THAT(problem_of(s, key), Catch::StartsWith(std::string("adapters.slack.") + key + " is missing"));
    }
    Settings s = installs();
    s.erase("install_secret");
    CHECK_THAT(problem_of(s, "install_secret"), Catch::Contains("openssl rand -hex 32"));
    CHECK_THAT(problem_of(s, "install_secret"), Catch::Contains("SLACK_INSTALL_SECRET_FILE"));
    CHECK_THROWS_WITH(options_from_settings(s), Catch::Contains("install_secret is missing"));
  }
  SECTION("values that are wrong") {
    Settings s = installs();
    s["install_secret"] = "too-short";
    s["allowed_teams"] = "T0LINCOLN, lincoln-staff";
    s["redirect_url"] = "https://hallpass.county.example.org/oauth";
    s["client_id"] = "my-app";
    s["bot_token"] = "xoxb-1";
    CHECK_THAT(problem_of(s, "install_secret"), Catch::Contains("64 hex digits"));
    CHECK_THAT(problem_of(s, "allowed_teams"), Catch::Contains("\"lincoln-staff\" is not a Slack team id"));
    CHECK_THAT(problem_of(s, "redirect_url"), Catch::Contains("must end in /slack/oauth_redirect"));
    CHECK_THAT(problem_of(s, "client_id"), Catch::Contains("is not a Slack Client ID"));
    CHECK_THAT(problem_of(s, "bot_token"), Catch::Contains("bot_token is not used when client_id is set"));
    Settings clear = installs();
    clear["redirect_url"] = "http://hallpass.county.example.org/slack/oauth_redirect";
    CHECK_THAT(problem_of(clear, "redirect_url"), Catch::Contains("http is only for loopback"));
  }
  SECTION("installations in Socket Mode, and install keys without client_id") {
    Settings s = installs();
    s["mode"] = "socket";
    s["app_token"] = "xapp-1";
    CHECK_THAT(problem_of(s, "client_id"), Catch::Contains("installations need HTTP mode"));
    Settings one{{"bot_token", "xoxb-1"}, {"mode", "http"}, {"signing_secret", "x"}, {"allowed_teams", "T01"}};
    CHECK_THAT(problem_of(one, "allowed_teams"), Catch::Contains("used only for installations: set client_id"));
  }
}

TEST_CASE("slack install settings: check-config names the file and line", "[unit][slack][install][cli]") {
  auto file = test_support::sample_config_variant(
      "slack-install-check",
      "slack: { enabled: false, app_token: \"${SLACK_APP_TOKEN}\", bot_token: \"${SLACK_BOT_TOKEN}\", mode: socket,",
      "slack: { enabled: true, mode: http, signing_secret: \"${SLACK_SIGNING_SECRET}\",\n"
      "           client_id: \"1234567890.987654321\", client_secret: \"${SLACK_CLIENT_SECRET}\",\n"
      "           redirect_url: \"https://hallpass.county.example.org/slack/oauth_redirect\",\n"
      "           allowed_teams: \"T0LINCOLN, lincoln\",");
  const int line = test_support::line_of(file, "allowed_teams:");
  auto run = test_support::run_command("SLACK_SIGNING_SECRET=x SLACK_CLIENT_SECRET=y " + std::string(HALLPASS_BINARY) +
                                       " check-config " + file.string() + " 2>&1");
  std::filesystem::remove_all(file.parent_path());
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find(file.string() + ":" + std::to_string(line) +
                        ": adapters.slack.allowed_teams: \"lincoln\" is not a Slack team id") != std::string::npos);
  // No install_secret at all: reported at the section's line, saying how to make one.
  CHECK(run.output.find("adapters.slack.install_secret is missing") != std::string::npos);
}

TEST_CASE("hallpass run with installations: refuses to start without the install secret, starts with it",
          "[net][slack][install][cli]") {
  boost::asio::io_context io;
  test_support::FakeSlackServer server(io, "xoxb-unused", "xapp-unused");
  auto file = test_support::sample_config_variant(
      "slack-install-run",
      {{"slack: { enabled: false, app_token: \"${SLACK_APP_TOKEN}\", bot_token: \"${SLACK_BOT_TOKEN}\", mode: socket,",
        "slack: { enabled: true, mode: http, signing_secret: \"${SLACK_SIGNING_SECRET}\", port: 0, api_base_url: \"" +
            server.api_base_url() +
            "\",\n"
            "           client_id: \"1234567890.987654321\", client_secret: \"${SLACK_CLIENT_SECRET}\",\n"
            "           install_secret: \"${SLACK_INSTALL_SECRET}\", install_contact: \"it-help@county.example.org\",\n"
            "           redirect_url: \"https://hallpass.county.example.org/slack/oauth_redirect\",\n"
            "           allowed_teams: \"T0LINCOLN\","},
       {"web: { enabled: true,", "web: { enabled: false,"},
       {"place: { name: Superintendent's office, web: \"#superintendent\" }",
        "place: { name: Superintendent's office, web: \"#superintendent\", slack: C0SUPERINT }"},
       {"approvals: { web: \"#lincoln-approvals\" }", "approvals: { web: \"#lincoln-approvals\", slack: C0LINCOLN1 }"},
       {"approvals: { web: \"#roosevelt-approvals\" }",
        "approvals: { web: \"#roosevelt-approvals\", slack: C0ROOSEVELT1 }"},
       {"approvals: { web: \"#kennedy-approvals\" }",
        "approvals: { web: \"#kennedy-approvals\", slack: C0KENNEDY1 }"}});
  const auto dir = file.parent_path();
  const std::string db = (dir / "hallpass.db").string();

  // The variable named but empty: the config check stops it, naming the variable.
  auto refused = test_support::run_command(
      "SLACK_SIGNING_SECRET=x SLACK_CLIENT_SECRET=y SLACK_INSTALL_SECRET= " + std::string(HALLPASS_BINARY) +
      " run --config " + file.string() + " --db " + db + " 2>&1");
  INFO(refused.output);
  CHECK(refused.exit_code != 0);
  CHECK(refused.output.find("SLACK_INSTALL_SECRET") != std::string::npos);

  test_support::HallpassProcess hallpass({"run", "--config", file.string(), "--db", db},
                                         {{"SLACK_SIGNING_SECRET", "x"},
                                          {"SLACK_CLIENT_SECRET", "y"},
                                          {"SLACK_INSTALL_SECRET", kKey},
                                          {"SLACK_BOT_TOKEN", ""},
                                          {"SLACK_APP_TOKEN", ""}},
                                         (dir / "stdout.txt").string());
  std::string printed;
  const bool started = hallpass.run_until(io, [&] {
    printed = hallpass.output();
    return printed.find("Slack installations: 0 workspace(s) installed") != std::string::npos;
  });
  INFO(printed);
  CHECK(started);
  CHECK(printed.find("installs Hallpass at https://<your host>/slack/install") != std::string::npos);
  CHECK(hallpass.stop() == 0);
  server.stop();
  std::filesystem::remove_all(dir);
}
