// Several workers on one PostgreSQL (issue 23, docs/scale-out.md): two real `hallpass run`
// processes over one throwaway database, Slack in HTTP mode against the fake Slack, and the test
// as Slack posting signed slash commands to both workers' Request URLs. Each command is answered
// once; a worker killed with SIGKILL leaves what it had claimed to the other, after its lease.
#include <sys/types.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/slack_run_fixtures.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using test_support::HallpassProcess;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
constexpr auto kTeacher = "U0TEACHER";  // no slack id in the sample: matched by e-mail
constexpr auto kMayBeMissing = "cannot check whether that message arrived";

Request signed_command(const std::string& channel, const std::string& text, int n) {
  return test_support::signed_slash_command(kSecret, {channel, kTeacher, text, "1234.5678." + std::to_string(n)});
}

struct Worker {
  std::unique_ptr<HallpassProcess> process;
  std::string base;  // http://127.0.0.1:<port>
};

struct County {
  County()
      : database(test_support::PostgresServer::shared().fresh_database()),
        file(test_support::slack_sample_config("workers", server.api_base_url(), test_support::SlackMode::http)) {
    server.add_user(kTeacher, "tgarcia@sierravista.example.org");
    workers.reserve(2);  // the test holds references to its workers
  }
  ~County() {
    workers.clear();
    server.stop();
    std::filesystem::remove_all(file.parent_path());
  }

  // Starts a worker and waits for its Request URLs (one at a time: the first creates the schema).
  Worker& start() {
    const auto n = workers.size();
    const auto out = (file.parent_path() / ("stdout-" + std::to_string(n) + ".txt")).string();
    auto process =
        std::make_unique<HallpassProcess>(std::vector<std::string>{"run", "--config", file.string()},
                                          std::map<std::string, std::string>{{"HALLPASS_DATABASE_URL", database},
                                                                             {"HALLPASS_LEASE_SECONDS", "2"},
                                                                             {"SLACK_BOT_TOKEN", "xoxb-county"},
                                                                             {"SLACK_SIGNING_SECRET", kSecret},
                                                                             {"SLACK_APP_TOKEN", ""}},
                                          out);
    const std::string banner = "Slack Request URLs: http://127.0.0.1:";
    std::string printed;
    if (!process->run_until(io, [&] {
          printed = process->output();
          return printed.find("/slack/{commands,interactivity,events}") != std::string::npos;
        }))
      FAIL("worker " << n << " did not print its Request URLs; it printed: " << printed);
    const auto at = printed.find(banner);
    REQUIRE(at != std::string::npos);
    workers.push_back(
        {std::move(process), "http://127.0.0.1:" + std::to_string(std::stoi(printed.substr(at + banner.size())))});
    return workers.back();
  }

  Response send(Worker& w, Request r) {
    HttpClient client(io.get_executor(), w.base);
    std::optional<Response> response;
    asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
      if (e) std::rethrow_exception(e);
      response = std::move(res);
    });
    if (!w.process->run_until(io, [&] { return response.has_value(); })) FAIL("no answer from the worker");
    return *response;
  }

  // The answers in a channel (what the reader was told apart from "may be missing" notes).
  std::size_t answers(const std::string& channel) const {
    std::size_t n = 0;
    for (const auto& m : server.messages(channel))
      if (m.text.find(kMayBeMissing) == std::string::npos) ++n;
    return n;
  }

  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    return test_support::PostgresServer::shared().rows(database, sql);
  }

  // A worker records an answer sent after Slack's reply to the post, so the last record may follow
  // the last post the fake Slack holds: wait for it rather than read the table at once.
  bool every_row_recorded_sent(Worker& w) {
    return w.process->run_until(io,
                                [&] { return rows("SELECT count(*) FROM outbox WHERE state <> 'sent'")[0][0] == "0"; });
  }

  asio::io_context io;
  test_support::FakeSlackServer server{io, "xoxb-county", "xapp-unused"};
  std::string database;
  std::filesystem::path file;
  std::vector<Worker> workers;
};

}  // namespace

