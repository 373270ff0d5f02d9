// `hallpass demo` killed and started again over the same database, as in the kill test of
// issue 13: the real binary, the sample district, a browser's WebSocket on 127.0.0.1.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/hallpass_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/webchat_client.hpp"

namespace {

namespace asio = boost::asio;
using nlohmann::json;
using namespace test_support;

// The port the demo printed ("Hallpass web chat: http://127.0.0.1:<port>/"), 0 if it did not.
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

// Runs one browser session to its end; fails the test instead of hanging after 30 s.
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

std::string button_value(const json& entry, const std::string& action_id) {
  for (const auto& block : entry["content"]["blocks"])
    for (const auto& button : block.value("buttons", json::array()))
      if (button["action_id"] == action_id) return button["value"];
  return "";
}

bool is_message(const json& frame) { return frame["type"] == "message"; }

// Teresa Garcia files a request in her DM; returns (in `card`) the ref of the approvals card.
asio::awaitable<void> file_request(unsigned short port, std::string& card) {
  auto teacher = co_await webchat_join(port, "t.garcia");
  co_await webchat_write(teacher.ws, webchat_send_frame("e-1", "dm", "/socialmedia request"));
  json platforms = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return is_message(f) && entry_has_form(f["message"], "request.platforms"); });
  // Frames are built first: GCC 12 mis-compiles initializer lists in a co_await expression.
  json chosen = json::object();
  chosen["platforms"] = json::array({"instagram", "youtube"});
  chosen["audience"] = json::array({"parents", "students"});
  chosen["students_interact"] = "no";
  json first_form = webchat_form_frame("f-1", platforms["message"]["ref"], "request.platforms", chosen);
  co_await webchat_write(teacher.ws, first_form);
  json objectives = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return is_message(f) && entry_has_form(f["message"], "request.objectives"); });
  json written = json::object();
  written["objectives.instagram"] = "Share weekly class projects";
  written["objectives.youtube"] = "Post the winter concert";
  json second_form = webchat_form_frame("f-2", objectives["message"]["ref"], "request.objectives", written);
  co_await webchat_write(teacher.ws, second_form);
  json summary = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return is_message(f) && entry_has_button(f["message"], "confirm"); });
  co_await webchat_write(teacher.ws, webchat_action_frame("a-1", summary["message"]["ref"], "confirm",
                                                          button_value(summary["message"], "confirm")));
  json posted = co_await webchat_read_until(teacher.ws, [](const json& f) {
    return is_message(f) && f["message"]["channel"] == "#lincoln-approvals" &&
           entry_has_button(f["message"], "endorse");
  });
  CHECK(posted["message"]["thread_key"] == "R-1001");
  card = posted["message"]["ref"];
}

// After the restart Rosa Alvarez, the principal, endorses on the card posted before it.
asio::awaitable<void> endorse_after_restart(unsigned short port, std::string card) {
  auto teacher = co_await webchat_join(port, "t.garcia");
  bool teacher_sees_card = false;
  for (const auto& entry : teacher.hello["messages"]) teacher_sees_card |= entry["ref"] == card;
  CHECK(teacher_sees_card);  // the page shows the history after the reload
  co_await webchat_close(teacher.ws);

  auto principal = co_await webchat_join(port, "r.alvarez");
  json shown;
  for (const auto& entry : principal.hello["messages"])
    if (entry["ref"] == card) shown = entry;
  REQUIRE(shown.is_object());
  CHECK(entry_has_button(shown, "endorse"));

  co_await webchat_write(principal.ws, webchat_action_frame("a-2", card, "endorse", "R-1001"));
  // The card changes where it stands: its buttons are gone.
  json updated = co_await webchat_read_until(
      principal.ws, [&card](const json& f) { return f["type"] == "update" && f["message"]["ref"] == card; });
  CHECK_FALSE(entry_has_button(updated["message"], "endorse"));
  // And the thread under it goes on.
  json note = co_await webchat_read_until(
      principal.ws, [&card](const json& f) { return is_message(f) && f["message"]["thread_ref"] == card; });
  CHECK(entry_text(note["message"]) == "Rosa Alvarez respaldó esta solicitud. Se envió al superintendente.");
  co_await webchat_close(principal.ws);
}

}  // namespace

TEST_CASE("hallpass demo: killed and started over the same database, it updates the card and continues its thread",
          "[net][webchat][demo]") {
  TempDir dir("demo-restart");
  const std::string db = dir.file("demo.db");
  asio::io_context io;
  std::string card;
  {
    HallpassProcess demo({"demo", "--db", db, "--port", "0"}, {}, dir.file("first.out"));
    const unsigned short port = demo_port(io, demo);
    REQUIRE(port != 0);
    browse(io, file_request(port, card));
    REQUIRE(!card.empty());
  }  // SIGKILL: nothing is shut down politely
  HallpassProcess demo({"demo", "--db", db, "--port", "0"}, {}, dir.file("second.out"));
  const unsigned short port = demo_port(io, demo);
  REQUIRE(port != 0);
  browse(io, endorse_after_restart(port, card));
  CHECK(demo.stop() == 0);
}

