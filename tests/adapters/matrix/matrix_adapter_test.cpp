// The Matrix adapter with the real bot core, the outbox dispatcher and a SQLite file store,
// against the fake homeserver on 127.0.0.1. Each "process" (bot + dispatcher + adapter) has its
// own io_context, so a crash is the io_context destroyed mid-flight; the server outlives it.
#include "adapters/matrix/matrix_adapter.hpp"

#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "app/adapter_registry.hpp"
#include "bot/core/outbox_dispatcher.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_matrix_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflows/router.hpp"

namespace {

namespace asio = boost::asio;
using adapters::matrix::MatrixAdapter;
using adapters::matrix::MatrixOptions;
using test_support::FakeMatrixServer;

constexpr auto kBot = "@hallpass:test";
constexpr auto kToken = "secret-token";
constexpr auto kLincoln = "!lincoln:test";
constexpr auto kSuper = "!super:test";

bot::District matrix_district() {
  auto d = app::load_district(bot::sample_config_path(), std::cerr);
  if (!d) throw std::runtime_error("the sample district does not load");
  for (auto& p : d->config.people) {
    std::string local = p.id;
    std::erase(local, '.');
    p.handles["matrix"] = "@" + local + ":test";
  }
  for (auto& s : d->config.sites) s.approvals.addresses["matrix"] = "!" + s.id + ":test";
  d->config.superintendent_place.addresses["matrix"] = kSuper;
  return std::move(*d);
}

const bot::District& district() {
  static const bot::District d = matrix_district();
  return d;
}

// Wraps the adapter: after `crash_after` successful sends it reports the send and then hangs,
// so the dispatcher never records it (the process is then destroyed, as in a crash).
class CrashingAdapter final : public bot::Adapter {
 public:
  CrashingAdapter(MatrixAdapter& inner, asio::io_context& io) : inner_(inner), hang_(io) {}
  std::string_view platform() const override { return inner_.platform(); }
  asio::awaitable<void> run(bot::EventSink& sink) override { co_await inner_.run(sink); }
  asio::awaitable<bot::SendResult> send(bot::Delivery d) override {
    bot::SendResult r = co_await inner_.send(std::move(d));
    if (crash_after >= 0 && sends_++ >= crash_after) {
      crashed = true;
      hang_.expires_at(asio::steady_timer::time_point::max());
      co_await hang_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return r;
  }
  bool idempotent_sends() const override { return inner_.idempotent_sends(); }
  int crash_after = -1;
  bool crashed = false;

 private:
  MatrixAdapter& inner_;
  asio::steady_timer hang_;
  int sends_ = 0;
};

// One run of Hallpass: a test Process (its own io_context, store connection and runtime) with
// the Matrix adapter.
struct Process {
  Process(const std::string& db, const std::string& origin, int crash_after = -1)
      : process({.db = db, .district = &district()}), io(&process.io()), store(&process.store()) {
    MatrixOptions o;
    o.homeserver = origin;
    o.access_token = kToken;
    o.user_id = kBot;
    o.device_id = "HALLPASSTEST";
    o.rooms = {kLincoln, kSuper};
    o.sync_timeout_ms = 100;
    o.first_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(50);
    bot::Store* s = store;
    adapters::matrix::SyncCheckpoint cp{.load = [s] { return s->adapter_state("matrix.next_batch"); },
                                        .save = [s](std::string t) { s->set_adapter_state("matrix.next_batch", t); }};
    adapter = std::make_unique<MatrixAdapter>(io->get_executor(), o, cp);
    wrapper = std::make_unique<CrashingAdapter>(*adapter, *io);
    wrapper->crash_after = crash_after;
    process.add_adapter(*wrapper);
    process.start();
  }

  // Members in this order: the Process (and its io_context) is destroyed last, after the adapter
  // its handlers refer to (a destroyed io_context runs no handler).
  test_support::Process process;
  asio::io_context* io;
  bot::Store* store;
  std::unique_ptr<MatrixAdapter> adapter;
  std::unique_ptr<CrashingAdapter> wrapper;
};

struct World {
  World() {
    server.add_room(kLincoln);
    server.add_room(kSuper);
  }

  // Runs the server's and the process's io_contexts until pred holds; fails after 10 s.
  void run_until(Process& p, const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (auto failure = p.process.failure()) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
      io.poll();
      p.io->run_one_for(std::chrono::milliseconds(1));
      io.poll();
    }
  }

