// The Web API client against the fake Slack server on 127.0.0.1: tokens, form and JSON bodies,
// ok:false, 429 with Retry-After, pacing, and the caches.
#include "adapters/slack/slack_web_api.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/support/fake_slack_server.hpp"

namespace {

namespace asio = boost::asio;
using adapters::slack::ApiOutcome;
using adapters::slack::SlackWebApi;
using adapters::slack::WebApiOptions;
using test_support::FakeSlackServer;

struct Fixture {
  Fixture() { server.add_user("U0TEACHER", "teacher@example.org"); }
  ~Fixture() { server.stop(); }

  WebApiOptions options(std::string bot_token = "xoxb-good") const {
    WebApiOptions o;
    o.base_url = server.api_base_url();
    o.bot_token = std::move(bot_token);
    o.app_token = "xapp-good";
    return o;
  }

  // Runs one call to completion on the shared io_context (the server answers on it too).
  ApiOutcome run(asio::awaitable<ApiOutcome> call) {
    std::optional<ApiOutcome> out;
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(call), [&](std::exception_ptr e, ApiOutcome r) {
      failure = e;
      out = std::move(r);
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!out && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(10));
    if (failure) std::rethrow_exception(failure);
    REQUIRE(out.has_value());
    return *out;
  }

  asio::io_context io;
  FakeSlackServer server{io, "xoxb-good", "xapp-good"};
};

}  // namespace

TEST_CASE("the bot token goes in the header; Slack's refusals come back with the method", "[net][slack]") {
  Fixture f;
  SlackWebApi api(f.io.get_executor(), f.options());
  auto posted = f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"hello"})", "C1"));
  REQUIRE(posted.ok());
  CHECK(posted.result.ref == f.server.messages("C1").front().ts);
  CHECK(f.server.calls("chat.postMessage").front().body.dump().find("xoxb") == std::string::npos);

  auto refused = f.run(api.call_json("chat.postMessage", R"({"channel":"C1"})", "C1"));
  CHECK(refused.result.error == bot::SendErrorKind::bad_request);
  CHECK(refused.result.error_text == "chat.postMessage: no_text");

  SlackWebApi wrong(f.io.get_executor(), f.options("xoxb-revoked"));
  auto denied = f.run(wrong.call_json("chat.postMessage", R"({"channel":"C1","text":"hello"})", "C1"));
  CHECK(denied.result.error == bot::SendErrorKind::auth);
  // The app-level token opens the socket; the bot token cannot.
  auto url = f.run(api.open_socket_url());
  REQUIRE(url.ok());
  CHECK(url.response.url.starts_with("ws://127.0.0.1:"));
}

TEST_CASE("a 429 pauses the call for Retry-After, then it goes through", "[net][slack]") {
  Fixture f;
  SlackWebApi api(f.io.get_executor(), f.options());
  f.server.fail_next("chat.update", 429, 1);
  f.server.refuse_next("chat.postMessage", "ratelimited");  // Slack's other way of saying it
  auto posted = f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"first"})", "C1"));
  REQUIRE(posted.ok());
  auto updated = f.run(
      api.call_json("chat.update", R"({"channel":"C1","ts":")" + posted.result.ref + R"(","text":"second"})", "C1"));
  CHECK(updated.ok());
  CHECK(f.server.calls("chat.update").size() == 2);
  CHECK(f.server.calls("chat.postMessage").size() == 2);
  CHECK(f.server.messages("C1").front().text == "second");
}

TEST_CASE("users.info is form-encoded, cached, and never waits", "[net][slack]") {
  Fixture f;
  SlackWebApi api(f.io.get_executor(), f.options());
  auto user = f.run(api.user_info("U0TEACHER"));
  REQUIRE(user.ok());
  CHECK(user.response.email == "teacher@example.org");
  CHECK(f.server.calls("users.info").front().body == nlohmann::json{{"user", "U0TEACHER"}});
  f.run(api.user_info("U0TEACHER"));
  CHECK(f.server.calls("users.info").size() == 1);

  // Rate limited: the answer is "not now" at once, and the pause is kept without asking again.
  f.server.fail_next("users.info", 429, 30);
  auto limited = f.run(api.user_info("U0OTHER"));
  CHECK(limited.result.error == bot::SendErrorKind::rate_limited);
  auto still = f.run(api.user_info("U0THIRD"));
  CHECK(still.result.error == bot::SendErrorKind::rate_limited);
  CHECK(f.server.calls("users.info").size() == 2);
}

