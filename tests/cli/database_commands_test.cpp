// Every command that takes --db, from the real binary: a missing file, a missing folder, a file
// that is not a Hallpass database are explained in one line with a non-zero exit, never aborted on
// and never created by a command that only reads; the files the bot creates are owner-only; and
// `hallpass audit verify` reports tampering, with the key and the anchor file.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// `run` needs the district's file; these tests give it the sample district's.
const std::string kRunSample = "run --config " + std::string(HALLPASS_SOURCE_DIR) + "/config/sample-district.yaml";

const std::string kKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978";

test_support::CommandResult hallpass(const std::string& args, const std::string& env = {}) {
  // Standard input is empty so that the console ends at once; both streams are collected.
  return test_support::run_command(env + (env.empty() ? "" : " ") + HALLPASS_BINARY + " " + args + " </dev/null 2>&1");
}

std::string contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

unsigned mode_of(const std::string& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// One line, and it is not a crash (std::terminate would print "terminate called", exit 134).
void check_one_line(const test_support::CommandResult& r) {
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, !Catch::Contains("terminate called"));
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
}

void write_audit_rows(const std::string& db, int rows, const std::string& key = {}) {
  auto store = bot::open_sqlite_store(db, {.audit_key = key});
  for (int n = 1; n <= rows; ++n) {
    auto tx = store->begin();
    store->append_audit({.at = bot::TimePoint{std::chrono::seconds{1'800'000'000 + n}},
                         .actor = "m.okafor",
                         .action = "filed",
                         .subject = "R-100" + std::to_string(n),
                         .details = "{}",
                         .source = "console:e" + std::to_string(n)});
    tx->commit();
  }
}

void tamper(const std::string& db, const std::string& sql) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  d.exec("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;");
  d.exec(sql);
}

}  // namespace

TEST_CASE("commands that only read refuse a missing database and create none", "[cli][db]") {
  test_support::TempDir dir("cli-db-missing");
  const std::string typo = dir.file("typo.db");
  for (const std::string command : {"audit verify", "outbox", "digest --dry-run"}) {
    INFO(command);
    auto r = hallpass(command + " --db " + typo);
    check_one_line(r);
    CHECK_THAT(r.output, Catch::Contains("no database at " + typo));
    CHECK(!std::filesystem::exists(typo));
  }
}

TEST_CASE("a database in a folder that does not exist is explained by the commands that create one", "[cli][db]") {
  test_support::TempDir dir("cli-db-folder");
  const std::string db = dir.file("missing/dir/x.db");
  for (const std::string& command :
       {kRunSample + " --port 0", std::string("demo --port 0"), std::string("console --as t.garcia")}) {
    INFO(command);
    auto r = hallpass(command + " --db " + db);
    check_one_line(r);
    CHECK_THAT(r.output, Catch::Contains("the folder " + dir.file("missing/dir") + " does not exist"));
  }
  CHECK(!std::filesystem::exists(dir.file("missing")));
}

TEST_CASE("a file that is not a Hallpass database is explained by every command and left alone", "[cli][db]") {
  test_support::TempDir dir("cli-db-foreign");
  const std::string junk = dir.file("notes.db");
  const std::string words = "minutes of the board meeting. " + std::string(300, '.');
  std::ofstream(junk) << words;
  for (const std::string& command :
       {std::string("audit verify"), std::string("outbox"), std::string("digest --dry-run"),
        std::string("console --as t.garcia"), std::string("demo --port 0"), kRunSample + " --port 0"}) {
    INFO(command);
    auto r = hallpass(command + " --db " + junk);
    check_one_line(r);
    CHECK_THAT(r.output, Catch::Contains(junk + " is not a Hallpass database"));
  }
  CHECK(contents(junk) == words);
}

TEST_CASE("digest --dry-run and outbox read a database without writing to it", "[cli][db]") {
  test_support::TempDir dir("cli-db-read");
  const std::string db = dir.file("hallpass.db");
  {
    test_support::BotHarness h(db);
    h.file_request("t.garcia");
  }
  const std::string before = contents(db);
  auto digest = hallpass("digest --dry-run --at 2026-11-24T19:00 --db " + db);
  CHECK(digest.exit_code == 0);
  CHECK_THAT(digest.output, Catch::Contains("dry run, nothing is sent"));
  CHECK_THAT(digest.output, Catch::Contains("R-1001"));
  auto outbox = hallpass("outbox --all --db " + db);
  CHECK(outbox.exit_code == 0);
  CHECK(contents(db) == before);
}

TEST_CASE("the database the bot creates, and its -wal and -shm, are owner-only", "[cli][db][net]") {
  test_support::TempDir dir("cli-db-modes");
  const std::string db = dir.file("demo.db");
  const mode_t old = ::umask(022);  // what a login shell usually has: the binary must not rely on it
  test_support::HallpassProcess demo({"demo", "--port", "0", "--db", db}, {}, dir.file("stdout.txt"));
  ::umask(old);
  boost::asio::io_context io;
  auto idle = boost::asio::make_work_guard(io);  // run_until then waits between looks instead of spinning
  REQUIRE(demo.run_until(io, [&] { return demo.output().find("Hallpass web chat:") != std::string::npos; }));
  CHECK(mode_of(db) == 0600);
  CHECK(mode_of(db + "-wal") == 0600);
  CHECK(mode_of(db + "-shm") == 0600);
  CHECK(demo.stop() == 0);
}

