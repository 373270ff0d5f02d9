#pragma once
// The store: everything Hallpass remembers, behind one domain interface so a server database can
// replace the SQLite file (bot/store/sqlite_store.cpp is the only file that includes SQLiteCpp).
//
// All calls run on the bot's thread. A Transaction groups a state change with the messages it
// causes: both are written, or neither.
#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"
#include "bot/model/effects.hpp"
#include "bot/model/incident.hpp"
#include "bot/model/request.hpp"

namespace bot {

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed
  virtual void commit() = 0;
};

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
  AuditHead head;                  // the newest row, when ok
};

enum class OutboxState { pending, in_flight, sent, failed, uncertain };

struct OutboxEntry {
  std::int64_t id = 0;
  Outbound outbound;
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  TimePoint next_attempt{};
  std::string idempotency_key;
  std::string platform;  // where it went, once sent
  std::string channel;
  std::string ref;
  std::string last_error;
};

struct Timer {
  std::int64_t id = 0;
  std::string kind;
  std::string subject;
  TimePoint due{};
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::unique_ptr<Transaction> begin() = 0;

  // Events: true the first time (platform, event_id) is seen; false for a duplicate.
  virtual bool record_event(std::string_view platform, std::string_view event_id, TimePoint now) = 0;

  // Requests and drafts.
  virtual std::string next_request_id() = 0;
  virtual void save_request(const Request& r) = 0;
  virtual std::optional<Request> request(std::string_view id) = 0;
  virtual std::vector<Request> requests_of(std::string_view requester) = 0;
  virtual std::vector<Request> open_requests() = 0;
  virtual std::vector<Request> requests_decided_since(TimePoint since) = 0;
  virtual std::optional<Draft> draft(std::string_view person) = 0;
  virtual void save_draft(const Draft& d) = 0;
  virtual void delete_draft(std::string_view person) = 0;

  // Audit log (append-only, hash-chained, keyed when the store was opened with a key).
  virtual void append_audit(AuditEntry e) = 0;
  virtual std::vector<AuditEntry> audit_of(std::string_view subject) = 0;
  // The newest row (seq 0 when the log is empty).
  virtual AuditHead audit_head() = 0;
  // Recomputes the chain, checks the head and every anchor. Never throws: a malformed or missing
  // table is reported like an altered row.
  virtual AuditCheck verify_audit(const std::vector<AuditAnchor>& anchors) = 0;
  AuditCheck verify_audit() { return verify_audit({}); }

  // Outbox.
  virtual void enqueue(const Outbound& o, TimePoint now) = 0;
  virtual std::vector<OutboxEntry> due_outbox(TimePoint now, int limit) = 0;
  // The same, only entries with an id above after_id (what one console run enqueued itself).
  virtual std::vector<OutboxEntry> due_outbox_after(TimePoint now, std::int64_t after_id, int limit) = 0;
  // The newest outbox id, 0 when the outbox is empty.
  virtual std::int64_t last_outbox_id() = 0;
  virtual std::optional<TimePoint> next_outbox_attempt() = 0;
  // Conversations ("platform\nchannel") with a message waiting for its retry time, each with the
  // id of the first such message: later messages to the same conversation wait behind it.
  virtual std::map<std::string, std::int64_t> conversations_awaiting_retry(TimePoint now) = 0;
  virtual void mark_in_flight(std::int64_t id, std::string_view platform, std::string_view channel) = 0;
  virtual void mark_sent(std::int64_t id, std::string_view ref) = 0;
  virtual void mark_retry(std::int64_t id, TimePoint next, std::string_view error) = 0;
  virtual void mark_failed(std::int64_t id, std::string_view error) = 0;
  // After a restart: entries left in flight become pending (retry_safe) or uncertain.
  virtual int recover_in_flight(std::string_view platform, bool retry_safe) = 0;
  virtual std::vector<OutboxEntry> outbox_entries() = 0;  // for tests and `hallpass outbox`

