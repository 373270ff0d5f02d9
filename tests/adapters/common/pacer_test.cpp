// Per-channel pacing and 429 pauses, stepped with a hand-moved clock.
#include "adapters/common/pacer.hpp"

#include <catch2/catch.hpp>

using adapters::Pacer;
using std::chrono::milliseconds;

TEST_CASE("a channel takes a burst at once, then about one post a second", "[unit][slack]") {
  Pacer pacer(1.0, 3);
  const auto t0 = Pacer::Clock::time_point{} + std::chrono::hours(1);
  CHECK(pacer.reserve("C1", t0) == milliseconds(0));
  CHECK(pacer.reserve("C1", t0) == milliseconds(0));
  CHECK(pacer.reserve("C1", t0) == milliseconds(0));
  // Queued posts keep their spacing: one second, then two.
  CHECK(pacer.reserve("C1", t0) == milliseconds(1000));
  CHECK(pacer.reserve("C1", t0) == milliseconds(2000));
  // Another channel is not held up.
  CHECK(pacer.reserve("C2", t0) == milliseconds(0));
  // A post that was given up returns its slot.
  pacer.release("C1");
  CHECK(pacer.reserve("C1", t0) == milliseconds(2000));
  // After a quiet spell the burst is back, never more than it.
  const auto later = t0 + std::chrono::minutes(5);
  for (int i = 0; i < 3; ++i) CHECK(pacer.reserve("C1", later) == milliseconds(0));
  CHECK(pacer.reserve("C1", later) > milliseconds(0));
}

TEST_CASE("a 429 pauses its key until Retry-After has passed", "[unit][slack]") {
  Pacer pacer(1.0, 3);
  const auto t0 = Pacer::Clock::time_point{} + std::chrono::hours(1);
  CHECK(pacer.paused_for("chat.postMessage C1", t0) == milliseconds(0));
  pacer.pause("chat.postMessage C1", t0 + std::chrono::seconds(7));
  CHECK(pacer.paused_for("chat.postMessage C1", t0) == milliseconds(7000));
  CHECK(pacer.paused_for("chat.postMessage C1", t0 + std::chrono::seconds(5)) == milliseconds(2000));
  CHECK(pacer.paused_for("chat.postMessage C2", t0) == milliseconds(0));
  // A shorter pause does not cut a longer one short.
  pacer.pause("chat.postMessage C1", t0 + std::chrono::seconds(1));
  CHECK(pacer.paused_for("chat.postMessage C1", t0) == milliseconds(7000));
  CHECK(pacer.paused_for("chat.postMessage C1", t0 + std::chrono::seconds(8)) == milliseconds(0));
}

TEST_CASE("pacing can be switched off", "[unit][slack]") {
  Pacer pacer(0, 1);
  const auto t0 = Pacer::Clock::time_point{};
  for (int i = 0; i < 100; ++i) CHECK(pacer.reserve("C1", t0) == milliseconds(0));
}

TEST_CASE("a conversation keeps within every window of answered calls, and a pause holds it", "[unit][teams]") {
  Pacer pacer(std::vector<Pacer::Window>{{2, std::chrono::seconds(1)}, {3, std::chrono::seconds(10)}});
  const auto t0 = Pacer::Clock::time_point{} + std::chrono::hours(1);
  CHECK(pacer.ready_at("a:1") <= t0);
  pacer.answered("a:1", t0);
  CHECK(pacer.ready_at("a:1") <= t0);
  pacer.answered("a:1", t0 + milliseconds(100));
  // Two within a second: the third waits until the first is a second old.
  CHECK(pacer.ready_at("a:1") == t0 + std::chrono::seconds(1));
  CHECK(pacer.ready_at("a:2") <= t0);  // other conversations are not held up
  pacer.answered("a:1", t0 + std::chrono::seconds(1));
  // Three within ten seconds: the fourth waits for the ten-second window.
  CHECK(pacer.ready_at("a:1") == t0 + std::chrono::seconds(10));
  pacer.pause("a:1", t0 + std::chrono::seconds(30));
  CHECK(pacer.ready_at("a:1") == t0 + std::chrono::seconds(30));
  CHECK_FALSE(pacer.idle("a:1", t0 + std::chrono::seconds(20)));
  CHECK(pacer.idle("a:1", t0 + std::chrono::seconds(31)));
  pacer.forget("a:1");
  CHECK(pacer.ready_at("a:1") <= t0);
}
