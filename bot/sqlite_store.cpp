// The SQLite implementation of the store: the only file that includes SQLiteCpp.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "bot/incident.hpp"
#include "bot/sha256.hpp"
#include "bot/store.hpp"
#include "bot/store_json.hpp"

namespace bot {
namespace {

using nlohmann::json;

// Schema migrations, applied in order; the number of the last applied one is PRAGMA user_version.
// Never edit a published migration: add a new one.
const std::vector<const char*> kMigrations = {
    // 1: the core: events, requests, drafts, audit, outbox, message references, timers, checkpoints.
    R"sql(
    CREATE TABLE events (
      platform TEXT NOT NULL, event_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
      PRIMARY KEY (platform, event_id));
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counters VALUES ('request', 1000);
    CREATE TABLE requests (
      id TEXT PRIMARY KEY, requester TEXT NOT NULL, site TEXT NOT NULL, state TEXT NOT NULL,
      plans TEXT NOT NULL, audience TEXT NOT NULL, students_interact INTEGER NOT NULL,
      filed_at INTEGER NOT NULL, due_date TEXT NOT NULL, overdue_notified INTEGER NOT NULL DEFAULT 0,
      endorsed_by TEXT NOT NULL DEFAULT '', routed_at INTEGER NOT NULL,
      return_note TEXT NOT NULL DEFAULT '', info_question TEXT NOT NULL DEFAULT '',
      info_answer TEXT NOT NULL DEFAULT '', info_requested_at INTEGER NOT NULL DEFAULT 0,
      decision TEXT, decided_at INTEGER, withdrawn_by TEXT NOT NULL DEFAULT '',
      returned_by TEXT NOT NULL DEFAULT '');
    CREATE INDEX requests_by_requester ON requests(requester);
    CREATE INDEX requests_by_state ON requests(state);
    CREATE TABLE drafts (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE audit (
      seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      subject TEXT NOT NULL, details TEXT NOT NULL, source TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX audit_by_subject ON audit(subject);
    -- The audit log is append-only: the database itself refuses edits and deletions.
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, body TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt INTEGER NOT NULL, idempotency_key TEXT NOT NULL,
      platform TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', ref TEXT NOT NULL DEFAULT '',
      last_error TEXT NOT NULL DEFAULT '');
    CREATE INDEX outbox_due ON outbox(state, next_attempt);
    CREATE TABLE message_refs (
      platform TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL, ref TEXT NOT NULL,
      PRIMARY KEY (platform, channel, key));
    CREATE INDEX message_refs_by_ref ON message_refs(platform, channel, ref);
    CREATE TABLE timers (
      id INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, due_at INTEGER NOT NULL,
      fired_at INTEGER, UNIQUE (kind, subject, due_at));
    CREATE INDEX timers_due ON timers(fired_at, due_at);
    CREATE TABLE checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql",
    // 2: incident reports. Who may see a report is a table of its own, so "assigned to me" is a lookup.
    R"sql(
    INSERT INTO counters VALUES ('incident', 2000);
    CREATE TABLE incidents (
      id TEXT PRIMARY KEY, reporter TEXT NOT NULL, status TEXT NOT NULL, filed_at INTEGER NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX incidents_by_reporter ON incidents(reporter);
    CREATE INDEX incidents_by_status ON incidents(status);
    CREATE TABLE incident_investigators (
      incident TEXT NOT NULL REFERENCES incidents(id), person TEXT NOT NULL, PRIMARY KEY (incident, person));
    CREATE INDEX incident_investigators_by_person ON incident_investigators(person);
    CREATE TABLE incident_drafts (person TEXT PRIMARY KEY, category TEXT NOT NULL, opened_at INTEGER NOT NULL);
    )sql",
};

std::string_view outbox_state_name(OutboxState s) {
  switch (s) {
    case OutboxState::pending: return "pending";
    case OutboxState::in_flight: return "in_flight";
    case OutboxState::sent: return "sent";
    case OutboxState::failed: return "failed";
    case OutboxState::uncertain: return "uncertain";
  }
  return "pending";
}

OutboxState outbox_state_from(const std::string& s) {
  for (auto st : {OutboxState::pending, OutboxState::in_flight, OutboxState::sent, OutboxState::failed,
                  OutboxState::uncertain})
    if (outbox_state_name(st) == s) return st;
  return OutboxState::failed;
}

std::string audit_hash(const std::string& prev, std::int64_t seq, std::int64_t at, const std::string& actor,
                       const std::string& action, const std::string& subject, const std::string& details,
                       const std::string& source) {
  // Fields are length-prefixed so that moving text between fields changes the hash.
  std::string buf = prev;
  for (const std::string& f : {std::to_string(seq), std::to_string(at), actor, action, subject, details, source})
    buf += std::to_string(f.size()) + ":" + f + ";";
  return sha256_hex(buf);
}

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(SQLite::Database& db) : tx_(db) {}
  void commit() override { tx_.commit(); }

 private:
  SQLite::Transaction tx_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");  // WAL + NORMAL: durable across process crashes
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec("PRAGMA busy_timeout=5000");
    migrate();
  }