TEST_CASE("two workers on one PostgreSQL answer each command once, and a killed worker's rows are taken over",
          "[postgres][net][slack][cli][workers]") {
  County county;
  Worker& a = county.start();
  Worker& b = county.start();

  // Commands sent alternately to both workers' Request URLs: each answered exactly once.
  constexpr int kCommands = 16;
  int n = 0;
  for (int i = 0; i < kCommands; ++i)
    CHECK(county.send(i % 2 ? b : a, signed_command("C0TWO" + std::to_string(i), "help", ++n)).status == 200);
  const auto all_answered = [&](const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i)
      if (county.answers(prefix + std::to_string(i)) == 0) return false;
    return true;
  };
  if (!a.process->run_until(county.io, [&] { return all_answered("C0TWO", kCommands); }))
    FAIL("not every command was answered");
  for (int i = 0; i < kCommands; ++i) CHECK(county.answers("C0TWO" + std::to_string(i)) == 1);
  // Delivered once and recorded once: every row sent, none left to either worker. A worker records
  // an answer sent after Slack's reply to the post, so the last record may follow the last post.
  const std::vector<std::vector<std::string>> all_sent{{std::to_string(kCommands)}};
  const auto sent = [&] { return county.rows("SELECT count(*) FROM outbox WHERE state = 'sent'"); };
  if (!a.process->run_until(county.io, [&] { return sent() == all_sent; }))
    FAIL("not every answer was recorded sent: " << sent()[0][0] << " of " << kCommands);
  CHECK(sent() == all_sent);
  CHECK(county.server.calls("chat.postEphemeral").size() == static_cast<std::size_t>(kCommands));

  // Worker a's next answer is posted but never acknowledged by Slack: a is stuck in the send,
  // renewing its lease, when it is killed with SIGKILL.
  county.server.hang_next("chat.postEphemeral");
  CHECK(county.send(a, signed_command("C0KILL0", "help", ++n)).status == 200);
  if (!a.process->run_until(county.io,
                            [&] { return !county.rows("SELECT 1 FROM outbox WHERE state = 'in_flight'").empty(); }))
    FAIL("worker a never sent the answer that hangs");
  const auto owner = county.rows("SELECT lease_owner FROM outbox WHERE state = 'in_flight'");
  REQUIRE(owner.size() == 1);
  // Whichever worker claimed it is the one killed (host:pid:random).
  const bool a_holds = owner[0][0].find(":" + std::to_string(a.process->pid()) + ":") != std::string::npos;
  Worker& doomed = a_holds ? a : b;
  Worker& survivor = a_holds ? b : a;
  // More commands, all acknowledged before the kill: to both workers in channels of their own,
  // and three to the doomed worker in the hung channel, where they wait in its lane behind the
  // hung answer (claimed, never attempted).
  constexpr int kMore = 10;
  for (int i = 1; i <= kMore; ++i)
    CHECK(county.send(i % 2 ? doomed : survivor, signed_command("C0KILL" + std::to_string(i), "help", ++n)).status ==
          200);
  for (int i = 0; i < 3; ++i) CHECK(county.send(doomed, signed_command("C0KILL0", "help", ++n)).status == 200);
  doomed.process->kill_now();

  // After the lease (2 s) the survivor takes everything: what the dead worker had only claimed is
  // sent; what it was sending cannot be checked for an ephemeral answer, so it is not sent again
  // ('uncertain') and the reader is told that a message may be missing.
  const auto settled = [&] {
    return all_answered("C0KILL", kMore + 1) && county.answers("C0KILL0") == 4 &&
           !county.server.find("C0KILL0", kMayBeMissing).empty() &&
           county.rows("SELECT 1 FROM outbox WHERE state IN ('pending', 'in_flight')").empty();
  };
  if (!survivor.process->run_until(county.io, settled)) FAIL("the survivor did not take over the killed worker's rows");
  // Every acknowledged command answered, none twice (the hung one was carried out by Slack).
  for (int i = 1; i <= kMore; ++i) CHECK(county.answers("C0KILL" + std::to_string(i)) == 1);
  CHECK(county.answers("C0KILL0") == 4);
  // Nothing failed; each row whose arrival cannot be known is 'uncertain' and its reader was told.
  const auto uncertain = county.rows("SELECT count(*) FROM outbox WHERE state = 'uncertain'");
  CHECK(uncertain[0][0] != "0");
  CHECK(county.rows("SELECT count(*) FROM outbox WHERE state NOT IN ('sent', 'uncertain')") ==
        std::vector<std::vector<std::string>>{{"0"}});
  std::size_t notes = 0;
  for (int i = 0; i <= kMore; ++i) notes += county.server.find("C0KILL" + std::to_string(i), kMayBeMissing).size();
  CHECK(std::to_string(notes) == uncertain[0][0]);

  CHECK(survivor.process->stop() == 0);
}

