// A county worker on Teams and Matrix (hallpass run --districts, docs/scale-out.md "One worker, many
// districts"): a real `hallpass run` over a county folder whose county.yaml enables one Teams bot
// (several tenants) and one Matrix bot user beside Slack, against the fake Bot Framework (identity
// and Connector) and the fake homeserver. A message from district a's tenant or room is recorded in
// a's rows only and answered there; one from b's in b's; one from a tenant or room no district
// lists is recorded nowhere. Then the folder changes under the running worker: a district added by
// a reload has its Matrix room joined at once, and a district whose people CSV alone changed is
// reloaded.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "bot/store/store.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/county_fixtures.hpp"
#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/fake_matrix_server.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using nlohmann::json;
using test_support::HallpassProcess;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";
constexpr auto kTenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
constexpr auto kTenantB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
constexpr auto kTenantX = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";  // the county's Teams bot accepts it; no district
constexpr auto kTenantY = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";  // not even the county's
constexpr auto kGarcia = "29:teresa-garcia";                       // found by e-mail in each district
constexpr auto kMatrixBot = "@hallpass:hs.example";
constexpr auto kMatrixToken = "matrix-county-token";
constexpr auto kMatrixGarcia = "@tgarcia:hs.example";
constexpr auto kRoomA = "!rooma:hs.example";
constexpr auto kRoomB = "!roomb:hs.example";
constexpr auto kRoomX = "!roomx:hs.example";  // joined, but no district lists it
constexpr auto kRoomC = "!roomc:hs.example";  // district c's, which a reload adds
constexpr auto kCsvHeader = "id,name,email,language,roles,site,supervisor,title,slack,teams,matrix,web\n";

// A port nothing listens on now: the Teams adapter's setting is 1 to 65535 (no "any free port").
int free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

struct PlatformCounty {
  PlatformCounty() {
    test_support::FakeBotFrameworkAuthOptions o;
    o.service_url = connector.service_url();
    identity.emplace(io, o);
    auto* id = &*identity;
    connector.accept_tokens([id](const std::string& token) { return id->issued(token); });
    connector.add_member(
        {kGarcia, "Teresa Garcia", "aad-garcia", "tgarcia@sierravista.example.org", "tgarcia@sierravista.example.org"});
    for (const auto* room : {kRoomA, kRoomB, kRoomX}) matrix.add_room(room);

    test_support::write_county_folder(dir.path(), slack.api_base_url(), {});
    teams_port = free_port();
    std::ofstream(dir.path() / "county.yaml")
        << "county: { name: Test County Office of Education }\n"
        << "adapters:\n"
        << "  slack: { enabled: true, api_base_url: \"" << slack.api_base_url()
        << "\", signing_secret: \"${SLACK_SIGNING_SECRET}\", bot_token: \"${SLACK_BOT_TOKEN}\", mode: http, "
           "listen: 127.0.0.1, port: 0 }\n"
        << "  teams: { enabled: true, app_id: \"" << o.app_id
        << "\", app_secret: \"${TEAMS_APP_SECRET}\", tenant_id: \"" << o.tenant_id << "\", tenants: \"" << kTenantA
        << ", " << kTenantB << ", " << kTenantX << "\", openid_metadata_url: \"" << identity->openid_metadata_url()
        << "\", authority: \"" << identity->origin() << "\", service_url: \"" << connector.service_url()
        << "\", listen: 127.0.0.1, port: " << teams_port << " }\n"
        << "  matrix: { enabled: true, homeserver: \"" << matrix.origin()
        << "\", access_token: \"${MATRIX_ACCESS_TOKEN}\", user_id: \"" << kMatrixBot
        << "\", device_id: HALLPASS1, sync_timeout_ms: 1000 }\n";
    add_district("a", "TA", kTenantA, kRoomA);
    add_district("b", "TB", kTenantB, kRoomB);
  }

  ~PlatformCounty() {
    process.reset();
    slack.stop();
    connector.stop();
    identity->stop();
    matrix.stop();
  }

