#pragma once
// What the store can tell the IT team about the bot's health, read at the moment it is asked
// (the admin listener's /metrics and /readyz): how many messages wait and for how long, how much
// has been handled, whether the audit log grows. Counts only: nothing of a message or a person.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "bot/model/clock.hpp"

namespace bot {

struct StoreStatistics {
  std::map<std::string, std::int64_t> outbox_by_state;     // "pending", "in_flight", "sent", "failed", "uncertain"
  std::optional<TimePoint> oldest_waiting;                 // the oldest message not yet delivered (pending, in flight)
  std::map<std::string, std::int64_t> events_by_platform;  // events received and de-duplicated
  std::int64_t audit_rows = 0;
  std::int64_t timers_due = 0;    // due and not fired yet
  std::int64_t timers_fired = 0;  // fired since the database was created
};

class StatisticsSource {
 public:
  virtual ~StatisticsSource() = default;
  // Throws when the database cannot be read (readiness then says so).
  virtual StoreStatistics statistics(TimePoint now) = 0;
};

}  // namespace bot