TEST_CASE("hallpass audit verify reports tampering and names the first bad row", "[cli][audit]") {
  test_support::TempDir dir("cli-audit");
  const std::string db = dir.file("hallpass.db");
  write_audit_rows(db, 4);
  auto intact = hallpass("audit verify --db " + db);
  CHECK(intact.exit_code == 0);
  CHECK_THAT(intact.output, Catch::Contains("audit log intact: 4 rows verified."));
  CHECK_THAT(intact.output, Catch::Contains("head: #4 "));

  SECTION("an edited time") {
    tamper(db, "UPDATE audit SET at = at + 0.25 WHERE seq = 3");
    auto r = hallpass("audit verify --db " + db);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("audit log ALTERED: row #3: its time (at) is stored as a decimal number"));
    CHECK_THAT(r.output, Catch::Contains("(first bad row: 3)"));
  }
  SECTION("a garbage head and a dropped table are reported, not crashed on") {
    tamper(db, "UPDATE checkpoints SET value = 'garbage' WHERE name = 'audit.head'");
    auto r = hallpass("audit verify --db " + db);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("is unreadable"));
    tamper(db, "DROP TABLE audit");
    auto dropped = hallpass("audit verify --db " + db);
    CHECK(dropped.exit_code == 1);
    CHECK_THAT(dropped.output, Catch::Contains("the audit table is missing"));
  }
  SECTION("the head removed") {
    tamper(db, "DELETE FROM checkpoints WHERE name = 'audit.head'");
    auto r = hallpass("audit verify --db " + db);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("(first bad row: 5)"));
  }
}

TEST_CASE("hallpass audit verify with a key and with an anchor file", "[cli][audit]") {
  test_support::TempDir dir("cli-audit-key");
  const std::string db = dir.file("hallpass.db");
  const std::string anchors = dir.file("anchors.txt");
  write_audit_rows(db, 3, kKey);
  const std::string key_env = "HALLPASS_AUDIT_KEY=" + kKey;

  auto no_key = hallpass("audit verify --db " + db, "env -u HALLPASS_AUDIT_KEY");
  CHECK(no_key.exit_code == 1);
  CHECK_THAT(no_key.output, Catch::Contains("audit log NOT VERIFIED: rows from #1 on are keyed"));

  auto keyed = hallpass("audit verify --db " + db, key_env);
  CHECK(keyed.exit_code == 0);
  CHECK_THAT(keyed.output, Catch::Contains("every row is keyed."));
  CHECK_THAT(keyed.output, !Catch::Contains(kKey));

  CHECK(hallpass("audit verify --db " + db + " --anchor " + anchors, key_env).exit_code == 1);  // no such file yet
  auto recorded = hallpass("audit verify --db " + db + " --anchor " + anchors + " --record", key_env);
  CHECK(recorded.exit_code == 0);
  CHECK_THAT(recorded.output, Catch::Contains("head recorded in " + anchors));
  CHECK_THAT(contents(anchors), Catch::StartsWith("3 hmac-"));
  CHECK(mode_of(anchors) == 0600);

  // The newest row deleted and the head moved back to the row before it.
  tamper(db,
         "DELETE FROM audit WHERE seq = 3; UPDATE checkpoints SET value = '2:' || "
         "(SELECT hash FROM audit WHERE seq = 2) WHERE name = 'audit.head';");
  auto by_key = hallpass("audit verify --db " + db, key_env);
  CHECK(by_key.exit_code == 1);
  CHECK_THAT(by_key.output, Catch::Contains("not signed with HALLPASS_AUDIT_KEY"));
  CHECK_THAT(by_key.output, Catch::Contains("(first bad row: 3)"));
  auto by_anchor = hallpass("audit verify --db " + db + " --anchor " + anchors, "env -u HALLPASS_AUDIT_KEY");
  CHECK(by_anchor.exit_code == 1);
  CHECK_THAT(by_anchor.output, Catch::Contains("row #3 was removed (" + anchors + ":1 recorded row #3)"));

  auto short_key = hallpass("audit verify --db " + db, "HALLPASS_AUDIT_KEY=short");
  check_one_line(short_key);
  CHECK_THAT(short_key.output, Catch::Contains("HALLPASS_AUDIT_KEY is too short"));
}

TEST_CASE("the bot appends each committed audit head to HALLPASS_AUDIT_ANCHOR", "[cli][audit]") {
  test_support::TempDir dir("cli-audit-anchor");
  const std::string db = dir.file("hallpass.db");
  const std::string anchors = dir.file("anchors.txt");
  const std::string script = dir.file("request.txt");
  std::ofstream(script) << "/socialmedia request\n"
                           "@form platforms=instagram; audience=parents; students_interact=no\n"
                           "@form objectives.instagram=Share weekly class projects\n"
                           "@click confirm\n";
  auto r = test_support::run_command("HALLPASS_AUDIT_ANCHOR=" + anchors + " " + HALLPASS_BINARY +
                                     " console --as t.garcia --now 2026-11-24T10:00:00-08:00 --db " + db + " <" +
                                     script + " 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  const std::string recorded = contents(anchors);
  CHECK_THAT(recorded, Catch::StartsWith("1 "));
  auto verify = hallpass("audit verify --db " + db + " --anchor " + anchors);
  INFO(verify.output);
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.output, Catch::Contains("matches the "));
  CHECK(mode_of(anchors) == 0600);
}