  // Platform references of posted messages: thread roots and messages that may be updated.
  virtual std::optional<std::string> message_ref(std::string_view platform, std::string_view channel,
                                                 std::string_view key) = 0;
  virtual void put_message_ref(std::string_view platform, std::string_view channel, std::string_view key,
                               std::string_view ref) = 0;
  // The domain thread key ("R-1001") of a thread whose root has this platform reference.
  virtual std::optional<std::string> thread_key_of(std::string_view platform, std::string_view channel,
                                                   std::string_view ref) = 0;
  // Where the message remembered under a key was posted: (platform, channel, ref).
  struct PostedMessage {
    std::string platform, channel, ref;
  };
  virtual std::optional<PostedMessage> posted_message(std::string_view key) = 0;

  // Timers: scheduling the same (kind, subject, due) twice keeps one.
  virtual void schedule(const TimerRequest& t) = 0;
  virtual std::vector<Timer> due_timers(TimePoint now) = 0;
  virtual std::optional<TimePoint> next_timer() = 0;
  virtual void mark_timer_fired(std::int64_t id, TimePoint at) = 0;
  virtual void cancel_timers(std::string_view kind, std::string_view subject) = 0;

  // Incident reports ("I-2001") and the reports being written (one per person).
  virtual std::string next_incident_id() = 0;
  virtual void save_incident(const Incident& i) = 0;
  virtual std::optional<Incident> incident(std::string_view id) = 0;
  virtual std::vector<Incident> incidents_reported_by(std::string_view reporter) = 0;  // oldest first
  virtual std::vector<Incident> incidents_assigned_to(std::string_view investigator) = 0;  // oldest first
  virtual std::vector<Incident> open_incidents() = 0;  // not closed, oldest first
  virtual std::optional<IncidentDraft> incident_draft(std::string_view person) = 0;
  virtual void save_incident_draft(const IncidentDraft& d) = 0;
  virtual void delete_incident_draft(std::string_view person) = 0;

  // Small named values (adapter checkpoints such as Matrix next_batch, digest bookkeeping).
  virtual std::optional<std::string> checkpoint(std::string_view name) = 0;
  virtual void set_checkpoint(std::string_view name, std::string_view value) = 0;

  // Messages an adapter keeps for itself: the web chat is its own platform, so it keeps what Slack
  // keeps on its servers (what it showed, and the refs threads and card updates need).
  struct KeptMessage {
    std::string place, ref, body;
  };
  // Oldest first.
  virtual std::vector<KeptMessage> kept_messages(std::string_view platform) = 0;
  // Adds the message, or replaces the one with its ref where it stands; then forgets the oldest of
  // its place beyond `keep`. Two statements, no transaction of its own (callers may hold none).
  virtual void keep_message(std::string_view platform, const KeptMessage& message, std::size_t keep) = 0;
};

enum class OpenMode {
  create,     // the bot (run, demo, console): created if missing (0600), migrated, read-write
  read_only,  // commands that only read (audit, outbox, digest): must exist; never written or migrated
};

struct StoreOptions {
  OpenMode mode = OpenMode::create;
  // HMAC-SHA256 key for the audit chain (from HALLPASS_AUDIT_KEY); empty: plain SHA-256.
  // Kept in memory only: never written, logged or put in a message.
  std::string audit_key;
  // When set, each committed audit head is appended to this file ("seq hash time"), which
  // `hallpass audit verify --anchor FILE` compares against.
  std::string anchor_file;
};

// Why a database could not be opened, as one line that says what to do.
class StoreOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Opens the SQLite file and, when it may write, brings its schema up to date. ":memory:" works.
// Refuses (StoreOpenError) a missing file in read_only mode, a missing folder, a file that is not
// a Hallpass database, one from a newer Hallpass, and an audit key that does not fit the log.
// An existing file that others may read is made 0600 (and logged) when opened read-write.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options = {});

// The shortest audit key accepted (characters).
inline constexpr std::size_t kMinAuditKeyLength = 32;

// The current schema version, for `hallpass --version` and the migrations test.
int schema_version(Store& store);

}  // namespace bot
