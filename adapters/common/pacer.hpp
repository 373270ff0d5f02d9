#pragma once
// Pacer: when a call on a key (a channel, a conversation, a method and channel) may go, by a
// platform's rate limits. Sans-I/O: callers pass `now` and sleep themselves; not thread-safe (the
// bot's one thread). Shared by the Slack Web API client and the Teams Connector client, whose
// platforms state their limits in two ways, so a pacer is built with the one its platform states:
// - a token bucket (Pacer(per_second, burst)): Slack's chat.postMessage allows about one message
//   per second per channel with short bursts. reserve() takes the next slot when the call is
//   asked for, so queued calls keep their order and spacing;
// - sliding windows (Pacer(windows)): Teams allows at most 7 writes within any second per
//   conversation, 8 within 2 s, 60 within 30 s, 1800 within an hour. answered() records when a
//   call was answered; ready_at() is when the next may go;
// and, whichever of the two, a pause: the platform answered 429, nothing goes on that key before
// its Retry-After (pause(), paused_for(); ready_at() includes it).
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace adapters {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Window {
    int requests;                   // at most this many…
    std::chrono::milliseconds per;  // …within any span this long
  };

  // A token bucket per key. per_second: the sustained rate (0 switches it off); burst: how many
  // may go at once after a quiet spell.
  Pacer(double per_second, int burst);
  // Sliding windows per key, over the times calls were answered.
  explicit Pacer(std::vector<Window> windows);

  // Token bucket: takes the next slot of `key` and returns how long to wait for it (zero: go now).
  // Calls in a row get increasing waits. Zero without a bucket.
  std::chrono::milliseconds reserve(const std::string& key, Clock::time_point now);
  // Gives back the slot of a reserve() whose call was not made.
  void release(const std::string& key);

  // Windows: a call on `key` was answered at `at`.
  void answered(const std::string& key, Clock::time_point at);
  // The earliest time the next call on `key` keeps within every window and any pause.
  Clock::time_point ready_at(const std::string& key) const;

  // The platform answered 429: nothing goes on `key` before `until` (a shorter pause than one
  // already in force changes nothing).
  void pause(const std::string& key, Clock::time_point until);
  // How long `key` is still paused (zero when not).
  std::chrono::milliseconds paused_for(const std::string& key, Clock::time_point now) const;

  // True when nothing known about `key` holds up a call any more at `now`: its pause and its
  // windows have passed, its bucket is full again. Such a key can be forgotten without changing
  // any wait.
  bool idle(const std::string& key, Clock::time_point now) const;
  void forget(const std::string& key);

 private:
  struct Lane {
    bool bucket = false;  // reserve() was called: tokens and updated hold its bucket
    double tokens = 0;    // may go negative: slots already promised to waiting calls
    Clock::time_point updated{};
    std::deque<Clock::time_point> answered;  // the newest, as many as the largest window counts
    Clock::time_point paused_until{};
  };
  double per_second_ = 0;
  double burst_ = 1;
  std::vector<Window> windows_;
  std::size_t most_requests_ = 0;         // the largest window's count
  std::chrono::milliseconds longest_{0};  // the longest window's span
  std::map<std::string, Lane> lanes_;
};

}  // namespace adapters
