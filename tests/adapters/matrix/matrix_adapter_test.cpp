// The Matrix adapter with the real bot core, the outbox dispatcher and a SQLite file store,
// against the fake homeserver on 127.0.0.1. Each "process" (bot + dispatcher + adapter) has its
// own io_context, so a crash is the io_context destroyed mid-flight; the server outlives it.
#include "adapters/matrix/matrix_adapter.hpp"

#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
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
    // As matrix_registration wires them: the store's adapter state, the district's prompts.
    adapters::matrix::RoomMemory memory{
        .load = [s](const std::string& key) { return s->adapter_state(key); },
        .save = [s](const std::string& key, const std::string& value) { s->set_adapter_state(key, value); }};
    adapters::matrix::Sentences sentences = [](const std::string& key, const std::string& user,
                                               const bot::PromptVars& vars) {
      const bot::Person* person = district().config.person_by_handle("matrix", user);
      return district().prompts.text(person ? person->language : "en", key, vars);
    };
    adapter = std::make_unique<MatrixAdapter>(io->get_executor(), o, cp, memory, sentences);
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

namespace {

// Every relation (thread, reply, edit) in the bot's posts points into the post's own room.
void check_relations_stay_in_their_rooms(const World& w) {
  std::map<std::string, std::string> room_of;
  for (const auto& e : w.server.bot_events()) room_of[e.event["event_id"]] = e.room_id;
  for (const auto& e : w.server.bot_events()) {
    const auto& content = e.event["content"];
    if (!content.contains("m.relates_to")) continue;
    const auto& rel = content["m.relates_to"];
    if (rel.contains("event_id") && room_of.contains(rel["event_id"])) CHECK(room_of[rel["event_id"]] == e.room_id);
  }
  CHECK(w.server.refused_relations() == 0);
}

bool no_outbox_failed(bot::Store& store) {
  for (const auto& e : store.outbox_entries())
    if (e.state == bot::OutboxState::failed) return false;
  return true;
}

// The teacher opens a DM (dm) with the bot and files a request for Instagram and YouTube in it;
// returns when the card is in the Lincoln approvals room.
void file_request(World& w, Process& p, const std::string& dm) {
  w.server.invite(dm, "@tgarcia:test", true);
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.direct." + dm).has_value(); }, "the DM joined");
  w.server.post(dm, "@tgarcia:test", "!socialmedia request");
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "!socialmedia form request.platforms").empty(); }, "the platforms form");
  w.server.post(dm, "@tgarcia:test",
                "!socialmedia form request.platforms - platforms=instagram,youtube; audience=parents,students; "
                "students_interact=no");
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "!socialmedia form request.objectives").empty(); }, "the objectives form");
  w.server.post(dm, "@tgarcia:test",
                "!socialmedia form request.objectives - objectives.instagram=Share weekly class projects with "
                "families; objectives.youtube=Post the winter concert recordings");
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "!socialmedia confirm").empty(); }, "the summary");
  w.server.post(dm, "@tgarcia:test", "!socialmedia confirm");
  w.run_until(
      p, [&] { return !w.bot_posts(kLincoln).empty(); }, "the card in the Lincoln approvals room");
  // The receipt, the root of the request's thread in her DM, is sent beside the card and may come
  // after it (on a busy machine, after a test has gone on to make her leave the DM).
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "Request R-1001 is filed").empty(); }, "the receipt in her DM");
}

// The principal endorses and the superintendent authorizes Instagram only, each in the card's thread.
void decide(World& w, Process& p) {
  const std::string root = w.bot_posts(kLincoln).front()["event_id"];
  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia endorse R-1001", root);
  w.run_until(
      p, [&] { return !w.bot_posts(kSuper).empty(); }, "the card in the superintendent's room");
  const std::string super_root = w.bot_posts(kSuper).front()["event_id"];
  w.server.post(kSuper, "@mokafor:test",
                "!socialmedia modify R-1001 keep instagram because Families follow Instagram; YouTube needs captions",
                super_root);
}

