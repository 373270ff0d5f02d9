// The store: migrations, transactions, the outbox, message references, timers, the audit chain.
// STORE_TEST_CASE runs a test on SQLite and again on PostgreSQL (tests/support/store_backends.hpp).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "bot/store/store.hpp"
#include "tests/support/store_backends.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

bot::AuditEntry entry(const std::string& action) {
  return {.at = bot::TimePoint{std::chrono::seconds{1'800'000'000}},
          .actor = "m.okafor",
          .action = action,
          .subject = "R-1001",
          .details = "{}",
          .source = "console:e1"};
}

}  // namespace

TEST_CASE("an empty file is migrated to the current schema, and reopening keeps it", "[unit][store]") {
  test_support::TempDir dir("store-migrate");  // also takes the -wal and -shm a reader leaves
  std::string path = dir.file("hallpass.db");
  {
    auto store = bot::open_sqlite_store(path);
    CHECK(bot::schema_version(*store) >= 1);
    CHECK(store->next_request_id() == "R-1001");
  }
  auto again = bot::open_sqlite_store(path);
  CHECK(again->next_request_id() == "R-1002");
  SQLite::Database db(path);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

STORE_TEST_CASE("an empty database is migrated, and reopening keeps its schema and counters", "[unit][store]") {
  {
    auto store = backend.open();
    CHECK(bot::schema_version(*store) >= 1);
    CHECK(store->next_request_id() == "R-1001");
    CHECK(store->next_incident_id() == "I-2001");
    CHECK(store->next_account_id() == "A-1001");
  }
  auto again = backend.open();
  CHECK(again->next_request_id() == "R-1002");
  const int version = bot::schema_version(*again);
  again.reset();
  CHECK(bot::schema_version(*backend.open()) == version);
  // A reading command opens it too, and writes nothing.
  auto reader = backend.open({.mode = bot::OpenMode::read_only});
  CHECK(reader->request("R-1001") == std::nullopt);
  CHECK_THROWS(reader->next_request_id());
}

TEST_CASE("a database from a newer Hallpass is refused rather than damaged", "[unit][store]") {
  test_support::TempDir dir("store-newer");
  std::string path = dir.file("hallpass.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH(bot::open_sqlite_store(path), Catch::Contains("newer Hallpass"));
}

STORE_TEST_CASE("a transaction that is not committed leaves nothing behind", "[unit][store]") {
  auto store = backend.open();
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

STORE_TEST_CASE("events are recorded once", "[unit][store]") {
  auto store = backend.open();
  CHECK(store->record_event("slack", "Ev1", bot::TimePoint{}));
  CHECK(!store->record_event("slack", "Ev1", bot::TimePoint{}));
  CHECK(store->record_event("teams", "Ev1", bot::TimePoint{}));
}

STORE_TEST_CASE("the outbox keeps order, retries, and recovers after a crash", "[unit][store]") {
  auto store = backend.open();
  bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};
  for (const char* text : {"one", "two"})
    store->enqueue({.to = bot::Recipient::place("superintendent"),
                    .message = bot::Message{}.paragraph(text),
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

STORE_TEST_CASE("message references map thread roots back to their requests", "[unit][store]") {
  auto store = backend.open();
  store->put_message_ref("slack", "C1", "R-1001", "1700000000.000100");
  store->put_message_ref("slack", "C1", "R-1001/site", "1700000000.000100");
  CHECK(store->thread_key_of("slack", "C1", "1700000000.000100") == "R-1001");
  CHECK(store->message_ref("slack", "C1", "R-1001/site") == "1700000000.000100");
  CHECK(!store->thread_key_of("slack", "C2", "1700000000.000100"));
}

STORE_TEST_CASE("timers fire once and the same timer is kept once", "[unit][store]") {
  auto store = backend.open();
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

STORE_TEST_CASE("the audit log detects an altered row and removed rows", "[unit][store][audit]") {
  {
    auto store = backend.open();
    for (const char* a : {"filed", "endorsed", "decided:authorize", "overdue"}) store->append_audit(entry(a));
    auto ok = store->verify_audit();
    CHECK(ok.ok);
    CHECK(ok.rows == 4);
  }
  // The database refuses edits and deletions outright…
  CHECK_THROWS(backend.execute("UPDATE audit SET actor = 'someone' WHERE seq = 2"));
  CHECK_THROWS(backend.execute("DELETE FROM audit WHERE seq = 4"));
  // …so a tamperer drops the guard first.
  backend.execute(backend.drop_audit_guard("update"));
  backend.execute("UPDATE audit SET actor = 'someone' WHERE seq = 2");
  {
    auto store = backend.open();
    auto bad = store->verify_audit();
    CHECK(!bad.ok);
    CHECK(bad.first_bad_seq == 2);
  }
  backend.execute("UPDATE audit SET actor = 'm.okafor' WHERE seq = 2");
  backend.execute(backend.drop_audit_guard("delete"));
  backend.execute("DELETE FROM audit WHERE seq = 4");
  {
    auto store = backend.open();
    auto bad = store->verify_audit();
    CHECK(!bad.ok);
    CHECK(bad.first_bad_seq == 4);
    CHECK(bad.problem.find("removed") != std::string::npos);
  }
}

namespace {

unsigned mode_of(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::string contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The process's umask for one scope: tests show what the store does under a permissive one.
class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

const bot::StoreOptions kReadOnly{.mode = bot::OpenMode::read_only};

}  // namespace

TEST_CASE("a command that only reads refuses a missing database and creates nothing", "[unit][store][open]") {
  test_support::TempDir dir("open-missing");
  const std::string db = dir.file("typo.db");
  CHECK_THROWS_WITH(bot::open_sqlite_store(db, kReadOnly), Catch::StartsWith("no database at " + db));
  CHECK(!std::filesystem::exists(db));
}

TEST_CASE("a database in a folder that does not exist is explained, not aborted on", "[unit][store][open]") {
  test_support::TempDir dir("open-no-folder");
  const std::string db = dir.file("missing/dir/x.db");
  CHECK_THROWS_WITH(bot::open_sqlite_store(db),
                    Catch::Contains("the folder " + dir.file("missing/dir") + " does not exist"));
  CHECK(!std::filesystem::exists(dir.file("missing")));
  CHECK_THROWS_WITH(bot::open_sqlite_store(dir.path().string()), Catch::Contains("is a folder, not a database file"));
}

TEST_CASE("a file that is not a Hallpass database is explained and left as it was", "[unit][store][open]") {
  test_support::TempDir dir("open-foreign");
  const std::string text = dir.file("notes.db");
  const std::string words = "district notes, not a database. " + std::string(200, 'x');
  std::ofstream(text) << words;
  for (const auto& options : {kReadOnly, bot::StoreOptions{}}) {
    CHECK_THROWS_AS(bot::open_sqlite_store(text, options), bot::StoreOpenError);
    CHECK_THROWS_WITH(bot::open_sqlite_store(text, options),
                      Catch::Contains("is not a Hallpass database (it is not an SQLite file at all)"));
  }
  CHECK(contents(text) == words);

  const std::string other = dir.file("other.db");
  {
    SQLite::Database d(other, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    d.exec("CREATE TABLE inventory (item TEXT)");
  }
  for (const auto& options : {kReadOnly, bot::StoreOptions{}})
    CHECK_THROWS_WITH(bot::open_sqlite_store(other, options), Catch::Contains("not a Hallpass one"));
  SQLite::Database d(other);
  CHECK(d.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 1);  // nothing of Hallpass's added

  const std::string empty = dir.file("empty.db");
  std::ofstream{empty};
  CHECK_THROWS_WITH(bot::open_sqlite_store(empty, kReadOnly), Catch::Contains("is empty"));
  CHECK(contents(empty).empty());
}

TEST_CASE("a reading command opens read-only: no migration, no write", "[unit][store][open]") {
  test_support::TempDir dir("open-read-only");
  const std::string db = dir.file("hallpass.db");
  bot::open_sqlite_store(db)->append_audit({.actor = "m.okafor", .action = "filed", .subject = "R-1001"});
  {
    // As if written by an older Hallpass: a migration would move the number up.
    SQLite::Database d(db, SQLite::OPEN_READWRITE);
    d.exec("PRAGMA user_version = 1");
  }
  auto store = bot::open_sqlite_store(db, kReadOnly);
  CHECK(store->verify_audit().rows == 1);
  CHECK_THROWS(store->enqueue({.to = bot::Recipient::person("t.garcia"), .message = bot::Message{}.paragraph("x")},
                              bot::TimePoint{}));
  CHECK(bot::schema_version(*store) == 1);
}

// The tables of migration 9 (the district key), which a database made before it lacks.
static const char* const kDistrictTables[] = {"events",
                                              "counters",
                                              "requests",
                                              "drafts",
                                              "audit",
                                              "outbox",
                                              "message_refs",
                                              "timers",
                                              "checkpoints",
                                              "workflow_values",
                                              "incidents",
                                              "incident_investigators",
                                              "incident_drafts",
                                              "kept_messages",
                                              "classroom_checklists",
                                              "policy_acknowledgements",
                                              "legal_holds",
                                              "official_accounts",
                                              "authorization_terms"};

// A database as the previous Hallpass left it at schema 8: no district column, no index with it.
static void back_to_schema_8(SQLite::Database& d) {
  // Schema 10's conversation key and its indexes (which name the district column) go first.
  d.exec("DROP INDEX IF EXISTS outbox_pending_by_id");
  d.exec("DROP INDEX IF EXISTS outbox_leases_by_conversation");
  d.exec("DROP INDEX IF EXISTS outbox_waiting_by_conversation");
  d.exec("ALTER TABLE outbox DROP COLUMN conversation");
  for (const char* table : kDistrictTables) {
    d.exec(std::string("DROP INDEX IF EXISTS ") + table + "_key");
    d.exec(std::string("ALTER TABLE ") + table + " DROP COLUMN district");
  }
  d.exec("PRAGMA user_version = 8");
}

// A database of schema 3 kept the workflows' values among the adapters' checkpoints.
static void make_schema_3(const std::string& db) {
  bot::open_sqlite_store(db);
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  back_to_schema_8(d);
  d.exec("DROP TABLE workflow_values; PRAGMA user_version = 3");
  d.exec(
      "INSERT INTO checkpoints VALUES ('digest.last_night', '2026-11-30'), ('escalated.R-1001', '5'), "
      "('warned.R-1002', '2026-12-01'), ('matrix.next_batch', 's72_4'), ('teams.ref.user.29:x', '{}')");
}

TEST_CASE("an upgraded database keeps the workflows' values apart from the adapters' state", "[unit][store][open]") {
  test_support::TempDir dir("workflow-values");
  const std::string db = dir.file("hallpass.db");
  make_schema_3(db);
  auto store = bot::open_sqlite_store(db);
  CHECK(bot::schema_version(*store) >= 4);
  CHECK(store->workflow_value("digest.last_night") == "2026-11-30");
  CHECK(store->workflow_value("escalated.R-1001") == "5");
  CHECK(store->workflow_value("warned.R-1002") == "2026-12-01");
  CHECK(store->adapter_state("matrix.next_batch") == "s72_4");
  CHECK(store->adapter_state("teams.ref.user.29:x") == "{}");
  // Each side sees only its own keys.
  CHECK(!store->adapter_state("digest.last_night"));
  CHECK(!store->workflow_value("matrix.next_batch"));
  store->set_workflow_value("matrix.next_batch", "a workflow's own");
  CHECK(store->adapter_state("matrix.next_batch") == "s72_4");
}

TEST_CASE("a reading command reads the workflows' values of a database it may not upgrade", "[unit][store][open]") {
  test_support::TempDir dir("workflow-values-read-only");
  const std::string db = dir.file("hallpass.db");
  make_schema_3(db);
  auto store = bot::open_sqlite_store(db, kReadOnly);
  CHECK(bot::schema_version(*store) == 3);
  CHECK(store->workflow_value("digest.last_night") == "2026-11-30");
  CHECK(store->workflow_value("escalated.R-1001") == "5");
}

TEST_CASE("the database and its -wal and -shm are created owner-only (0600)", "[unit][store][open]") {
  test_support::TempDir dir("open-modes");
  const std::string db = dir.file("hallpass.db");
  Umask permissive(022);
  auto store = bot::open_sqlite_store(db);
  store->append_audit({.actor = "m.okafor", .action = "filed", .subject = "R-1001"});
  // While the store is open, the -wal and -shm exist.
  CHECK(mode_of(db) == 0600);
  CHECK(mode_of(db + "-wal") == 0600);
  CHECK(mode_of(db + "-shm") == 0600);
}

TEST_CASE("an existing database others can read is made 0600 when the bot opens it", "[unit][store][open]") {
  test_support::TempDir dir("open-chmod");
  const std::string db = dir.file("hallpass.db");
  Umask permissive(022);
  {
    auto store = bot::open_sqlite_store(db);
    store->append_audit({.actor = "m.okafor", .action = "filed", .subject = "R-1001"});
  }
  std::filesystem::permissions(db, std::filesystem::perms(0644));
  {
    auto reader = bot::open_sqlite_store(db, kReadOnly);  // a reading command changes nothing
    CHECK(mode_of(db) == 0644);
  }
  auto store = bot::open_sqlite_store(db);
  CHECK(mode_of(db) == 0600);
  store->append_audit({.actor = "m.okafor", .action = "endorsed", .subject = "R-1001"});
  CHECK(mode_of(db + "-wal") == 0600);
  CHECK(mode_of(db + "-shm") == 0600);
}

TEST_CASE("a database made at schema 8, before the district key, opens and keeps its rows", "[unit][store][open]") {
  test_support::TempDir dir("schema-8");
  const std::string db = dir.file("hallpass.db");
  {
    auto store = bot::open_sqlite_store(db);
    bot::Request r{.id = store->next_request_id(), .requester = "t.garcia", .site = "lincoln-ms"};
    r.due_date = "2026-12-01";
    store->save_request(r);
    store->set_adapter_state("matrix.next_batch", "s72_4");
    store->append_audit({.actor = "m.okafor", .action = "filed", .subject = "R-1001"});
  }
  {
    SQLite::Database d(db, SQLite::OPEN_READWRITE);
    back_to_schema_8(d);
  }
  // A reading command reads it as it is, without the column.
  CHECK(bot::open_sqlite_store(db, kReadOnly)->request("R-1001"));
  auto store = bot::open_sqlite_store(db);
  CHECK(bot::schema_version(*store) == 10);
  CHECK(store->request("R-1001")->requester == "t.garcia");
  CHECK(store->adapter_state("matrix.next_batch") == "s72_4");
  CHECK(store->next_request_id() == "R-1002");
  store->append_audit({.actor = "m.okafor", .action = "decided", .subject = "R-1001"});
  const auto check = store->verify_audit();
  CHECK(check.ok);
  CHECK(check.rows == 2);
}

TEST_CASE("what the bot writes reaches the database file itself, copied back from the log off its thread",
          "[unit][store]") {
  // The bot's commits no longer copy SQLite's log back (bot/store/sqlite_checkpointer.hpp): if the
  // thread that does it stopped, the log would grow without end and the file stay as created.
  test_support::TempDir dir("store-checkpoint");
  const std::string path = dir.file("hallpass.db");
  auto store = bot::open_sqlite_store(path);
  const auto created = std::filesystem::file_size(path);
  const std::string page_of_text(4000, 'x');
  for (int i = 0; i < 1500; ++i)  // about 1,500 pages of log: past the 1,000 that start a copy
    store->enqueue({.to = bot::Recipient::person("t.garcia"), .message = bot::Message{}.paragraph(page_of_text)},
                   bot::TimePoint{});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(path) < created + 4'000'000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(std::filesystem::file_size(path) >= created + 4'000'000);
  CHECK(store->outbox_entries().size() == 1500);
}
