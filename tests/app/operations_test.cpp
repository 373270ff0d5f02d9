// What a district's IT team runs Hallpass with, from the real binary: the admin listener's
// /healthz, /readyz and /metrics during a run driven from the web chat; JSON logs that parse line
// by line and never hold a secret; the log level; `run` without its district; backup and restore.
#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support/config_files.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/run_awaitable.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/webchat_client.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;
using namespace test_support;

struct Got {
  int status = 0;
  std::string body;
};

// A plain GET on 127.0.0.1, as curl or a Prometheus scrape would send it.
Got get(unsigned short port, const std::string& path) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> request{http::verb::get, path, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {static_cast<int>(response.result_int()), response.body()};
}

// The value of one series in a /metrics body, or -1 when it is not there.
double series(const std::string& metrics, const std::string& name_and_labels) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(name_and_labels + " ")) return std::stod(line.substr(name_and_labels.size() + 1));
  return -1;
}

asio::awaitable<bool> ask_a_question(unsigned short port) {
  auto teacher = co_await webchat_join(port, "t.garcia");
  co_await webchat_write(teacher.ws, webchat_send_frame("ops-1", "dm", "/socialmedia ask can I friend a parent?"));
  co_await webchat_read_until(teacher.ws, [](const json& f) { return f["type"] == "message"; });
  co_await webchat_close(teacher.ws);
  co_return true;
}

CommandResult hallpass(const std::string& args, const std::string& env = {}) {
  return run_command(env + (env.empty() ? "" : " ") + HALLPASS_BINARY + " " + args + " </dev/null 2>&1");
}

unsigned mode_of(const std::string& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

}  // namespace

TEST_CASE("the admin listener answers health, readiness and metrics, and the counters move", "[cli][ops][net]") {
  TempDir dir("ops-admin");
  const std::string secret = "5f0c8e2a9d7b4c1e6a3f8d2b7c9e1a4f5d6b8c0e2a7f9d3b1c5e8a6f4d2b0c97";
  HallpassProcess demo({"demo", "--port", "0", "--admin-port", "0", "--db", dir.file("demo.db"), "--log-format", "json",
                        "--log-level", "debug"},
                       {{"HALLPASS_AUDIT_KEY", secret}}, dir.file("stdout.txt"));
  asio::io_context io;
  auto idle = asio::make_work_guard(io);
  unsigned short web = 0, admin = 0;
  REQUIRE(demo.run_until(io, [&] {
    const std::string out = demo.output();
    web = printed_port(out, "Hallpass web chat: http://127.0.0.1:");
    admin = printed_port(out, "Hallpass admin: http://127.0.0.1:");
    return web && admin;
  }));

  const Got health = get(admin, "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  const Got ready = get(admin, "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");
  CHECK(get(admin, "/people").status == 404);  // nothing but the three

  const Got before = get(admin, "/metrics");
  CHECK(before.status == 200);
  CHECK_THAT(before.body, Catch::Contains("# TYPE hallpass_events_handled_total counter"));
  CHECK_THAT(before.body, Catch::Contains("# TYPE hallpass_ack_seconds histogram"));
  CHECK(series(before.body, "hallpass_outbox_messages{state=\"pending\"}") >= 0);
  CHECK(series(before.body, "hallpass_audit_rows") >= 0);
  CHECK(series(before.body, "hallpass_events_handled_total{platform=\"web\",kind=\"command\"}") == -1);

  CHECK(run_awaitable(io, ask_a_question(web)));

  const Got after = get(admin, "/metrics");
  CHECK(series(after.body, "hallpass_events_handled_total{platform=\"web\",kind=\"command\"}") == 1);
  CHECK(series(after.body, "hallpass_events_remembered{platform=\"web\"}") == 1);
  double answers = 0;
  for (const char* verdict : {"allowed", "allowed_with_conditions", "needs_approval", "discouraged", "prohibited",
                              "required", "report", "info", "no_answer"})
    answers +=
        std::max(0.0, series(after.body, std::string("hallpass_policy_answers_total{verdict=\"") + verdict + "\"}"));
  CHECK(answers == 1);
  CHECK(series(after.body, "hallpass_deliveries_total{platform=\"web\",result=\"sent\"}") >= 1);
  CHECK(series(after.body, "hallpass_acks_total{platform=\"web\"}") == 1);
  CHECK(series(after.body, "hallpass_ack_seconds_count{platform=\"web\"}") == 1);
  CHECK(series(after.body, "hallpass_ack_seconds_bucket{platform=\"web\",le=\"+Inf\"}") == 1);

  CHECK(demo.stop() == 0);

  // Every line of the run's output is one JSON object with a time, a level and a message, and the
  // audit key appears nowhere, even at debug level.
  std::istringstream lines(demo.output());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    INFO(line);
    json parsed = json::parse(line, nullptr, false);
    REQUIRE(parsed.is_object());
    CHECK(parsed.contains("time"));
    CHECK(parsed.contains("level"));
    CHECK(parsed.contains("message"));
  }
  CHECK(count >= 2);
  CHECK_THAT(demo.output(), !Catch::Contains(secret));
}