  // Events the bot posted into room, optionally only those whose body contains text.
  std::vector<nlohmann::json> bot_posts(const std::string& room, const std::string& text = {}) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : server.bot_events())
      if (e.room_id == room && (text.empty() || e.event["content"].value("body", "").find(text) != std::string::npos))
        out.push_back(e.event);
    return out;
  }

  // Waits until the adapter has synced at least n more times (it is then idle in a long-poll).
  void settle(Process& p, int n = 3) {
    int target = server.sync_requests() + n;
    run_until(
        p, [&] { return server.sync_requests() >= target; }, "the adapter synced again");
  }

  test_support::TempDir dir{"matrix"};  // the database and its -wal and -shm, removed with the test
  asio::io_context io;
  FakeMatrixServer server{io, kBot, kToken};
  std::string db = dir.file("hallpass.db");
};

}  // namespace

TEST_CASE("a request goes through Matrix rooms and threads, and the decision reaches the teacher's DM",
          "[net][matrix]") {
  World w;
  // History from before Hallpass joined: never answered.
  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia help");
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync was saved");
  w.settle(p);
  CHECK(w.server.bot_events().empty());

  w.server.invite("!tdm:test", "@tgarcia:test", true);
  w.server.invite("!random:test", "@stranger:test", false);
  w.run_until(
      p, [&] { return w.server.left_rooms().size() == 1 && w.server.joined_rooms().size() == 3; },
      "the DM joined and the stranger's invite declined");
  auto joined = w.server.joined_rooms();
  CHECK(std::count(joined.begin(), joined.end(), "!tdm:test") == 1);
  CHECK(w.server.left_rooms() == std::vector<std::string>{"!random:test"});

  w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia request");
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.platforms").empty(); },
      "the platforms form");
  auto form = w.bot_posts("!tdm:test").back();
  CHECK(form["content"]["msgtype"] == "m.notice");
  CHECK(form["content"]["format"] == "org.matrix.custom.html");

  w.server.post("!tdm:test", "@tgarcia:test",
                "!socialmedia form request.platforms - platforms=instagram,youtube; audience=parents,students; "
                "students_interact=no");
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.objectives").empty(); },
      "the objectives form");
  w.server.post("!tdm:test", "@tgarcia:test",
                "!socialmedia form request.objectives - objectives.instagram=Share weekly class projects with "
                "families; objectives.youtube=Post the winter concert recordings");
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia confirm").empty(); }, "the summary");
  w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia confirm");
  w.run_until(
      p, [&] { return !w.bot_posts(kLincoln).empty(); }, "the card in the Lincoln approvals room");
  auto requests = p.store->requests_of("t.garcia");
  REQUIRE(requests.size() == 1);
  const std::string id = requests[0].id;
  CHECK(id == "R-1001");
  const std::string root = w.bot_posts(kLincoln).front()["event_id"];
  CHECK(w.bot_posts(kLincoln).front()["content"]["body"].get<std::string>().find("!socialmedia endorse R-1001") !=
        std::string::npos);

  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia endorse " + id, root);
  w.run_until(
      p, [&] { return !w.bot_posts(kSuper).empty(); }, "the card in the superintendent's room");
  CHECK(p.store->request(id)->state == bot::RequestState::pending_decision);
  const std::string super_root = w.bot_posts(kSuper).front()["event_id"];

  w.server.post(
      kSuper, "@mokafor:test",
      "!socialmedia modify " + id + " keep instagram because Families follow Instagram; YouTube needs captions",
      super_root);
  w.run_until(
      p, [&] { return p.store->request(id)->state == bot::RequestState::authorized_modified; },
      "the modified authorization");
  // The written decision, with the superintendent's explanation, in the teacher's DM room.
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "YouTube needs captions").empty(); },
      "the decision in the teacher's DM");
  // Replies in the approvals room went into the request's thread.
  for (const auto& e : w.bot_posts(kLincoln))
    if (e["event_id"] != root && e["content"].contains("m.relates_to") &&
        e["content"]["m.relates_to"].value("rel_type", "") == "m.thread")
      CHECK(e["content"]["m.relates_to"]["event_id"] == root);
  // The backlog's help was never answered: nothing in Lincoln before the card.
  CHECK(w.bot_posts(kLincoln, "!socialmedia request").empty());
}

