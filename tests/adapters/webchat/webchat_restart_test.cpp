// The web chat across restarts: a real SQLite file, the adapter on a real socket, a browser's
// WebSocket. Each run has its own io_context, store and adapter, all destroyed when it ends, as
// when the demo's process ends; the next run opens the same file.
#include "adapters/webchat/webchat_adapter.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "bot/core/outbox_dispatcher.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/webchat_client.hpp"

namespace {

namespace asio = boost::asio;
using adapters::webchat::WebchatAdapter;
using adapters::webchat::WebchatArchive;
using adapters::webchat::WebchatOptions;
using nlohmann::json;
using namespace test_support;

bot::Person person(std::string id, std::string name, bot::Role role) {
  bot::Person p;
  p.id = id;
  p.name = std::move(name);
  p.roles = {role};
  p.site = "lincoln";
  p.handles["web"] = id;
  return p;
}

bot::DistrictConfig make_config() {
  bot::DistrictConfig config;
  config.name = "Sample Unified";
  bot::Site site;
  site.id = "lincoln";
  site.name = "Lincoln Elementary School";
  site.principals = {"p.nguyen"};
  site.approvals = bot::Place{"site:lincoln", "Lincoln Elementary approvals", {{"web", "#lincoln-approvals"}}};
  config.sites.push_back(site);
  config.superintendent = "s.ward";
  config.superintendent_place = bot::Place{"superintendent", "Superintendent", {{"web", "#superintendent"}}};
  config.people = {person("t.garcia", "Teresa Garcia", bot::Role::employee),
                   person("p.nguyen", "Paul Nguyen", bot::Role::principal),
                   person("s.ward", "Sam Ward", bot::Role::superintendent)};
  return config;
}

// The core's side: records what the adapter hands over.
class RecordingSink final : public bot::EventSink {
 public:
  bot::HandleResult handle(const bot::Inbound& event) override {
    events.push_back(event);
    return {};
  }
  std::vector<bot::Inbound> events;
};

// What `hallpass run` gives the web chat: the store's kept messages, through two functions.
WebchatArchive archive_of(bot::Store& store) {
  return WebchatArchive{.load =
                            [&store] {
                              std::vector<adapters::webchat::ArchivedEntry> kept;
                              for (auto& m : store.kept_messages("web")) kept.push_back({m.place, m.ref, m.body});
                              return kept;
                            },
                        .save =
                            [&store](const adapters::webchat::ArchivedEntry& e, std::size_t keep) {
                              store.keep_message("web", {e.place, e.ref, e.record}, keep);
                            }};
}

WebchatOptions options(std::size_t kept_per_place) {
  WebchatOptions o;
  o.port = 0;
  o.kept_per_place = kept_per_place;
  return o;
}

// One run of the web chat over the database file.
struct Run {
  explicit Run(const std::string& db, std::size_t kept_per_place = adapters::webchat::kDefaultKeptPerPlace)
      : store(bot::open_sqlite_store(db)), adapter(io, options(kept_per_place), config, archive_of(*store)) {}
  asio::io_context io;
  bot::DistrictConfig config = make_config();
  std::unique_ptr<bot::Store> store;
  WebchatAdapter adapter;
  RecordingSink sink;
};

// Serves the run until the scenario ends; fails the test instead of hanging after 30 s.
void play(Run& run, asio::awaitable<void> scenario) {
  run.adapter.listen();
  std::exception_ptr run_failure;
  asio::co_spawn(run.io, run.adapter.run(run.sink), [&](std::exception_ptr e) { run_failure = e; });
  std::exception_ptr failure;
  bool finished = false;
  asio::steady_timer deadline(run.io, std::chrono::seconds(30));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) run.io.stop();
  });
  asio::co_spawn(run.io, std::move(scenario), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    deadline.cancel();
    run.adapter.stop();
  });
  run.io.run();
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
  if (run_failure) std::rethrow_exception(run_failure);
}

bot::Message text_message(std::string text) {
  bot::Message m;
  m.fallback = text;
  m.paragraph(std::move(text));
  return m;
}

bot::Delivery to(std::string channel, std::string text, std::string idempotency_key = "") {
  bot::Delivery d;
  d.channel = std::move(channel);
  d.idempotency_key = std::move(idempotency_key);
  d.message = text_message(std::move(text));
  return d;
}

