// The audit log's tamper evidence: every tamper is done as an intruder would, with SQL on the real
// database (after dropping the triggers that refuse edits), and the check must name the first
// bad row, never throw. Plain chains, keyed chains (HMAC) and anchors recorded outside the
// database. On SQLite and on PostgreSQL (STORE_TEST_CASE); the tampers only SQLite allows (a
// value of another type in a column) on SQLite only.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "bot/model/sha256.hpp"
#include "bot/store/audit_anchor.hpp"
#include "bot/store/store.hpp"
#include "tests/support/store_backends.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using Backend = test_support::StoreBackend;

const std::string kKey = "3b1f0c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";  // 40 characters
const std::string kOtherKey = "a different key, just as long as the first";

bot::AuditEntry entry(int n) {
  return {.at = bot::TimePoint{std::chrono::seconds{1'800'000'000 + n * 60}},
          .actor = "m.okafor",
          .action = "action-" + std::to_string(n),
          .subject = "R-1001",
          .details = "{}",
          .source = "console:e" + std::to_string(n)};
}

// A log of `rows` rows written through the store, each in its own committed transaction (as the
// bot writes them), with the given key and anchor file.
void write_log(const Backend& db, int rows, const std::string& key = {}, const std::string& anchor = {},
               int first = 1) {
  auto store = db.open({.audit_key = key, .anchor_file = anchor});
  for (int n = first; n < first + rows; ++n) {
    auto tx = store->begin();
    store->append_audit(entry(n));
    tx->commit();
  }
}

bot::AuditCheck verify(const Backend& db, const std::string& key = {},
                       const std::vector<bot::AuditAnchor>& anchors = {}) {
  auto store = db.open({.mode = bot::OpenMode::read_only, .audit_key = key});
  return store->verify_audit(anchors);
}

// The intruder's tools: raw SQL on the database, with the append-only guards dropped first.
void tamper(const Backend& db, const std::string& sql) {
  db.execute(db.drop_audit_guard("update"));
  db.execute(db.drop_audit_guard("delete"));
  db.execute(sql);
}

std::string column(const Backend& db, const std::string& sql) { return db.rows(sql).at(0).at(0); }

// An intruder who read the source recomputes every hash from row `from` on, and the head, as
// Hallpass would: plain SHA-256, or HMAC under a key of their own.
void rechain(const Backend& db, std::int64_t from, const std::string& key = {}) {
  std::string prev(64, '0');
  if (from > 1) prev = column(db, "SELECT hash FROM audit WHERE seq = " + std::to_string(from - 1));
  std::string updates;
  std::int64_t last = from - 1;
  for (const auto& row : db.rows("SELECT seq, at, actor, action, subject, details, source FROM audit WHERE seq >= " +
                                 std::to_string(from) + " ORDER BY seq")) {
    std::string buf = prev;
    for (const std::string& f : row) buf += std::to_string(f.size()) + ":" + f + ";";
    const std::string hash = key.empty() ? bot::sha256_hex(buf) : "hmac-" + bot::hmac_sha256_hex(key, buf);
    last = std::stoll(row[0]);
    // Hashes are hex (and "hmac-"): safe to write into the statement.
    updates += "UPDATE audit SET prev_hash = '" + prev + "', hash = '" + hash + "' WHERE seq = " + row[0] + ";";
    prev = hash;
  }
  std::string head = std::to_string(last) + ":" + prev;
  if (!key.empty()) head += ":" + bot::hmac_sha256_hex(key, "audit.head\n" + std::to_string(last) + "\n" + prev);
  tamper(db, updates + "UPDATE checkpoints SET value = '" + head + "' WHERE name = 'audit.head';");
}

// The attack a plain head cannot see: the newest row deleted, and the head moved back to the row
// before it, copied from that row.
void truncate_and_move_head(const Backend& db, int last) {
  const std::string before = std::to_string(last - 1);
  tamper(db, "DELETE FROM audit WHERE seq = " + std::to_string(last) +
                 ";"
                 "UPDATE checkpoints SET value = '" +
                 before + ":' || (SELECT hash FROM audit WHERE seq = " + before + ") WHERE name = 'audit.head';");
}

std::vector<bot::AuditAnchor> anchors_in(const std::string& file) {
  auto read = bot::read_anchor_file(file);
  REQUIRE(read.problems.empty());
  return read.anchors;
}

}  // namespace

STORE_TEST_CASE("an untouched audit log is intact and its head is the newest row", "[unit][store][audit]") {
  const Backend& db = backend;
  write_log(db, 4);
  auto check = verify(db);
  CHECK(check.ok);
  CHECK(check.rows == 4);
  CHECK(check.head.seq == 4);
  CHECK(check.head.hash == column(db, "SELECT hash FROM audit WHERE seq = 4"));
  CHECK(check.head.hash.size() == 64);
  auto store = db.open({.mode = bot::OpenMode::read_only});
  CHECK(store->audit_head().seq == 4);
  CHECK(store->audit_head().hash == check.head.hash);
}

STORE_TEST_CASE("each tamper of a plain audit log is reported with the first bad row", "[unit][store][audit]") {
  const Backend& db = backend;
  write_log(db, 5);
  REQUIRE(verify(db).ok);

  SECTION("a row edited") {
    tamper(db, "UPDATE audit SET actor = 'someone' WHERE seq = 3");
    auto c = verify(db);
    CHECK(!c.ok);
    CHECK(c.first_bad_seq == 3);
    CHECK_THAT(c.problem, Catch::Contains("row #3 was altered"));
  }
  SECTION("a row in the middle deleted") {
    tamper(db, "DELETE FROM audit WHERE seq = 3");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 3);
    CHECK_THAT(c.problem, Catch::Contains("row #3 is missing"));
  }
  SECTION("the newest row deleted") {
    tamper(db, "DELETE FROM audit WHERE seq = 5");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 5);
    CHECK_THAT(c.problem, Catch::Contains("row #5 was removed"));
  }
  SECTION("the head deleted") {
    tamper(db, "DELETE FROM checkpoints WHERE name = 'audit.head'");
    auto c = verify(db);
    CHECK(!c.ok);
    CHECK(c.first_bad_seq == 6);
    CHECK_THAT(c.problem, Catch::Contains("head of the log (checkpoint audit.head) was removed"));
  }
  SECTION("the head's hash changed, its number kept") {
    tamper(db,
           "UPDATE checkpoints SET value = '5:' || (SELECT hash FROM audit WHERE seq = 4) "
           "WHERE name = 'audit.head'");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 5);
    CHECK_THAT(c.problem, Catch::Contains("row #5 is not the row the head of the log names"));
  }
  // SQLite keeps any value in any column; PostgreSQL's columns have one type, so these cannot happen there.
  if (!backend.is_postgres()) {
    SECTION("the time stored as a decimal") {
      // Read as a whole number, 1.8e12 + 0.5 would give back the hashed value.
      tamper(db, "UPDATE audit SET at = at + 0.5 WHERE seq = 2");
      auto c = verify(db);
      CHECK(c.first_bad_seq == 2);
      CHECK_THAT(c.problem, Catch::Contains("row #2: its time (at) is stored as a decimal number"));
    }
    SECTION("the time stored as text") {
      tamper(db, "UPDATE audit SET at = CAST(at AS TEXT) || ' (edited)' WHERE seq = 2");
      auto c = verify(db);
      CHECK(c.first_bad_seq == 2);
      CHECK_THAT(c.problem, Catch::Contains("row #2: its time (at) is stored as text"));
    }
    SECTION("a text column stored as binary data") {
      tamper(db, "UPDATE audit SET actor = CAST(actor AS BLOB) WHERE seq = 4");
      auto c = verify(db);
      CHECK(c.first_bad_seq == 4);
      CHECK_THAT(c.problem, Catch::Contains("row #4: actor is stored as binary data"));
    }
  }
  SECTION("a garbage head") {
    for (const char* garbage : {"garbage", "", ":", "5:", "5:zz", "-1:abc", "99999999999999999999999:x",
                                "5:0000000000000000000000000000000000000000000000000000000000000000:nope"}) {
      INFO(garbage);
      tamper(db, std::string("UPDATE checkpoints SET value = '") + garbage + "' WHERE name = 'audit.head'");
      auto c = verify(db);
      CHECK(!c.ok);
      CHECK(c.first_bad_seq == 6);
      CHECK_THAT(c.problem, Catch::Contains("is unreadable"));
    }
  }
  SECTION("the audit table dropped") {
    tamper(db, "DROP TABLE audit");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 1);
    CHECK_THAT(c.problem, Catch::Contains("the audit table is missing"));
  }
  SECTION("the checkpoints table, with the head, dropped") {
    tamper(db, "DROP TABLE checkpoints");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 6);
    CHECK_THAT(c.problem, Catch::Contains("checkpoints table"));
  }
  SECTION("the audit table rebuilt without some columns") {
    tamper(
        db,
        "CREATE TABLE slim AS SELECT seq, at, actor FROM audit; DROP TABLE audit; ALTER TABLE slim RENAME TO audit;");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 1);
    CHECK_THAT(c.problem, Catch::Contains("rebuilt"));
  }
  if (!backend.is_postgres()) {
    SECTION("the audit table rebuilt with a text seq") {
      tamper(db,
             "CREATE TABLE loose (seq, at, actor, action, subject, details, source, prev_hash, hash);"
             "INSERT INTO loose SELECT seq, at, actor, action, subject, details, source, prev_hash, hash FROM audit; "
             "UPDATE loose SET seq = 'three' WHERE seq = 3;"
             "DROP TABLE audit; ALTER TABLE loose RENAME TO audit;");
      auto c = verify(db);
      CHECK(c.first_bad_seq == 3);
      CHECK_THAT(c.problem, Catch::Contains("missing"));
    }
  }
  SECTION("a row added after the head, chained as Hallpass would") {
    tamper(db,
           "INSERT INTO audit (seq, at, actor, action, subject, details, source, prev_hash, hash) SELECT 6, at, actor, "
           "action, subject, details, source, hash, hash FROM audit WHERE seq = 5");
    rechain(db, 6);
    tamper(db,
           "UPDATE checkpoints SET value = '5:' || (SELECT hash FROM audit WHERE seq = 5) WHERE name = 'audit.head'");
    auto c = verify(db);
    CHECK(c.first_bad_seq == 6);
    CHECK_THAT(c.problem, Catch::Contains("row #6 was added outside Hallpass"));
  }
  SECTION("the newest row deleted and the head moved back: a plain log cannot tell") {
    // What the key and the anchors are for (the next tests): without them, this passes.
    truncate_and_move_head(db, 5);
    CHECK(verify(db).ok);
  }
}