  int version() { return db_.execAndGet("PRAGMA user_version").getInt(); }

  std::unique_ptr<Transaction> begin() override { return std::make_unique<SqliteTransaction>(db_); }

  bool record_event(std::string_view platform, std::string_view event_id, TimePoint now) override {
    SQLite::Statement q(db_, "INSERT OR IGNORE INTO events VALUES (?, ?, ?)");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(event_id));
    q.bind(3, to_millis(now));
    return q.exec() == 1;
  }

  std::string next_request_id() override {
    db_.exec("UPDATE counters SET value = value + 1 WHERE name = 'request'");
    return "R-" + std::to_string(db_.execAndGet("SELECT value FROM counters WHERE name = 'request'").getInt64());
  }

  void save_request(const Request& r) override {
    SQLite::Statement q(db_, R"sql(
      INSERT INTO requests (id, requester, site, state, plans, audience, students_interact, filed_at,
        due_date, overdue_notified, endorsed_by, routed_at, return_note, info_question, info_answer,
        info_requested_at, decision, decided_at, withdrawn_by, returned_by)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
      ON CONFLICT(id) DO UPDATE SET state=?4, plans=?5, audience=?6, students_interact=?7, due_date=?9,
        overdue_notified=?10, endorsed_by=?11, routed_at=?12, return_note=?13, info_question=?14,
        info_answer=?15, info_requested_at=?16, decision=?17, decided_at=?18, withdrawn_by=?19,
        returned_by=?20)sql");
    q.bind(1, r.id);
    q.bind(2, r.requester);
    q.bind(3, r.site);
    q.bind(4, std::string(to_string(r.state)));
    q.bind(5, plans_to_json(r.plans).dump());
    q.bind(6, json(r.audience).dump());
    q.bind(7, r.students_interact ? 1 : 0);
    q.bind(8, to_millis(r.filed_at));
    q.bind(9, r.due_date);
    q.bind(10, r.overdue_notified ? 1 : 0);
    q.bind(11, r.endorsed_by);
    q.bind(12, to_millis(r.routed_at));
    q.bind(13, r.return_note);
    q.bind(14, r.info_question);
    q.bind(15, r.info_answer);
    q.bind(16, to_millis(r.info_requested_at));
    if (r.decision) {
      q.bind(17, decision_to_json(*r.decision).dump());
      q.bind(18, to_millis(r.decision->at));
    } else {
      q.bind(17);
      q.bind(18);
    }
    q.bind(19, r.withdrawn_by);
    q.bind(20, r.returned_by);
    q.exec();
  }

