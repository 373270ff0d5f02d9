// One district on Matrix (hallpass run --config): a room a reload gives a place is joined when the
// bot is invited to it, without a restart (the county worker did this already; one district
// declined the invite until the next start).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/fake_matrix_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using test_support::HallpassProcess;

constexpr auto kBot = "@hallpass:hs.example";
constexpr auto kToken = "syt_matrix_reload_token";
constexpr auto kLincolnRoom = "!lincoln:hs.example";
constexpr auto kRooseveltRoom = "!roosevelt:hs.example";  // the room a reload gives Roosevelt

std::string approvals_in(const std::string& room, const std::string& web) {
  return "approvals: { matrix: \"" + room + "\", web: \"" + web + "\"";
}

}  // namespace

TEST_CASE("a room a reload gives one district's place is joined when the bot is invited, without a restart",
          "[net][matrix][cli]") {
  test_support::TempDir dir("matrix-reload");
  asio::io_context io;
  test_support::FakeMatrixServer matrix{io, kBot, kToken};
  matrix.add_room(kLincolnRoom);
  matrix.add_room(kRooseveltRoom);
  // The sample district (its web chat on a port the OS picks) on Matrix too, Lincoln's approvals
  // in a room of the fake homeserver.
  const fs::path sample = test_support::sample_config_variant(
      "matrix-reload",
      {{"web: { enabled: true, port: 8080,", "web: { enabled: true, port: 0,"},
       {"matrix: { enabled: false, homeserver: \"https://matrix.sierravista.example.org\"",
        "matrix: { enabled: true, sync_timeout_ms: 1000, homeserver: \"" + matrix.origin() + "\""},
       {"user_id: \"@hallpass:sierravista.example.org\"", "user_id: \"" + std::string(kBot) + "\""},
       {"approvals: { web: \"#lincoln-approvals\"", approvals_in(kLincolnRoom, "#lincoln-approvals")}});

  HallpassProcess process({"run", "--config", sample.string(), "--admin-port", "0", "--db", dir.file("hallpass.db")},
                          {{"MATRIX_ACCESS_TOKEN", kToken}}, dir.file("stdout.txt"));
  const auto wait = [&](const char* what, const std::function<bool()>& done) {
    if (!process.run_until(io, done)) FAIL("timed out waiting for " << what << "; it printed:\n" << process.output());
  };
  wait("the admin listener", [&] { return process.output().find("Hallpass admin: ") != std::string::npos; });
  const std::string admin = "http://127.0.0.1:" + std::to_string(test_support::printed_port(
                                                      process.output(), "Hallpass admin: http://127.0.0.1:"));
  wait("the first sync", [&] { return matrix.sync_requests() >= 2; });

  // Before the reload, Roosevelt's room is nobody's place: the invite is declined.
  matrix.invite(kRooseveltRoom, "@admin:hs.example", false);
  wait("the invite declined", [&] {
    const auto left = matrix.left_rooms();
    return std::find(left.begin(), left.end(), kRooseveltRoom) != left.end();
  });

  // The file gives Roosevelt's approvals that room; after the reload a new invite is accepted.
  std::string text = test_support::file_text(sample);
  const std::string roosevelt = "approvals: { web: \"#roosevelt-approvals\"";
  REQUIRE(text.find(roosevelt) != std::string::npos);
  text.replace(text.find(roosevelt), roosevelt.size(), approvals_in(kRooseveltRoom, "#roosevelt-approvals"));
  std::ofstream(sample) << text;
  HttpClient client(io.get_executor(), admin);
  std::optional<Response> reloaded;
  Request r;
  r.method = "POST";
  r.target = "/reload";
  asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
    if (!e) reloaded = std::move(res);
  });
  wait("the reload's answer", [&] { return reloaded.has_value(); });
  CHECK(reloaded->status == 200);
  matrix.invite(kRooseveltRoom, "@admin:hs.example", false);
  wait("Roosevelt's room joined", [&] {
    const auto joined = matrix.joined_rooms();
    return std::find(joined.begin(), joined.end(), kRooseveltRoom) != joined.end();
  });
  CHECK(process.stop() == 0);
  matrix.stop();
}