STORE_TEST_CASE("a keyed audit log catches what a plain one cannot", "[unit][store][audit]") {
  const Backend& db = backend;
  write_log(db, 5, kKey);
  CHECK_THAT(column(db, "SELECT hash FROM audit WHERE seq = 1"), Catch::StartsWith("hmac-"));
  auto intact = verify(db, kKey);
  CHECK(intact.ok);
  CHECK(intact.unkeyed_rows == 0);
  CHECK_THAT(intact.head.hash, Catch::StartsWith("hmac-"));

  SECTION("the newest row deleted and the head moved back") {
    truncate_and_move_head(db, 5);
    auto c = verify(db, kKey);
    CHECK(!c.ok);
    CHECK(c.first_bad_seq == 5);
    CHECK_THAT(c.problem, Catch::Contains("not signed with HALLPASS_AUDIT_KEY"));
  }
  SECTION("a row edited and the chain recomputed without the key") {
    tamper(db, "UPDATE audit SET action = 'decided:reject' WHERE seq = 3");
    rechain(db, 3);
    auto c = verify(db, kKey);
    CHECK(c.first_bad_seq == 3);
    CHECK_THAT(c.problem, Catch::Contains("row #3 is not keyed, though row #1 before it is"));
  }
  SECTION("a row edited and the chain recomputed with another key") {
    tamper(db, "UPDATE audit SET action = 'decided:reject' WHERE seq = 3");
    rechain(db, 3, kOtherKey);
    auto c = verify(db, kKey);
    CHECK(c.first_bad_seq == 3);
    CHECK_THAT(c.problem, Catch::Contains("row #3 was altered"));
  }
  SECTION("the whole log rewritten as a plain log") {
    // Undetectable by the key alone (the rows look written before it was set), but reported.
    rechain(db, 1);
    auto c = verify(db, kKey);
    CHECK(c.ok);
    CHECK(c.unkeyed_rows == 5);
  }
  SECTION("checked without the key: linked, not accused, not passed") {
    auto c = verify(db);
    CHECK(!c.ok);
    CHECK(c.key_missing);
    CHECK(c.first_bad_seq == 0);
    CHECK_THAT(c.problem, Catch::Contains("set HALLPASS_AUDIT_KEY"));
  }
  SECTION("a deleted row is found even without the key") {
    tamper(db, "DELETE FROM audit WHERE seq = 2");
    auto c = verify(db);
    CHECK(!c.ok);
    CHECK(c.first_bad_seq == 2);
    CHECK_THAT(c.problem, Catch::Contains("row #2 is missing"));
  }
  SECTION("the bot refuses to write to a keyed log without the key, or with another") {
    CHECK_THROWS_AS(db.open(), bot::StoreOpenError);
    CHECK_THROWS_WITH(db.open(), Catch::Contains("HALLPASS_AUDIT_KEY is not set"));
    CHECK_THROWS_WITH(db.open({.audit_key = kOtherKey}),
                      Catch::Contains("HALLPASS_AUDIT_KEY does not fit") && !Catch::Contains(kOtherKey));
    CHECK(column(db, "SELECT count(*) FROM audit") == "5");
  }
  SECTION("a short key is refused") {
    CHECK_THROWS_WITH(db.open({.audit_key = "short"}), Catch::Contains("too short"));
  }
}