bot::Delivery card_delivery() {
  bot::Delivery d = to("#lincoln-approvals", "Request R-1001 from Teresa Garcia", "outbox-1");
  d.thread_key = "R-1001";
  d.message.buttons({{"endorse", "Endorse", "R-1001", bot::ButtonStyle::primary},
                     {"return", "Return", "R-1001", bot::ButtonStyle::danger}});
  return d;
}

// What the first run showed, for the runs after it.
struct Shown {
  std::string card, note, typed, dm, stand_in;
};

asio::awaitable<void> first_run(Run& run, Shown& shown) {
  auto principal = co_await webchat_join(run.adapter.bound_port(), "p.nguyen");

  auto card = co_await run.adapter.send(card_delivery());
  REQUIRE(card.ok());
  shown.card = card.ref;
  bot::Delivery note = to("#lincoln-approvals", "Filed by Teresa Garcia.", "outbox-2");
  note.thread_ref = card.ref;
  auto noted = co_await run.adapter.send(note);
  REQUIRE(noted.ok());
  shown.note = noted.ref;
  co_await webchat_write(principal.ws,
                         webchat_send_frame("e-1", "#lincoln-approvals", "Looking at it today.", card.ref));
  json echo = co_await webchat_read_until(
      principal.ws, [](const json& f) { return f["type"] == "message" && f["message"]["author"]["bot"] == false; });
  shown.typed = echo["message"]["ref"];
  auto dm = co_await run.adapter.send(to("dm:t.garcia", "Your request R-1001 was filed.", "outbox-3"));
  REQUIRE(dm.ok());
  shown.dm = dm.ref;
  co_await webchat_close(principal.ws);
}

asio::awaitable<void> second_run(Run& run, Shown& shown) {
  const unsigned short port = run.adapter.bound_port();
  auto principal = co_await webchat_join(port, "p.nguyen");
  // The page after the restart: the card with its buttons, its thread, what the principal typed.
  const json& seen = principal.hello["messages"];
  REQUIRE(seen.size() == 3);
  CHECK(seen[0]["ref"] == shown.card);
  CHECK(entry_has_button(seen[0], "endorse"));
  CHECK(seen[0]["thread_key"] == "R-1001");
  CHECK(seen[1]["ref"] == shown.note);
  CHECK(seen[1]["thread_ref"] == shown.card);
  CHECK(entry_text(seen[1]) == "Filed by Teresa Garcia.");
  CHECK(seen[2]["ref"] == shown.typed);
  CHECK(seen[2]["text"] == "Looking at it today.");
  CHECK(seen[2]["thread_ref"] == shown.card);
  auto teacher = co_await webchat_join(port, "t.garcia");
  REQUIRE(teacher.hello["messages"].size() == 4);
  CHECK(teacher.hello["messages"][3]["ref"] == shown.dm);
  CHECK(entry_text(teacher.hello["messages"][3]) == "Your request R-1001 was filed.");

  // A browser resending its last frame after the restart sees it once.
  co_await webchat_write(principal.ws,
                         webchat_send_frame("e-1", "#lincoln-approvals", "Looking at it today.", shown.card));
  json resent = co_await webchat_read(principal.ws);
  CHECK(resent["type"] == "ack");

  // The button of a card posted before the restart still works, in its thread.
  co_await webchat_write(principal.ws, webchat_action_frame("c-1", shown.card, "endorse", "R-1001"));
  json clicked = co_await webchat_read(principal.ws);
  CHECK(clicked["type"] == "ack");
  REQUIRE(run.sink.events.size() == 2);
  CHECK(run.sink.events[1].action_value == "R-1001");
  CHECK(run.sink.events[1].place.thread_ref == shown.card);

  // The outbox retries the card (the crash came before it was marked sent): the same ref.
  auto again = co_await run.adapter.send(card_delivery());
  CHECK(again.ref == shown.card);

  // The card is updated where it stands, for everybody.
  bot::Delivery update = to("#lincoln-approvals", "Request R-1001: endorsed by Paul Nguyen.", "outbox-4");
  update.update_ref = shown.card;
  auto updated = co_await run.adapter.send(update);
  REQUIRE(updated.ok());
  CHECK(updated.ref == shown.card);
  json replaced = co_await webchat_read(principal.ws);  // nothing came of the retried card
  CHECK(replaced["type"] == "update");
  CHECK(replaced["message"]["ref"] == shown.card);
  CHECK(replaced["message"]["edited"] == true);
  CHECK(entry_text(replaced["message"]) == "Request R-1001: endorsed by Paul Nguyen.");
  CHECK_FALSE(entry_has_button(replaced["message"], "endorse"));

  // A reply goes into the card's thread.
  bot::Delivery reply = to("#lincoln-approvals", "It went to the superintendent.", "outbox-5");
  reply.thread_ref = shown.card;
  auto replied = co_await run.adapter.send(reply);
  REQUIRE(replied.ok());
  json in_thread = co_await webchat_read(principal.ws);
  CHECK(in_thread["type"] == "message");
  CHECK(in_thread["message"]["thread_ref"] == shown.card);
  CHECK(entry_text(in_thread["message"]) == "It went to the superintendent.");

  // A thread whose first message is truly unknown: posted at the top with the reference in
  // front, never refused; the thread then continues under it.
  bot::Delivery orphan = to("#lincoln-approvals", "Dr. Okafor authorized R-1002.", "outbox-6");
  orphan.thread_ref = "w-gone-7";
  orphan.thread_key = "R-1002";
  orphan.message.notes.thread_missing =
      "This belongs in the thread of R-1002, which is no longer in this chat, so it is posted here.";
  auto stand_in = co_await run.adapter.send(orphan);
  REQUIRE(stand_in.ok());
  shown.stand_in = stand_in.ref;
  json top = co_await webchat_read(principal.ws);
  CHECK(top["message"]["ref"] == stand_in.ref);
  CHECK(top["message"]["thread_ref"] == "");
  CHECK(top["message"]["thread_key"] == "R-1002");
  CHECK(entry_text(top["message"]) ==
        "This belongs in the thread of R-1002, which is no longer in this chat, so it is posted here.\n"
        "Dr. Okafor authorized R-1002.");
  bot::Delivery follow = to("#lincoln-approvals", "The decision letter went to the employee.", "outbox-7");
  follow.thread_ref = "w-gone-7";
  co_await run.adapter.send(follow);
  json under = co_await webchat_read(principal.ws);
  CHECK(under["message"]["thread_ref"] == stand_in.ref);
  CHECK(entry_text(under["message"]) == "The decision letter went to the employee.");
  // Someone answering there is answering in the thread the core knows.
  co_await webchat_write(principal.ws, webchat_send_frame("e-2", "#lincoln-approvals", "Thanks.", stand_in.ref));
  json echo = co_await webchat_read(principal.ws);
  CHECK(echo["message"]["thread_ref"] == stand_in.ref);
  co_await webchat_read(principal.ws);  // ack
  REQUIRE(run.sink.events.size() == 3);
  CHECK(run.sink.events[2].place.thread_ref == "w-gone-7");

  co_await webchat_close(principal.ws);
  co_await webchat_close(teacher.ws);
}