  // A district on all three platforms; its teacher is known on Matrix by her user id. people_csv:
  // more people from that file (under shared/) besides the file's own.
  void add_district(const std::string& key, const std::string& team, const std::string& tenant, const std::string& room,
                    const std::string& people_csv = {}) {
    test_support::write_county_district(dir.path(), {key, team},
                                        "  teams: [" + tenant + "]\n  matrix: [\"" + room + "\"]\n");
    std::string text = test_support::file_text(dir.path() / (key + ".yaml"));
    replace(text, "email: tgarcia@sierravista.example.org,",
            "email: tgarcia@sierravista.example.org, handles: { matrix: \"" + std::string(kMatrixGarcia) + "\" },");
    if (!people_csv.empty()) replace(text, "\npeople:\n", "\npeople_csv: shared/" + people_csv + "\npeople:\n");
    std::ofstream(dir.path() / (key + ".yaml")) << text;
  }

  void start() {
    std::map<std::string, std::string> env{{"SLACK_BOT_TOKEN", "xoxb-county"},
                                           {"SLACK_SIGNING_SECRET", kSecret},
                                           {"SLACK_APP_TOKEN", ""},
                                           {"TEAMS_APP_SECRET", identity->options().app_secret},
                                           {"MATRIX_ACCESS_TOKEN", kMatrixToken},
                                           {"HALLPASS_DATABASE_URL", ""}};
    process = std::make_unique<HallpassProcess>(
        std::vector<std::string>{"run", "--districts", dir.path().string(), "--admin-port", "0", "--db", db}, env,
        dir.file("stdout.txt"));
    std::string printed;
    if (!process->run_until(io, [&] {
          printed = process->output();
          return printed.find("Hallpass admin: ") != std::string::npos;
        }))
      FAIL("the county worker did not start; it printed: " << printed);
    CHECK_THAT(printed, Catch::Contains("Hallpass on Teams"));
    CHECK_THAT(printed, Catch::Contains("Hallpass on Matrix as " + std::string(kMatrixBot)));
    admin =
        "http://127.0.0.1:" + std::to_string(test_support::printed_port(printed, "Hallpass admin: http://127.0.0.1:"));
    // The first sync is history (answered never); what is posted after it is new.
    wait("the first Matrix sync", [&] { return matrix.sync_requests() >= 2; });
  }

  void wait(const char* what, const std::function<bool()>& done) {
    if (!process->run_until(io, done))
      FAIL("timed out waiting for " << what << "; the worker printed:\n" << process->output());
  }

