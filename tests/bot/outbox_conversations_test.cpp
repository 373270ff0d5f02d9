// The outbox dispatcher delivers different conversations side by side, and one conversation's
// messages in order: a channel held back by its platform (pacing, a rate limit) must not delay
// the messages everybody else is waiting for. On SQLite and on PostgreSQL (STORE_TEST_CASE). With
// a database thread (PostgreSQL), the dispatcher's database work waits there, not on the io thread.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <memory>

#include "bot/core/command_thread.hpp"
#include "bot/core/outbox_dispatcher.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/store_backends.hpp"

namespace {

namespace asio = boost::asio;

// A platform whose "#slow" channel holds each send until a message to any other channel was
// sent (or 10 s pass, so a dispatcher that sends one at a time shows up as a wrong order, not a hang).
class HeldChannelPlatform final : public bot::Adapter {
 public:
  explicit HeldChannelPlatform(asio::io_context& io) : release_(io, asio::steady_timer::time_point::max()) {}
  std::string_view platform() const override { return "web"; }
  asio::awaitable<void> run(bot::EventSink&) override { co_return; }
  asio::awaitable<bot::SendResult> send(bot::Delivery d) override {
    if (d.channel == "#slow" && !released_) {
      release_.expires_after(std::chrono::seconds(10));
      co_await release_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (d.channel != "#slow") {
      released_ = true;
      release_.cancel();
    }
    sent.push_back(d.channel + " " + d.message.fallback);
    co_return bot::SendResult{.ref = std::to_string(sent.size())};
  }
  std::vector<std::string> sent;

 private:
  asio::steady_timer release_;
  bool released_ = false;
};

void enqueue(bot::Store& store, const std::string& channel, const std::string& text, bot::TimePoint now) {
  bot::Outbound o;
  o.to = {.kind = bot::Recipient::Kind::reply, .platform = "web", .channel = channel};
  o.message.fallback = text;
  store.enqueue(o, now);
}

}  // namespace

STORE_TEST_CASE("a held-back conversation does not delay the others, and keeps its own order", "[outbox]") {
  auto store = backend.open();
  bot::ManualClock clock(test_support::la_time(2026, 11, 24, 10));
  asio::io_context io;
  bot::OutboxDispatcher dispatcher(io.get_executor(), *store, test_support::sample_district().config, clock);
  HeldChannelPlatform platform(io);
  dispatcher.add_adapter(platform);
  enqueue(*store, "#slow", "first", clock.now());
  enqueue(*store, "#slow", "second", clock.now());
  enqueue(*store, "#fast", "third", clock.now());

  auto done = asio::co_spawn(io, dispatcher.drain(), asio::use_future);
  io.run();
  done.get();

  CHECK(platform.sent == std::vector<std::string>{"#fast third", "#slow first", "#slow second"});
  for (const auto& e : store->outbox_entries()) CHECK(e.state == bot::OutboxState::sent);
}

namespace {

// A platform whose first send to "#a" fails with a rate limit of one hour; every other send works.
class RateLimitedOncePlatform final : public bot::Adapter {
 public:
  std::string_view platform() const override { return "web"; }
  asio::awaitable<void> run(bot::EventSink&) override { co_return; }
  asio::awaitable<bot::SendResult> send(bot::Delivery d) override {
    if (d.channel == "#a" && !limited_) {
      limited_ = true;
      co_return bot::SendResult{
          .error = bot::SendErrorKind::rate_limited, .error_text = "ratelimited", .retry_after = std::chrono::hours(1)};
    }
    sent.push_back(d.channel + " " + d.message.fallback);
    co_return bot::SendResult{.ref = std::to_string(sent.size())};
  }
  std::vector<std::string> sent;

 private:
  bool limited_ = false;
};

}  // namespace

STORE_TEST_CASE("a message waiting for its retry is not overtaken by a later one to the same conversation",
                "[outbox]") {
  auto store = backend.open();
  bot::ManualClock clock(test_support::la_time(2026, 11, 24, 10));
  asio::io_context io;
  bot::OutboxDispatcher dispatcher(io.get_executor(), *store, test_support::sample_district().config, clock);
  RateLimitedOncePlatform platform;
  dispatcher.add_adapter(platform);
  auto drain = [&] {
    auto done = asio::co_spawn(io, dispatcher.drain(), asio::use_future);
    io.restart();
    io.run();
    done.get();
  };

  enqueue(*store, "#a", "card", clock.now());
  drain();  // rate limited: the card waits an hour
  enqueue(*store, "#a", "decision", clock.now());
  enqueue(*store, "#b", "other", clock.now());
  drain();
  CHECK(platform.sent == std::vector<std::string>{"#b other"});  // the decision waits behind the card

  clock.advance(std::chrono::hours(2));
  drain();
  CHECK(platform.sent == std::vector<std::string>{"#b other", "#a card", "#a decision"});
}

namespace {

// A platform that reports attempts, as Slack does: it awaits Delivery::on_attempt before each
// request, and notes whether the row was already recorded in flight by then (read on a connection
// of its own, as a second worker would see it).
class AttemptReportingPlatform final : public bot::Adapter {
 public:
  explicit AttemptReportingPlatform(bot::Store& observer) : observer_(observer) {}
  std::string_view platform() const override { return "web"; }
  asio::awaitable<void> run(bot::EventSink&) override { co_return; }
  bool reports_attempts() const override { return true; }
  asio::awaitable<bot::SendResult> send(bot::Delivery d) override {
    if (d.on_attempt) co_await d.on_attempt();
    for (const auto& e : observer_.outbox_entries())
      if (std::to_string(e.id) == d.outbox_id && e.state == bot::OutboxState::in_flight) ++in_flight_when_sent;
    sent.push_back(d.channel + " " + d.message.fallback);
    co_return bot::SendResult{.ref = std::to_string(sent.size())};
  }
  std::vector<std::string> sent;
  int in_flight_when_sent = 0;

