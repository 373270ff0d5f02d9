// One worker serving a county's districts (issue 23, hallpass run --districts, docs/scale-out.md):
// a real `hallpass run` over a county folder, Slack in HTTP mode against the fake Slack, the test
// as Slack posting signed slash commands from each district's workspace. Each command is answered
// and recorded in its own district only; a workspace no district lists is told so, and nothing is
// recorded. With SQLite and with PostgreSQL; then the folder's errors and a district added by reload.
#include <stdlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "bot/store/store.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/county_fixtures.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/slack_run_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using test_support::HallpassProcess;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
constexpr auto kTeacher = "U0TEACHER";  // no slack id in the sample: matched by e-mail
constexpr auto kUnknownWorkspace = "Hallpass is not set up for this workspace yet";

struct CountyWorker {
  // `db`: a SQLite file, or a PostgreSQL conninfo (then passed as HALLPASS_DATABASE_URL).
  CountyWorker(const std::string& name, std::string db, bool postgres)
      : dir(name), db(std::move(db)), postgres(postgres) {
    server.add_user(kTeacher, "tgarcia@sierravista.example.org");
    test_support::write_county_folder(dir.path(), server.api_base_url(), {{"a", "TA"}, {"b", "TB"}});
  }
  ~CountyWorker() {
    process.reset();
    server.stop();
  }

  void start() {
    std::vector<std::string> args{"run", "--districts", dir.path().string(), "--admin-port", "0"};
    std::map<std::string, std::string> env{{"SLACK_BOT_TOKEN", "xoxb-county"},
                                           {"SLACK_SIGNING_SECRET", kSecret},
                                           {"SLACK_APP_TOKEN", ""},
                                           {"HALLPASS_DATABASE_URL", postgres ? db : ""}};
    env.insert(extra_env.begin(), extra_env.end());
    if (!postgres) args.insert(args.end(), {"--db", db});
    process = std::make_unique<HallpassProcess>(args, env, dir.file("stdout.txt"));
    std::string printed;
    if (!process->run_until(io, [&] {
          printed = process->output();
          return printed.find("Hallpass admin: ") != std::string::npos;
        }))
      FAIL("the county worker did not start; it printed: " << printed);
    CHECK_THAT(printed, Catch::Contains("Hallpass county: 2 districts (a, b)"));
    slack = "http://127.0.0.1:" +
            std::to_string(test_support::printed_port(printed, "Slack Request URLs: http://127.0.0.1:"));
    admin =
        "http://127.0.0.1:" + std::to_string(test_support::printed_port(printed, "Hallpass admin: http://127.0.0.1:"));
  }

  Response send(const std::string& base, Request r) {
    HttpClient client(io.get_executor(), base);
    std::optional<Response> response;
    asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
      if (e) std::rethrow_exception(e);
      response = std::move(res);
    });
    if (!process->run_until(io, [&] { return response.has_value(); })) FAIL("no answer from the worker");
    return *response;
  }

  Response command(const std::string& team, const std::string& channel, const std::string& user = kTeacher) {
    return send(slack, test_support::signed_slash_command(
                           kSecret, {channel, user, "help", "1234.5678." + std::to_string(++sent), team}));
  }

  Response reload() {
    Request r;
    r.method = "POST";
    r.target = "/reload";
    return send(admin, std::move(r));
  }

  void wait_for_answer(const std::string& channel) {
    if (!process->run_until(io, [&] { return !server.messages(channel).empty(); }))
      FAIL("nothing was posted to " << channel);
  }

  // The events a district recorded, by platform (its store, read as `hallpass` would).
  std::map<std::string, std::int64_t> events(const std::string& key) {
    bot::StoreOptions options{.mode = bot::OpenMode::read_only};
    if (postgres) {
      options.district = key;
      return bot::open_postgres_store(db, options)->statistics(std::chrono::system_clock::now()).events_by_platform;
    }
    // hallpass run --districts with --db X.db: the county's rows in X.db, district k's in X.k.db.
    const fs::path p(db);
    const auto file = key.empty() ? db : (p.parent_path() / (p.stem().string() + "." + key + ".db")).string();
    if (!fs::exists(file)) return {};
    return bot::open_sqlite_store(file, options)->statistics(std::chrono::system_clock::now()).events_by_platform;
  }

  test_support::TempDir dir;
  std::string db;
  bool postgres = false;
  std::map<std::string, std::string> extra_env;  // more of the worker's environment
  asio::io_context io;
  test_support::FakeSlackServer server{io, "xoxb-county", "xapp-unused"};
  std::unique_ptr<HallpassProcess> process;
  std::string slack, admin;
  int sent = 0;
};

