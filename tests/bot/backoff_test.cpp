// The one backoff rule: exponential from the first delay up to the cap, jittered into
// [half, all] of it, with the random source pinned.
#include "bot/model/backoff.hpp"

#include <catch2/catch.hpp>

using bot::Backoff;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles from the first delay up to the cap, jittered into its upper half", "[unit][backoff]") {
  double draw = 0.0;
  Backoff backoff(milliseconds(500), milliseconds(5000), 2.0, [&] { return draw; });

  // The lowest draw waits half of each step, the highest all of it.
  CHECK(backoff.delay(0) == milliseconds(250));
  CHECK(backoff.delay(1) == milliseconds(500));
  CHECK(backoff.delay(3) == milliseconds(2000));
  CHECK(backoff.delay(10) == milliseconds(2500));  // capped at 5000, halved
  draw = 1.0;
  CHECK(backoff.delay(0) == milliseconds(500));
  CHECK(backoff.delay(3) == milliseconds(4000));
  CHECK(backoff.delay(10) == milliseconds(5000));      // never above the cap
  CHECK(backoff.delay(100000) == milliseconds(5000));  // a long run of failures does not overflow
  CHECK(backoff.delay(-1) == backoff.delay(0));
}

TEST_CASE("backoff without a random source stays within its range", "[unit][backoff]") {
  Backoff backoff(milliseconds(1000), milliseconds(60000));
  for (int retry = 0; retry < 20; ++retry) {
    const auto full = std::min<long long>(1000LL << std::min(retry, 6), 60000);
    const auto d = backoff.delay(retry).count();
    CHECK(d >= full / 2);
    CHECK(d <= full);
  }
}