asio::awaitable<void> send_into(MatrixAdapter* adapter, bot::Delivery d, bot::SendResult* result, int* done) {
  *result = co_await adapter->send(std::move(d));
  ++*done;
}

bot::Delivery note_to(const std::string& channel, const std::string& key, const std::string& text) {
  bot::Delivery d;
  d.outbox_id = key;
  d.idempotency_key = "test-" + key;
  d.channel = channel;
  d.message.paragraph(text);
  d.message.fallback = text;
  return d;
}

}  // namespace

TEST_CASE("after a restart the decision reaches the teacher in the DM she opened, and she is answered there",
          "[net][matrix]") {
  World w;
  const std::string dm = "!tdm:test";
  {
    Process p(w.db, w.server.origin());
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    file_request(w, p, dm);
    w.settle(p);
  }
  // Hallpass restarts over the same database: the DM she opened is remembered, in the store and in m.direct.
  Process p(w.db, w.server.origin());
  decide(w, p);
  w.run_until(
      p, [&] { return p.store->request("R-1001")->state == bot::RequestState::authorized_modified; },
      "the modified authorization");
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "YouTube needs captions").empty(); }, "the decision in her DM");
  CHECK(w.server.created_direct_rooms().empty());
  auto direct = w.server.account_data("m.direct");
  REQUIRE(direct.contains("@tgarcia:test"));
  CHECK(direct["@tgarcia:test"] == nlohmann::json::array({dm}));

  // A plain question (no command word) in her old DM is still answered there.
  const size_t before = w.bot_posts(dm).size();
  w.server.post(dm, "@tgarcia:test", "Can I friend a student's parent on Facebook?");
  w.run_until(
      p, [&] { return w.bot_posts(dm).size() > before; }, "the answer in her DM");
  w.settle(p);
  CHECK(w.server.created_direct_rooms().empty());
  check_relations_stay_in_their_rooms(w);
  CHECK(no_outbox_failed(*p.store));
}

TEST_CASE("a decision whose thread is in a DM the teacher left is posted at the top of a new DM, with a reference",
          "[net][matrix]") {
  World w;
  const std::string dm = "!tdm:test";
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  file_request(w, p, dm);
  // She leaves the DM the request's thread is in; the bot leaves it too.
  w.server.leave(dm, "@tgarcia:test");
  w.run_until(
      p, [&] { return !w.server.left_rooms().empty(); }, "the bot left the DM");
  CHECK(w.server.left_rooms() == std::vector<std::string>{dm});
  decide(w, p);
  w.run_until(
      p, [&] { return w.server.created_direct_rooms().size() == 1; }, "a new DM");
  const std::string fresh = w.server.created_direct_rooms()[0].first;
  CHECK(w.server.created_direct_rooms()[0].second == "@tgarcia:test");
  // The letter and the thread's first message are sent side by side, in either order: wait for both.
  w.run_until(
      p,
      [&] {
        return !w.bot_posts(fresh, "YouTube needs captions").empty() &&
               !w.bot_posts(fresh, "This belongs in the thread of R-1001").empty();
      },
      "the decision and the thread's first message in the new DM");
  // The first of the thread's messages there is at the top of the new DM, saying which request's
  // thread it belongs to; the rest of the thread's messages follow in a thread under it. The
  // decision letter itself stands at the top of the DM (decisions stand out: issue 16), so it
  // relates to nothing; it goes to her as a person, not into the thread, so the outbox sends it
  // beside the thread's messages and it may arrive before or after them.
  const auto posts = w.bot_posts(fresh);
  const auto body = [](const nlohmann::json& post) { return post["content"]["body"].get<std::string>(); };
  const auto is_letter = [&](const nlohmann::json& post) {
    return body(post).find("YouTube needs captions") != std::string::npos;
  };
  const auto noted = std::find_if(posts.begin(), posts.end(), [&](const nlohmann::json& post) {
    return body(post).find("This belongs in the thread of R-1001, which is in another room, so it is posted here.") !=
           std::string::npos;
  });
  REQUIRE(noted != posts.end());
  const auto first = *noted;
  CHECK_FALSE(first["content"].contains("m.relates_to"));
  for (auto p = posts.begin(); p != posts.end(); ++p) {
    INFO(p->dump());
    if (is_letter(*p)) {
      CHECK_FALSE((*p)["content"].contains("m.relates_to"));
    } else if (p != noted) {
      CHECK(p > noted);
      CHECK((*p)["content"]["m.relates_to"]["event_id"] == first["event_id"]);
    }
  }
  w.settle(p);
  CHECK(w.server.created_direct_rooms().size() == 1);
  check_relations_stay_in_their_rooms(w);
  CHECK(no_outbox_failed(*p.store));
}

