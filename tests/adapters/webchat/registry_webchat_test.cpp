// A password pasted in the web chat of `hallpass demo` (the real binary, the sample district, a
// browser's WebSocket on 127.0.0.1): refused with the clause, and afterwards in neither the
// database file nor its write-ahead log, though the web chat keeps what people type.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/hallpass_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/webchat_client.hpp"

namespace {

namespace asio = boost::asio;
using nlohmann::json;
using namespace test_support;

constexpr const char* kSecret = "Lions#Roar2026";

unsigned short demo_port(asio::io_context& io, HallpassProcess& demo) {
  const std::string mark = "Hallpass web chat: http://127.0.0.1:";
  std::string out;
  bool printed = demo.run_until(io, [&] {
    out = demo.output();
    auto at = out.find(mark);
    return at != std::string::npos && out.find('/', at + mark.size()) != std::string::npos;
  });
  if (!printed) return 0;
  return static_cast<unsigned short>(std::stoi(out.substr(out.find(mark) + mark.size())));
}

void browse(asio::io_context& io, asio::awaitable<void> session) {
  io.restart();
  std::exception_ptr failure;
  bool finished = false;
  asio::steady_timer deadline(io, std::chrono::seconds(30));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) io.stop();
  });
  asio::co_spawn(io, std::move(session), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    deadline.cancel();
  });
  io.run();
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
}

bool bot_says(const json& f, const std::string& words) {
  return f["type"] == "message" && f["message"]["author"]["bot"] == true &&
         f["message"].dump().find(words) != std::string::npos;
}

asio::awaitable<void> paste_password(unsigned short port) {
  auto teacher = co_await webchat_join(port, "t.garcia");
  const std::string typed = std::string("my password is ") + kSecret;
  co_await webchat_write(teacher.ws, webchat_send_frame("p-1", "dm", typed));
  json refusal = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return bot_says(f, "Please do not send passwords here"); });
  CHECK(refusal["message"].dump().find("Each site must maintain a confidential database") != std::string::npos);
  // An ordinary message after it is kept as before.
  co_await webchat_write(teacher.ws, webchat_send_frame("p-2", "dm", "/socialmedia accounts"));
  co_await webchat_read_until(teacher.ws, [](const json& f) { return bot_says(f, "Official social media accounts"); });
  co_await webchat_close(teacher.ws);
}

std::string bytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("hallpass demo: a pasted password is refused and is not in the database or its WAL",
          "[net][webchat][registry]") {
  TempDir dir("registry-webchat");
  const std::string db = dir.file("demo.db");
  asio::io_context io;
  {
    HallpassProcess demo({"demo", "--db", db, "--port", "0"}, {}, dir.file("demo.out"));
    const unsigned short port = demo_port(io, demo);
    REQUIRE(port != 0);
    browse(io, paste_password(port));
    // Read while it runs, as someone would search the live files…
    const std::string live = bytes(db) + bytes(db + "-wal");
    CHECK(live.find("/socialmedia accounts") != std::string::npos);  // what people type is kept…
    CHECK(live.find(kSecret) == std::string::npos);                  // …but not a password
    CHECK(demo.stop() == 0);
  }
  // …and after it stopped.
  CHECK((bytes(db) + bytes(db + "-wal")).find(kSecret) == std::string::npos);
}