 private:
  bot::Store& observer_;
};

}  // namespace

STORE_TEST_CASE("with a database thread, deliveries wait for the database there while the io thread goes on",
                "[outbox][command-thread]") {
  auto store = backend.open();
  auto delivery_store = backend.open();  // the delivery thread's own connection
  bot::ManualClock clock(test_support::la_time(2026, 11, 24, 10));
  asio::io_context io;
  bot::CommandThread deliveries("deliveries");
  bot::OutboxDispatcher dispatcher(io.get_executor(), *store, test_support::sample_district().config, clock);
  dispatcher.use_database_thread(deliveries, *delivery_store);
  AttemptReportingPlatform platform(*store);
  dispatcher.add_adapter(platform);
  enqueue(*store, "#a", "first", clock.now());
  enqueue(*store, "#b", "other", clock.now());
  enqueue(*store, "#a", "second", clock.now());

  // While the database thread is held (as a slow database would hold it), nothing is claimed or
  // sent, and the io thread still runs its other work: a timer of 20 ms fires.
  auto held = std::make_unique<bot::CommandThread::Pause>(deliveries);
  auto done = asio::co_spawn(io, dispatcher.drain(), asio::use_future);
  bool io_ran = false;
  asio::steady_timer tick(io, std::chrono::milliseconds(20));
  tick.async_wait([&](boost::system::error_code) { io_ran = true; });
  io.run_for(std::chrono::milliseconds(300));
  CHECK(io_ran);
  CHECK(platform.sent.empty());

  held.reset();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready &&
         std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  REQUIRE(done.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready);
  done.get();
  // Each conversation in its order; every message recorded in flight before its request left,
  // and sent afterwards.
  std::vector<std::string> a;
  for (const auto& s : platform.sent)
    if (s.starts_with("#a")) a.push_back(s);
  CHECK(a == std::vector<std::string>{"#a first", "#a second"});
  CHECK(platform.sent.size() == 3);
  CHECK(platform.in_flight_when_sent == 3);
  for (const auto& e : store->outbox_entries()) CHECK(e.state == bot::OutboxState::sent);
}

namespace {

// The web chat as a platform: t.garcia's direct conversation there is "dm:t.garcia".
class WebPlatform final : public bot::Adapter {
 public:
  std::string_view platform() const override { return "web"; }
  asio::awaitable<void> run(bot::EventSink&) override { co_return; }
  asio::awaitable<bot::SendResult> send(bot::Delivery) override { co_return bot::SendResult{.ref = "1"}; }
};

}  // namespace

// Several workers claim a conversation's rows together (Store::claim_due_outbox): a row that the
// command thread writes must carry the same conversation as one the dispatcher's own store writes
// to the same person, or two workers could send that person's messages out of order.
STORE_TEST_CASE("rows written on the database thread's connection are keyed by their conversation as the others",
                "[outbox][command-thread]") {
  auto store = backend.open();
  auto thread_store = backend.open();
  bot::ManualClock clock(test_support::la_time(2026, 11, 24, 10));
  asio::io_context io;
  bot::CommandThread commands("commands");
  bot::OutboxDispatcher dispatcher(io.get_executor(), *store, test_support::sample_district().config, clock);
  WebPlatform platform;
  dispatcher.add_adapter(platform);
  dispatcher.use_leases("worker-1", std::chrono::seconds(60));
  dispatcher.use_database_thread(commands, *thread_store);
  const bot::Outbound to_teresa{.to = bot::Recipient::person("t.garcia"),
                                .message = bot::Message{}.paragraph("your request")};
  commands.run_and_wait([&] { thread_store->enqueue(to_teresa, clock.now()); });
  store->enqueue(to_teresa, clock.now());
  // Not "person\nt.garcia", the store's own key when nobody keys its rows.
  const std::vector<std::string> expected{"web\ndm:t.garcia"};
  CHECK(backend.rows("SELECT conversation FROM outbox ORDER BY id") ==
        std::vector<std::vector<std::string>>{expected, expected});
}