TEST_CASE("concurrent sends to one person create one DM, which a restart keeps", "[net][matrix]") {
  World w;
  {
    Process p(w.db, w.server.origin());
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    bot::SendResult first, second, third;
    int done = 0;
    asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@jchen:test", "1", "One"), &first, &done),
                   asio::detached);
    asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@jchen:test", "2", "Two"), &second, &done),
                   asio::detached);
    asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@jchen:test", "3", "Three"), &third, &done),
                   asio::detached);
    w.run_until(
        p, [&] { return done == 3; }, "the three sends");
    CHECK(first.ok());
    CHECK(second.ok());
    CHECK(third.ok());
  }
  REQUIRE(w.server.created_direct_rooms().size() == 1);
  const std::string room = w.server.created_direct_rooms()[0].first;
  CHECK(w.bot_posts(room).size() == 3);
  CHECK(w.server.account_data("m.direct")["@jchen:test"] == nlohmann::json::array({room}));

  Process p(w.db, w.server.origin());
  bot::SendResult after;
  int done = 0;
  asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@jchen:test", "4", "Four"), &after, &done),
                 asio::detached);
  w.run_until(
      p, [&] { return done == 1; }, "the send after the restart");
  CHECK(after.ok());
  CHECK(w.server.created_direct_rooms().size() == 1);
  CHECK(w.bot_posts(room, "Four").size() == 1);
}

TEST_CASE("nothing is written into an encrypted room; its writer is told once, in a plain DM", "[net][matrix]") {
  World w;
  w.server.add_room("!secret:test", true);
  const std::string plain = "!tdm:test";
  const std::string encrypted = "!tenc:test";
  {
    Process p(w.db, w.server.origin());
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
    w.server.invite(plain, "@tgarcia:test", true);
    w.run_until(
        p, [&] { return p.store->adapter_state("matrix.direct." + plain).has_value(); }, "the plain DM joined");
    // She opens an encrypted DM too: she is told, once, in the plain one.
    w.server.invite(encrypted, "@tgarcia:test", true, true);
    w.run_until(
        p, [&] { return !w.bot_posts(plain, "cannot read or write in encrypted rooms").empty(); },
        "the encryption notice in the plain DM");
    // A command in the plain DM is answered there, never in the encrypted one.
    w.server.post(plain, "@tgarcia:test", "!socialmedia help");
    w.run_until(
        p, [&] { return w.bot_posts(plain).size() >= 2; }, "the help in the plain DM");
    w.server.post_encrypted(encrypted, "@tgarcia:test");
    // Someone writes in an encrypted room the bot is in: a plain DM is made for the notice.
    w.server.post_encrypted("!secret:test", "@jchen:test");
    w.run_until(
        p, [&] { return w.server.created_direct_rooms().size() == 1; }, "a plain DM for the writer");
    const std::string chen = w.server.created_direct_rooms()[0].first;
    w.run_until(
        p, [&] { return !w.bot_posts(chen, "cannot read or write in encrypted rooms").empty(); }, "his notice");
    // A message meant for the encrypted room itself is refused, with a reason, not sent in clear text.
    bot::SendResult refused;
    int done = 0;
    asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("!secret:test", "9", "Hello"), &refused, &done),
                   asio::detached);
    w.run_until(
        p, [&] { return done == 1; }, "the refused send");
    CHECK(refused.error == bot::SendErrorKind::bad_request);
    CHECK(refused.error_text.find("encrypted") != std::string::npos);
    w.settle(p);
  }
  // After a restart: a message to her goes to the plain DM, and nobody is told twice.
  Process p(w.db, w.server.origin());
  bot::SendResult after;
  int done = 0;
  asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@tgarcia:test", "10", "After"), &after, &done),
                 asio::detached);
  w.server.post_encrypted(encrypted, "@tgarcia:test");
  w.run_until(
      p, [&] { return done == 1; }, "the send after the restart");
  w.settle(p);
  CHECK(after.ok());
  CHECK(w.bot_posts(plain, "After").size() == 1);
  CHECK(w.bot_posts(plain, "cannot read or write in encrypted rooms").size() == 1);
  CHECK(w.bot_posts(encrypted).empty());
  CHECK(w.bot_posts("!secret:test").empty());
  CHECK(w.server.created_direct_rooms().size() == 1);
}

