// The database a command opens, when PostgreSQL is asked for (issue 23's review): an unreadable
// HALLPASS_DATABASE_URL_FILE stops the command instead of quietly opening a local SQLite file, and
// backup and restore send PostgreSQL's administrator to pg_dump instead of looking for a file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace {
test_support::CommandResult hallpass(const std::string& env, const std::string& args) {
  return test_support::run_command(env + " " + HALLPASS_BINARY + " " + args + " </dev/null 2>&1");
}
}  // namespace

TEST_CASE("an unreadable HALLPASS_DATABASE_URL_FILE stops the command; no SQLite file is made", "[cli][db]") {
  test_support::TempDir dir("db-url-file");
  const std::string db = dir.file("hallpass.db");
  const std::string missing = dir.file("no-such-secret");
  const auto run = hallpass("HALLPASS_DATABASE_URL= HALLPASS_DATABASE_URL_FILE=" + missing, "outbox --db " + db);
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output, Catch::Contains("HALLPASS_DATABASE_URL_FILE names " + missing));
  CHECK_THAT(run.output, Catch::Contains("cannot be read or is empty"));
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("backup and restore on PostgreSQL say to use pg_dump and pg_restore", "[cli][db]") {
  test_support::TempDir dir("db-url-backup");
  const std::string env = "HALLPASS_DATABASE_URL='postgres://hallpass@db.invalid:5432/hallpass'";
  const auto backup = hallpass(env, "backup --to " + dir.file("copy.db"));
  CHECK(backup.exit_code == 1);
  CHECK_THAT(backup.output, Catch::Contains("copies SQLite files only"));
  CHECK_THAT(backup.output, Catch::Contains("pg_dump"));
  CHECK_THAT(backup.output, Catch::Contains("db.invalid"));
  const auto restore = hallpass(env, "restore --from " + dir.file("copy.db") + " --db x");
  CHECK(restore.exit_code == 1);
  CHECK_THAT(restore.output, Catch::Contains("pg_restore"));
  CHECK_FALSE(std::filesystem::exists(dir.file("copy.db")));
}