  Response send(const std::string& base, Request r) {
    HttpClient client(io.get_executor(), base);
    std::optional<Response> response;
    asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
      if (e) std::rethrow_exception(e);
      response = std::move(res);
    });
    wait("an answer from the worker", [&] { return response.has_value(); });
    return *response;
  }

  // A personal-chat message from Teresa Garcia in `tenant`, signed by the fake Bot Framework.
  int teams_message(const std::string& tenant, const std::string& chat, const std::string& text) {
    const json activity = {{"type", "message"},
                           {"id", std::to_string(++sent)},
                           {"timestamp", "2026-11-24T18:00:00.000Z"},
                           {"channelId", "msteams"},
                           {"serviceUrl", connector.service_url()},
                           {"from", {{"id", kGarcia}, {"name", "Teresa Garcia"}}},
                           {"conversation", {{"id", chat}, {"conversationType", "personal"}, {"tenantId", tenant}}},
                           {"recipient", {{"id", "28:" + identity->options().app_id}, {"name", "Hallpass"}}},
                           {"channelData", {{"tenant", {{"id", tenant}}}}},
                           {"text", text}};
    Request r;
    r.method = "POST";
    r.target = "/api/messages";
    r.body = activity.dump();
    r.headers["Authorization"] = identity->authorization();
    return send("http://127.0.0.1:" + std::to_string(teams_port), std::move(r)).status;
  }

  std::vector<json> matrix_posts(const std::string& room) const {
    std::vector<json> out;
    for (const auto& e : matrix.bot_events())
      if (e.room_id == room) out.push_back(e.event);
    return out;
  }

  Response reload() {
    Request r;
    r.method = "POST";
    r.target = "/reload";
    return send(admin, std::move(r));
  }

  // The events a district recorded, by platform: hallpass.db holds the county's rows, district
  // k's are in hallpass.k.db beside it.
  std::map<std::string, std::int64_t> events(const std::string& key) {
    const fs::path p(db);
    const auto file = key.empty() ? db : (p.parent_path() / (p.stem().string() + "." + key + ".db")).string();
    if (!fs::exists(file)) return {};
    return bot::open_sqlite_store(file, {.mode = bot::OpenMode::read_only})
        ->statistics(std::chrono::system_clock::now())
        .events_by_platform;
  }

  // Declared first, so removed last: the folder, the databases and the worker's output.
  test_support::TempDir dir{"county-platforms"};
  std::string db = dir.file("hallpass.db");
  asio::io_context io;
  test_support::FakeSlackServer slack{io, "xoxb-county", "xapp-unused"};
  test_support::FakeBotConnector connector{io, ""};
  std::optional<test_support::FakeBotFrameworkAuth> identity;
  test_support::FakeMatrixServer matrix{io, kMatrixBot, kMatrixToken};
  std::unique_ptr<HallpassProcess> process;
  std::string admin;
  int teams_port = 0;
  int sent = 0;
};

using Events = std::map<std::string, std::int64_t>;

}  // namespace

TEST_CASE("a county worker answers each Teams tenant and Matrix room from its own district's rows",
          "[county][net][teams][matrix][cli]") {
  PlatformCounty county;
  county.start();

  // Teams, tenant a: answered in the chat it came from, recorded in a only.
  CHECK(county.teams_message(kTenantA, "a:chat-in-a", "help") == 200);
  county.wait("the answer in a's chat", [&] { return !county.connector.activities("a:chat-in-a").empty(); });
  CHECK(county.events("a") == Events{{"teams", 1}});
  CHECK(county.events("b").empty());
  // Tenant b: in b.
  CHECK(county.teams_message(kTenantB, "a:chat-in-b", "help") == 200);
  county.wait("the answer in b's chat", [&] { return !county.connector.activities("a:chat-in-b").empty(); });
  CHECK(county.events("b") == Events{{"teams", 1}});
  CHECK(county.events("a") == Events{{"teams", 1}});
  // A tenant the county's bot accepts but no district lists: acknowledged (Teams does not send it
  // again), recorded nowhere, and she is told, in English and Spanish (nobody's directory has her
  // language), as a reply in her chat. Her e-mail is known by now, so it is routed before the 200.
  CHECK(county.teams_message(kTenantX, "a:chat-in-x", "help") == 200);
  county.wait("the reply in x's chat", [&] { return !county.connector.activities("a:chat-in-x").empty(); });
  const auto told = county.connector.activities("a:chat-in-x");
  REQUIRE(told.size() == 1);
  CHECK(told[0].kind == test_support::FakeBotConnector::Write::reply);
  CHECK_THAT(told[0].activity.dump(),
             Catch::Contains("is not set up for this workspace") && Catch::Contains("no está configurado"));
  // A tenant the county's bot does not accept: refused before anything reads it.
  CHECK(county.teams_message(kTenantY, "a:chat-in-y", "help") == 403);

  // Matrix: the same for rooms. The answer to a command in a room is for the person alone: it
  // arrives in her direct room. In room X, which no district lists, writes someone no district's
  // directory has (a known person's message in an unlisted room goes to her district, as in a
  // direct room). X's message is posted before b's, so b's answer shows both were handled; X's is
  // answered nowhere.
  const size_t before = county.matrix.bot_events().size();
  county.matrix.post(kRoomA, kMatrixGarcia, "!socialmedia help");
  county.wait("the answer to a's room", [&] { return county.matrix.bot_events().size() > before; });
  CHECK(county.events("a") == Events{{"matrix", 1}, {"teams", 1}});
  CHECK(county.events("b") == Events{{"teams", 1}});
  county.matrix.post(kRoomX, "@stranger:hs.example", "!socialmedia help");
  county.matrix.post(kRoomB, kMatrixGarcia, "!socialmedia help");
  county.wait("the answer to b's room", [&] { return county.matrix.bot_events().size() > before + 1; });
  CHECK(county.events("b") == Events{{"matrix", 1}, {"teams", 1}});
  CHECK(county.events("a") == Events{{"matrix", 1}, {"teams", 1}});
  CHECK(county.matrix_posts(kRoomX).empty());
  CHECK(county.matrix.bot_events().size() == before + 2);
  CHECK(county.events("").empty());
  CHECK(county.connector.activities("a:chat-in-x").size() == 1);
  CHECK(county.connector.activities("a:chat-in-y").empty());
  CHECK(county.process->stop() == 0);
}

