// The SQLite store: migrations, transactions, the outbox, message references, timers, the audit chain.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>

#include "bot/store.hpp"

namespace {

std::string temp_db(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("hallpass-test-" + name + "-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  return path.string();
}

bot::AuditEntry entry(const std::string& action) {
  return {.at = bot::TimePoint{std::chrono::seconds{1'800'000'000}}, .actor = "m.okafor", .action = action,
          .subject = "R-1001", .details = "{}", .source = "console:e1"};
}

}  // namespace

TEST_CASE("an empty file is migrated to the current schema, and reopening keeps it", "[unit][store]") {
  std::string path = temp_db("migrate");
  {
    auto store = bot::open_sqlite_store(path);
    CHECK(bot::schema_version(*store) >= 1);
    CHECK(store->next_request_id() == "R-1001");
  }
  auto again = bot::open_sqlite_store(path);
  CHECK(again->next_request_id() == "R-1002");
  SQLite::Database db(path);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  std::filesystem::remove(path);
}

TEST_CASE("a database from a newer Hallpass is refused rather than damaged", "[unit][store]") {
  std::string path = temp_db("newer");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH(bot::open_sqlite_store(path), Catch::Contains("newer Hallpass"));
  std::filesystem::remove(path);
}

TEST_CASE("a transaction that is not committed leaves nothing behind", "[unit][store]") {
  auto store = bot::open_sqlite_store(":memory:");
  {
    auto tx = store->begin();
    bot::Request r{.id = store->next_request_id(), .requester = "t.garcia", .due_date = "2026-12-01"};
    store->save_request(r);
    store->enqueue({.to = bot::Recipient::person("t.garcia"), .message = bot::Message{}.paragraph("hello")},
                   bot::TimePoint{});
    store->append_audit(entry("filed"));
    // no commit: as if the process died here
  }
  CHECK(!store->request("R-1001"));
  CHECK(store->outbox_entries().empty());
  CHECK(store->verify_audit().rows == 0);
}

TEST_CASE("events are recorded once", "[unit][store]") {
  auto store = bot::open_sqlite_store(":memory:");
  CHECK(store->record_event("slack", "Ev1", bot::TimePoint{}));
  CHECK(!store->record_event("slack", "Ev1", bot::TimePoint{}));
  CHECK(store->record_event("teams", "Ev1", bot::TimePoint{}));
}

TEST_CASE("the outbox keeps order, retries, and recovers after a crash", "[unit][store]") {
  auto store = bot::open_sqlite_store(":memory:");
  bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};
  for (const char* text : {"one", "two"})
    store->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph(text),
                    .thread_key = "R-1001"},
                   t0);
  auto due = store->due_outbox(t0, 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].outbound.message.blocks[0].text == "one");
  CHECK(due[0].outbound.thread_key == "R-1001");
  CHECK(due[0].idempotency_key.size() == 32);
  CHECK(due[0].idempotency_key != due[1].idempotency_key);

  store->mark_in_flight(due[0].id, "slack", "C1");
  store->mark_retry(due[1].id, t0 + std::chrono::seconds(30), "rate limited");
  CHECK(store->due_outbox(t0, 10).empty());
  CHECK(store->next_outbox_attempt() == t0 + std::chrono::seconds(30));

  // The process died while "one" was being sent to Slack, whose sends are not idempotent.
  CHECK(store->recover_in_flight("slack", false) == 1);
  auto all = store->outbox_entries();
  CHECK(all[0].state == bot::OutboxState::uncertain);
  CHECK(all[0].attempts == 1);
}

TEST_CASE("message references map thread roots back to their requests", "[unit][store]") {
  auto store = bot::open_sqlite_store(":memory:");
  store->put_message_ref("slack", "C1", "R-1001", "1700000000.000100");
  store->put_message_ref("slack", "C1", "R-1001/site", "1700000000.000100");
  CHECK(store->thread_key_of("slack", "C1", "1700000000.000100") == "R-1001");
  CHECK(store->message_ref("slack", "C1", "R-1001/site") == "1700000000.000100");
  CHECK(!store->thread_key_of("slack", "C2", "1700000000.000100"));
}

TEST_CASE("timers fire once and the same timer is kept once", "[unit][store]") {
  auto store = bot::open_sqlite_store(":memory:");
  bot::TimePoint t{std::chrono::seconds{1'800'000'000}};
  store->schedule({"overdue", "R-1001", t});
  store->schedule({"overdue", "R-1001", t});
  auto due = store->due_timers(t);
  REQUIRE(due.size() == 1);
  store->mark_timer_fired(due[0].id, t);
  CHECK(store->due_timers(t + std::chrono::hours(1)).empty());
  store->schedule({"overdue", "R-1002", t});
  store->cancel_timers("overdue", "R-1002");
  CHECK(store->due_timers(t).empty());
}

TEST_CASE("the audit log detects an altered row and removed rows", "[unit][store][audit]") {
  std::string path = temp_db("audit");
  {
    auto store = bot::open_sqlite_store(path);
    for (const char* a : {"filed", "endorsed", "decided:authorize", "overdue"}) store->append_audit(entry(a));
    auto ok = store->verify_audit();
    CHECK(ok.ok);
    CHECK(ok.rows == 4);
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    // The database refuses edits outright…
    CHECK_THROWS(db.exec("UPDATE audit SET actor = 'someone' WHERE seq = 2"));
    // …so a tamperer drops the guard first.
    db.exec("DROP TRIGGER audit_no_update");
    db.exec("UPDATE audit SET actor = 'someone' WHERE seq = 2");
  }
  {
    auto store = bot::open_sqlite_store(path);
    auto bad = store->verify_audit();
    CHECK(!bad.ok);
    CHECK(bad.first_bad_seq == 2);
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE audit SET actor = 'm.okafor' WHERE seq = 2");
    db.exec("DROP TRIGGER audit_no_delete");
    db.exec("DELETE FROM audit WHERE seq = 4");
  }
  {
    auto store = bot::open_sqlite_store(path);
    auto bad = store->verify_audit();
    CHECK(!bad.ok);
    CHECK(bad.first_bad_seq == 4);
    CHECK(bad.problem.find("removed") != std::string::npos);
  }
  std::filesystem::remove(path);
}