asio::awaitable<void> third_run(Run& run, Shown& shown) {
  auto principal = co_await webchat_join(run.adapter.bound_port(), "p.nguyen");
  const json& seen = principal.hello["messages"];
  REQUIRE(seen.size() == 7);  // the card and 3 in its thread, the stand-in and 2 in its thread
  CHECK(seen[0]["ref"] == shown.card);
  CHECK(seen[0]["edited"] == true);
  CHECK(entry_text(seen[0]) == "Request R-1001: endorsed by Paul Nguyen.");
  CHECK(seen[4]["ref"] == shown.stand_in);

  // Both the card and the stand-in's thread still carry on.
  bot::Delivery update = to("#lincoln-approvals", "Request R-1001: authorized.", "outbox-8");
  update.update_ref = shown.card;
  co_await run.adapter.send(update);
  json replaced = co_await webchat_read(principal.ws);
  CHECK(replaced["type"] == "update");
  CHECK(replaced["message"]["ref"] == shown.card);
  bot::Delivery late = to("#lincoln-approvals", "Filed in the district's records.", "outbox-9");
  late.thread_ref = "w-gone-7";
  co_await run.adapter.send(late);
  json under = co_await webchat_read(principal.ws);
  CHECK(under["message"]["thread_ref"] == shown.stand_in);
  co_await webchat_close(principal.ws);
}

TEST_CASE(
    "web chat: after a restart over the same database, cards update, threads continue, the page shows the history",
    "[net][webchat]") {
  TempDir dir("webchat-restart");
  const std::string db = dir.file("hallpass.db");
  Shown shown;
  {
    Run run(db);
    play(run, first_run(run, shown));
  }
  {
    Run run(db);
    play(run, second_run(run, shown));
  }
  {
    Run run(db);
    play(run, third_run(run, shown));
  }
}