  std::optional<Request> request(std::string_view id) override {
    auto rows = query_requests("WHERE id = ?", std::string(id));
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Request> requests_of(std::string_view requester) override {
    return query_requests("WHERE requester = ? ORDER BY filed_at", std::string(requester));
  }

  std::vector<Request> open_requests() override {
    return query_requests("WHERE state IN ('pending_site','pending_decision','needs_info') ORDER BY filed_at");
  }

  std::vector<Request> requests_decided_since(TimePoint since) override {
    return query_requests("WHERE decided_at >= ? ORDER BY decided_at", to_millis(since));
  }

  std::optional<Draft> draft(std::string_view person) override {
    SQLite::Statement q(db_, "SELECT body FROM drafts WHERE person = ?");
    q.bind(1, std::string(person));
    if (!q.executeStep()) return std::nullopt;
    return draft_from_json(json::parse(q.getColumn(0).getString()));
  }

  void save_draft(const Draft& d) override {
    SQLite::Statement q(db_, "INSERT INTO drafts VALUES (?, ?) ON CONFLICT(person) DO UPDATE SET body = excluded.body");
    q.bind(1, d.person);
    q.bind(2, draft_to_json(d).dump());
    q.exec();
  }

  void delete_draft(std::string_view person) override {
    SQLite::Statement q(db_, "DELETE FROM drafts WHERE person = ?");
    q.bind(1, std::string(person));
    q.exec();
  }

  void append_audit(AuditEntry e) override {
    SQLite::Statement last(db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    std::int64_t seq = 1;
    std::string prev = std::string(64, '0');
    if (last.executeStep()) {
      seq = last.getColumn(0).getInt64() + 1;
      prev = last.getColumn(1).getString();
    }
    std::int64_t at = to_millis(e.at);
    std::string hash = audit_hash(prev, seq, at, e.actor, e.action, e.subject, e.details, e.source);
    SQLite::Statement q(db_, "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, seq);
    q.bind(2, at);
    q.bind(3, e.actor);
    q.bind(4, e.action);
    q.bind(5, e.subject);
    q.bind(6, e.details);
    q.bind(7, e.source);
    q.bind(8, prev);
    q.bind(9, hash);
    q.exec();
    // The head of the chain is kept apart so that removing the newest rows is noticed too.
    set_checkpoint("audit.head", std::to_string(seq) + ":" + hash);
  }

  std::vector<AuditEntry> audit_of(std::string_view subject) override {
    SQLite::Statement q(db_, "SELECT seq, at, actor, action, subject, details, source, hash FROM audit "
                             "WHERE subject = ? ORDER BY seq");
    q.bind(1, std::string(subject));
    std::vector<AuditEntry> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), from_millis(q.getColumn(1).getInt64()), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                     q.getColumn(6).getString(), q.getColumn(7).getString()});
    return out;
  }

  AuditCheck verify_audit() override {
    AuditCheck check;
    SQLite::Statement q(db_, "SELECT seq, at, actor, action, subject, details, source, prev_hash, hash "
                             "FROM audit ORDER BY seq");
    std::string prev(64, '0');
    std::int64_t expected = 1;
    while (q.executeStep()) {
      std::int64_t seq = q.getColumn(0).getInt64();
      ++check.rows;
      if (seq != expected) {
        return {false, check.rows, expected, "row " + std::to_string(expected) + " is missing"};
      }
      std::string stored_prev = q.getColumn(7).getString();
      std::string stored = q.getColumn(8).getString();
      std::string h = audit_hash(prev, seq, q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                                 q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                                 q.getColumn(6).getString());
      if (stored_prev != prev || stored != h)
        return {false, check.rows, seq, "row " + std::to_string(seq) + " was altered"};
      prev = stored;
      ++expected;
    }
    if (auto head = checkpoint("audit.head")) {
      std::int64_t head_seq = std::stoll(head->substr(0, head->find(':')));
      if (head_seq >= expected)
        return {false, check.rows, expected, "rows from " + std::to_string(expected) + " to " +
                                                 std::to_string(head_seq) + " were removed"};
    }
    return check;
  }

  void enqueue(const Outbound& o, TimePoint now) override {
    SQLite::Statement q(db_, "INSERT INTO outbox (created_at, body, next_attempt, idempotency_key) VALUES (?, ?, ?, ?)");
    q.bind(1, to_millis(now));
    q.bind(2, outbound_to_json(o).dump());
    q.bind(3, to_millis(now));
    // Created before the first try and kept, so a resend after a crash is recognisable.
    q.bind(4, random_id());
    q.exec();
  }

  std::vector<OutboxEntry> due_outbox(TimePoint now, int limit) override {
    SQLite::Statement q(db_, "SELECT " + outbox_columns() +
                                 " FROM outbox WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?");
    q.bind(1, to_millis(now));
    q.bind(2, limit);
    return read_outbox(q);
  }

  std::map<std::string, std::int64_t> conversations_awaiting_retry(TimePoint now) override {
    // A pending row has a platform only after a send was tried; one due later waits for a retry.
    SQLite::Statement q(db_,
                        "SELECT platform, channel, MIN(id) FROM outbox WHERE state = 'pending' AND next_attempt > ? "
                        "AND platform != '' GROUP BY platform, channel");
    q.bind(1, to_millis(now));
    std::map<std::string, std::int64_t> out;
    while (q.executeStep())
      out[q.getColumn(0).getString() + "\n" + q.getColumn(1).getString()] = q.getColumn(2).getInt64();
    return out;
  }