void serves_each_district_in_its_own_rows(CountyWorker& county) {
  county.start();
  // From TA: answered, and recorded in district a only.
  CHECK(county.command("TA", "C0FROMA").status == 200);
  county.wait_for_answer("C0FROMA");
  if (county.postgres)
    // A few connections, not one a district: one for the county's own rows (the platforms'
    // state), and one per command thread (two by default) for its districts' commands, timers
    // and deliveries.
    CHECK(test_support::PostgresServer::shared().rows(
              county.db,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
              "backend_type = 'client backend' AND pid <> pg_backend_pid()") ==
          std::vector<std::vector<std::string>>{{"3"}});
  CHECK(county.events("a") == std::map<std::string, std::int64_t>{{"slack", 1}});
  CHECK(county.events("b").empty());
  // From TB: answered, in district b.
  CHECK(county.command("TB", "C0FROMB").status == 200);
  county.wait_for_answer("C0FROMB");
  CHECK(county.events("b") == std::map<std::string, std::int64_t>{{"slack", 1}});
  CHECK(county.events("a") == std::map<std::string, std::int64_t>{{"slack", 1}});

  // From a workspace no district lists: told so at once (in English and Spanish), nothing recorded.
  const Response unknown = county.command("TX", "C0FROMX");
  CHECK(unknown.status == 200);
  CHECK_THAT(unknown.body, Catch::Contains(kUnknownWorkspace));
  CHECK_THAT(unknown.body, Catch::Contains("Hallpass todav"));
  CHECK(county.events("a") == std::map<std::string, std::int64_t>{{"slack", 1}});
  CHECK(county.events("b") == std::map<std::string, std::int64_t>{{"slack", 1}});
  CHECK(county.events("").empty());

  // A district added to the folder serves after a reload; the others go on.
  test_support::write_county_district(county.dir.path(), {"c", "TC"});
  const Response reloaded = county.reload();
  CHECK(reloaded.status == 200);
  CHECK_THAT(reloaded.body, Catch::Contains("c: new, serving"));
  CHECK(county.command("TC", "C0FROMC").status == 200);
  county.wait_for_answer("C0FROMC");
  CHECK(county.events("c") == std::map<std::string, std::int64_t>{{"slack", 1}});
  // A changed file is reloaded: a's second workspace is served from now on.
  const auto edit_a = [&](const std::string& to) {
    std::ifstream in(county.dir.path() / "a.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    in.close();
    const auto at = text.find("slack: [TA");
    text.replace(at, text.find(']', at) - at + 1, to);
    std::ofstream(county.dir.path() / "a.yaml") << text;
  };
  edit_a("slack: [TA, TA2]");
  const Response changed = county.reload();
  CHECK(changed.status == 200);
  CHECK_THAT(changed.body, Catch::Contains("a: reloaded"));
  CHECK(county.command("TA2", "C0FROMA2").status == 200);
  county.wait_for_answer("C0FROMA2");
  CHECK(county.events("a") == std::map<std::string, std::int64_t>{{"slack", 2}});
  // A change that does not validate (b's workspace) is refused, naming both files; a goes on as it was.
  edit_a("slack: [TA, TB]");
  const Response refused = county.reload();
  CHECK(refused.status == 422);
  CHECK_THAT(refused.body, Catch::Contains("TB is also claimed by"));
  CHECK(county.command("TB", "C0FROMB3").status == 200);
  county.wait_for_answer("C0FROMB3");
  CHECK(county.events("b") == std::map<std::string, std::int64_t>{{"slack", 2}});
  CHECK(county.events("a") == std::map<std::string, std::int64_t>{{"slack", 2}});
  // Removed: no longer served, and a workspace nobody lists again.
  edit_a("slack: [TA, TA2]");
  fs::remove(county.dir.path() / "b.yaml");
  CHECK_THAT(county.reload().body, Catch::Contains("b: removed"));
  CHECK_THAT(county.command("TB", "C0FROMB2").body, Catch::Contains(kUnknownWorkspace));
  CHECK(county.process->stop() == 0);
}

}  // namespace