asio::awaitable<void> fill_channel(Run& run) {
  for (int i = 1; i <= 5; ++i) {
    auto sent = co_await run.adapter.send(to("#superintendent", "Digest " + std::to_string(i)));
    REQUIRE(sent.ok());
  }
  auto dm = co_await run.adapter.send(to("dm:s.ward", "Your digest is ready."));
  REQUIRE(dm.ok());
}

asio::awaitable<void> see_newest(Run& run) {
  auto superintendent = co_await webchat_join(run.adapter.bound_port(), "s.ward");
  std::vector<std::string> texts;
  for (const auto& entry : superintendent.hello["messages"]) texts.push_back(entry_text(entry));
  CHECK(texts == std::vector<std::string>{"Digest 3", "Digest 4", "Digest 5", "Your digest is ready."});
  co_await webchat_close(superintendent.ws);
}

TEST_CASE("web chat: what is kept is bounded per place, in memory and in the database", "[net][webchat]") {
  TempDir dir("webchat-bounded");
  const std::string db = dir.file("hallpass.db");
  {
    Run run(db, 3);
    play(run, fill_channel(run));
  }
  {
    Run run(db, 3);
    play(run, see_newest(run));
    std::size_t in_channel = 0;
    for (const auto& m : run.store->kept_messages("web")) in_channel += m.place == "#superintendent";
    CHECK(in_channel == 3);
  }
}

// A database from before the web chat kept its messages: the core knows the thread's root, the
// chat does not. Through the real outbox dispatcher and the sample district's prompts: those of
// a test Process (never started; the test drains the outbox itself).
struct Upgraded {
  explicit Upgraded(const std::string& db)
      : process({.db = db, .manual_start = test_support::la_time(2026, 11, 25, 9)}),
        adapter(io, options(adapters::webchat::kDefaultKeptPerPlace), district.config, archive_of(*store)) {
    process.add_adapter(adapter);
  }
  // The Process (and its io_context) is destroyed last, after the adapter its handlers refer to.
  test_support::Process process;
  asio::io_context& io = process.io();
  const bot::District& district = process.district();
  bot::Store* store = &process.store();
  bot::ManualClock& clock = process.manual_clock();
  bot::OutboxDispatcher& dispatcher = process.dispatcher();
  WebchatAdapter adapter;
  RecordingSink sink;
};

void enqueue_in_thread(Upgraded& u, const std::string& text) {
  bot::Outbound o;
  o.to = bot::Recipient::person("r.alvarez");
  o.thread_key = "R-1001";
  o.message.paragraph(text);
  u.store->enqueue(o, u.clock.now());
}

asio::awaitable<void> told_in_her_language(Upgraded& u) {
  auto principal = co_await webchat_join(u.adapter.bound_port(), "r.alvarez");
  enqueue_in_thread(u, "R-1001 fue autorizada.");
  co_await u.dispatcher.drain();
  json top = co_await webchat_read(principal.ws);
  CHECK(top["message"]["thread_ref"] == "");
  const std::string notice = u.district.prompts.text("es", "platform.thread_missing_named", {{"thread", "R-1001"}});
  CHECK(entry_text(top["message"]) == notice + "\nR-1001 fue autorizada.");
  enqueue_in_thread(u, "La carta de decisión está en su DM.");
  co_await u.dispatcher.drain();
  json under = co_await webchat_read(principal.ws);
  CHECK(under["message"]["thread_ref"] == top["message"]["ref"]);
  co_await webchat_close(principal.ws);
}

TEST_CASE(
    "web chat: through the outbox, a thread root that is gone gives a post at the top in the reader's language, never "
    "a failure",
    "[net][webchat]") {
  TempDir dir("webchat-upgraded");
  Upgraded u(dir.file("hallpass.db"));
  u.store->put_message_ref("web", "dm:r.alvarez", "R-1001", "w-gone-3");
  CHECK_THAT(u.district.prompts.text("es", "platform.thread_missing_named", {{"thread", "R-1001"}}),
             Catch::StartsWith("Esto pertenece al hilo de R-1001"));
  u.adapter.listen();
  asio::co_spawn(u.io, u.adapter.run(u.sink), [](std::exception_ptr) {});
  std::exception_ptr failure;
  bool finished = false;
  asio::steady_timer deadline(u.io, std::chrono::seconds(30));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) u.io.stop();
  });
  asio::co_spawn(u.io, told_in_her_language(u), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    deadline.cancel();
    u.adapter.stop();
  });
  u.io.run();
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
  for (const auto& e : u.store->outbox_entries()) CHECK(e.state == bot::OutboxState::sent);
}

}  // namespace