TEST_CASE("a channel over its pace is handed back as rate_limited without a call", "[net][slack]") {
  Fixture f;
  WebApiOptions o = f.options();
  o.posts_per_second = 0.01;  // one post per 100 s
  o.burst = 1;
  SlackWebApi api(f.io.get_executor(), o);
  CHECK(f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"one"})", "C1")).ok());
  auto paced = f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"two"})", "C1"));
  CHECK(paced.result.error == bot::SendErrorKind::rate_limited);
  CHECK(paced.result.retry_after > o.max_pacing_wait);
  CHECK(f.server.calls("chat.postMessage").size() == 1);
  // Another channel is not held up.
  CHECK(f.run(api.call_json("chat.postMessage", R"({"channel":"C2","text":"three"})", "C2")).ok());
}

TEST_CASE("DM channels and e-mail look-ups are remembered", "[net][slack]") {
  Fixture f;
  SlackWebApi api(f.io.get_executor(), f.options());
  auto dm = f.run(api.open_dm("U0TEACHER"));
  REQUIRE(dm.ok());
  CHECK(dm.response.channel == FakeSlackServer::dm_channel("U0TEACHER"));
  f.run(api.open_dm("U0TEACHER"));
  CHECK(f.server.calls("conversations.open").size() == 1);
  auto found = f.run(api.lookup_by_email("teacher@example.org"));
  REQUIRE(found.ok());
  CHECK(found.response.user_id == "U0TEACHER");
  f.run(api.lookup_by_email("teacher@example.org"));
  CHECK(f.server.calls("users.lookupByEmail").size() == 1);
  CHECK(f.run(api.lookup_by_email("nobody@example.org")).result.error == bot::SendErrorKind::not_found);
}

TEST_CASE("a 429 pauses its own channel; 429s on several channels pause the method", "[net][slack]") {
  Fixture f;
  WebApiOptions o = f.options();
  o.rate_limit_retries = 0;  // every 429 comes back to the caller at once
  SlackWebApi api(f.io.get_executor(), o);
  f.server.fail_next("chat.postMessage", 429, 30);
  CHECK(f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"a"})", "C1")).result.error ==
        bot::SendErrorKind::rate_limited);
  // Another channel goes on; the limited one is held without asking Slack again.
  CHECK(f.run(api.call_json("chat.postMessage", R"({"channel":"C2","text":"b"})", "C2")).ok());
  CHECK(f.run(api.call_json("chat.postMessage", R"({"channel":"C1","text":"c"})", "C1")).result.error ==
        bot::SendErrorKind::rate_limited);
  CHECK(f.server.calls("chat.postMessage").size() == 2);
  // Two more channels limited: the limit is the workspace's, and every channel waits.
  f.server.fail_next("chat.postMessage", 429, 30);
  f.server.fail_next("chat.postMessage", 429, 30);
  f.run(api.call_json("chat.postMessage", R"({"channel":"C3","text":"d"})", "C3"));
  f.run(api.call_json("chat.postMessage", R"({"channel":"C4","text":"e"})", "C4"));
  auto held = f.run(api.call_json("chat.postMessage", R"({"channel":"C5","text":"f"})", "C5"));
  CHECK(held.result.error == bot::SendErrorKind::rate_limited);
  CHECK(f.server.calls("chat.postMessage").size() == 4);
  CHECK(f.server.messages("C5").empty());
}

TEST_CASE("calls waiting for a busy connection go in the order they came, before a call made later", "[net][slack]") {
  Fixture f;
  WebApiOptions o = f.options();
  o.connections = 1;
  o.posts_per_second = 0;  // pacing would order them by itself
  SlackWebApi api(f.io.get_executor(), o);
  const auto post = [&](const std::string& text) {
    return api.call_json("chat.postMessage", R"({"channel":"C1","text":")" + text + R"("})", "C1");
  };
  int done = 0;
  // "first" holds the one connection; "second" waits for it; the moment "first" is answered, its
  // caller makes "third" — which must not take the connection "second" has waited for.
  asio::co_spawn(
      f.io,
      [&]() -> asio::awaitable<void> {
        co_await post("first");
        co_await post("third");
        ++done;
      },
      asio::detached);
  asio::co_spawn(
      f.io,
      [&]() -> asio::awaitable<void> {
        co_await post("second");
        ++done;
      },
      asio::detached);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done < 2 && std::chrono::steady_clock::now() < deadline) f.io.run_one_for(std::chrono::milliseconds(10));
  REQUIRE(done == 2);
  const auto posted = f.server.messages("C1");
  REQUIRE(posted.size() == 3);
  CHECK(posted[0].text == "first");
  CHECK(posted[1].text == "second");
  CHECK(posted[2].text == "third");
}
