#pragma once
// EnvelopeLedger: which Socket Mode envelopes were handled, so that an envelope Slack delivers
// again (its retry after a lost ack, or a re-delivery on another connection after a drop) is
// acknowledged with the first answer and not handled twice. Handled ids are kept for `ttl`
// (Slack retries for about five minutes, so at least six); an envelope the handler did not
// accept is forgotten at once, so its re-delivery is handled. Sans-I/O: callers pass `now`.
#include <chrono>
#include <deque>
#include <map>
#include <string>

namespace adapters::slack {

class EnvelopeLedger {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { unseen, in_progress, done };

  explicit EnvelopeLedger(std::chrono::milliseconds ttl);

  // The envelope's state; forgets handled ids older than the TTL first.
  State state(const std::string& id, Clock::time_point now);
  void begin(const std::string& id);
  // Handled and acknowledged with ack_payload (empty: a plain ack).
  void finish(const std::string& id, std::string ack_payload, Clock::time_point now);
  // Not accepted: forgotten, so a re-delivery is handled.
  void abandon(const std::string& id);
  // The ack payload of a done envelope ("" when unknown).
  std::string ack_payload(const std::string& id) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    State state = State::in_progress;
    std::string ack_payload;
    Clock::time_point expires{};  // done: when it is forgotten
  };
  std::chrono::milliseconds ttl_;
  std::map<std::string, Entry> entries_;
  std::deque<std::pair<Clock::time_point, std::string>> expiry_;  // done ids, oldest first
};

}  // namespace adapters::slack