TEST_CASE("a restart resumes from the saved token and answers nothing twice", "[net][matrix]") {
  World w;
  {
    Process p(w.db, w.server.origin());
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    w.server.post(kLincoln, "@tgarcia:test", "!socialmedia status");
    w.run_until(
        p, [&] { return w.server.bot_events().size() == 1; }, "the answer to status");
    w.settle(p);
  }
  // Posted while Hallpass is stopped.
  w.server.post(kLincoln, "@jchen:test", "!socialmedia help");
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return w.server.bot_events().size() >= 2; }, "the answer to help");
  w.settle(p);
  CHECK(w.server.bot_events().size() == 2);
}

TEST_CASE("a crash between send and record does not post twice", "[net][matrix]") {
  World w;
  {
    Process p(w.db, w.server.origin(), 0);
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    w.server.post(kLincoln, "@tgarcia:test", "!socialmedia status");
    w.run_until(
        p, [&] { return p.wrapper->crashed; }, "the send before the crash");
  }
  CHECK(w.server.bot_events().size() == 1);
  Process p(w.db, w.server.origin());
  // The interrupted delivery is retried with the same txn id: the server answers with the same event.
  int sends = w.server.send_requests();
  w.run_until(
      p, [&] { return w.server.send_requests() > sends; }, "the retried send");
  w.settle(p);
  CHECK(w.server.bot_events().size() == 1);
  CHECK(w.server.send_requests() == sends + 1);
}

TEST_CASE("rate limits and server errors are waited out, then the command is answered", "[net][matrix]") {
  World w;
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  w.settle(p, 1);
  w.server.fail_next("/sync", 429, 20);
  w.server.fail_next("/sync", 500);
  w.server.fail_next("/send/", 429, 20);
  w.server.fail_next("/send/", 502);
  w.server.post(kLincoln, "@tgarcia:test", "!socialmedia status");
  w.run_until(
      p, [&] { return w.server.bot_events().size() == 1; }, "the answer after the failures");
  CHECK(w.server.failed_requests() == 4);
  w.settle(p);
  CHECK(w.server.bot_events().size() == 1);
}

TEST_CASE("a limited timeline is backfilled, so no command in the gap is lost", "[net][matrix]") {
  World w;
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  w.settle(p, 1);
  // Both land before the next sync, which then shows only the newest with limited:true.
  w.server.limit_next_sync();
  w.server.post(kLincoln, "@tgarcia:test", "!socialmedia status");
  w.server.post(kLincoln, "@jchen:test", "!socialmedia help");
  w.run_until(
      p, [&] { return w.server.bot_events().size() >= 2; }, "both answers");
  w.settle(p);
  CHECK(w.server.bot_events().size() == 2);
}

TEST_CASE("an encrypted room is told once that Hallpass cannot read it", "[net][matrix]") {
  World w;
  w.server.add_room("!secret:test", true);
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return w.bot_posts("!secret:test").size() == 1; }, "the encryption notice");
  w.server.post("!secret:test", "@tgarcia:test", "!socialmedia help");
  w.settle(p);
  auto posts = w.bot_posts("!secret:test");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0]["content"]["msgtype"] == "m.notice");
  CHECK(posts[0]["content"]["body"].get<std::string>().find("cannot read encrypted rooms") != std::string::npos);
}

