#include "adapters/slack/slack_envelope_ledger.hpp"

namespace adapters::slack {

EnvelopeLedger::EnvelopeLedger(std::chrono::milliseconds ttl) : ttl_(ttl) {}

EnvelopeLedger::State EnvelopeLedger::state(const std::string& id, Clock::time_point now) {
  // One TTL for all, so the queue is in expiry order. An id finished twice has two queue rows;
  // only the row of its latest finish forgets it.
  while (!expiry_.empty() && expiry_.front().first <= now) {
    auto it = entries_.find(expiry_.front().second);
    if (it != entries_.end() && it->second.state == State::done && it->second.expires == expiry_.front().first)
      entries_.erase(it);
    expiry_.pop_front();
  }
  auto it = entries_.find(id);
  return it == entries_.end() ? State::unseen : it->second.state;
}

void EnvelopeLedger::begin(const std::string& id) { entries_[id] = Entry{State::in_progress, {}, {}}; }

void EnvelopeLedger::finish(const std::string& id, std::string ack_payload, Clock::time_point now) {
  entries_[id] = Entry{State::done, std::move(ack_payload), now + ttl_};
  expiry_.emplace_back(now + ttl_, id);
}

void EnvelopeLedger::abandon(const std::string& id) {
  auto it = entries_.find(id);
  if (it != entries_.end() && it->second.state == State::in_progress) entries_.erase(it);
}

std::string EnvelopeLedger::ack_payload(const std::string& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? std::string() : it->second.ack_payload;
}

}  // namespace adapters::slack