TEST_CASE("a message for a room the bot was removed from goes to the DM of the person it answers", "[net][matrix]") {
  World w;
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  w.server.post(kLincoln, "@tgarcia:test", "!socialmedia status");
  w.run_until(
      p, [&] { return w.server.bot_events().size() == 1; }, "the answer");
  w.server.remove_bot(kLincoln);
  bot::SendResult moved;
  int done = 0;
  asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to(kLincoln, "5", "Your answer"), &moved, &done),
                 asio::detached);
  w.run_until(
      p, [&] { return done == 1; }, "the send");
  CHECK(moved.ok());
  REQUIRE(w.server.created_direct_rooms().size() == 1);
  CHECK(w.server.created_direct_rooms()[0].second == "@tgarcia:test");
  auto posts = w.bot_posts(w.server.created_direct_rooms()[0].first, "Your answer");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0]["content"]["body"].get<std::string>().find(
            "Hallpass could not post this in the room it was meant for, so it is posted here.") != std::string::npos);
}

TEST_CASE("a DM joined before DMs were remembered is known as hers once she writes in it", "[net][matrix]") {
  World w;
  const std::string dm = "!olddm:test";
  w.server.add_direct_room(dm, "@tgarcia:test");
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  w.settle(p, 1);
  // A plain question (no command word): answered only in a direct room.
  w.server.post(dm, "@tgarcia:test", "Can I friend a student's parent on Facebook?");
  w.run_until(
      p, [&] { return !w.bot_posts(dm).empty(); }, "the answer in her DM");
  CHECK(w.server.account_data("m.direct")["@tgarcia:test"] == nlohmann::json::array({dm}));
  bot::SendResult sent;
  int done = 0;
  asio::co_spawn(*p.io, send_into(p.adapter.get(), note_to("dm:@tgarcia:test", "6", "For you"), &sent, &done),
                 asio::detached);
  w.run_until(
      p, [&] { return done == 1; }, "the send");
  CHECK(sent.ok());
  CHECK(w.bot_posts(dm, "For you").size() == 1);
  CHECK(w.server.created_direct_rooms().empty());
}