TEST_CASE("logging options are checked, and run needs the district's file", "[cli][ops]") {
  auto bad_level = hallpass("demo --log-level loud");
  CHECK(bad_level.exit_code == 2);
  CHECK_THAT(bad_level.output, Catch::Contains("the log level 'loud' (--log-level) is not one Hallpass knows"));
  auto bad_env = hallpass("check-config --help", "HALLPASS_LOG_FORMAT=xml");
  CHECK(bad_env.exit_code == 2);
  CHECK_THAT(bad_env.output, Catch::Contains("the log format 'xml' (HALLPASS_LOG_FORMAT) is not one Hallpass knows"));
  auto no_config = hallpass("run --port 0");
  CHECK(no_config.exit_code == 2);
  CHECK_THAT(no_config.output, Catch::Contains("--config FILE is required"));
  CHECK_THAT(no_config.output, Catch::Contains("hallpass demo"));
}

TEST_CASE("backup copies a live database, restore puts it back and keeps the one it replaces", "[cli][ops][db]") {
  TempDir dir("ops-backup");
  const std::string db = dir.file("hallpass.db");
  {
    HallpassProcess demo({"demo", "--port", "0", "--db", db}, {}, dir.file("stdout.txt"));
    asio::io_context io;
    auto idle = asio::make_work_guard(io);
    unsigned short web = 0;
    REQUIRE(demo.run_until(
        io, [&] { return (web = printed_port(demo.output(), "Hallpass web chat: http://127.0.0.1:")); }));
    CHECK(run_awaitable(io, ask_a_question(web)));
    // Taken while the bot runs.
    auto backup = hallpass("backup --db " + db + " --to " + dir.file("copy.db"));
    INFO(backup.output);
    CHECK(backup.exit_code == 0);
    CHECK_THAT(backup.output, Catch::Contains("Backed up " + db + " to " + dir.file("copy.db")));
    CHECK(demo.stop() == 0);
  }
  CHECK(mode_of(dir.file("copy.db")) == 0600);
  CHECK(hallpass("audit verify --db " + dir.file("copy.db")).exit_code == 0);
  CHECK_THAT(hallpass("outbox --all --db " + dir.file("copy.db")).output, Catch::Contains("sent"));

  auto again = hallpass("backup --db " + db + " --to " + dir.file("copy.db"));
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.output, Catch::Contains("already exists"));

  std::filesystem::create_directory(dir.file("notes"));
  { std::ofstream(dir.file("notes/minutes.db")) << std::string(200, 'x'); }
  auto foreign = hallpass("restore --from " + dir.file("notes/minutes.db") + " --db " + db);
  CHECK(foreign.exit_code == 1);
  CHECK_THAT(foreign.output, Catch::Contains("is not a Hallpass database"));

  auto restored = hallpass("restore --from " + dir.file("copy.db") + " --db " + db);
  INFO(restored.output);
  CHECK(restored.exit_code == 0);
  CHECK(std::filesystem::exists(db + ".before-restore"));
  CHECK(hallpass("audit verify --db " + db).exit_code == 0);
  CHECK(hallpass("audit verify --db " + db + ".before-restore").exit_code == 0);
}

