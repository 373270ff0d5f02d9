// `hallpass console` over a database that the bot serves the district from: the real binary and
// a real SQLite file. The console takes only what its own run writes for the person at the
// keyboard; everything else stays pending, untouched, for the platform it belongs to.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using test_support::BotHarness;

bot::Outbound direct_message(const std::string& person, const std::string& text) {
  bot::Outbound o;
  o.to = bot::Recipient::person(person);
  o.message.paragraph(text);
  o.message.fallback = text;
  return o;
}

// Outbox rows by id.
std::map<std::int64_t, bot::OutboxEntry> outbox_rows(const std::string& db) {
  auto store = bot::open_sqlite_store(db);
  std::map<std::int64_t, bot::OutboxEntry> out;
  for (auto& e : store->outbox_entries()) out[e.id] = e;
  return out;
}

bool has_text(const std::map<std::int64_t, bot::OutboxEntry>& rows, const std::string& text) {
  for (const auto& [id, e] : rows)
    if (e.outbound.message.plain_text() == text) return true;
  return false;
}

bool untouched(const bot::OutboxEntry& e) {
  return e.state == bot::OutboxState::pending && e.attempts == 0 && e.platform.empty() && e.ref.empty();
}

}  // namespace

TEST_CASE("console: takes only its own run's messages for its own person; the rest stays pending", "[unit][console]") {
  test_support::TempDir dir("console-scope");
  const std::string db = dir.file("hallpass.db");
  {
    // The live bot's database: a request filed (its card waits for the approvals channel), a
    // message for somebody else, and one for Rosa Alvarez from before her console run.
    BotHarness live(db, test_support::la_time(2026, 11, 24, 10));
    REQUIRE(live.file_request("t.garcia") == "R-1001");
    live.store().enqueue(direct_message("s.patel", "For Sam: your request was returned."), live.clock().now());
    live.store().enqueue(direct_message("r.alvarez", "For Rosa, before the console: R-1001 waits for you."),
                         live.clock().now());
  }
  const auto before = outbox_rows(db);
  REQUIRE(has_text(before, "For Sam: your request was returned."));
  REQUIRE(has_text(before, "For Rosa, before the console: R-1001 waits for you."));

  const std::string input = dir.file("input.txt");
  test_support::run_command(
      "printf '/socialmedia status\\n@in #lincoln-approvals/R-1001\\n/socialmedia endorse\\n' > " + input);
  auto run = test_support::run_command(std::string(HALLPASS_BINARY) + " console --db " + db +
                                       " --as r.alvarez --now 2026-11-25T09:00:00-08:00 < " + input + " 2>&1");
  CHECK(run.exit_code == 0);

  // Nothing meant for anybody else, nor from before, was printed...
  CHECK(run.output.find("For Sam") == std::string::npos);
  CHECK(run.output.find("For Rosa, before the console") == std::string::npos);
  CHECK(run.output.find("== Social media request R-1001 ==") == std::string::npos);
  CHECK(run.output.find("→ [dm:t.garcia") == std::string::npos);
  // ...and every row that was waiting still waits, as it was.
  const auto after = outbox_rows(db);
  for (const auto& [id, e] : before) {
    INFO(e.outbound.message.plain_text());
    REQUIRE(after.count(id) == 1);
    CHECK(after.at(id).state == e.state);
    if (e.state == bot::OutboxState::pending) CHECK(untouched(after.at(id)));
  }

  // Her own answers of this run were shown to her and marked sent; the thread named by @in was
  // the request's, so the endorsement went through, and what it wrote for others waits.
  CHECK(run.output.find("→ [dm] ") != std::string::npos);
  std::size_t sent_now = 0, waiting_now = 0;
  for (const auto& [id, e] : after) {
    if (before.count(id) != 0) continue;
    if (e.state == bot::OutboxState::sent) ++sent_now;
    if (untouched(e)) ++waiting_now;
    if (e.outbound.to.kind != bot::Recipient::Kind::reply && e.outbound.to.person_id != "r.alvarez")
      CHECK(untouched(e));
  }
  CHECK(sent_now >= 1);
  CHECK(waiting_now >= 3);  // the card's update, the superintendent's card, the teacher's note
  auto store = bot::open_sqlite_store(db);
  CHECK(store->request("R-1001")->state == bot::RequestState::pending_decision);
  // ...and she is told how many wait, in her language (Rosa reads Spanish).
  const auto& district = test_support::sample_district();
  const std::string told = district.prompts.text(district.config.person("r.alvarez")->language,
                                                 "console.left_for_others", {{"n", std::to_string(waiting_now)}});
  CHECK_THAT(told, Catch::StartsWith("Mensajes de esta sesión"));
  CHECK(run.output.find("(" + told + ")") != std::string::npos);
}