  std::optional<TimePoint> next_outbox_attempt() override {
    SQLite::Statement q(db_, "SELECT MIN(next_attempt) FROM outbox WHERE state = 'pending'");
    if (q.executeStep() && !q.getColumn(0).isNull()) return from_millis(q.getColumn(0).getInt64());
    return std::nullopt;
  }

  void mark_in_flight(std::int64_t id, std::string_view platform, std::string_view channel) override {
    SQLite::Statement q(db_, "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, platform = ?, "
                             "channel = ? WHERE id = ?");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(channel));
    q.bind(3, id);
    q.exec();
  }

  void mark_sent(std::int64_t id, std::string_view ref) override {
    SQLite::Statement q(db_, "UPDATE outbox SET state = 'sent', ref = ?, last_error = '' WHERE id = ?");
    q.bind(1, std::string(ref));
    q.bind(2, id);
    q.exec();
  }

  void mark_retry(std::int64_t id, TimePoint next, std::string_view error) override {
    SQLite::Statement q(db_, "UPDATE outbox SET state = 'pending', next_attempt = ?, last_error = ? WHERE id = ?");
    q.bind(1, to_millis(next));
    q.bind(2, std::string(error));
    q.bind(3, id);
    q.exec();
  }

  void mark_failed(std::int64_t id, std::string_view error) override {
    SQLite::Statement q(db_, "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?");
    q.bind(1, std::string(error));
    q.bind(2, id);
    q.exec();
  }

  int recover_in_flight(std::string_view platform, bool retry_safe) override {
    SQLite::Statement q(db_, retry_safe
                                 ? "UPDATE outbox SET state = 'pending' WHERE state = 'in_flight' AND platform = ?"
                                 : "UPDATE outbox SET state = 'uncertain' WHERE state = 'in_flight' AND platform = ?");
    q.bind(1, std::string(platform));
    return q.exec();
  }

  std::vector<OutboxEntry> outbox_entries() override {
    SQLite::Statement q(db_, "SELECT " + outbox_columns() + " FROM outbox ORDER BY id");
    return read_outbox(q);
  }

  std::optional<std::string> message_ref(std::string_view platform, std::string_view channel,
                                         std::string_view key) override {
    SQLite::Statement q(db_, "SELECT ref FROM message_refs WHERE platform = ? AND channel = ? AND key = ?");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(channel));
    q.bind(3, std::string(key));
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  }

  void put_message_ref(std::string_view platform, std::string_view channel, std::string_view key,
                       std::string_view ref) override {
    SQLite::Statement q(db_, "INSERT INTO message_refs VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(platform, channel, key) DO UPDATE SET ref = excluded.ref");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(channel));
    q.bind(3, std::string(key));
    q.bind(4, std::string(ref));
    q.exec();
  }

  std::optional<std::string> thread_key_of(std::string_view platform, std::string_view channel,
                                           std::string_view ref) override {
    // Thread keys are the domain ids themselves ("R-1001"); record keys contain a '/'.
    SQLite::Statement q(db_, "SELECT key FROM message_refs WHERE platform = ? AND channel = ? AND ref = ? "
                             "AND instr(key, '/') = 0 LIMIT 1");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(channel));
    q.bind(3, std::string(ref));
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  }

  std::optional<PostedMessage> posted_message(std::string_view key) override {
    SQLite::Statement q(db_, "SELECT platform, channel, ref FROM message_refs WHERE key = ? LIMIT 1");
    q.bind(1, std::string(key));
    if (q.executeStep())
      return PostedMessage{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
    return std::nullopt;
  }

  void schedule(const TimerRequest& t) override {
    SQLite::Statement q(db_, "INSERT OR IGNORE INTO timers (kind, subject, due_at) VALUES (?, ?, ?)");
    q.bind(1, t.kind);
    q.bind(2, t.subject);
    q.bind(3, to_millis(t.due));
    q.exec();
  }

  std::vector<Timer> due_timers(TimePoint now) override {
    SQLite::Statement q(db_, "SELECT id, kind, subject, due_at FROM timers WHERE fired_at IS NULL AND due_at <= ? "
                             "ORDER BY due_at, id");
    q.bind(1, to_millis(now));
    std::vector<Timer> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     from_millis(q.getColumn(3).getInt64())});
    return out;
  }

  std::optional<TimePoint> next_timer() override {
    SQLite::Statement q(db_, "SELECT MIN(due_at) FROM timers WHERE fired_at IS NULL");
    if (q.executeStep() && !q.getColumn(0).isNull()) return from_millis(q.getColumn(0).getInt64());
    return std::nullopt;
  }

  void mark_timer_fired(std::int64_t id, TimePoint at) override {
    SQLite::Statement q(db_, "UPDATE timers SET fired_at = ? WHERE id = ?");
    q.bind(1, to_millis(at));
    q.bind(2, id);
    q.exec();
  }

  void cancel_timers(std::string_view kind, std::string_view subject) override {
    SQLite::Statement q(db_, "DELETE FROM timers WHERE kind = ? AND subject = ? AND fired_at IS NULL");
    q.bind(1, std::string(kind));
    q.bind(2, std::string(subject));
    q.exec();
  }

  std::string next_incident_id() override {
    db_.exec("UPDATE counters SET value = value + 1 WHERE name = 'incident'");
    return "I-" + std::to_string(db_.execAndGet("SELECT value FROM counters WHERE name = 'incident'").getInt64());
  }

  void save_incident(const Incident& i) override {
    SQLite::Statement q(db_, "INSERT INTO incidents VALUES (?1, ?2, ?3, ?4, ?5) "
                             "ON CONFLICT(id) DO UPDATE SET status = ?3, body = ?5");
    q.bind(1, i.id);
    q.bind(2, i.reporter);
    q.bind(3, std::string(to_string(i.status)));
    q.bind(4, to_millis(i.filed_at));
    q.bind(5, incident_to_json(i).dump());
    q.exec();
    SQLite::Statement clear(db_, "DELETE FROM incident_investigators WHERE incident = ?");
    clear.bind(1, i.id);
    clear.exec();
    for (const auto& person : i.investigators) {
      SQLite::Statement add(db_, "INSERT OR IGNORE INTO incident_investigators VALUES (?, ?)");
      add.bind(1, i.id);
      add.bind(2, person);
      add.exec();
    }
  }

  std::optional<Incident> incident(std::string_view id) override {
    auto rows = query_incidents("WHERE id = ?", std::string(id));
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Incident> incidents_reported_by(std::string_view reporter) override {
    return query_incidents("WHERE reporter = ? ORDER BY filed_at, id", std::string(reporter));
  }

  std::vector<Incident> incidents_assigned_to(std::string_view investigator) override {
    return query_incidents("WHERE id IN (SELECT incident FROM incident_investigators WHERE person = ?) "
                           "ORDER BY filed_at, id",
                           std::string(investigator));
  }

  std::vector<Incident> open_incidents() override {
    return query_incidents("WHERE status <> 'closed' ORDER BY filed_at, id");
  }

  std::optional<IncidentDraft> incident_draft(std::string_view person) override {
    SQLite::Statement q(db_, "SELECT person, category, opened_at FROM incident_drafts WHERE person = ?");
    q.bind(1, std::string(person));
    if (!q.executeStep()) return std::nullopt;
    return IncidentDraft{q.getColumn(0).getString(), q.getColumn(1).getString(), from_millis(q.getColumn(2).getInt64())};
  }

  void save_incident_draft(const IncidentDraft& d) override {
    SQLite::Statement q(db_, "INSERT INTO incident_drafts VALUES (?, ?, ?) ON CONFLICT(person) DO UPDATE SET "
                             "category = excluded.category, opened_at = excluded.opened_at");
    q.bind(1, d.person);
    q.bind(2, d.category);
    q.bind(3, to_millis(d.opened_at));
    q.exec();
  }

  void delete_incident_draft(std::string_view person) override {
    SQLite::Statement q(db_, "DELETE FROM incident_drafts WHERE person = ?");
    q.bind(1, std::string(person));
    q.exec();
  }

  std::optional<std::string> checkpoint(std::string_view name) override {
    SQLite::Statement q(db_, "SELECT value FROM checkpoints WHERE name = ?");
    q.bind(1, std::string(name));
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  }

  void set_checkpoint(std::string_view name, std::string_view value) override {
    SQLite::Statement q(db_, "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    q.bind(1, std::string(name));
    q.bind(2, std::string(value));
    q.exec();
  }

 private:
  void migrate() {
    int current = version();
    if (current > static_cast<int>(kMigrations.size()))
      throw std::runtime_error("the database was written by a newer Hallpass (schema " + std::to_string(current) +
                               "); upgrade Hallpass before opening it");
    for (int v = current; v < static_cast<int>(kMigrations.size()); ++v) {
      SQLite::Transaction tx(db_);
      db_.exec(kMigrations[v]);
      db_.exec("PRAGMA user_version = " + std::to_string(v + 1));
      tx.commit();
    }
  }

  template <typename... Args>
  std::vector<Request> query_requests(const std::string& where, Args... args) {
    SQLite::Statement q(db_, "SELECT id, requester, site, state, plans, audience, students_interact, filed_at, "
                             "due_date, overdue_notified, endorsed_by, routed_at, return_note, info_question, "
                             "info_answer, info_requested_at, decision, withdrawn_by, returned_by FROM requests " + where);
    int i = 1;
    (q.bind(i++, args), ...);
    std::vector<Request> out;
    while (q.executeStep()) {
      Request r;
      r.id = q.getColumn(0).getString();
      r.requester = q.getColumn(1).getString();
      r.site = q.getColumn(2).getString();
      r.state = request_state_from(q.getColumn(3).getString()).value_or(RequestState::pending_site);
      r.plans = plans_from_json(json::parse(q.getColumn(4).getString()));
      r.audience = json::parse(q.getColumn(5).getString()).get<std::vector<std::string>>();
      r.students_interact = q.getColumn(6).getInt() != 0;
      r.filed_at = from_millis(q.getColumn(7).getInt64());
      r.due_date = q.getColumn(8).getString();
      r.overdue_notified = q.getColumn(9).getInt() != 0;
      r.endorsed_by = q.getColumn(10).getString();
      r.routed_at = from_millis(q.getColumn(11).getInt64());
      r.return_note = q.getColumn(12).getString();
      r.info_question = q.getColumn(13).getString();
      r.info_answer = q.getColumn(14).getString();
      r.info_requested_at = from_millis(q.getColumn(15).getInt64());
      if (!q.getColumn(16).isNull()) r.decision = decision_from_json(json::parse(q.getColumn(16).getString()));
      r.withdrawn_by = q.getColumn(17).getString();
      r.returned_by = q.getColumn(18).getString();
      out.push_back(std::move(r));
    }
    return out;
  }

  template <typename... Args>
  std::vector<Incident> query_incidents(const std::string& where, Args... args) {
    SQLite::Statement q(db_, "SELECT id, reporter, status, body FROM incidents " + where);
    int i = 1;
    (q.bind(i++, args), ...);
    std::vector<Incident> out;
    while (q.executeStep()) {
      Incident inc;
      inc.id = q.getColumn(0).getString();
      inc.reporter = q.getColumn(1).getString();
      inc.status = incident_status_from(q.getColumn(2).getString()).value_or(IncidentStatus::open);
      incident_from_json(json::parse(q.getColumn(3).getString()), inc);
      out.push_back(std::move(inc));
    }
    for (auto& inc : out) {
      SQLite::Statement who(db_, "SELECT person FROM incident_investigators WHERE incident = ? ORDER BY rowid");
      who.bind(1, inc.id);
      while (who.executeStep()) inc.investigators.push_back(who.getColumn(0).getString());
    }
    return out;
  }

  static std::string outbox_columns() {
    return "id, body, state, attempts, next_attempt, idempotency_key, platform, channel, ref, last_error";
  }

  static std::vector<OutboxEntry> read_outbox(SQLite::Statement& q) {
    std::vector<OutboxEntry> out;
    while (q.executeStep()) {
      OutboxEntry e;
      e.id = q.getColumn(0).getInt64();
      e.outbound = outbound_from_json(json::parse(q.getColumn(1).getString()));
      e.state = outbox_state_from(q.getColumn(2).getString());
      e.attempts = q.getColumn(3).getInt();
      e.next_attempt = from_millis(q.getColumn(4).getInt64());
      e.idempotency_key = q.getColumn(5).getString();
      e.platform = q.getColumn(6).getString();
      e.channel = q.getColumn(7).getString();
      e.ref = q.getColumn(8).getString();
      e.last_error = q.getColumn(9).getString();
      out.push_back(std::move(e));
    }
    return out;
  }

  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

int schema_version(Store& store) { return static_cast<SqliteStore&>(store).version(); }

}  // namespace bot