namespace {

bool bot_says(const json& f, const std::string& text) {
  return is_message(f) && entry_text(f["message"]).find(text) != std::string::npos;
}

// In the teacher's DM (the demo shows everyone every channel too), in any block (fields too).
bool teacher_reads(const json& f, const std::string& text) {
  return is_message(f) && f["message"]["channel"] == "dm:t.garcia" && f["message"]["author"]["bot"] == true &&
         f["message"]["content"].dump().find(text) != std::string::npos;
}

// In threads, typed: the principal's "endorse", the superintendent's "info …", the teacher's reply
// in her DM thread; in the DM: hi, thanks, help. Returns (in `super_card`) the superintendent's card.
asio::awaitable<void> talk_in_threads(unsigned short port, std::string card, std::string& super_card) {
  auto principal = co_await webchat_join(port, "r.alvarez");
  auto superintendent = co_await webchat_join(port, "m.okafor");
  auto teacher = co_await webchat_join(port, "t.garcia");
  // The principal's plain word in the card's thread acts on its request.
  co_await webchat_write(principal.ws, webchat_send_frame("t-1", "#lincoln-approvals", "endorse", card));
  json posted = co_await webchat_read_until(superintendent.ws, [](const json& f) {
    return is_message(f) && f["message"]["channel"] == "#superintendent" && entry_has_button(f["message"], "authorize");
  });
  super_card = posted["message"]["ref"];
  co_await webchat_write(superintendent.ws, webchat_send_frame("t-2", "#superintendent",
                                                               "info Who will moderate the comments?", super_card));
  json question = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return teacher_reads(f, "Who will moderate the comments?"); });
  CHECK(entry_text(question["message"]).find("button") == std::string::npos);
  const std::string dm_thread = question["message"]["thread_ref"];
  REQUIRE(!dm_thread.empty());
  // The teacher replies in her request's thread: the answer reaches the superintendent's thread.
  co_await webchat_write(teacher.ws, webchat_send_frame("t-3", "dm", "I will, every school day", dm_thread));
  json answered = co_await webchat_read_until(superintendent.ws, [&](const json& f) {
    return bot_says(f, "I will, every school day") && f["message"]["thread_ref"] == super_card;
  });
  CHECK(answered["message"]["channel"] == "#superintendent");
  // Small talk and help: short answers, no policy quote.
  co_await webchat_write(teacher.ws, webchat_send_frame("t-4", "dm", "hi"));
  json hi = co_await webchat_read_until(teacher.ws, [](const json& f) { return teacher_reads(f, "Hi Teresa Garcia"); });
  CHECK(entry_text(hi["message"]).find("policy says") == std::string::npos);
  co_await webchat_write(teacher.ws, webchat_send_frame("t-5", "dm", "thanks"));
  co_await webchat_read_until(teacher.ws, [](const json& f) { return teacher_reads(f, "You're welcome"); });
  co_await webchat_write(teacher.ws, webchat_send_frame("t-6", "dm", "help"));
  co_await webchat_read_until(teacher.ws, [](const json& f) { return teacher_reads(f, "/socialmedia request"); });
  co_await webchat_close(teacher.ws);
  co_await webchat_close(superintendent.ws);
  co_await webchat_close(principal.ws);
}

// After a restart the superintendent modifies by typing in the thread; the teacher's status shows it.
asio::awaitable<void> modify_after_restart(unsigned short port, std::string super_card) {
  auto superintendent = co_await webchat_join(port, "m.okafor");
  auto teacher = co_await webchat_join(port, "t.garcia");
  co_await webchat_write(
      superintendent.ws,
      webchat_send_frame("m-1", "#superintendent", "modify keep instagram because videos of students need releases",
                         super_card));
  co_await webchat_read_until(teacher.ws,
                              [](const json& f) { return teacher_reads(f, "videos of students need releases"); });
  co_await webchat_write(teacher.ws, webchat_send_frame("m-2", "dm", "status"));
  json status = co_await webchat_read_until(
      teacher.ws, [](const json& f) { return teacher_reads(f, "Your social media requests"); });
  CHECK(entry_text(status["message"]).find("authorized in a modified form") != std::string::npos);
  co_await webchat_close(teacher.ws);
  co_await webchat_close(superintendent.ws);
}

}  // namespace

TEST_CASE("hallpass demo: people type in the request's threads, and a restart in the middle loses nothing",
          "[net][webchat][demo][talk]") {
  TempDir dir("demo-talk");
  const std::string db = dir.file("demo.db");
  asio::io_context io;
  std::string card;
  std::string super_card;
  {
    HallpassProcess demo({"demo", "--db", db, "--port", "0"}, {}, dir.file("first.out"));
    const unsigned short port = demo_port(io, demo);
    REQUIRE(port != 0);
    browse(io, file_request(port, card));
    REQUIRE(!card.empty());
    browse(io, talk_in_threads(port, card, super_card));
    REQUIRE(!super_card.empty());
  }  // SIGKILL
  HallpassProcess demo({"demo", "--db", db, "--port", "0"}, {}, dir.file("second.out"));
  const unsigned short port = demo_port(io, demo);
  REQUIRE(port != 0);
  browse(io, modify_after_restart(port, super_card));
  CHECK(demo.stop() == 0);
}
