// Which store the commands use: the SQLite file --db by default, PostgreSQL from a postgres:// --db
// or HALLPASS_DATABASE_URL (and its _FILE form), as check-config names it without opening it, and a
// bot command that cannot reach the server says so in one line, without the password.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

const std::string kBin = HALLPASS_BINARY;
const std::string kCheck = kBin + " check-config config/sample-district.yaml";

}  // namespace

TEST_CASE("check-config names the store the bot would use, without opening it or showing a password",
          "[cli][config][store]") {
  auto plain =
      test_support::run_command("env -u HALLPASS_DATABASE_URL -u HALLPASS_DATABASE_URL_FILE " + kCheck + " 2>&1");
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.output, Catch::Contains("Store: the SQLite file hallpass.db."));

  // Nothing listens there: check-config does not try.
  auto url = test_support::run_command("HALLPASS_DATABASE_URL='postgresql://bot:pa55word@db.invalid:6543/county' " +
                                       kCheck + " 2>&1");
  CHECK(url.exit_code == 0);
  CHECK_THAT(url.output,
             Catch::Contains("Store: PostgreSQL at db.invalid:6543, database county (from HALLPASS_DATABASE_URL)."));
  CHECK_THAT(url.output, !Catch::Contains("pa55word"));

  test_support::TempDir dir("store-choice");
  const std::string secret = dir.file("database-url");
  std::ofstream(secret) << "host=db.invalid port=6543 dbname=county password=pa55word\n";
  auto file = test_support::run_command("env -u HALLPASS_DATABASE_URL HALLPASS_DATABASE_URL_FILE=" + secret + " " +
                                        kCheck + " 2>&1");
  CHECK_THAT(file.output, Catch::Contains("Store: PostgreSQL at db.invalid:6543, database county"));
  CHECK_THAT(file.output, !Catch::Contains("pa55word"));
}

TEST_CASE("a command whose PostgreSQL cannot be reached says so in one line, without the password", "[cli][store]") {
  auto run =
      test_support::run_command("env -u HALLPASS_DATABASE_URL " + kBin +
                                " outbox --db 'postgresql://bot:pa55word@127.0.0.1:1/county?connect_timeout=5' 2>&1");
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.output, Catch::StartsWith("hallpass outbox: cannot open the store in PostgreSQL at 127.0.0.1:1, "
                                           "database county"));
  CHECK_THAT(run.output, !Catch::Contains("pa55word"));
}