namespace {

// The district file with one more person, inserted as the people list's first entry.
void add_person(const std::filesystem::path& config, const std::string& id, const std::string& name) {
  std::ifstream in(config);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("\npeople:\n");
  REQUIRE(at != std::string::npos);
  text.insert(at + 9, "  - { id: " + id + ", name: " + name + ", email: " + id +
                          "@sierravista.example.org, roles: [employee], site: lincoln, supervisor: r.alvarez }\n");
  std::ofstream(config) << text;
}

// The people the file lists (each has its roles).
size_t people_in(const std::filesystem::path& config) {
  std::ifstream in(config);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t n = 0;
  for (size_t at = text.find("roles: ["); at != std::string::npos; at = text.find("roles: [", at + 1)) ++n;
  return n;
}

void replace_in(const std::filesystem::path& config, const std::string& from, const std::string& to) {
  std::ifstream in(config);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(config) << text;
}

// Each call a new message (the web chat recognises a message id it has seen as a resend).
asio::awaitable<std::string> ask_as(unsigned short port, std::string person, std::string message_id) {
  auto them = co_await webchat_join(port, person);
  co_await webchat_write(them.ws, webchat_send_frame(message_id, "dm", "/socialmedia ask can I friend a parent?"));
  json reply = co_await webchat_read_until(them.ws, [](const json& f) { return f["type"] == "message"; });
  co_await webchat_close(them.ws);
  co_return reply.dump();
}

}  // namespace

TEST_CASE("a reload applies a good district file, refuses a bad one and the bot keeps running", "[cli][ops][net]") {
  TempDir dir("ops-reload");
  const auto config = sample_config_variant("ops-reload", "name: Hannah Nguyen", "name: Hannah Nguyen");
  HallpassProcess bot(
      {"demo", "--config", config.string(), "--port", "0", "--admin-port", "0", "--db", dir.file("reload.db")}, {},
      dir.file("stdout.txt"));
  asio::io_context io;
  auto idle = asio::make_work_guard(io);
  unsigned short web = 0, admin = 0;
  REQUIRE(bot.run_until(io, [&] {
    web = printed_port(bot.output(), "Hallpass web chat: http://127.0.0.1:");
    admin = printed_port(bot.output(), "Hallpass admin: http://127.0.0.1:");
    return web && admin;
  }));
  CHECK_THAT(get(web, "/api/bootstrap").body, !Catch::Contains("Valeria Nuevo"));

  // A new hire added to the file: after `hallpass reload` they are in the web chat and are answered.
  // The web chat's port changed too: its connection stays open where it is until a restart.
  add_person(config, "v.nuevo", "Valeria Nuevo");
  replace_in(config, "port: 8080", "port: 8090");
  const auto reloaded = hallpass("reload --admin-port " + std::to_string(admin));
  INFO(reloaded.output);
  CHECK(reloaded.exit_code == 0);
  CHECK_THAT(reloaded.output, Catch::Contains("Reloaded: Sierra Vista Unified School District: 3 sites, " +
                                              std::to_string(people_in(config)) + " people"));
  CHECK_THAT(reloaded.output,
             Catch::Contains("Not applied until the next restart: the web adapter's settings changed."));
  CHECK_THAT(get(web, "/api/bootstrap").body, Catch::Contains("Valeria Nuevo"));
  CHECK_THAT(run_awaitable(io, ask_as(web, "v.nuevo", "reload-1")), Catch::Contains("parent"));

  // A typo: refused with the file, the line and the fix; the bot goes on with what it had.
  replace_in(config, "time_zone:", "timezone:");
  const auto refused = hallpass("reload --admin-port " + std::to_string(admin));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Catch::Contains(config.string() + ":" + std::to_string(line_of(config, "timezone:")) +
                                             ": unknown key 'timezone' in district. Did you mean 'time_zone'?"));
  CHECK(get(admin, "/healthz").status == 200);
  CHECK(get(admin, "/readyz").status == 200);
  CHECK_THAT(run_awaitable(io, ask_as(web, "v.nuevo", "reload-2")), Catch::Contains("parent"));

  // SIGHUP (systemctl reload) does the same.
  replace_in(config, "timezone:", "time_zone:");
  add_person(config, "o.segundo", "Omar Segundo");
  bot.hang_up();
  REQUIRE(bot.run_until(io, [&] { return get(web, "/api/bootstrap").body.find("Omar Segundo") != std::string::npos; }));
  const Got metrics = get(admin, "/metrics");
  CHECK(series(metrics.body, "hallpass_config_reloads_total{result=\"applied\"}") == 2);
  CHECK(series(metrics.body, "hallpass_config_reloads_total{result=\"refused\"}") == 1);
  CHECK(bot.stop() == 0);
}

TEST_CASE("hallpass reload says plainly when no Hallpass listens", "[cli][ops]") {
  asio::io_context io;
  asio::ip::tcp::acceptor closed(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = closed.local_endpoint().port();
  closed.close();  // a port nothing listens on
  const auto result = hallpass("reload --admin-port " + std::to_string(port));
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Catch::Contains("no Hallpass admin listener answers at 127.0.0.1:" + std::to_string(port)));
}
