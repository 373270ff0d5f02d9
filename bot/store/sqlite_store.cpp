// The SQLite implementation of the store: the only file that includes SQLiteCpp.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "bot/model/incident.hpp"
#include "bot/model/sha256.hpp"
#include "bot/store/audit_anchor.hpp"
#include "bot/store/records_store.hpp"
#include "bot/store/store.hpp"
#include "bot/store/store_json.hpp"

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
    // 3: messages an adapter keeps for itself (the web chat is its own platform), newest per place.
    R"sql(
    CREATE TABLE kept_messages (
      id INTEGER PRIMARY KEY, platform TEXT NOT NULL, place TEXT NOT NULL, ref TEXT NOT NULL,
      body TEXT NOT NULL, UNIQUE (platform, ref));
    CREATE INDEX kept_messages_by_place ON kept_messages(platform, place, id);
    )sql",
    // 4: the workflows' own values (digest and deadline bookkeeping) move out of the adapters'
    // checkpoints into a table of their own, so neither side can read or overwrite the other's keys.
    // The rows move with their names and values: an upgraded database reads them as before.
    R"sql(
    CREATE TABLE workflow_values (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO workflow_values SELECT name, value FROM checkpoints
      WHERE name = 'digest.last_night' OR name GLOB 'escalated.*' OR name GLOB 'warned.*';
    DELETE FROM checkpoints
      WHERE name = 'digest.last_night' OR name GLOB 'escalated.*' OR name GLOB 'warned.*';
    )sql",
    // 5 (issue 21): classroom checklists and the policy's acknowledgements. No student data: only
    // what the teacher and principal confirmed, and when.
    R"sql(
    CREATE TABLE IF NOT EXISTS classroom_checklists (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS policy_acknowledgements (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    )sql",
    // 6 (issue 22): legal holds (a request or report whose rows pruning never touches), and the
    // indexes pruning walks by time.
    R"sql(
    CREATE TABLE IF NOT EXISTS legal_holds (subject TEXT PRIMARY KEY, note TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS events_by_time ON events(seen_at);
    CREATE INDEX IF NOT EXISTS outbox_by_state_time ON outbox(state, created_at);
    )sql",
    // 7 (issue 20): official accounts and the terms of authorizations ("IF NOT EXISTS": a
    // database set back to an older schema version runs it again). An account's row has
    // no column that could hold a username or password: the registry records only that the site
    // holds them, who confirmed it and when (in body).
    R"sql(
    INSERT OR IGNORE INTO counters VALUES ('account', 1000);
    CREATE TABLE IF NOT EXISTS official_accounts (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, owner TEXT NOT NULL, platform TEXT NOT NULL,
      handle TEXT NOT NULL, address TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS official_accounts_by_site ON official_accounts(site, state);
    CREATE INDEX IF NOT EXISTS official_accounts_by_request ON official_accounts(request_id);
    CREATE TABLE IF NOT EXISTS authorization_terms (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
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
  for (auto st :
       {OutboxState::pending, OutboxState::in_flight, OutboxState::sent, OutboxState::failed, OutboxState::uncertain})
    if (outbox_state_name(st) == s) return st;
  return OutboxState::failed;
}

// The text a row's hash covers. Fields are length-prefixed so that moving text between fields
// changes the hash.
std::string audit_material(const std::string& prev, std::int64_t seq, std::int64_t at, const std::string& actor,
                           const std::string& action, const std::string& subject, const std::string& details,
                           const std::string& source) {
  std::string buf = prev;
  for (const std::string& f : {std::to_string(seq), std::to_string(at), actor, action, subject, details, source})
    buf += std::to_string(f.size()) + ":" + f + ";";
  return buf;
}

// A keyed row's hash is marked, so that a log started before the key was set verifies row by row;
// a marked hash can only be recomputed with the key.
constexpr std::string_view kKeyedPrefix = "hmac-";
const std::string kGenesisHash(64, '0');

std::string chain_hash(const std::string& key, const std::string& material) {
  return key.empty() ? sha256_hex(material) : std::string(kKeyedPrefix) + hmac_sha256_hex(key, material);
}

bool is_keyed(std::string_view hash) { return hash.starts_with(kKeyedPrefix); }

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A hash as Hallpass writes it: 64 hex digits, keyed or not.
bool well_formed_hash(std::string_view h) {
  if (is_keyed(h)) h.remove_prefix(kKeyedPrefix.size());
  return h.size() == 64 && is_hex(h);
}

// An anchor matches a row's hash in full, or as a prefix long enough not to be guessed.
bool anchor_matches(std::string_view anchor, std::string_view stored) {
  if (anchor == stored) return true;
  std::string_view digits = anchor;
  if (is_keyed(digits)) digits.remove_prefix(kKeyedPrefix.size());
  return digits.size() >= kMinAnchorDigits && is_hex(digits) && stored.starts_with(anchor);
}

// The head's own signature in a keyed log: without the key, the head cannot be moved back to an
// earlier row after the newest rows were deleted.
std::string head_mac(const std::string& key, std::int64_t seq, const std::string& hash) {
  return hmac_sha256_hex(key, "audit.head\n" + std::to_string(seq) + "\n" + hash);
}

struct HeadRecord {
  std::int64_t seq = 0;
  std::string hash;
  std::string mac;  // keyed logs only
};

// "seq:hash" or "seq:hash:mac"; nullopt for anything else.
std::optional<HeadRecord> parse_head(std::string_view text) {
  HeadRecord h;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + colon, h.seq);
  if (ec != std::errc() || end != text.data() + colon || h.seq < 1) return std::nullopt;
  text.remove_prefix(colon + 1);
  const auto second = text.find(':');
  h.hash = std::string(text.substr(0, second));
  if (second != std::string_view::npos) h.mac = std::string(text.substr(second + 1));
  if (!well_formed_hash(h.hash) || (second != std::string_view::npos && (h.mac.size() != 64 || !is_hex(h.mac))))
    return std::nullopt;
  return h;
}

std::string stored_as(const SQLite::Column& c) {
  switch (c.getType()) {
    case SQLITE_INTEGER: return "a whole number";
    case SQLITE_FLOAT: return "a decimal number";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "binary data";
    default: return "NULL";
  }
}

// A value from the database shown in a message: printable, and short.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return text.size() > 40 ? out + "…" : out;
}

