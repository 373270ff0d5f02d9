// Socket Mode's connections against the fake Slack on 127.0.0.1, both on the test's io_context:
// Slack refreshes (here: drops) each connection at an age, so connections of one age would go
// down together; the receiver keeps their lifetimes staggered so one always serves.
#include "adapters/slack/slack_socket_mode.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/slack/slack_web_api.hpp"
#include "tests/support/fake_slack_server.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using adapters::slack::AckReply;
using adapters::slack::EnvelopeType;
using test_support::FakeSlackServer;

constexpr auto kBotToken = "xoxb-test-bot-token";
constexpr auto kAppToken = "xapp-test-app-token";

}  // namespace

TEST_CASE("with Slack dropping every connection at an age, a connection is always open and every command acknowledged",
          "[net][slack]") {
  asio::io_context io;
  FakeSlackServer server(io, kBotToken, kAppToken);
  // Slack's refresh at its most abrupt: each connection's TCP socket closed at 1.2 s of age.
  server.drop_at_age(1200ms);

  adapters::slack::WebApiOptions api;
  api.base_url = server.api_base_url();
  api.bot_token = kBotToken;
  api.app_token = kAppToken;
  adapters::slack::SlackWebApi web(io.get_executor(), api);
  adapters::slack::SocketModeOptions options;
  options.connections = 2;
  options.max_age = 800ms;  // refreshed proactively, before Slack's age
  options.first_backoff = 5ms;
  options.max_backoff = 50ms;
  adapters::slack::SocketModeReceiver receiver(
      io.get_executor(), web, options,
      [](EnvelopeType, std::string, std::string) -> asio::awaitable<AckReply> { co_return AckReply{}; });
  auto finished = std::make_shared<bool>(false);
  asio::co_spawn(io, receiver.run(), [finished](std::exception_ptr) { *finished = true; });

  const auto give_up = std::chrono::steady_clock::now() + 20s;
  auto until = [&](auto pred, const char* what) {
    while (!pred()) {
      if (std::chrono::steady_clock::now() > give_up) FAIL("timed out waiting until " << what);
      io.run_one_for(1ms);
    }
  };
  until([&] { return server.open_connections().size() == 2; }, "both connections are open");

  // A command every 10 ms while Slack's lifetimes run out several times over (each connection
  // opened is one more generation).
  std::vector<std::string> sent;
  while (server.connections_opened() < 8) {
    if (std::chrono::steady_clock::now() > give_up) FAIL("the connections were not refreshed");
    io.run_for(10ms);
    sent.push_back(server.slash_command("UTGARCIA", "CLINCOLN", "help").envelope_id);
  }
  until([&] { return std::all_of(sent.begin(), sent.end(), [&](const std::string& e) { return server.acked(e); }); },
        "every command acknowledged");

  CHECK(server.times_without_connection() == 0);
  CHECK(server.dispatch_failures() == 0);  // no command found Slack without a connection to send it on
  CHECK(receiver.open_connections() == 2);

  receiver.stop();
  until([&] { return *finished; }, "the receiver stopped");
  server.stop();
}
