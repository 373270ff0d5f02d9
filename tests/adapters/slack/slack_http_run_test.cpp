// hallpass run in Slack's HTTP mode: the real binary, its Web API calls going to the fake Slack,
// and the test posting to its Request URLs as Slack does (signed with the app's signing secret).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>

#include "adapters/common/http_client.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/slack_run_fixtures.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
constexpr auto kTeacher = "U0TEACHER";  // no slack id in the sample: matched by e-mail
constexpr auto kChannel = "C0LOUNGE";
constexpr auto kForgedChannel = "C0FORGED";

Request signed_command(const std::string& secret, const std::string& channel, const std::string& text) {
  return test_support::signed_slash_command(secret, {channel, kTeacher, text, "1234.5678." + channel});
}

}  // namespace

TEST_CASE("hallpass run in HTTP mode answers a signed slash command and refuses a forged one", "[net][slack][cli]") {
  asio::io_context io;
  test_support::FakeSlackServer server(io, "xoxb-cli", "xapp-unused");
  server.add_user(kTeacher, "tgarcia@sierravista.example.org");
  // Port 0: the OS picks a free one, and hallpass prints the Request URLs with it.
  auto file = test_support::slack_sample_config("slack-http-run", server.api_base_url(), test_support::SlackMode::http);
  const auto dir = file.parent_path();
  test_support::HallpassProcess hallpass({"run", "--config", file.string(), "--db", (dir / "hallpass.db").string()},
                                         {{"SLACK_BOT_TOKEN", "xoxb-cli"},
                                          {"SLACK_SIGNING_SECRET", kSecret},
                                          {"SLACK_APP_TOKEN", ""}},  // none in HTTP mode
                                         (dir / "stdout.txt").string());
  // "Slack Request URLs: http://127.0.0.1:<port>/slack/{commands,interactivity,events} — …"
  const std::string banner = "Slack Request URLs: http://127.0.0.1:";
  std::string printed;
  if (!hallpass.run_until(io, [&] {
        printed = hallpass.output();
        return printed.find("/slack/{commands,interactivity,events}") != std::string::npos;
      }))
    FAIL("hallpass did not print its Request URLs; it printed: " << printed);
  const auto at = printed.find(banner);
  REQUIRE(at != std::string::npos);
  CHECK(printed.find("put https://<your host>/slack/... in the app's settings") != std::string::npos);
  const std::string base = "http://127.0.0.1:" + std::to_string(std::stoi(printed.substr(at + banner.size())));
  HttpClient client(io.get_executor(), base);
  auto send = [&](Request r) {
    std::optional<Response> response;
    asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
      if (e) std::rethrow_exception(e);
      response = std::move(res);
    });
    if (!hallpass.run_until(io, [&] { return response.has_value(); })) FAIL("no answer from hallpass");
    return *response;
  };

  // Signed with another secret: refused, and nothing is answered in Slack.
  CHECK(send(signed_command("not-the-signing-secret", kForgedChannel, "help")).status == 401);
  // Signed with the app's secret: acknowledged, and the answer is posted through the Web API.
  CHECK(send(signed_command(kSecret, kChannel, "help")).status == 200);
  if (!hallpass.run_until(io, [&] { return !server.messages(kChannel).empty(); }))
    FAIL("no answer to /socialmedia help in Slack");
  // Had the forged command been taken, its answer (due first) would be in its channel by now.
  CHECK(server.messages(kForgedChannel).empty());
  REQUIRE(server.messages(kChannel).size() == 1);
  CHECK(server.messages(kChannel).front().ephemeral);
  CHECK(server.messages(kChannel).front().user == kTeacher);
  CHECK(server.calls("chat.postEphemeral").size() == 1);

  CHECK(hallpass.stop() == 0);
  server.stop();
  std::filesystem::remove_all(dir);
}
