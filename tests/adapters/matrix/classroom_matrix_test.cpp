// Issue 21 over Matrix: a class request with students interacting is authorized; the checklist and
// the parent letter reach the teacher's DM room, the principal confirms in the request's thread of
// the Lincoln approvals room, and the moderation reminder comes the next morning. The real bot core,
// dispatcher and SQLite store against the fake homeserver on 127.0.0.1, with a manual clock.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "adapters/matrix/matrix_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_matrix_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
using adapters::matrix::MatrixAdapter;
using adapters::matrix::MatrixOptions;
using test_support::FakeMatrixServer;

constexpr auto kBot = "@hallpass:test";
constexpr auto kToken = "secret-token";
constexpr auto kLincoln = "!lincoln:test";
constexpr auto kSuper = "!super:test";
constexpr auto kTeacherDm = "!tdm:test";

const bot::District& district() {
  static const bot::District d = [] {
    auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
    if (!loaded) throw std::runtime_error("the sample district does not load");
    for (auto& p : loaded->config.people) {
      std::string local = p.id;
      std::erase(local, '.');
      p.handles["matrix"] = "@" + local + ":test";
    }
    for (auto& s : loaded->config.sites) s.approvals.addresses["matrix"] = "!" + s.id + ":test";
    loaded->config.superintendent_place.addresses["matrix"] = kSuper;
    return std::move(*loaded);
  }();
  return d;
}

struct Run {
  explicit Run(const std::string& db, const std::string& origin)
      : process({.db = db, .manual_start = test_support::la_time(2026, 11, 24, 10), .district = &district()}) {
    MatrixOptions o;
    o.homeserver = origin;
    o.access_token = kToken;
    o.user_id = kBot;
    o.device_id = "HALLPASSTEST";
    o.rooms = {kLincoln, kSuper};
    o.sync_timeout_ms = 100;
    o.first_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(50);
    bot::Store* s = &process.store();
    adapters::matrix::SyncCheckpoint cp{.load = [s] { return s->adapter_state("matrix.next_batch"); },
                                        .save = [s](std::string t) { s->set_adapter_state("matrix.next_batch", t); }};
    adapters::matrix::RoomMemory memory{
        .load = [s](const std::string& key) { return s->adapter_state(key); },
        .save = [s](const std::string& key, const std::string& value) { s->set_adapter_state(key, value); }};
    adapters::matrix::Sentences sentences = [](const std::string& key, const std::string& user,
                                               const bot::PromptVars& vars) {
      const bot::Person* person = district().config.person_by_handle("matrix", user);
      return district().prompts.text(person ? person->language : "en", key, vars);
    };
    adapter = std::make_unique<MatrixAdapter>(process.io().get_executor(), o, cp, memory, sentences);
    process.add_adapter(*adapter);
    process.start();
  }
  test_support::Process process;  // destroyed last
  std::unique_ptr<MatrixAdapter> adapter;
};

struct World {
  World() {
    server.add_room(kLincoln);
    server.add_room(kSuper);
  }
  void run_until(Run& r, const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (auto failure = r.process.failure()) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
      io.poll();
      r.process.io().run_one_for(std::chrono::milliseconds(1));
      io.poll();
    }
  }
  std::vector<std::string> bodies(const std::string& room, const std::string& text = {}) const {
    std::vector<std::string> out;
    for (const auto& e : server.bot_events()) {
      std::string body = e.event["content"].value("body", "");
      if (e.room_id == room && (text.empty() || body.find(text) != std::string::npos)) out.push_back(body);
    }
    return out;
  }
  std::string root_in(const std::string& room) const {
    for (const auto& e : server.bot_events())
      if (e.room_id == room) return e.event["event_id"];
    return {};
  }

  test_support::TempDir dir{"classroom-matrix"};
  asio::io_context io;
  FakeMatrixServer server{io, kBot, kToken};
  std::string db = dir.file("hallpass.db");
};

}  // namespace

TEST_CASE("over Matrix a class account's checklist is worked through, and its moderation reminder comes next morning",
          "[net][matrix][classroom]") {
  World w;
  Run r(w.db, w.server.origin());
  w.server.invite(kTeacherDm, "@tgarcia:test", true);
  w.run_until(
      r, [&] { return w.server.joined_rooms().size() == 3; }, "the teacher's DM joined");

  w.server.post(kTeacherDm, "@tgarcia:test", "!socialmedia request");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "request.platforms").empty(); }, "the platforms form");
  w.server.post(kTeacherDm, "@tgarcia:test",
                "!socialmedia form request.platforms - platforms=instagram; audience=students,parents; "
                "students_interact=yes");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "request.objectives").empty(); }, "the objectives form");
  w.server.post(kTeacherDm, "@tgarcia:test",
                "!socialmedia form request.objectives - objectives.instagram=Pictures of my class and their projects");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "!socialmedia confirm").empty(); }, "the summary");
  w.server.post(kTeacherDm, "@tgarcia:test", "!socialmedia confirm");
  w.run_until(
      r, [&] { return !w.bodies(kLincoln).empty(); }, "the card at Lincoln");
  const std::string lincoln_root = w.root_in(kLincoln);
  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia endorse R-1001", lincoln_root);
  w.run_until(
      r, [&] { return !w.bodies(kSuper).empty(); }, "the card for the superintendent");
  CHECK(!w.bodies(kSuper, "Consent for student media").empty());
  w.server.post(kSuper, "@mokafor:test", "!socialmedia authorize R-1001", w.root_in(kSuper));

  // The decision with its conditions, and the checklist, in the teacher's DM room.
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Before you use Instagram with students (R-1001)").empty(); },
      "the checklist");
  CHECK(!w.bodies(kTeacherDm, "Conditions of classroom use").empty());
  CHECK(!w.bodies(kTeacherDm, "without the written, informed consent").empty());
  // Rosa's confirmation, in Spanish, in the request's thread at Lincoln.
  w.run_until(
      r, [&] { return !w.bodies(kLincoln, "Tengo acceso de administrador").empty(); },
      "the principal's confirmation message");
  CHECK(!w.bodies(kLincoln, "!socialmedia classroom.access R-1001").empty());

  w.server.post(kTeacherDm, "@tgarcia:test", "!socialmedia classroom.letter R-1001");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Estimadas familias").empty(); }, "the parent letter");
  CHECK(!w.bodies(kTeacherDm, "Dear parents and guardians").empty());
  w.server.post(kTeacherDm, "@tgarcia:test", "!socialmedia classroom.parents R-1001");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Recorded: parents notified (R-1001)").empty(); }, "parents ticked");
  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia classroom.access R-1001", lincoln_root);
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Rosa Alvarez confirmed: administrator access").empty(); },
      "access confirmed");
  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia classroom.login R-1001", lincoln_root);
  w.run_until(
      r, [&] { return r.process.store().classroom_checklist("R-1001")->login_given.has_value(); }, "login confirmed");
  w.server.post(kTeacherDm, "@tgarcia:test", "!socialmedia checklist R-1001 consent");
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Everything on the checklist is done").empty(); },
      "the checklist complete");
  w.run_until(
      r, [&] { return !w.bodies(kLincoln, "Completa (4 de 4)").empty(); }, "the card complete");

  // The next morning at 07:30: the moderation reminder in her DM room.
  r.process.manual_clock().set(test_support::la_time(2026, 11, 25, 7, 30));
  r.process.bot().fire_due_timers();
  w.run_until(
      r, [&] { return !w.bodies(kTeacherDm, "Daily moderation: check today's comments on Instagram").empty(); },
      "the moderation reminder");
}