TEST_CASE("a Matrix form answer keeps a ';' in an objective, one field per line; the decision is at the top of the DM",
          "[net][matrix][forms]") {
  World w;
  Process p(w.db, w.server.origin());
  w.server.invite("!tdm:test", "@tgarcia:test", true);
  w.run_until(
      p, [&] { return w.server.joined_rooms().size() == 3; }, "the DM joined");
  w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia request");
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.platforms").empty(); },
      "the platforms form");
  // The form says how to type it: one field per line is allowed.
  CHECK(!w.bot_posts("!tdm:test", "one key=value per line").empty());
  w.server.post("!tdm:test", "@tgarcia:test",
                "!socialmedia form request.platforms -\nplatforms=instagram,youtube\naudience=parents\n"
                "students_interact=no");
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "!socialmedia form request.objectives").empty(); },
      "the objectives form");
  w.server.post("!tdm:test", "@tgarcia:test",
                "!socialmedia form request.objectives -\n"
                "objectives.instagram=Share weekly class news; remind families about field trips\n"
                "objectives.youtube=Post concert videos");
  // The summary shows what was recorded, whole.
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "remind families about field trips").empty(); }, "the summary");
  w.server.post("!tdm:test", "@tgarcia:test", "!socialmedia confirm");
  w.run_until(
      p, [&] { return !w.bot_posts(kSuper).empty() || !w.bot_posts(kLincoln).empty(); }, "the card");
  auto requests = p.store->requests_of("t.garcia");
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].plans.at(0).objectives == "Share weekly class news; remind families about field trips");
  const std::string id = requests[0].id;
  const std::string root = w.bot_posts(kLincoln).front()["event_id"];
  CHECK(!w.bot_posts(kLincoln, "Share weekly class news; remind families about field trips").empty());

  w.server.post(kLincoln, "@ralvarez:test", "!socialmedia endorse " + id, root);
  w.run_until(
      p, [&] { return !w.bot_posts(kSuper).empty(); }, "the card in the superintendent's room");
  const std::string super_root = w.bot_posts(kSuper).front()["event_id"];
  w.server.post(kSuper, "@mokafor:test", "!socialmedia modify " + id + " keep instagram because YouTube needs captions",
                super_root);
  w.run_until(
      p, [&] { return !w.bot_posts("!tdm:test", "Decision on your request " + id).empty(); }, "the letter");
  // The letter is a message of its own at the top of the DM, not a reply inside the thread.
  const auto letter = w.bot_posts("!tdm:test", "Decision on your request " + id).front();
  CHECK_FALSE(letter["content"].contains("m.relates_to"));
  CHECK(letter["content"]["body"].get<std::string>().find("Not authorized: YouTube") != std::string::npos);
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

// Issue 20: the registry never takes a password. On Matrix the pasted message is redacted too.
TEST_CASE("a password pasted in a Matrix DM is refused with the clause, redacted, and stored nowhere",
          "[net][matrix][registry]") {
  World w;
  const std::string dm = "!tgdm:test";
  w.server.add_direct_room(dm, "@tgarcia:test");
  Process p(w.db, w.server.origin());
  w.run_until(
      p, [&] { return p.store->adapter_state("matrix.next_batch").has_value(); }, "the first sync");
  w.settle(p, 1);
  const std::string secret = "Lions#Roar2026";
  const std::string pasted = w.server.post(dm, "@tgarcia:test", "password: " + secret);
  w.run_until(
      p, [&] { return !w.bot_posts(dm, "Please do not send passwords here").empty(); }, "the refusal");
  CHECK(!w.bot_posts(dm, "Each site must maintain a confidential database").empty());
  CHECK(!w.bot_posts(dm, "Your message was deleted from this chat.").empty());
  const auto redacted = [&] {
    for (const auto& e : w.server.bot_events())
      if (e.event["type"] == "m.room.redaction" && e.event["content"].value("redacts", "") == pasted) return true;
    return false;
  };
  w.run_until(p, redacted, "the redaction of the pasted message");
  std::string bytes;
  for (const std::string& file : {w.db, w.db + "-wal"}) {
    std::ifstream in(file, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  CHECK(!bytes.empty());
  CHECK(bytes.find(secret) == std::string::npos);
}
