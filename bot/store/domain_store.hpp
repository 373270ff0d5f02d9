#pragma once
// The domain's repositories: what the workflows may see of the store (workflows::Context::store).
// Requests and their drafts, incident reports and theirs, the audit log, the workflows' own small
// named values, and cancelling the timers they set. The delivery machinery (outbox, timers as the
// scheduler sees them, event records, message references, adapters' state, kept messages) is in
// bot/store/delivery_store.hpp, which only bot/core and bot/app use.
//
// Every call runs inside the transaction of the turn the core opened (bot/store/store.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"
#include "bot/model/incident.hpp"
#include "bot/model/request.hpp"
#include "bot/store/classroom_store.hpp"
#include "bot/store/records_store.hpp"
#include "bot/store/registry_store.hpp"

namespace bot {

struct AuditEntry {
  std::int64_t seq = 0;
  TimePoint at{};
  std::string actor;    // person id, or "hallpass" for the bot's own actions (timers)
  std::string action;   // "filed", "endorsed", "refused:not_principal", …
  std::string subject;  // "R-1001"
  std::string details;  // JSON text
  std::string source;   // "web:evt-123" — the platform message that caused it
  // Over the previous hash and this entry: hex SHA-256, or "hmac-" and hex HMAC-SHA256 when the
  // log is keyed (HALLPASS_AUDIT_KEY).
  std::string hash;
};

// The newest row of the audit log: what an anchor records outside the database.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};

// A head recorded outside the database (an anchor file line, a nightly summary): the row at `seq`
// must still have this hash (or a hash that starts with it, at least 16 hex digits).
struct AuditAnchor {
  std::int64_t seq = 0;
  std::string hash;
  std::string where;  // "anchors.txt:12", for the report
};

struct AuditCheck {
  bool ok = true;
  std::int64_t rows = 0;
  std::int64_t first_bad_seq = 0;  // first altered, missing or unconfirmable row
  std::string problem;             // one sentence, naming the row
  bool key_missing = false;        // rows are keyed and no key was given: not checked, not accused
  std::int64_t unkeyed_rows = 0;   // with a key: rows 1..n were written before the key was set
  std::int64_t anchors_checked = 0;
  AuditHead head;  // the newest row, when ok
};

// A timer a workflow set, as the scheduler hands it back when due.
struct Timer {
  std::int64_t id = 0;
  std::string kind;
  std::string subject;
  TimePoint due{};
};

// Requests ("R-1001") and the requests being written (one draft per person).
class RequestRepository {
 public:
  virtual ~RequestRepository() = default;
  virtual std::string next_request_id() = 0;
  virtual void save_request(const Request& r) = 0;
  virtual std::optional<Request> request(std::string_view id) = 0;
  virtual std::vector<Request> requests_of(std::string_view requester) = 0;
  virtual std::vector<Request> open_requests() = 0;
  virtual std::vector<Request> requests_decided_since(TimePoint since) = 0;
  virtual std::optional<Draft> draft(std::string_view person) = 0;
  virtual void save_draft(const Draft& d) = 0;
  virtual void delete_draft(std::string_view person) = 0;
};

// Incident reports ("I-2001") and the reports being written (one per person).
class IncidentRepository {
 public:
  virtual ~IncidentRepository() = default;
  virtual std::string next_incident_id() = 0;
  virtual void save_incident(const Incident& i) = 0;
  virtual std::optional<Incident> incident(std::string_view id) = 0;
  virtual std::vector<Incident> incidents_reported_by(std::string_view reporter) = 0;      // oldest first
  virtual std::vector<Incident> incidents_assigned_to(std::string_view investigator) = 0;  // oldest first
  virtual std::vector<Incident> open_incidents() = 0;                                      // not closed, oldest first
  virtual std::optional<IncidentDraft> incident_draft(std::string_view person) = 0;
  virtual void save_incident_draft(const IncidentDraft& d) = 0;
  virtual void delete_incident_draft(std::string_view person) = 0;
};

// The audit log (append-only, hash-chained, keyed when the store was opened with a key).
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void append_audit(AuditEntry e) = 0;
  virtual std::vector<AuditEntry> audit_of(std::string_view subject) = 0;
  // The newest row (seq 0 when the log is empty).
  virtual AuditHead audit_head() = 0;
  // Recomputes the chain, checks the head and every anchor. Never throws: a malformed or missing
  // table is reported like an altered row.
  virtual AuditCheck verify_audit(const std::vector<AuditAnchor>& anchors) = 0;
  AuditCheck verify_audit() { return verify_audit({}); }
};

// The workflows' own small named values ("digest.last_night", "escalated.R-1001"): bookkeeping
// that is no request's field. A table of their own (workflow_values), apart from the adapters'
// state, so neither can read or overwrite the other's keys.
class WorkflowValues {
 public:
  virtual ~WorkflowValues() = default;
  virtual std::optional<std::string> workflow_value(std::string_view name) = 0;
  virtual void set_workflow_value(std::string_view name, std::string_view value) = 0;
};

// Workflows set timers through their Effects (the core writes them after the turn) and cancel them
// here, inside the turn's transaction.
class TimerCancellation {
 public:
  virtual ~TimerCancellation() = default;
  virtual void cancel_timers(std::string_view kind, std::string_view subject) = 0;
};

// Everything a workflow may touch.
class DomainStore : public RequestRepository,
                    public IncidentRepository,
                    public AuditLog,
                    public WorkflowValues,
                    public TimerCancellation,
                    public ClassroomRepository,
                    public RecordsRepository,
                    public RegistryRepository {};

}  // namespace bot
