// Delivery that no stop, crash, rate limit or dropped connection can hold up or lose: the Slack
// adapter with the real bot core, the outbox dispatcher and a SQLite file store, against the fake
// Slack on 127.0.0.1 (Web API and Socket Mode), the server and the process on their own
// io_contexts, run in turns on the test's thread.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>

#include "adapters/slack/slack_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "bot/core/outbox_dispatcher.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
using adapters::slack::SlackAdapter;
using adapters::slack::SlackOptions;
using test_support::FakeSlackServer;

constexpr auto kBotToken = "xoxb-test-bot-token";
constexpr auto kAppToken = "xapp-test-app-token";
constexpr auto kLincoln = "CLINCOLN";
constexpr auto kTeacher = "UTGARCIA";
constexpr auto kTeacherDm = "DTGARCIA";

std::string slack_id(const std::string& person_id) {
  std::string id = "U";
  for (char c : person_id)
    if (c != '.') id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

const bot::District& district() {
  static const bot::District d = [] {
    auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
    if (!loaded) throw std::runtime_error("the sample district does not load");
    for (auto& p : loaded->config.people) p.handles["slack"] = slack_id(p.id);
    return std::move(*loaded);
  }();
  return d;
}

SlackOptions options_for(const FakeSlackServer& server) {
  SlackOptions o;
  o.api.base_url = server.api_base_url();
  o.api.bot_token = kBotToken;
  o.api.app_token = kAppToken;
  o.api.posts_per_second = 50;  // pacing on, but not slowing the test down
  o.socket.first_backoff = std::chrono::milliseconds(5);
  o.socket.max_backoff = std::chrono::milliseconds(50);
  o.known_user = [](std::string_view id) { return district().config.person_by_handle("slack", id) != nullptr; };
  return o;
}

struct Process {
  Process(const std::string& db, SlackOptions options)
      : process({.db = db, .district = &district()}), io(&process.io()), store(&process.store()) {
    adapter = std::make_unique<SlackAdapter>(io->get_executor(), std::move(options));
    process.add_adapter(*adapter);
    process.start();
  }
  ~Process() { adapter->stop(); }

  int rows_in(bot::OutboxState state) {
    int n = 0;
    for (const auto& e : store->outbox_entries()) n += e.state == state;
    return n;
  }

  test_support::Process process;
  asio::io_context* io;
  bot::Store* store;
  std::unique_ptr<SlackAdapter> adapter;
};

struct World {
  World() {
    for (const auto& p : district().config.people) server.add_user(slack_id(p.id), p.email);
  }
  ~World() { server.stop(); }

  void run_until(Process& p, const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (auto failure = p.process.failure()) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
      io.poll();
      if (!p.io->stopped()) p.io->run_one_for(std::chrono::milliseconds(1));
      io.poll();
    }
  }

  void connected(Process& p, int n = 2) {
    run_until(
        p,
        [&] { return p.adapter->open_connections() == n && static_cast<int>(server.open_connections().size()) == n; },
        "the Socket Mode connections are open");
  }

  void quiet(Process& p) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    run_until(
        p, [&] { return std::chrono::steady_clock::now() > until; }, "a quiet moment");
  }

  bool all_acked(const std::vector<std::string>& envelopes) const {
    for (const auto& e : envelopes)
      if (!server.acked(e)) return false;
    return true;
  }

  test_support::TempDir dir{"slack-delivery"};
  asio::io_context io;
  FakeSlackServer server{io, kBotToken, kAppToken};
  std::string db = dir.file("hallpass.db");
};

}  // namespace

TEST_CASE("a stop with answers queued behind pacing loses none: each is delivered or still pending",
          "[net][slack][shutdown]") {
  World w;
  std::vector<std::string> sent;
  {
    SlackOptions o = options_for(w.server);
    o.api.posts_per_second = 1;  // Slack's pace: the answers queue up behind it
    o.api.burst = 1;
    Process p(w.db, o);
    w.connected(p);
    for (int i = 0; i < 6; ++i) sent.push_back(w.server.slash_command(kTeacher, kLincoln, "help").envelope_id);
    w.run_until(
        p, [&] { return w.all_acked(sent); }, "every command acknowledged");
    w.run_until(
        p, [&] { return w.server.messages(kLincoln).size() == 1; }, "the first answer");

    // SIGTERM's shutdown: still receiving and acknowledging while it delivers.
    p.process.runtime().shut_down(std::chrono::milliseconds(900));
    sent.push_back(w.server.slash_command(kTeacher, kLincoln, "help").envelope_id);
    w.run_until(
        p, [&] { return w.server.acked(sent.back()); }, "a command sent during the stop acknowledged");
    w.run_until(
        p, [&] { return p.io->stopped(); }, "the process stopped");
    CHECK(w.server.messages(kLincoln).size() < sent.size());  // the pace left some for later
    CHECK(p.rows_in(bot::OutboxState::uncertain) == 0);
    CHECK(p.rows_in(bot::OutboxState::in_flight) == 0);
    CHECK(p.rows_in(bot::OutboxState::failed) == 0);
    CHECK(static_cast<std::size_t>(p.rows_in(bot::OutboxState::pending)) ==
          sent.size() - w.server.messages(kLincoln).size());
  }
  // The next start delivers what was left, each once.
  Process p(w.db, options_for(w.server));
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() == sent.size(); }, "every answer after the restart");
  w.quiet(p);
  CHECK(w.server.messages(kLincoln).size() == sent.size());
  CHECK(p.rows_in(bot::OutboxState::uncertain) == 0);
  CHECK(p.rows_in(bot::OutboxState::sent) == static_cast<int>(sent.size()));
}

