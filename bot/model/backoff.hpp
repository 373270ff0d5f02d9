#pragma once
// Backoff: how long to wait before retrying something that failed. The delay grows exponentially
// (first, first·factor, first·factor², …, never above cap) and is jittered by one rule for every
// user: the outbox dispatcher's retries, Slack Socket Mode's reconnects, the Matrix sync loop and
// the Teams Connector client's retries. Each user keeps its own first delay and cap.
//
// The jitter rule ("equal jitter"): the delay is drawn uniformly between half and all of the
// exponential value. Why this one: the cap stays a true ceiling (the Teams client compares a wait
// with its longest_wait, and a configured "at most a minute" means at most a minute); a wait never
// falls below half, so a struggling server is not hit again at once; and a spread half the delay
// wide keeps copies restarted together (many bots, many failed sends) apart better than ±20% did.
//
// Not thread-safe (the random source has state); each user owns one, on the bot's one thread.
#include <chrono>
#include <functional>

namespace bot {

class Backoff {
 public:
  // A number drawn uniformly from [0, 1). Tests pass one that returns a constant to pin the delay.
  using Random = std::function<double()>;

  // first: the delay before the first retry; cap: the longest delay; factor: the growth per retry
  // (at least 1). Without a random source, a Mersenne Twister seeded from std::random_device.
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, double factor = 2.0, Random random = {});

  // The delay before retry number `retry` (0 for the first retry; a negative number counts as 0).
  std::chrono::milliseconds delay(int retry);

  std::chrono::milliseconds first() const { return first_; }
  std::chrono::milliseconds cap() const { return cap_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds cap_;
  double factor_;
  Random random_;
};

}  // namespace bot
