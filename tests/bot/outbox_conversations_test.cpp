// The outbox dispatcher delivers different conversations side by side, and one conversation's
// messages in order: a channel held back by its platform (pacing, a rate limit) must not delay
// the messages everybody else is waiting for. On SQLite and on PostgreSQL (STORE_TEST_CASE).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

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