std::string row_name(std::int64_t seq) { return "row #" + std::to_string(seq); }

std::string rows_name(std::int64_t from, std::int64_t to) {
  return from == to ? row_name(from) : "rows #" + std::to_string(from) + " to #" + std::to_string(to);
}

// Restricts the database and its -wal and -shm to their owner: they hold incident reports.
void restrict_modes(const std::string& path) {
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) continue;
    const unsigned before = st.st_mode & 07777, after = st.st_mode & 0700;
    if (::chmod(file.c_str(), after) == 0)
      spdlog::warn(
          "{} could be read by other users (mode {:04o}); it is now {:04o}, owner only: it holds incident "
          "reports",
          file, before, after);
    else
      spdlog::warn("{} can be read by other users (mode {:04o}) and could not be changed ({}): run chmod 600 on it",
                   file, before, std::strerror(errno));
  }
}

// Appends committed audit heads to the anchor file. A head is noted when a row is appended and
// written only once its transaction commits, so the file never names a row that was rolled back.
class AnchorWriter {
 public:
  explicit AnchorWriter(std::string file) : file_(std::move(file)) {}

  // At start: a file the bot cannot append to is a configuration error, not a nightly surprise.
  void check_writable() const {
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      throw StoreOpenError("cannot append to the audit anchor file " + file_ + " (" + std::strerror(errno) +
                           "): check HALLPASS_AUDIT_ANCHOR and the folder's permissions");
    ::close(fd);
  }
  void noted(AuditHead head) { pending_ = std::move(head); }
  void committed() {
    if (!pending_) return;
    // A failed append is logged, not thrown: the state change is committed and must not be undone.
    if (auto error = append_anchor(file_, *pending_, std::chrono::system_clock::now()); !error.empty())
      spdlog::error("cannot append the audit head #{} to {}: {}", pending_->seq, file_, error);
    pending_.reset();
  }
  void rolled_back() { pending_.reset(); }

 private:
  std::string file_;
  std::optional<AuditHead> pending_;
};

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(SQLite::Database& db, AnchorWriter* anchor) : tx_(db), anchor_(anchor) {}
  ~SqliteTransaction() override {
    if (!committed_ && anchor_) anchor_->rolled_back();
  }
  void commit() override {
    tx_.commit();
    committed_ = true;
    if (anchor_) anchor_->committed();
  }

 private:
  SQLite::Transaction tx_;
  AnchorWriter* anchor_;
  bool committed_ = false;
};

class SqliteStore final : public Store {
 public:
  using AuditLog::verify_audit;

  SqliteStore(SQLite::Database db, const StoreOptions& options) : db_(std::move(db)), key_(options.audit_key) {
    if (!options.anchor_file.empty()) anchor_.emplace(options.anchor_file);
  }

  // Everything after the file is open: its schema, pragmas and audit key. Throws StoreOpenError
  // (or SQLite::Exception, which open_sqlite_store explains).
  void set_up(const std::string& path, OpenMode mode) {
    db_.exec("PRAGMA busy_timeout=5000");
    const int current = version();  // the first read: a file that is not SQLite fails here
    if (current > static_cast<int>(kMigrations.size()))
      throw StoreOpenError(path + " was written by a newer Hallpass (schema " + std::to_string(current) +
                           "); upgrade Hallpass before opening it");
    if (current == 0) {
      // Hallpass numbers its schema from 1: tables without a number belong to some other program.
      if (db_.execAndGet("SELECT count(*) FROM sqlite_master").getInt() > 0)
        throw StoreOpenError(path +
                             " is an SQLite database, but not a Hallpass one (its tables are not "
                             "Hallpass's): check the file given with --db");
      if (mode == OpenMode::read_only)
        throw StoreOpenError(path + " is an empty database, not Hallpass's: check the file given with --db");
    }
    if (mode == OpenMode::read_only) {
      db_.exec("PRAGMA query_only=ON");
      return;
    }
    // Only once the file is known to be Hallpass's: a file refused above keeps its mode too.
    if (path != ":memory:" && !path.empty()) restrict_modes(path);
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");  // WAL + NORMAL: durable across process crashes
    db_.exec("PRAGMA foreign_keys=ON");
    migrate();
    check_audit_key(path);
    if (anchor_) anchor_->check_writable();
  }

  int version() { return db_.execAndGet("PRAGMA user_version").getInt(); }