TEST_CASE("a reload serves a new district's Matrix room at once, and a district whose people CSV alone changed",
          "[county][net][matrix][cli]") {
  PlatformCounty county;
  county.start();
  const fs::path csv = county.dir.path() / "shared" / "people-c.csv";
  std::ofstream(csv) << kCsvHeader << "p.new,Pat New,pnew@sierravista.example.org,en,employee,lincoln,,,,,,\n";

  // District c, with its room, added to the folder: served after the reload, and the bot accepts
  // the invite to c's room (before the fix it declined it: the room was not one of the start's).
  county.add_district("c", "TC", kTenantX, kRoomC, "people-c.csv");
  const Response added = county.reload();
  CHECK(added.status == 200);
  CHECK_THAT(added.body, Catch::Contains("c: new, serving"));
  county.matrix.invite(kRoomC, "@admin:hs.example", false);
  county.wait("c's room joined", [&] {
    const auto joined = county.matrix.joined_rooms();
    return std::find(joined.begin(), joined.end(), kRoomC) != joined.end();
  });
  // What was in the room before the bot joined is history: write after its next syncs.
  const int syncs = county.matrix.sync_requests();
  county.wait("two more syncs", [&] { return county.matrix.sync_requests() >= syncs + 2; });
  const size_t before = county.matrix.bot_events().size();
  county.matrix.post(kRoomC, kMatrixGarcia, "!socialmedia help");
  county.wait("the answer to c's room", [&] { return county.matrix.bot_events().size() > before; });
  const auto left = county.matrix.left_rooms();
  CHECK(std::find(left.begin(), left.end(), kRoomC) == left.end());
  CHECK(county.events("c") == Events{{"matrix", 1}});
  CHECK(county.events("a").empty());

  // A person added to c's CSV, the district file untouched: the reload reloads c, and she is
  // known when she writes.
  std::ofstream(csv, std::ios::app) << "p.newer,Pat Newer,pnewer@sierravista.example.org,en,employee,lincoln,,,,,"
                                       "\"@pnewer:hs.example\",\n";
  const Response changed = county.reload();
  CHECK(changed.status == 200);
  CHECK_THAT(changed.body, Catch::Contains("c: reloaded"));
  CHECK_THAT(changed.body, Catch::Contains("2 unchanged"));
  const size_t answered = county.matrix.bot_events().size();
  county.matrix.post(kRoomC, "@pnewer:hs.example", "!socialmedia help");
  county.wait("the answer to the newcomer", [&] { return county.matrix.bot_events().size() > answered; });
  const auto answer = county.matrix.bot_events().back().event;
  CHECK(answer["content"].value("body", "") != "");
  CHECK_THAT(answer["content"].value("body", ""), !Catch::Contains("I don't know you yet"));
  CHECK(county.events("c") == Events{{"matrix", 2}});
  // Nothing changed since: nothing is reloaded.
  CHECK_THAT(county.reload().body, Catch::Contains("3 unchanged"));
  CHECK(county.process->stop() == 0);
}