TEST_CASE("a message in flight when Hallpass was killed is found by its metadata and not sent twice",
          "[net][slack][shutdown]") {
  World w;
  {
    Process p(w.db, options_for(w.server));
    w.connected(p);
    // Slack posts the answer, and Hallpass dies before the answer to chat.postMessage comes.
    w.server.hang_next("chat.postMessage");
    w.server.dm_message(kTeacher, "may I post photos of students on instagram?");
    w.run_until(
        p, [&] { return w.server.messages(kTeacherDm).size() == 1; }, "the answer posted");
    w.run_until(
        p, [&] { return p.rows_in(bot::OutboxState::in_flight) == 1; }, "the answer in flight");
  }  // killed: no shutdown
  auto posted = w.server.messages(kTeacherDm);
  REQUIRE(posted.size() == 1);
  CHECK(posted.front().metadata.value("event_type", "") == "hallpass_outbox");

  Process p(w.db, options_for(w.server));
  w.run_until(
      p, [&] { return p.rows_in(bot::OutboxState::in_flight) == 0; }, "the interrupted answer checked");
  w.quiet(p);
  CHECK(w.server.messages(kTeacherDm).size() == 1);  // once, never twice
  CHECK_FALSE(w.server.calls("conversations.history").empty());
  CHECK(p.rows_in(bot::OutboxState::uncertain) == 0);
  CHECK(p.rows_in(bot::OutboxState::sent) == 1);
}

TEST_CASE("a message in flight when Hallpass was killed that never arrived is sent once after the restart",
          "[net][slack][shutdown]") {
  World w;
  {
    Process p(w.db, options_for(w.server));
    w.connected(p);
    w.server.hang_next("chat.postMessage", /*carry_out=*/false);
    w.server.dm_message(kTeacher, "may I post photos of students on instagram?");
    w.run_until(
        p, [&] { return p.rows_in(bot::OutboxState::in_flight) == 1; }, "the answer in flight");
  }
  CHECK(w.server.messages(kTeacherDm).empty());
  Process p(w.db, options_for(w.server));
  w.run_until(
      p, [&] { return w.server.messages(kTeacherDm).size() == 1; }, "the answer after the restart");
  w.quiet(p);
  CHECK(w.server.messages(kTeacherDm).size() == 1);
  CHECK(p.rows_in(bot::OutboxState::uncertain) == 0);
}

TEST_CASE("an ephemeral answer in flight when Hallpass was killed cannot be checked: the person is told",
          "[net][slack][shutdown]") {
  World w;
  {
    Process p(w.db, options_for(w.server));
    w.connected(p);
    w.server.hang_next("chat.postEphemeral");
    w.server.slash_command(kTeacher, kLincoln, "help");
    w.run_until(
        p, [&] { return p.rows_in(bot::OutboxState::in_flight) == 1; }, "the answer in flight");
  }
  Process p(w.db, options_for(w.server));
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() == 2; }, "the note after the restart");
  w.quiet(p);
  const auto note = w.server.messages(kLincoln).back();
  CHECK(note.ephemeral);
  CHECK(note.user == kTeacher);
  CHECK_THAT(test_support::message_text(note), Catch::Contains("cannot check whether that message arrived"));
  CHECK(p.rows_in(bot::OutboxState::uncertain) == 1);  // not sent again: nobody gets it twice
  CHECK(w.server.messages(kLincoln).size() == 2);
}

TEST_CASE("one channel's 429 does not hold up another channel's answer", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  // Retry-After 2 s: the client waits it out itself, for that channel only.
  w.server.fail_next("chat.postEphemeral", 429, 2);
  w.server.slash_command(kTeacher, kLincoln, "help");
  w.run_until(
      p, [&] { return w.server.failed_requests() == 1; }, "the 429 on the first channel");
  w.server.slash_command(kTeacher, "COTHER1", "help");
  w.server.slash_command(kTeacher, "COTHER2", "help");
  w.run_until(
      p, [&] { return w.server.messages("COTHER1").size() == 1 && w.server.messages("COTHER2").size() == 1; },
      "the other channels' answers");
  CHECK(w.server.messages(kLincoln).empty());  // still waiting out its Retry-After
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() == 1; }, "the limited channel's answer");
}

TEST_CASE("a dropped connection is replaced at once, and the other one stays up", "[net][slack]") {
  World w;
  SlackOptions o = options_for(w.server);
  o.socket.first_backoff = std::chrono::seconds(60);  // a back-off would outlast the test
  o.socket.max_backoff = std::chrono::seconds(60);
  Process p(w.db, o);
  w.connected(p);
  const auto before = w.server.open_connections();
  w.server.drop(before.front());
  const auto cmd = w.server.slash_command(kTeacher, kLincoln, "help");
  w.run_until(
      p, [&] { return w.server.connections_opened() == 3; }, "the replacement opened");
  w.connected(p);
  const auto after = w.server.open_connections();
  CHECK(std::find(after.begin(), after.end(), before.back()) != after.end());
  w.run_until(
      p, [&] { return w.server.acked(cmd.envelope_id); }, "the command acknowledged");
  CHECK(w.server.dispatch_failures() == 0);
}