  std::unique_ptr<Transaction> begin() override {
    return std::make_unique<SqliteTransaction>(db_, anchor_ ? &*anchor_ : nullptr);
  }

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
    auto body = body_in("drafts", "person", person);
    if (!body) return std::nullopt;
    return draft_from_json(json::parse(*body));
  }

  void save_draft(const Draft& d) override { set_body_in("drafts", "person", d.person, draft_to_json(d).dump()); }

  void delete_draft(std::string_view person) override {
    SQLite::Statement q(db_, "DELETE FROM drafts WHERE person = ?");
    q.bind(1, std::string(person));
    q.exec();
  }

  void append_audit(AuditEntry e) override {
    SQLite::Statement last(db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    std::int64_t seq = 1;
    std::string prev = kGenesisHash;
    if (last.executeStep()) {
      seq = last.getColumn(0).getInt64() + 1;
      prev = last.getColumn(1).getString();
    }
    // Opening refuses this; kept so that no code path can write a row no key verifies.
    if (key_.empty() && is_keyed(prev))
      throw std::runtime_error("the audit log is keyed and HALLPASS_AUDIT_KEY is not set");
    std::int64_t at = to_millis(e.at);
    std::string hash =
        chain_hash(key_, audit_material(prev, seq, at, e.actor, e.action, e.subject, e.details, e.source));
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
    // The head of the chain is kept apart so that removing the newest rows is noticed too; in a
    // keyed log it is signed, so that it cannot be moved back to an earlier row without the key.
    std::string head = std::to_string(seq) + ":" + hash;
    if (!key_.empty()) head += ":" + head_mac(key_, seq, hash);
    set_checkpoint("audit.head", head);
    if (anchor_) {
      anchor_->noted({seq, hash});
      if (sqlite3_get_autocommit(db_.getHandle())) anchor_->committed();  // no transaction: already committed
    }
  }

  AuditHead audit_head() override {
    SQLite::Statement q(db_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!q.executeStep()) return {};
    return {q.getColumn(0).getInt64(), q.getColumn(1).getString()};
  }

  std::vector<AuditEntry> audit_of(std::string_view subject) override {
    SQLite::Statement q(db_,
                        "SELECT seq, at, actor, action, subject, details, source, hash FROM audit "
                        "WHERE subject = ? ORDER BY seq");
    q.bind(1, std::string(subject));
    std::vector<AuditEntry> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), from_millis(q.getColumn(1).getInt64()), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                     q.getColumn(6).getString(), q.getColumn(7).getString()});
    return out;
  }

  AuditCheck verify_audit(const std::vector<AuditAnchor>& anchors) override {
    try {
      // One snapshot of the rows and the head: the running bot may commit while this reads.
      std::optional<SQLite::Transaction> snapshot;
      if (sqlite3_get_autocommit(db_.getHandle())) snapshot.emplace(db_);
      return check_audit(anchors);
    } catch (const std::exception& e) {
      AuditCheck failed;
      failed.ok = false;
      failed.first_bad_seq = 1;
      failed.problem = std::string("the audit log cannot be read (") + e.what() + ")";
      return failed;
    }
  }

  void enqueue(const Outbound& o, TimePoint now) override {
    SQLite::Statement q(db_,
                        "INSERT INTO outbox (created_at, body, next_attempt, idempotency_key) VALUES (?, ?, ?, ?)");
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

  std::vector<OutboxEntry> due_outbox_after(TimePoint now, std::int64_t after_id, int limit) override {
    SQLite::Statement q(db_, "SELECT " + outbox_columns() +
                                 " FROM outbox WHERE state = 'pending' AND next_attempt <= ? AND id > ? "
                                 "ORDER BY id LIMIT ?");
    q.bind(1, to_millis(now));
    q.bind(2, after_id);
    q.bind(3, limit);
    return read_outbox(q);
  }

  std::int64_t last_outbox_id() override {
    SQLite::Statement q(db_, "SELECT COALESCE(MAX(id), 0) FROM outbox");
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
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
    SQLite::Statement q(db_,
                        "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, platform = ?, "
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

  void mark_deferred(std::int64_t id, std::string_view platform, std::string_view channel, TimePoint next,
                     std::string_view error) override {
    SQLite::Statement q(db_,
                        "UPDATE outbox SET state = 'pending', platform = ?, channel = ?, next_attempt = ?, "
                        "last_error = ? WHERE id = ?");
    q.bind(1, std::string(platform));
    q.bind(2, std::string(channel));
    q.bind(3, to_millis(next));
    q.bind(4, std::string(error));
    q.bind(5, id);
    q.exec();
  }

  std::optional<TimePoint> next_outbox_retry(TimePoint now) override {
    SQLite::Statement q(db_, "SELECT MIN(next_attempt) FROM outbox WHERE state = 'pending' AND next_attempt > ?");
    q.bind(1, to_millis(now));
    if (q.executeStep() && !q.getColumn(0).isNull()) return from_millis(q.getColumn(0).getInt64());
    return std::nullopt;
  }

  void mark_uncertain(std::int64_t id, std::string_view error) override {
    SQLite::Statement q(db_, "UPDATE outbox SET state = 'uncertain', last_error = ? WHERE id = ?");
    q.bind(1, std::string(error));
    q.bind(2, id);
    q.exec();
  }

  StoreStatistics statistics(TimePoint now) override {
    StoreStatistics st;
    // Each is one pass over an indexed column; a district's database answers in milliseconds.
    SQLite::Statement outbox(db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
    while (outbox.executeStep()) st.outbox_by_state[outbox.getColumn(0).getString()] = outbox.getColumn(1).getInt64();
    SQLite::Statement oldest(db_, "SELECT MIN(created_at) FROM outbox WHERE state IN ('pending', 'in_flight')");
    if (oldest.executeStep() && !oldest.getColumn(0).isNull())
      st.oldest_waiting = from_millis(oldest.getColumn(0).getInt64());
    SQLite::Statement events(db_, "SELECT platform, COUNT(*) FROM events GROUP BY platform");
    while (events.executeStep())
      st.events_by_platform[events.getColumn(0).getString()] = events.getColumn(1).getInt64();
    SQLite::Statement audit(db_, "SELECT COALESCE(MAX(seq), 0) FROM audit");
    if (audit.executeStep()) st.audit_rows = audit.getColumn(0).getInt64();
    SQLite::Statement due(db_, "SELECT COUNT(*) FROM timers WHERE fired_at IS NULL AND due_at <= ?");
    due.bind(1, to_millis(now));
    if (due.executeStep()) st.timers_due = due.getColumn(0).getInt64();
    SQLite::Statement fired(db_, "SELECT COUNT(*) FROM timers WHERE fired_at IS NOT NULL");
    if (fired.executeStep()) st.timers_fired = fired.getColumn(0).getInt64();
    return st;
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
    SQLite::Statement q(db_,
                        "INSERT INTO message_refs VALUES (?, ?, ?, ?) "
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
    SQLite::Statement q(db_,
                        "SELECT key FROM message_refs WHERE platform = ? AND channel = ? AND ref = ? "
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
    SQLite::Statement q(db_,
                        "SELECT id, kind, subject, due_at FROM timers WHERE fired_at IS NULL AND due_at <= ? "
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
    SQLite::Statement q(db_,
                        "INSERT INTO incidents VALUES (?1, ?2, ?3, ?4, ?5) "
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
    return query_incidents(
        "WHERE id IN (SELECT incident FROM incident_investigators WHERE person = ?) "
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
    return IncidentDraft{q.getColumn(0).getString(), q.getColumn(1).getString(),
                         from_millis(q.getColumn(2).getInt64())};
  }

  void save_incident_draft(const IncidentDraft& d) override {
    SQLite::Statement q(db_,
                        "INSERT INTO incident_drafts VALUES (?, ?, ?) ON CONFLICT(person) DO UPDATE SET "
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

  std::vector<KeptMessage> kept_messages(std::string_view platform) override {
    SQLite::Statement q(db_, "SELECT place, ref, body FROM kept_messages WHERE platform = ? ORDER BY id");
    q.bind(1, std::string(platform));
    std::vector<KeptMessage> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    return out;
  }

  void keep_message(std::string_view platform, const KeptMessage& m, std::size_t keep) override {
    // A new ref is appended; a known one is replaced where it stands (same id, same place in order).
    SQLite::Statement put(db_,
                          "INSERT INTO kept_messages (platform, place, ref, body) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT(platform, ref) DO UPDATE SET body = excluded.body");
    put.bind(1, std::string(platform));
    put.bind(2, m.place);
    put.bind(3, m.ref);
    put.bind(4, m.body);
    put.exec();
    SQLite::Statement trim(db_,
                           "DELETE FROM kept_messages WHERE platform = ?1 AND place = ?2 AND id <= "
                           "(SELECT id FROM kept_messages WHERE platform = ?1 AND place = ?2 "
                           "ORDER BY id DESC LIMIT 1 OFFSET ?3)");
    trim.bind(1, std::string(platform));
    trim.bind(2, m.place);
    trim.bind(3, static_cast<std::int64_t>(keep));
    trim.exec();
  }

  std::optional<std::string> adapter_state(std::string_view key) override { return value_in("checkpoints", key); }

  void set_adapter_state(std::string_view key, std::string_view value) override {
    set_value_in("checkpoints", key, value);
  }

  std::optional<std::string> workflow_value(std::string_view name) override {
    return value_in(workflow_values_table(), name);
  }

  void set_workflow_value(std::string_view name, std::string_view value) override {
    set_value_in("workflow_values", name, value);
  }

  // --- classroom (issue 21) ---
  std::optional<ClassroomChecklist> classroom_checklist(std::string_view request_id) override {
    if (auto body = body_in("classroom_checklists", "request_id", request_id)) return checklist_from_json(*body);
    return std::nullopt;
  }

  void save_classroom_checklist(const ClassroomChecklist& c) override {
    set_body_in("classroom_checklists", "request_id", c.request_id, checklist_to_json(c));
  }

  std::vector<ClassroomChecklist> classroom_checklists() override {
    std::vector<ClassroomChecklist> out;
    if (!has_table("classroom_checklists")) return out;  // a read-only command on an older database
    SQLite::Statement q(db_, "SELECT body FROM classroom_checklists ORDER BY length(request_id), request_id");
    while (q.executeStep()) out.push_back(checklist_from_json(q.getColumn(0).getString()));
    return out;
  }

  std::optional<PolicyAcknowledgement> policy_acknowledgement(std::string_view person) override {
    if (auto body = body_in("policy_acknowledgements", "person", person)) return acknowledgement_from_json(*body);
    return std::nullopt;
  }

  void save_policy_acknowledgement(const PolicyAcknowledgement& a) override {
    set_body_in("policy_acknowledgements", "person", a.person, acknowledgement_to_json(a));
  }

  std::vector<PolicyAcknowledgement> policy_acknowledgements() override {
    std::vector<PolicyAcknowledgement> out;
    if (!has_table("policy_acknowledgements")) return out;
    SQLite::Statement q(db_, "SELECT body FROM policy_acknowledgements ORDER BY person");
    while (q.executeStep()) out.push_back(acknowledgement_from_json(q.getColumn(0).getString()));
    return out;
  }

  static json optional_time(const std::optional<TimePoint>& t) { return t ? json(to_millis(*t)) : json(nullptr); }
  static std::optional<TimePoint> time_from(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return from_millis(it->get<std::int64_t>());
  }
  static std::string checklist_to_json(const ClassroomChecklist& c) {
    return json{{"request_id", c.request_id},
                {"teacher", c.teacher},
                {"site", c.site},
                {"consent_needed", c.consent_needed},
                {"comments", c.comments},
                {"parents_notified", optional_time(c.parents_notified)},
                {"admin_access", optional_time(c.admin_access)},
                {"admin_access_by", c.admin_access_by},
                {"login_given", optional_time(c.login_given)},
                {"login_by", c.login_by},
                {"consent_confirmed", optional_time(c.consent_confirmed)},
                {"moderation_on", c.moderation_on},
                {"moderation_last", c.moderation_last}}
        .dump();
  }
  static ClassroomChecklist checklist_from_json(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    ClassroomChecklist c;
    if (!j.is_object()) return c;
    c.request_id = j.value("request_id", "");
    c.teacher = j.value("teacher", "");
    c.site = j.value("site", "");
    c.consent_needed = j.value("consent_needed", false);
    c.comments = j.value("comments", false);
    c.parents_notified = time_from(j, "parents_notified");
    c.admin_access = time_from(j, "admin_access");
    c.admin_access_by = j.value("admin_access_by", "");
    c.login_given = time_from(j, "login_given");
    c.login_by = j.value("login_by", "");
    c.consent_confirmed = time_from(j, "consent_confirmed");
    c.moderation_on = j.value("moderation_on", false);
    c.moderation_last = j.value("moderation_last", "");
    return c;
  }
  static std::string acknowledgement_to_json(const PolicyAcknowledgement& a) {
    return json{{"person", a.person},
                {"policy", a.policy},
                {"sent_at", to_millis(a.sent_at)},
                {"sent_by", a.sent_by},
                {"acknowledged_at", optional_time(a.acknowledged_at)}}
        .dump();
  }
  static PolicyAcknowledgement acknowledgement_from_json(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    PolicyAcknowledgement a;
    if (!j.is_object()) return a;
    a.person = j.value("person", "");
    a.policy = j.value("policy", "");
    a.sent_at = time_from(j, "sent_at").value_or(TimePoint{});
    a.sent_by = j.value("sent_by", "");
    a.acknowledged_at = time_from(j, "acknowledged_at");
    return a;
  }

  // --- records (issue 22) ---
  std::vector<AuditEntry> audit_rows(std::int64_t from_seq, std::int64_t to_seq) override {
    SQLite::Statement q(db_,
                        "SELECT seq, at, actor, action, subject, details, source, hash FROM audit "
                        "WHERE seq BETWEEN ? AND ? ORDER BY seq");
    q.bind(1, from_seq);
    q.bind(2, to_seq);
    std::vector<AuditEntry> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), from_millis(q.getColumn(1).getInt64()), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                     q.getColumn(6).getString(), q.getColumn(7).getString()});
    return out;
  }

  std::vector<AuditLink> audit_links(std::int64_t from_seq) override {
    SQLite::Statement q(db_, "SELECT seq, prev_hash, hash FROM audit WHERE seq >= ? ORDER BY seq");
    q.bind(1, from_seq);
    std::vector<AuditLink> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    return out;
  }

  void set_legal_hold(std::string_view subject, bool held, std::string_view note) override {
    if (held) {
      SQLite::Statement q(
          db_, "INSERT INTO legal_holds VALUES (?, ?, ?) ON CONFLICT(subject) DO UPDATE SET note = excluded.note");
      q.bind(1, std::string(subject));
      q.bind(2, std::string(note));
      q.bind(3, to_millis(std::chrono::system_clock::now()));
      q.exec();
    } else {
      SQLite::Statement q(db_, "DELETE FROM legal_holds WHERE subject = ?");
      q.bind(1, std::string(subject));
      q.exec();
    }
  }

  std::vector<std::string> legal_holds() override {
    SQLite::Statement q(db_, "SELECT subject FROM legal_holds ORDER BY subject");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  PruneReport prune_operational(TimePoint before) override {
    PruneReport r;
    const std::int64_t t = to_millis(before);
    // A subject is the part of a key before '/': "R-1001/card" belongs to R-1001.
    static constexpr const char* kHeld = "(SELECT subject FROM legal_holds)";
    const std::string finished_request =
        "SELECT id FROM requests WHERE state NOT IN ('pending_site','pending_decision','needs_info') "
        "AND COALESCE(decided_at, filed_at) < ?1 AND id NOT IN " +
        std::string(kHeld);
    const std::string finished_incident =
        "SELECT id FROM incidents WHERE status = 'closed' AND json_extract(body, '$.closed_at') < ?1 "
        "AND id NOT IN " +
        std::string(kHeld);
    auto run = [&](const std::string& sql) {
      SQLite::Statement q(db_, sql);
      q.bind(1, t);
      return static_cast<std::int64_t>(q.exec());
    };
    auto count = [&](const std::string& sql) {
      SQLite::Statement q(db_, sql);
      q.bind(1, t);
      return q.executeStep() ? q.getColumn(0).getInt64() : 0;
    };
    // Platforms retry an event within minutes or hours; an id older than the horizon never comes back.
    r.events = run("DELETE FROM events WHERE seen_at < ?1");
    const std::string outbox_subject =
        "CASE WHEN instr(json_extract(body, '$.thread_key'), '/') > 0 THEN substr(json_extract(body, "
        "'$.thread_key'), 1, instr(json_extract(body, '$.thread_key'), '/') - 1) ELSE "
        "COALESCE(json_extract(body, '$.thread_key'), '') END";
    r.kept_for_hold += count("SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND created_at < ?1 AND " +
                             outbox_subject + " IN " + kHeld);
    // Sent messages only: failed and uncertain ones stay for `hallpass outbox` until looked at.
    r.outbox =
        run("DELETE FROM outbox WHERE state = 'sent' AND created_at < ?1 AND " + outbox_subject + " NOT IN " + kHeld);
    // A thread is needed while its subject can still be answered in it: only finished subjects lose it.
    const std::string ref_subject =
        "CASE WHEN instr(key, '/') > 0 THEN substr(key, 1, instr(key, '/') - 1) ELSE key END";
    r.kept_for_hold += count("SELECT COUNT(*) FROM message_refs WHERE ?1 = ?1 AND " + ref_subject + " IN " + kHeld);
    r.message_refs = run("DELETE FROM message_refs WHERE " + ref_subject + " IN (" + finished_request + " UNION " +
                         finished_incident + ")");
    r.timers =
        run("DELETE FROM timers WHERE fired_at IS NOT NULL AND fired_at < ?1 AND subject NOT IN " + std::string(kHeld));
    return r;
  }

  void compact() override {
    db_.exec("VACUUM");
    // In WAL mode the rewritten pages reach the file at a checkpoint: the file shrinks now.
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  // --- registry (issue 20) ---
  std::string next_account_id() override {
    db_.exec("UPDATE counters SET value = value + 1 WHERE name = 'account'");
    return "A-" + std::to_string(db_.execAndGet("SELECT value FROM counters WHERE name = 'account'").getInt64());
  }

  void save_account(const OfficialAccount& a) override {
    json body = {{"kind", a.kind},
                 {"monitors", a.monitors},
                 {"group", a.group},
                 {"registered_by", a.registered_by},
                 {"registered_at", to_millis(a.registered_at)},
                 {"credentials_confirmed_by", a.credentials_confirmed_by},
                 {"credentials_confirmed_at", to_millis(a.credentials_confirmed_at)},
                 {"acknowledged_by", a.acknowledged_by},
                 {"acknowledged_at", to_millis(a.acknowledged_at)},
                 {"confirmed_year", a.confirmed_year},
                 {"renewal_asked", a.renewal_asked},
                 {"renewal_asked_at", to_millis(a.renewal_asked_at)},
                 {"closed_by", a.closed_by},
                 {"closed_at", to_millis(a.closed_at)},
                 {"closed_note", a.closed_note}};
    SQLite::Statement q(db_,
                        "INSERT INTO official_accounts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                        "ON CONFLICT(id) DO UPDATE SET site = ?2, owner = ?3, platform = ?4, handle = ?5, "
                        "address = ?6, request_id = ?7, state = ?8, body = ?9");
    q.bind(1, a.id);
    q.bind(2, a.site);
    q.bind(3, a.owner);
    q.bind(4, a.platform);
    q.bind(5, a.handle);
    q.bind(6, a.address);
    q.bind(7, a.request_id);
    q.bind(8, std::string(to_string(a.state)));
    q.bind(9, body.dump());
    q.exec();
  }

  std::optional<OfficialAccount> account(std::string_view id) override {
    auto rows = query_accounts("WHERE id = ?", std::string(id));
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<OfficialAccount> registered_accounts(std::string_view site) override {
    if (site.empty()) return query_accounts("WHERE state <> 'closed' ORDER BY rowid");
    return query_accounts("WHERE state <> 'closed' AND site = ? ORDER BY rowid", std::string(site));
  }

  std::vector<OfficialAccount> accounts_of_request(std::string_view request_id) override {
    return query_accounts("WHERE request_id = ? ORDER BY rowid", std::string(request_id));
  }

  std::vector<OfficialAccount> accounts_by_handle(std::string_view handle) override {
    std::string h(handle);
    while (!h.empty() && h.front() == '@') h.erase(0, 1);
    return query_accounts(
        "WHERE state <> 'closed' AND (lower(ltrim(handle, '@')) = lower(?1) OR lower(address) = lower(?1)) "
        "ORDER BY rowid",
        h);
  }

  std::vector<OfficialAccount> accounts_by_platform_site(std::string_view platform, std::string_view site) override {
    return query_accounts("WHERE state <> 'closed' AND platform = ? AND site = ? ORDER BY rowid", std::string(platform),
                          std::string(site));
  }

  std::optional<AuthorizationTerms> authorization_terms(std::string_view request_id) override {
    auto body = body_in("authorization_terms", "request_id", request_id);
    if (!body) return std::nullopt;
    json b = json::parse(*body);
    AuthorizationTerms t;
    t.request_id = std::string(request_id);
    t.audience = b.value("audience", std::vector<std::string>{});
    t.end_date = b.value("end_date", "");
    t.state = b.value("state", "active");
    t.state_by = b.value("state_by", "");
    t.state_at = from_millis(b.value("state_at", std::int64_t{0}));
    t.explanation = b.value("explanation", "");
    return t;
  }

  void save_authorization_terms(const AuthorizationTerms& t) override {
    json b = {{"audience", t.audience},
              {"end_date", t.end_date},
              {"state", t.state},
              {"state_by", t.state_by},
              {"state_at", to_millis(t.state_at)},
              {"explanation", t.explanation}};
    set_body_in("authorization_terms", "request_id", t.request_id, b.dump());
  }

  template <typename... Args>
  std::vector<OfficialAccount> query_accounts(const std::string& where, Args... args) {
    SQLite::Statement q(db_,
                        "SELECT id, site, owner, platform, handle, address, request_id, state, body "
                        "FROM official_accounts " +
                            where);
    int i = 1;
    (q.bind(i++, args), ...);
    std::vector<OfficialAccount> out;
    while (q.executeStep()) {
      OfficialAccount a;
      a.id = q.getColumn(0).getString();
      a.site = q.getColumn(1).getString();
      a.owner = q.getColumn(2).getString();
      a.platform = q.getColumn(3).getString();
      a.handle = q.getColumn(4).getString();
      a.address = q.getColumn(5).getString();
      a.request_id = q.getColumn(6).getString();
      a.state = account_state_from(q.getColumn(7).getString()).value_or(AccountState::active);
      json b = json::parse(q.getColumn(8).getString());
      a.kind = b.value("kind", "official");
      a.monitors = b.value("monitors", std::vector<std::string>{});
      a.group = b.value("group", "");
      a.registered_by = b.value("registered_by", "");
      a.registered_at = from_millis(b.value("registered_at", std::int64_t{0}));
      a.credentials_confirmed_by = b.value("credentials_confirmed_by", "");
      a.credentials_confirmed_at = from_millis(b.value("credentials_confirmed_at", std::int64_t{0}));
      a.acknowledged_by = b.value("acknowledged_by", "");
      a.acknowledged_at = from_millis(b.value("acknowledged_at", std::int64_t{0}));
      a.confirmed_year = b.value("confirmed_year", "");
      a.renewal_asked = b.value("renewal_asked", "");
      a.renewal_asked_at = from_millis(b.value("renewal_asked_at", std::int64_t{0}));
      a.closed_by = b.value("closed_by", "");
      a.closed_at = from_millis(b.value("closed_at", std::int64_t{0}));
      a.closed_note = b.value("closed_note", "");
      out.push_back(std::move(a));
    }
    return out;
  }

 private:
  // A read-only command (hallpass digest --dry-run) never migrates, so a database of schema 3 or
  // older still keeps the workflows' values among the checkpoints, where migration 4 found them.
  const char* workflow_values_table() {
    if (!workflow_values_table_)
      workflow_values_table_ = has_table("workflow_values") ? "workflow_values" : "checkpoints";
    return *workflow_values_table_;
  }

  // The store's own bookkeeping (the audit head) shares the adapters' checkpoints table.
  std::optional<std::string> checkpoint(std::string_view name) { return value_in("checkpoints", name); }
  void set_checkpoint(std::string_view name, std::string_view value) { set_value_in("checkpoints", name, value); }

  // `table` is one of this file's names, never text from outside.
  std::optional<std::string> value_in(const char* table, std::string_view name) {
    SQLite::Statement q(db_, std::string("SELECT value FROM ") + table + " WHERE name = ?");
    q.bind(1, std::string(name));
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  }

  // The tables of one key and a JSON body (drafts, classroom checklists, acknowledgements,
  // authorization terms). `table` and `key` are this file's names, never text from outside.
  std::optional<std::string> body_in(const char* table, const char* key, std::string_view id) {
    SQLite::Statement q(db_, std::string("SELECT body FROM ") + table + " WHERE " + key + " = ?");
    q.bind(1, std::string(id));
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  }

  void set_body_in(const char* table, const char* key, std::string_view id, std::string_view body) {
    SQLite::Statement q(db_, std::string("INSERT INTO ") + table + " VALUES (?, ?) ON CONFLICT(" + key +
                                 ") DO UPDATE SET body = excluded.body");
    q.bind(1, std::string(id));
    q.bind(2, std::string(body));
    q.exec();
  }

  void set_value_in(const char* table, std::string_view name, std::string_view value) {
    SQLite::Statement q(db_, std::string("INSERT INTO ") + table +
                                 " VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    q.bind(1, std::string(name));
    q.bind(2, std::string(value));
    q.exec();
  }

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
    SQLite::Statement q(db_,
                        "SELECT id, requester, site, state, plans, audience, students_interact, filed_at, "
                        "due_date, overdue_notified, endorsed_by, routed_at, return_note, info_question, "
                        "info_answer, info_requested_at, decision, withdrawn_by, returned_by FROM requests " +
                            where);
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

  bool has_table(const char* name) {
    SQLite::Statement q(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    q.bind(1, name);
    return q.executeStep() && q.getColumn(0).getInt() > 0;
  }

  // The newest row must be one this key wrote: a wrong key would start rows no key verifies.
  void check_audit_key(const std::string& path) {
    SQLite::Statement q(db_,
                        "SELECT seq, at, actor, action, subject, details, source, prev_hash, hash FROM audit "
                        "ORDER BY seq DESC LIMIT 1");
    if (!q.executeStep()) return;
    const std::string hash = q.getColumn(8).getString();
    if (!is_keyed(hash)) return;  // a plain log: a key, if given, keys the rows from the next one on
    const std::int64_t seq = q.getColumn(0).getInt64();
    if (key_.empty())
      throw StoreOpenError("the audit log in " + path +
                           " is keyed and HALLPASS_AUDIT_KEY is not set: set it to the key "
                           "the log was written with (see docs/audit.md)");
    const std::string material = audit_material(
        q.getColumn(7).getString(), seq, q.getColumn(1).getInt64(), q.getColumn(2).getString(),
        q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString());
    if (chain_hash(key_, material) != hash)
      throw StoreOpenError("HALLPASS_AUDIT_KEY does not fit the audit log in " + path + ": " + row_name(seq) +
                           " was written with another key, or altered. Set the key the log was written with; "
                           "hallpass audit verify names altered rows");
  }

  // verify_audit's work; SQLite errors are turned into a report by the caller.
  AuditCheck check_audit(const std::vector<AuditAnchor>& anchors) {
    AuditCheck check;
    auto fail = [&check](std::int64_t seq, std::string problem) {
      check.ok = false;
      check.first_bad_seq = seq;
      check.problem = std::move(problem);
      return check;
    };
    if (!has_table("audit")) return fail(1, "the audit table is missing: it was dropped");
    std::optional<SQLite::Statement> q;
    try {
      q.emplace(db_,
                "SELECT seq, at, actor, action, subject, details, source, prev_hash, hash FROM audit ORDER BY seq");
    } catch (const SQLite::Exception& e) {
      return fail(1, std::string("the audit table was rebuilt without its columns (") + e.what() + ")");
    }
    // Anchors are checked as the walk passes their rows; the walk visits every seq from 1.
    std::vector<AuditAnchor> pinned(anchors);
    std::stable_sort(pinned.begin(), pinned.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    std::size_t next_anchor = 0;
    std::int64_t confirmed = 0;  // the newest row an anchor vouched for
    static constexpr const char* kColumns[] = {"seq",     "at",     "actor",     "action", "subject",
                                               "details", "source", "prev_hash", "hash"};
    std::string prev = kGenesisHash;
    std::int64_t expected = 1, first_keyed = 0;
    while (q->executeStep()) {
      const SQLite::Column seq_column = q->getColumn(0);
      if (!seq_column.isInteger())
        return fail(expected, "the row after " + row_name(expected - 1) + " has a seq stored as " +
                                  stored_as(seq_column) + ", not a whole number: the table was rebuilt");
      const std::int64_t seq = seq_column.getInt64();
      if (seq < expected) return fail(seq, row_name(seq) + " appears twice: the table was rebuilt");
      if (seq > expected)
        return fail(expected, rows_name(expected, seq - 1) + (seq - 1 > expected ? " are" : " is") + " missing");
      // getInt64() would read 1.5 as 1 and "12abc" as 12, and the hash would still match.
      if (!q->getColumn(1).isInteger())
        return fail(seq, row_name(seq) + ": its time (at) is stored as " + stored_as(q->getColumn(1)) +
                             ", not as whole milliseconds: the row was edited");
      for (int c = 2; c <= 8; ++c)
        if (!q->getColumn(c).isText())
          return fail(seq, row_name(seq) + ": " + kColumns[c] + " is stored as " + stored_as(q->getColumn(c)) +
                               ", not as text: the row was edited");
      ++check.rows;
      const std::string stored_prev = q->getColumn(7).getString();
      const std::string stored = q->getColumn(8).getString();
      if (!well_formed_hash(stored))
        return fail(seq,
                    row_name(seq) + " has a hash Hallpass never writes (\"" + shown(stored) + "\"): it was altered");
      if (stored_prev != prev)
        return fail(seq, row_name(seq) + " does not follow " +
                             (seq == 1 ? std::string("the start of the log") : row_name(seq - 1)) +
                             " (its prev_hash differs): a row was altered, removed or inserted");
      const std::string material = audit_material(prev, seq, q->getColumn(1).getInt64(), q->getColumn(2).getString(),
                                                  q->getColumn(3).getString(), q->getColumn(4).getString(),
                                                  q->getColumn(5).getString(), q->getColumn(6).getString());
      if (is_keyed(stored)) {
        if (first_keyed == 0) first_keyed = seq;
        if (key_.empty()) {
          check.key_missing = true;  // linked, but its content cannot be checked without the key
        } else if (chain_hash(key_, material) != stored) {
          return fail(seq, row_name(seq) + " was altered, or HALLPASS_AUDIT_KEY is not the key it was written with");
        }
      } else {
        if (first_keyed != 0)
          return fail(seq, row_name(seq) + " is not keyed, though " + row_name(first_keyed) +
                               " before it is: it was written or rewritten without the key");
        if (sha256_hex(material) != stored) return fail(seq, row_name(seq) + " was altered");
        if (!key_.empty()) check.unkeyed_rows = seq;
      }
      for (; next_anchor < pinned.size() && pinned[next_anchor].seq == seq; ++next_anchor) {
        // The chain holds, yet the row differs from what was recorded: everything after the last
        // confirmed row was rewritten and re-chained.
        if (!anchor_matches(pinned[next_anchor].hash, stored))
          return fail(confirmed + 1, rows_name(confirmed + 1, seq) + (seq > confirmed + 1 ? " were" : " was") +
                                         " rewritten: " + row_name(seq) + " no longer has the hash recorded in " +
                                         pinned[next_anchor].where);
        confirmed = seq;
        ++check.anchors_checked;
      }
      prev = stored;
      ++expected;
    }

    const std::int64_t last = expected - 1;
    const bool checkpoints_kept = has_table("checkpoints");
    const std::optional<std::string> head_text = checkpoints_kept ? checkpoint("audit.head") : std::nullopt;
    const std::string tail = "rows from #" + std::to_string(last + 1) + " on may have been removed";
    if (!head_text) {
      if (last > 0)
        return fail(last + 1,
                    std::string(checkpoints_kept ? "the head of the log (checkpoint audit.head) was removed"
                                                 : "the checkpoints table, with the head of the log, was dropped") +
                        ", so " + tail);
    } else if (auto head = parse_head(*head_text); !head) {
      return fail(last + 1, "the head of the log (checkpoint audit.head) is unreadable (\"" + shown(*head_text) +
                                "\"), so " + tail);
    } else if (head->seq > last) {
      return fail(last + 1, rows_name(last + 1, head->seq) + (head->seq > last + 1 ? " were" : " was") +
                                " removed (the head of the log names " + row_name(head->seq) + ")");
    } else if (head->seq < last) {
      return fail(head->seq + 1, rows_name(head->seq + 1, last) + (last > head->seq + 1 ? " were" : " was") +
                                     " added outside Hallpass (the head of the log names " + row_name(head->seq) + ")");
    } else if (head->hash != prev) {
      return fail(last,
                  row_name(last) + " is not the row the head of the log names (their hashes differ): it was replaced");
    } else if (is_keyed(prev) && !key_.empty() &&
               (head->mac.empty() || head->mac != head_mac(key_, head->seq, head->hash))) {
      return fail(last + 1,
                  "the head of the log is not signed with HALLPASS_AUDIT_KEY, so " + tail + " and the head moved back");
    }
    if (next_anchor < pinned.size()) {
      const AuditAnchor& furthest = pinned.back();
      return fail(last + 1, rows_name(last + 1, furthest.seq) + (furthest.seq > last + 1 ? " were" : " was") +
                                " removed (" + furthest.where + " recorded " + row_name(furthest.seq) + ")");
    }
    check.head = {last, last > 0 ? prev : std::string()};
    if (check.key_missing) {
      check.ok = false;
      check.problem = "rows from #" + std::to_string(first_keyed) +
                      " on are keyed: set HALLPASS_AUDIT_KEY to the key they were written with to check them";
    }
    return check;
  }

  SQLite::Database db_;
  std::string key_;                                   // HMAC key of the audit chain; empty for a plain chain
  std::optional<const char*> workflow_values_table_;  // looked up once: the schema does not change while open
  std::optional<AnchorWriter> anchor_;
};

}  // namespace

namespace {

// Checks the path before SQLite sees it: SQLite would create a missing file where a command only
// reads, and it gives -wal and -shm the database file's own mode.
void prepare_file(const std::string& path, OpenMode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw StoreOpenError("cannot open " + path + ": " + ec.message());
  if (fs::is_directory(st)) throw StoreOpenError(path + " is a folder, not a database file: name a file with --db");
  if (fs::exists(st)) {
    if (mode == OpenMode::read_only && fs::is_regular_file(st) && fs::file_size(path, ec) == 0 && !ec)
      throw StoreOpenError(path + " is empty: it is not a Hallpass database. Check the file given with --db");
    return;
  }
  if (mode == OpenMode::read_only)
    throw StoreOpenError("no database at " + path +
                         ": check the file given with --db (this command only reads, it "
                         "creates nothing)");
  const fs::path folder = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(folder, ec))
    throw StoreOpenError("the folder " + folder.string() + " does not exist, so " + path +
                         " cannot be created: create the folder, or name another file with --db");
  // Created owner-only whatever the umask: SQLite then creates -wal and -shm with the same mode.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno != EEXIST) throw StoreOpenError("cannot create " + path + ": " + std::strerror(errno));
  if (fd >= 0) ::close(fd);
}

std::string explain(const std::string& path, const SQLite::Exception& e) {
  switch (e.getErrorCode()) {
    case SQLITE_NOTADB:
      return path + " is not a Hallpass database (it is not an SQLite file at all): check the file given with --db";
    case SQLITE_CORRUPT: return path + " is damaged (" + e.what() + "): restore it from a backup";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return path + " is locked by another program (" + e.what() + "): try again";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return "cannot open " + path + " (" + e.what() + "): check that this user may read and write it and its folder";
    default: return "cannot open " + path + ": " + e.what();
  }
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options) {
  if (!options.audit_key.empty() && options.audit_key.size() < kMinAuditKeyLength)
    throw StoreOpenError("HALLPASS_AUDIT_KEY is too short (" + std::to_string(options.audit_key.size()) +
                         " characters): use at least " + std::to_string(kMinAuditKeyLength) +
                         " random characters, e.g. the output of openssl rand -hex 32");
  if (path != ":memory:" && !path.empty()) prepare_file(path, options.mode);
  try {
    const int flags =
        (options.mode == OpenMode::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) |
        SQLite::OPEN_FULLMUTEX;
    auto store = std::make_unique<SqliteStore>(SQLite::Database(path, flags), options);
    store->set_up(path, options.mode);
    return store;
  } catch (const SQLite::Exception& e) {
    throw StoreOpenError(explain(path, e));
  }
}

int schema_version(Store& store) { return static_cast<SqliteStore&>(store).version(); }

std::string audit_row_hash(std::string_view key, std::string_view prev, const AuditEntry& e) {
  return chain_hash(std::string(key), audit_material(std::string(prev), e.seq, to_millis(e.at), e.actor, e.action,
                                                     e.subject, e.details, e.source));
}

}  // namespace bot