STORE_TEST_CASE("a key set on a running district keys the rows from then on", "[unit][store][audit]") {
  const Backend& db = backend;
  write_log(db, 3);
  write_log(db, 2, kKey, {}, 4);
  auto c = verify(db, kKey);
  CHECK(c.ok);
  CHECK(c.rows == 5);
  CHECK(c.unkeyed_rows == 3);
  CHECK_THAT(column(db, "SELECT hash FROM audit WHERE seq = 4"), Catch::StartsWith("hmac-"));
  auto without = verify(db);
  CHECK(without.key_missing);
  CHECK_THAT(without.problem, Catch::Contains("rows from #4 on are keyed"));
}

STORE_TEST_CASE("anchors recorded outside the database catch truncation and rewriting", "[unit][store][audit]") {
  const Backend& db = backend;
  test_support::TempDir dir("audit-anchor");
  const std::string anchors = dir.file("anchors.txt");
  write_log(db, 5, {}, anchors);
  {
    // A transaction that is rolled back leaves no anchor: the file names only committed rows.
    auto store = db.open({.anchor_file = anchors});
    auto tx = store->begin();
    store->append_audit(entry(99));
  }
  auto recorded = anchors_in(anchors);
  REQUIRE(recorded.size() == 5);
  CHECK(recorded.back().seq == 5);
  CHECK(recorded.back().hash == column(db, "SELECT hash FROM audit WHERE seq = 5"));
  CHECK(recorded.back().where == anchors + ":5");
  auto ok = verify(db, {}, recorded);
  CHECK(ok.ok);
  CHECK(ok.anchors_checked == 5);

  SECTION("the newest row deleted and the head moved back") {
    truncate_and_move_head(db, 5);
    auto c = verify(db, {}, recorded);
    CHECK(c.first_bad_seq == 5);
    CHECK_THAT(c.problem, Catch::Contains("row #5 was removed (" + anchors + ":5 recorded row #5)"));
  }
  SECTION("a row edited and the whole chain recomputed") {
    tamper(db, "UPDATE audit SET actor = 'someone' WHERE seq = 2");
    rechain(db, 1);
    REQUIRE(verify(db).ok);  // the chain alone holds
    auto c = verify(db, {}, recorded);
    CHECK(c.first_bad_seq == 2);
    CHECK_THAT(c.problem, Catch::Contains("row #2 was rewritten"));
  }
  SECTION("only the newest anchor kept, as the nightly summary shows it") {
    const std::string shown = bot::short_head({5, recorded.back().hash});
    CHECK(shown == "#5 " + recorded.back().hash.substr(0, 16));
    std::vector<bot::AuditAnchor> summary{{5, recorded.back().hash.substr(0, 16), "summary"}};
    CHECK(verify(db, {}, summary).ok);
    tamper(db, "UPDATE audit SET actor = 'someone' WHERE seq = 2");
    rechain(db, 1);
    auto c = verify(db, {}, summary);
    CHECK(c.first_bad_seq == 1);
    CHECK_THAT(c.problem, Catch::Contains("rows #1 to #5 were rewritten"));
  }
  SECTION("a prefix too short to mean anything does not vouch for a row") {
    std::vector<bot::AuditAnchor> weak{{5, recorded.back().hash.substr(0, 4), "weak"}};
    CHECK(verify(db, {}, weak).first_bad_seq == 1);
  }
}

TEST_CASE("an anchor file's lines are read, and a line that is not an anchor is named", "[unit][audit]") {
  test_support::TempDir dir("audit-anchor-file");
  const std::string file = dir.file("anchors.txt");
  const std::string hash(64, 'a');
  std::ofstream(file) << "# written by hand\n\n3 " << hash << " 2026-12-01T19:00:00Z\nthree " << hash
                      << "\n4 nothex\n5 hmac-0123456789abcdef\n";
  auto read = bot::read_anchor_file(file);
  REQUIRE(read.anchors.size() == 2);
  CHECK(read.anchors[0].seq == 3);
  CHECK(read.anchors[0].where == file + ":3");
  CHECK(read.anchors[1].hash == "hmac-0123456789abcdef");
  REQUIRE(read.problems.size() == 2);
  CHECK_THAT(read.problems[0], Catch::StartsWith(file + ":4: not an anchor"));
  CHECK_THAT(read.problems[1], Catch::StartsWith(file + ":5: not an anchor"));
  CHECK_THAT(bot::read_anchor_file(dir.file("none.txt")).problems.at(0), Catch::Contains("cannot be read"));
}