TEST_CASE("two workers answer commands in one channel in the order they were acknowledged, at Slack's pace",
          "[postgres][net][slack][cli][workers]") {
  County county;
  Worker& a = county.start();
  Worker& b = county.start();

  // Ten commands in one channel, sent alternately to both workers, each acknowledged before the
  // next is sent; each answer names its command ("I don't know "step03"…").
  constexpr int kCommands = 10;
  const std::string channel = "C0ORDER";
  const auto step = [](int i) { return std::string("step") + (i < 10 ? "0" : "") + std::to_string(i); };
  for (int i = 0; i < kCommands; ++i)
    REQUIRE(county.send(i % 2 ? b : a, signed_command(channel, step(i), 100 + i)).status == 200);
  if (!a.process->run_until(county.io, [&] { return county.answers(channel) == kCommands; }))
    FAIL("not every command was answered: " << county.answers(channel) << " of " << kCommands);

  // In the order the commands were acknowledged.
  const auto posted = county.server.messages(channel);
  REQUIRE(posted.size() == static_cast<std::size_t>(kCommands));
  for (int i = 0; i < kCommands; ++i) {
    INFO("answer " << i);
    CHECK(test_support::message_text(posted[i]).find("\"" + step(i) + "\"") != std::string::npos);
  }
  // At the pace one worker keeps for a channel, whichever worker took the command: Slack's about
  // one post a second per channel, after a burst of 5 (adapters/slack WebApiOptions), so any n
  // consecutive posts span at least n - 5 seconds (less 100 ms for the way to the fake Slack).
  // Two workers pacing the channel each on its own would post all ten within a second.
  constexpr int kBurst = 5;
  for (int i = 0; i < kCommands; ++i)
    for (int j = i + kBurst; j < kCommands; ++j) {
      INFO("answers " << i << " to " << j);
      CHECK(posted[j].at - posted[i].at >= std::chrono::seconds(j - i + 1 - kBurst) - std::chrono::milliseconds(100));
    }
  CHECK(county.server.failed_requests() == 0);
  CHECK(county.every_row_recorded_sent(a));
  CHECK(a.process->stop() == 0);
  CHECK(b.process->stop() == 0);
}

TEST_CASE("two workers answer every acknowledged command of several channels, each channel in order",
          "[postgres][net][slack][cli][workers]") {
  County county;
  Worker& a = county.start();
  Worker& b = county.start();

  // Three channels' commands interleaved, each sent to the worker the previous one did not go to,
  // each acknowledged before the next: every worker writes rows in every channel, and each
  // channel's rows are claimed and handed over between the workers while others are being sent.
  // Eight a channel: past Slack's burst of 5 the pacing holds a channel's rows back, which is when
  // a second worker, pacing on its own, would post a later one first.
  const std::vector<std::string> channels{"C0MANY1", "C0MANY2", "C0MANY3"};
  constexpr int kPerChannel = 8;
  const auto word = [](std::size_t c, int i) { return "k" + std::to_string(c) + "step0" + std::to_string(i); };
  int n = 0;
  for (int i = 0; i < kPerChannel; ++i)
    for (std::size_t c = 0; c < channels.size(); ++c, ++n)
      REQUIRE(county.send(n % 2 ? b : a, signed_command(channels[c], word(c, i), 200 + n)).status == 200);
  const auto all_answered = [&] {
    for (const auto& channel : channels)
      if (county.answers(channel) < static_cast<std::size_t>(kPerChannel)) return false;
    return true;
  };
  if (!a.process->run_until(county.io, all_answered))
    FAIL("not every acknowledged command was answered: " << county.answers(channels[0]) << ", "
                                                         << county.answers(channels[1]) << ", "
                                                         << county.answers(channels[2]) << " of " << kPerChannel);

  for (std::size_t c = 0; c < channels.size(); ++c) {
    const auto posted = county.server.messages(channels[c]);
    REQUIRE(posted.size() == static_cast<std::size_t>(kPerChannel));  // once each
    for (int i = 0; i < kPerChannel; ++i) {
      INFO(channels[c] << " answer " << i);
      CHECK(test_support::message_text(posted[i]).find("\"" + word(c, i) + "\"") != std::string::npos);
    }
  }
  CHECK(county.every_row_recorded_sent(a));
  CHECK(a.process->stop() == 0);
  CHECK(b.process->stop() == 0);
}