TEST_CASE("over Matrix people type in the request's threads: endorse, info, the answer, modify, across a restart",
          "[net][matrix][talk]") {
  World w;
  std::string id;
  std::string super_root;
  {
    Process p(w.db, w.server.origin());
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    w.server.invite("!tdm:test", "@tgarcia:test", true);
    w.run_until(
        p, [&] { return w.server.joined_rooms().size() == 3; }, "the DM joined");
    w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia request");
    w.run_until(
        p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.platforms").empty(); }, "the form");
    w.server.post("!tdm:test", "@tgarcia:test",
                  "!socialmedia form request.platforms - platforms=instagram,youtube; audience=parents; "
                  "students_interact=no");
    w.run_until(
        p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.objectives").empty(); },
        "the objectives form");
    w.server.post("!tdm:test", "@tgarcia:test",
                  "!socialmedia form request.objectives - objectives.instagram=Class projects for families; "
                  "objectives.youtube=Concert recordings");
    w.run_until(
        p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia confirm").empty(); }, "the summary");
    w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia confirm");
    w.run_until(
        p, [&] { return !w.bot_posts(kLincoln).empty(); }, "the card in the Lincoln room");
    id = p.store->requests_of("t.garcia").front().id;
    const std::string root = w.bot_posts(kLincoln).front()["event_id"];
    w.settle(p);  // the card's event id recorded, as it is long before anyone types under it

    // A colleague's chatter in the thread is left alone; the principal's plain word acts.
    w.server.post(kLincoln, "@spatel:test", "endorse it please, Rosa", root);
    w.server.post(kLincoln, "@ralvarez:test", "endorse", root);
    w.run_until(
        p, [&] { return !w.bot_posts(kSuper).empty(); }, "the card in the superintendent's room");
    CHECK(p.store->request(id)->endorsed_by == "r.alvarez");
    super_root = w.bot_posts(kSuper).front()["event_id"];
    w.settle(p);

    w.server.post(kSuper, "@mokafor:test", "info Who will moderate the comments?", super_root);
    w.run_until(
        p, [&] { return !w.bot_posts("!tdm:test", "Who will moderate the comments?").empty(); },
        "the question in the teacher's DM");
    const auto question = w.bot_posts("!tdm:test", "Who will moderate the comments?").front();
    const std::string dm_root = question["content"]["m.relates_to"].value("event_id", "");
    REQUIRE(!dm_root.empty());
    // Matrix has no buttons: the question says how to answer without naming one.
    CHECK(question["content"]["body"].get<std::string>().find("button") == std::string::npos);
    // Commands are spelled as Matrix people type them (Element keeps "/socialmedia" for itself).
    CHECK(question["content"]["body"].get<std::string>().find("!socialmedia answer " + id) != std::string::npos);
    CHECK(question["content"]["body"].get<std::string>().find("/socialmedia") == std::string::npos);
    w.server.post("!tdm:test", "@tgarcia:test", "I will, every school day", dm_root);
    w.run_until(
        p, [&] { return p.store->request(id)->state == bot::RequestState::pending_decision; }, "the answer");
    CHECK(p.store->request(id)->info_answer == "I will, every school day");
    w.run_until(
        p, [&] { return !w.bot_posts(kSuper, "I will, every school day").empty(); }, "the answer in the thread");

    // Small talk and help in the DM: short answers, written for Matrix.
    const size_t before = w.bot_posts("!tdm:test").size();
    w.server.post("!tdm:test", "@tgarcia:test", "hi");
    w.server.post("!tdm:test", "@tgarcia:test", "thanks");
    w.server.post("!tdm:test", "@tgarcia:test", "help");
    w.run_until(
        p, [&] { return w.bot_posts("!tdm:test").size() == before + 3; }, "three short answers");
    const auto dm = w.bot_posts("!tdm:test");
    CHECK(dm[before]["content"]["body"].get<std::string>().find("Hi Teresa Garcia") != std::string::npos);
    CHECK(dm[before + 1]["content"]["body"].get<std::string>().find("welcome") != std::string::npos);
    const std::string help = dm[before + 2]["content"]["body"];
    CHECK(help.find("!socialmedia request") != std::string::npos);
    CHECK(help.find("/socialmedia request") == std::string::npos);
    CHECK(help.find("button") == std::string::npos);
    w.settle(p);
  }
  // A restart over the same SQLite file: the superintendent's thread is still the request's.
  Process p(w.db, w.server.origin());
  w.server.post(kSuper, "@mokafor:test", "modify keep instagram because Families follow Instagram", super_root);
  w.run_until(
      p, [&] { return p.store->request(id)->state == bot::RequestState::authorized_modified; },
      "the modified authorization");
  // (Which DM room it reaches after a restart is the Matrix adapter's own matter.)
  const auto decision_posted = [&] {
    for (const auto& e : w.server.bot_events())
      if (e.room_id != kSuper && e.room_id != kLincoln &&
          e.event["content"].value("body", "").find("Families follow Instagram") != std::string::npos)
        return true;
    return false;
  };
  w.run_until(p, decision_posted, "the decision to the teacher");
}
