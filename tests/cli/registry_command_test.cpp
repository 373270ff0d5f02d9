// hallpass registry export, from the real binary: the registry as CSV (no username or password
// column) and as a table, one site or all, reading the database without writing to it.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

test_support::CommandResult hallpass(const std::string& args) {
  return test_support::run_command(std::string(HALLPASS_BINARY) + " " + args + " </dev/null 2>&1");
}

std::string contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("hallpass registry export prints the registry without credentials", "[cli][registry]") {
  test_support::TempDir dir("cli-registry");
  const std::string db = dir.file("hallpass.db");
  {
    test_support::BotHarness h(db);
    std::string id = h.file_request("t.garcia");
    h.click("r.alvarez", "endorse", id);
    h.click("m.okafor", "authorize", id);
    h.submit("t.garcia", "registry.register", id + "/instagram",
             {{"handle", "@lincoln4th"},
              {"address", "https://www.instagram.com/lincoln4th"},
              {"monitors", "Teresa Garcia"},
              {"credentials", "yes"}});
  }
  const std::string before = contents(db);
  auto csv = hallpass("registry export --db " + db);
  CHECK(csv.exit_code == 0);
  const std::string header = csv.output.substr(0, csv.output.find('\n'));
  CHECK(header ==
        "account,site,platform,name_or_handle,address,owner,monitors,kind,group,registered_on,"
        "held_at_site_confirmed_by,school_year_confirmed");
  for (const char* word : {"password", "username", "credential"}) CHECK(header.find(word) == std::string::npos);
  CHECK_THAT(csv.output, Catch::Contains("A-1001,Lincoln Elementary School,Instagram,@lincoln4th,"
                                         "https://www.instagram.com/lincoln4th,Teresa Garcia,Teresa Garcia,official"));
  auto table = hallpass("registry export --format table --site lincoln --db " + db);
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.output, Catch::Contains("A-1001 | Lincoln Elementary School | Instagram | @lincoln4th"));
  CHECK_THAT(table.output, Catch::Contains("1 account, without usernames or passwords."));
  auto other = hallpass("registry export --site roosevelt --db " + db);
  CHECK(other.exit_code == 0);
  CHECK(other.output.find("A-1001") == std::string::npos);
  CHECK(contents(db) == before);

  auto bad = hallpass("registry export --site nowhere --db " + db);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("there is no site 'nowhere'"));
  CHECK(hallpass("registry import --db " + db).exit_code == 2);
}
