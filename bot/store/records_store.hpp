#pragma once
// Public records and retention (issue 22): what an export reads of the audit log (rows with the
// links of the hash chain, so a reader can check them against the head without the database),
// pruning the operational tables, and legal holds that stop pruning.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"

namespace bot {

struct AuditEntry;

// One link of the audit chain: a row's number, the hash it follows and its own hash.
struct AuditLink {
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
};

// What one pruning pass removed, table by table, and what it kept on purpose.
struct PruneReport {
  std::int64_t events = 0;         // de-duplication rows older than the horizon
  std::int64_t outbox = 0;         // sent (or given-up) outbox rows with their message bodies
  std::int64_t message_refs = 0;   // thread references of subjects finished before the horizon
  std::int64_t timers = 0;         // fired or cancelled timers
  std::int64_t kept_for_hold = 0;  // rows kept because their subject is under a legal hold
};

class RecordsRepository {
 public:
  virtual ~RecordsRepository() = default;
  // Audit rows with seq in [from_seq, to_seq], oldest first.
  virtual std::vector<AuditEntry> audit_rows(std::int64_t from_seq, std::int64_t to_seq) = 0;
  // The chain's links from from_seq to the head, oldest first.
  virtual std::vector<AuditLink> audit_links(std::int64_t from_seq) = 0;

  // Legal holds: a subject ("R-1001", "I-2001") whose operational rows are never pruned.
  virtual void set_legal_hold(std::string_view subject, bool held, std::string_view note) = 0;
  virtual std::vector<std::string> legal_holds() = 0;
  // Deletes operational rows older than `before` (see docs/records.md): event ids, sent outbox
  // bodies, message references of finished subjects, fired timers. Never the audit log, requests,
  // incidents, or anything of a held subject.
  virtual PruneReport prune_operational(TimePoint before) = 0;
  // Gives the freed pages back to the file system (VACUUM); outside any transaction.
  virtual void compact() = 0;
};

// The hash Hallpass gives an audit row that follows `prev`: hex SHA-256, or "hmac-" and the
// HMAC-SHA256 under `key` when the log is keyed. What an export's reader recomputes.
std::string audit_row_hash(std::string_view key, std::string_view prev, const AuditEntry& e);

}  // namespace bot
