// How long the bot core takes to handle a command, commit it with its outbox rows, and return
// (the moment an adapter may acknowledge the platform): p50/p99 over a real SQLite file in WAL mode,
// or, with --postgres, over a throwaway PostgreSQL server on 127.0.0.1 (tests/support/postgres_server:
// each statement is a round trip, which the bot's thread waits for).
//
//   build/bench/command_latency_bench [N] [--postgres]   (default N = 2000 requests filed and endorsed)
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "app/adapter_registry.hpp"
#include "bot/core/bot.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/postgres_server.hpp"
#include "workflows/router.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Series {
  const char* name;
  std::vector<double> micros;
  void report() {
    std::sort(micros.begin(), micros.end());
    auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))]; };
    std::printf("%-28s n=%-6zu p50=%8.1f us  p99=%8.1f us  max=%8.1f us\n", name, micros.size(), at(0.50), at(0.99),
                micros.back());
  }
};

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  const bool postgres = argc > 2 && std::string(argv[2]) == "--postgres";
  // The sample district over a SQLite file of its own (removed at the end), wired as `hallpass run`,
  // or over a fresh database on the throwaway server.
  test_support::ProcessOptions options;
  if (postgres) options.postgres = test_support::PostgresServer::shared().fresh_database();
  test_support::Process process(options);
  bot::Store* store = &process.store();
  bot::Bot& bot = process.bot();
  const std::string path = process.db();

  int event = 0;
  auto handle = [&](Series& s, bot::Inbound ev) {
    ev.platform = "console";
    ev.event_id = "bench-" + std::to_string(++event);
    if (ev.place.channel.empty()) ev.place = {.channel = "dm:" + ev.actor, .direct = true};
    auto t0 = Clock::now();
    bot.handle(ev);
    s.micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  };
  Series start{"/socialmedia request"}, platforms{"platforms form"}, objectives{"objectives form"},
      confirm{"submit (file + route)"}, endorse{"endorse (principal)"}, status{"/socialmedia status"},
      queue{"/socialmedia queue"}, ask{"/socialmedia ask"};
  const char* teachers[] = {"t.garcia", "s.patel"};
  for (int i = 0; i < n; ++i) {
    std::string who = teachers[i % 2];
    handle(start, {.actor = who, .kind = bot::InboundKind::command, .text = "request"});
    handle(platforms,
           {.actor = who,
            .kind = bot::InboundKind::form_submission,
            .form_id = "request.platforms",
            .values = {{"platforms", "instagram,youtube"}, {"audience", "parents"}, {"students_interact", "no"}}});
    handle(objectives, {.actor = who,
                        .kind = bot::InboundKind::form_submission,
                        .form_id = "request.objectives",
                        .values = {{"objectives.instagram", "Class news"}, {"objectives.youtube", "Concert videos"}}});
    handle(confirm, {.actor = who, .kind = bot::InboundKind::action, .action_id = "confirm"});
    std::string id = store->requests_of(who).back().id;
    handle(endorse,
           {.actor = "r.alvarez", .kind = bot::InboundKind::action, .action_id = "endorse", .action_value = id});
    if (i % 10 == 0) {
      handle(status, {.actor = who, .kind = bot::InboundKind::command, .text = "status"});
      handle(queue, {.actor = "m.okafor", .kind = bot::InboundKind::command, .text = "queue"});
      handle(ask, {.actor = who, .kind = bot::InboundKind::command, .text = "ask can I friend a parent on facebook?"});
    }
  }
  if (postgres)
    std::printf("command handling, PostgreSQL on 127.0.0.1:%d, %d requests:\n",
                test_support::PostgresServer::shared().port(), n);
  else
    std::printf("command handling, SQLite file in WAL mode (%s), %d requests:\n", path.c_str(), n);
  for (Series* s : {&start, &platforms, &objectives, &confirm, &endorse, &status, &queue, &ask}) s->report();
  return 0;
}