TEST_CASE("a county worker on SQLite answers each district's workspace from that district's rows",
          "[county][net][slack][cli]") {
  test_support::TempDir files("county-sqlite-db");
  CountyWorker county("county-sqlite", files.file("county.db"), false);
  serves_each_district_in_its_own_rows(county);
  // Each district's rows in a file of its own beside the county's.
  CHECK(fs::exists(files.file("county.db")));
  CHECK(fs::exists(files.file("county.a.db")));
}

TEST_CASE("a county worker on PostgreSQL serves its districts over one connection",
          "[postgres][county][net][slack][cli]") {
  auto& pg = test_support::PostgresServer::shared();
  const std::string database = pg.fresh_database();
  CountyWorker county("county-postgres", database, true);
  serves_each_district_in_its_own_rows(county);
  CHECK(pg.rows(database, "SELECT district, count(*) FROM events GROUP BY district ORDER BY district") ==
        std::vector<std::vector<std::string>>{{"a", "2"}, {"b", "2"}, {"c", "1"}});
}

TEST_CASE("a county worker records each district's audit heads in that district's anchor file",
          "[county][net][slack][cli][audit]") {
  test_support::TempDir files("county-anchor");
  CountyWorker county("county-anchor-folder", files.file("county.db"), false);
  county.extra_env["HALLPASS_AUDIT_ANCHOR"] = files.file("anchors.log");
  county.start();
  // Someone the directory does not know: refused, and the refusal is an audit row of district a.
  CHECK(county.command("TA", "C0STRANGER", "U0STRANGER").status == 200);
  county.wait_for_answer("C0STRANGER");
  const auto lines = [](const std::string& file) {
    std::ifstream in(file);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += !line.empty();
    return n;
  };
  CHECK(county.process->stop() == 0);
  CHECK(lines(files.file("anchors.a.log")) == 1);
  CHECK(lines(files.file("anchors.b.log")) == 0);
  CHECK_FALSE(fs::exists(files.file("anchors.log")));
  // The head recorded for a is a's: `hallpass audit verify` on a's file checks it.
  const auto verify =
      test_support::run_command(std::string(HALLPASS_BINARY) + " audit verify --db " + files.file("county.a.db") +
                                " --anchor " + files.file("anchors.a.log") + " 2>&1");
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.output, Catch::Contains("matches the 1 anchor"));
}

TEST_CASE("districts sharing one PostgreSQL connection each have their own ids", "[postgres][county][store]") {
  auto& pg = test_support::PostgresServer::shared();
  auto shared = bot::open_shared_postgres(pg.fresh_database(), {});
  auto a = bot::open_district_store(shared, {.district = "a"});
  auto b = bot::open_district_store(shared, {.district = "b"});
  CHECK(a->next_request_id() == "R-1001");
  CHECK(b->next_request_id() == "R-1001");
  CHECK(a->next_request_id() == "R-1002");
  // The same event id from two districts' workspaces is new to each.
  const auto now = std::chrono::system_clock::now();
  CHECK(a->record_event("slack", "Ev1", now));
  CHECK(b->record_event("slack", "Ev1", now));
  CHECK_FALSE(a->record_event("slack", "Ev1", now));
  CHECK_THROWS_AS(bot::open_district_store(shared, {.district = "Not A Key"}), bot::StoreOpenError);
}

// The folder loader's refusals are tested below the network (tests/bot/config_county_folder_test.cpp,
// also under the sanitizers); here the command line that prints them.
TEST_CASE("hallpass check-config --districts checks the whole folder", "[county][config][cli]") {
  struct Unset {
    ~Unset() {
      ::unsetenv("SLACK_SIGNING_SECRET");
      ::unsetenv("SLACK_BOT_TOKEN");
    }
  } unset;
  ::setenv("SLACK_SIGNING_SECRET", kSecret, 1);
  ::setenv("SLACK_BOT_TOKEN", "xoxb-county", 1);
  test_support::TempDir dir("county-check");
  test_support::write_county_folder(dir.path(), "http://127.0.0.1:9", {{"a", "TA"}, {"b", "TB"}});
  {
    auto run = test_support::run_command(std::string(HALLPASS_BINARY) + " check-config --districts " +
                                         dir.path().string() + " 2>&1");
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.output, Catch::Contains("2 districts"));
    test_support::write_county_district(dir.path(), {"c", "TB"});
    run = test_support::run_command(std::string(HALLPASS_BINARY) + " check-config --districts " + dir.path().string() +
                                    " 2>&1");
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.output, Catch::Contains("TB is also claimed by"));
  }
}
