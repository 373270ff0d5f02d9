#pragma once
// Pacer: how long a Web API call must wait, per key, before it may go. Sans-I/O: callers pass
// `now` and sleep themselves.
//
// Two rules, both from Slack's rate limits: chat.postMessage allows about one message per second
// per channel with short bursts (a token bucket per channel), and a 429 answer pauses that
// method (and channel) for Retry-After seconds.
#include <chrono>
#include <map>
#include <string>

namespace adapters::slack {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second: the sustained rate per key; burst: how many may go at once after a quiet spell.
  Pacer(double per_second, int burst);

  // Takes the next slot of `key` and returns how long to wait for it (zero: go now). Calls in a
  // row get increasing waits, so queued sends keep their order and their spacing.
  std::chrono::milliseconds reserve(const std::string& key, Clock::time_point now);
  // Gives back the slot of a reserve() whose call was not made.
  void release(const std::string& key);
  // Slack answered 429: nothing goes on `key` before `until`.
  void pause(const std::string& key, Clock::time_point until);
  // How long `key` is still paused by a 429 (zero when not).
  std::chrono::milliseconds paused_for(const std::string& key, Clock::time_point now) const;

 private:
  struct Bucket {
    double tokens = 0;  // may go negative: slots already promised to waiting calls
    Clock::time_point updated{};
  };
  double per_second_;
  double burst_;
  std::map<std::string, Bucket> buckets_;
  std::map<std::string, Clock::time_point> paused_until_;
};

}  // namespace adapters::slack
