// `hallpass outbox` shows the IT staff what was not delivered, and why, from the real binary.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <utility>
#include <vector>

#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

void enqueue_to(bot::Store& store, const std::string& person, const std::string& text, bot::TimePoint now) {
  bot::Outbound o;
  o.to = bot::Recipient::person(person);
  o.message.fallback = text;
  store.enqueue(o, now);
}

}  // namespace

TEST_CASE("hallpass outbox lists failed and uncertain messages with their reasons", "[cli][outbox]") {
  // A folder of its own: reading the database leaves its -wal and -shm beside it.
  test_support::TempDir dir("outbox-command");
  const std::string db = dir.file("hallpass.db");
  {
    auto store = bot::open_sqlite_store(db);
    const auto now = test_support::la_time(2026, 11, 24, 10);
    enqueue_to(*store, "t.garcia", "Your request R-1001 was approved.", now);
    enqueue_to(*store, "r.alvarez", "R-1002 is waiting for your endorsement.", now);
    enqueue_to(*store, "s.patel", "Your request R-1003 was received.", now);
    auto entries = store->outbox_entries();
    auto tx = store->begin();
    store->mark_in_flight(entries[0].id, "slack", "D0GARCIA");
    store->mark_sent(entries[0].id, "1700000000.000100");
    store->mark_in_flight(entries[1].id, "slack", "D0ALVAREZ");
    store->mark_in_flight(entries[2].id, "teams", "a:1xyz");
    store->mark_failed(entries[2].id, "s.patel blocked Hallpass in Teams");
    tx->commit();
    auto tx2 = store->begin();
    store->recover_in_flight("slack", /*retry_safe=*/false);
    tx2->commit();
  }
  const std::string cmd = std::string(HALLPASS_BINARY) + " outbox --db " + db;

  auto listed = test_support::run_command(cmd + " 2>&1");
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.output, Catch::Contains("uncertain  to person r.alvarez (slack D0ALVAREZ)"));
  CHECK_THAT(listed.output, Catch::Contains("R-1002 is waiting for your endorsement."));
  CHECK_THAT(listed.output, Catch::Contains("failed  to person s.patel (teams a:1xyz)"));
  CHECK_THAT(listed.output, Catch::Contains("last error: s.patel blocked Hallpass in Teams"));
  CHECK_THAT(listed.output, !Catch::Contains("R-1001"));  // delivered: shown only with --all

  auto all = test_support::run_command(cmd + " --all 2>&1");
  CHECK_THAT(all.output, Catch::Contains("sent  to person t.garcia (slack D0GARCIA)"));

  auto missing = test_support::run_command(std::string(HALLPASS_BINARY) + " outbox --db " + db + ".missing 2>&1");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Catch::Contains("no database at"));
  CHECK_FALSE(std::filesystem::exists(db + ".missing"));
}

TEST_CASE("hallpass outbox --district shows that district's messages of a shared PostgreSQL database",
          "[cli][outbox][postgres]") {
  const std::string database = test_support::PostgresServer::shared().fresh_database();
  const auto now = test_support::la_time(2026, 11, 24, 10);
  for (const auto& [district, text] :
       std::vector<std::pair<std::string, std::string>>{{"lincoln-usd", "Lincoln's request R-1001 was received."},
                                                        {"oak-grove", "Oak Grove's R-1001 was received."}}) {
    auto store = bot::open_postgres_store(database, {.district = district});
    enqueue_to(*store, "t.garcia", text, now);
  }
  const std::string cmd = "HALLPASS_DATABASE_URL='" + database + "' " + HALLPASS_BINARY + " outbox";
  auto lincoln = test_support::run_command(cmd + " --district lincoln-usd 2>&1");
  CHECK(lincoln.exit_code == 0);
  CHECK_THAT(lincoln.output, Catch::Contains("Lincoln's request R-1001"));
  CHECK_THAT(lincoln.output, !Catch::Contains("Oak Grove"));
  // HALLPASS_DISTRICT says the same; --district wins over it.
  auto oak = test_support::run_command("HALLPASS_DISTRICT=lincoln-usd " + cmd + " --district oak-grove 2>&1");
  CHECK_THAT(oak.output, Catch::Contains("Oak Grove's R-1001"));
  CHECK_THAT(oak.output, !Catch::Contains("Lincoln"));
  auto bad = test_support::run_command(cmd + " --district 'Oak Grove' 2>&1");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.output, Catch::Contains("lowercase letters, digits and '-'"));
}
