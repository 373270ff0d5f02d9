// The audit log on SqlConnection, for both backends: a hash chain (plain SHA-256, or HMAC with
// the audit key), its signed head in the checkpoints table, anchors appended outside the database,
// and the check that names the first bad row.
#include "bot/store/sql_audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "bot/model/sha256.hpp"
#include "bot/store/sql_dialect.hpp"
#include "bot/store/store.hpp"

namespace bot {
namespace {

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

std::string stored_as(SqlKind kind) {
  switch (kind) {
    case SqlKind::integer: return "a whole number";
    case SqlKind::real: return "a decimal number";
    case SqlKind::text: return "text";
    case SqlKind::blob: return "binary data";
    case SqlKind::null: return "NULL";
  }
  return "NULL";
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

std::vector<AuditEntry> read_audit(std::unique_ptr<SqlRows> q) {
  std::vector<AuditEntry> out;
  while (q->next())
    out.push_back({q->integer(0), from_millis(q->integer(1)), q->text(2), q->text(3), q->text(4), q->text(5),
                   q->text(6), q->text(7)});
  return out;
}

}  // namespace

// At start: a file the bot cannot append to is a configuration error, not a nightly surprise.
void AnchorWriter::check_writable() const {
  const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw StoreOpenError("cannot append to the audit anchor file " + file_ + " (" + std::strerror(errno) +
                         "): check HALLPASS_AUDIT_ANCHOR and the folder's permissions");
  ::close(fd);
}

void AnchorWriter::committed() {
  if (!pending_) return;
  // A failed append is logged, not thrown: the state change is committed and must not be undone.
  if (auto error = append_anchor(file_, *pending_, std::chrono::system_clock::now()); !error.empty())
    spdlog::error("cannot append the audit head #{} to {}: {}", pending_->seq, file_, error);
  pending_.reset();
}

SqlAuditLog::SqlAuditLog(SqlConnection& db, std::string key, const std::string& anchor_file)
    : db_(db), key_(std::move(key)) {
  if (!anchor_file.empty()) anchor_.emplace(anchor_file);
}

void SqlAuditLog::append(const AuditEntry& e) {
  // The read of the newest row and the insert after it are one transaction, under the chain's
  // lock (sql_dialect.cpp): a second writer waits instead of forking the chain.
  const bool own = !db_.in_transaction();
  if (own) db_.begin();
  try {
    lock_audit_chain(db_, district_);
    append_locked(e);
    if (own) db_.commit();
  } catch (...) {
    if (own) {
      db_.rollback();
      if (anchor_) anchor_->rolled_back();
    }
    throw;
  }
  if (own && anchor_) anchor_->committed();  // no caller's transaction: committed now
}

void SqlAuditLog::append_locked(const AuditEntry& e) {
  std::int64_t seq = 1;
  std::string prev = kGenesisHash;
  if (auto last = db_.query("SELECT seq, hash FROM audit WHERE " + d_ + " ORDER BY seq DESC LIMIT 1"); last->next()) {
    seq = last->integer(0) + 1;
    prev = last->text(1);
  }
  // Opening refuses this; kept so that no code path can write a row no key verifies.
  if (key_.empty() && is_keyed(prev))
    throw std::runtime_error("the audit log is keyed and HALLPASS_AUDIT_KEY is not set");
  std::int64_t at = to_millis(e.at);
  std::string hash = chain_hash(key_, audit_material(prev, seq, at, e.actor, e.action, e.subject, e.details, e.source));
  db_.run(
      "INSERT INTO audit (district, seq, at, actor, action, subject, details, source, prev_hash, hash) "
      "VALUES (" +
          dv_ + ", ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {seq, at, e.actor, e.action, e.subject, e.details, e.source, prev, hash});
  // The head of the chain is kept apart so that removing the newest rows is noticed too; in a
  // keyed log it is signed, so that it cannot be moved back to an earlier row without the key.
  std::string head = std::to_string(seq) + ":" + hash;
  if (!key_.empty()) head += ":" + head_mac(key_, seq, hash);
  db_.run("INSERT INTO checkpoints (district, name, value) VALUES (" + dv_ +
              ", 'audit.head', ?) ON CONFLICT (district, name) DO UPDATE SET value = "
              "excluded.value",
          {head});
  if (anchor_) anchor_->noted({seq, hash});
}

AuditHead SqlAuditLog::head() {
  auto q = db_.query("SELECT seq, hash FROM audit WHERE " + d_ + " ORDER BY seq DESC LIMIT 1");
  if (!q->next()) return {};
  return {q->integer(0), q->text(1)};
}

std::vector<AuditEntry> SqlAuditLog::of(std::string_view subject) {
  return read_audit(db_.query("SELECT seq, at, actor, action, subject, details, source, hash FROM audit WHERE " + d_ +
                                  " AND subject = ? ORDER BY seq",
                              {std::string(subject)}));
}

AuditCheck SqlAuditLog::verify(const std::vector<AuditAnchor>& anchors) {
  try {
    // One snapshot of the rows and the head: the running bot may commit while this reads.
    const bool own = !db_.in_transaction();
    if (own) db_.begin(true);
    struct EndSnapshot {
      SqlConnection* db;
      ~EndSnapshot() {
        try {
          if (db) db->rollback();
        } catch (const std::exception&) {
          // Nothing was written: a failed rollback of a read leaves nothing behind.
        }
      }
    } end{own ? &db_ : nullptr};
    return check(anchors);
  } catch (const std::exception& e) {
    AuditCheck failed;
    failed.ok = false;
    failed.first_bad_seq = 1;
    failed.problem = std::string("the audit log cannot be read (") + e.what() + ")";
    return failed;
  }
}

std::vector<AuditEntry> SqlAuditLog::rows(std::int64_t from_seq, std::int64_t to_seq) {
  return read_audit(db_.query("SELECT seq, at, actor, action, subject, details, source, hash FROM audit WHERE " + d_ +
                                  " AND seq BETWEEN ? AND ? "
                                  "ORDER BY seq",
                              {from_seq, to_seq}));
}

std::vector<AuditLink> SqlAuditLog::links(std::int64_t from_seq) {
  auto q = db_.query("SELECT seq, prev_hash, hash FROM audit WHERE " + d_ + " AND seq >= ? ORDER BY seq", {from_seq});
  std::vector<AuditLink> out;
  while (q->next()) out.push_back({q->integer(0), q->text(1), q->text(2)});
  return out;
}

std::optional<std::string> SqlAuditLog::stored_head() {
  auto q = db_.query("SELECT value FROM checkpoints WHERE " + d_ + " AND name = 'audit.head'");
  if (q->next()) return q->text(0);
  return std::nullopt;
}

// The newest row must be one this key wrote: a wrong key would start rows no key verifies.
void SqlAuditLog::check_key(const std::string& name) {
  auto q = db_.query("SELECT seq, at, actor, action, subject, details, source, prev_hash, hash FROM audit WHERE " + d_ +
                     " ORDER BY seq DESC "
                     "LIMIT 1");
  if (!q->next()) return;
  const std::string hash = q->text(8);
  if (!is_keyed(hash)) return;  // a plain log: a key, if given, keys the rows from the next one on
  const std::int64_t seq = q->integer(0);
  if (key_.empty())
    throw StoreOpenError("the audit log in " + name +
                         " is keyed and HALLPASS_AUDIT_KEY is not set: set it to the key "
                         "the log was written with (see docs/audit.md)");
  const std::string material =
      audit_material(q->text(7), seq, q->integer(1), q->text(2), q->text(3), q->text(4), q->text(5), q->text(6));
  if (chain_hash(key_, material) != hash)
    throw StoreOpenError("HALLPASS_AUDIT_KEY does not fit the audit log in " + name + ": " + row_name(seq) +
                         " was written with another key, or altered. Set the key the log was written with; "
                         "hallpass audit verify names altered rows");
}

// verify_audit's work; database errors are turned into a report by the caller.
AuditCheck SqlAuditLog::check(const std::vector<AuditAnchor>& anchors) {
  AuditCheck check;
  auto fail = [&check](std::int64_t seq, std::string problem) {
    check.ok = false;
    check.first_bad_seq = seq;
    check.problem = std::move(problem);
    return check;
  };
  if (!has_table(db_, "audit")) return fail(1, "the audit table is missing: it was dropped");
  std::unique_ptr<SqlRows> q;
  const std::string columns = "SELECT seq, at, actor, action, subject, details, source, prev_hash, hash FROM audit";
  try {
    try {
      q = db_.query(columns + " WHERE " + d_ + " ORDER BY seq");
    } catch (const std::exception&) {
      // A SQLite file is one district's: an audit table rebuilt without the district column is
      // still walked, so the report names the first bad row rather than the lost column.
      if (!district_.empty() || db_.backend() != SqlBackend::sqlite) throw;
      q = db_.query(columns + " ORDER BY seq");
    }
  } catch (const std::exception& e) {
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
  while (q->next()) {
    if (q->kind(0) != SqlKind::integer)
      return fail(expected, "the row after " + row_name(expected - 1) + " has a seq stored as " +
                                stored_as(q->kind(0)) + ", not a whole number: the table was rebuilt");
    const std::int64_t seq = q->integer(0);
    if (seq < expected) return fail(seq, row_name(seq) + " appears twice: the table was rebuilt");
    if (seq > expected)
      return fail(expected, rows_name(expected, seq - 1) + (seq - 1 > expected ? " are" : " is") + " missing");
    // getInt64() would read 1.5 as 1 and "12abc" as 12, and the hash would still match.
    if (q->kind(1) != SqlKind::integer)
      return fail(seq, row_name(seq) + ": its time (at) is stored as " + stored_as(q->kind(1)) +
                           ", not as whole milliseconds: the row was edited");
    for (int c = 2; c <= 8; ++c)
      if (q->kind(c) != SqlKind::text)
        return fail(seq, row_name(seq) + ": " + kColumns[c] + " is stored as " + stored_as(q->kind(c)) +
                             ", not as text: the row was edited");
    ++check.rows;
    const std::string stored_prev = q->text(7);
    const std::string stored = q->text(8);
    if (!well_formed_hash(stored))
      return fail(seq, row_name(seq) + " has a hash Hallpass never writes (\"" + shown(stored) + "\"): it was altered");
    if (stored_prev != prev)
      return fail(seq, row_name(seq) + " does not follow " +
                           (seq == 1 ? std::string("the start of the log") : row_name(seq - 1)) +
                           " (its prev_hash differs): a row was altered, removed or inserted");
    const std::string material =
        audit_material(prev, seq, q->integer(1), q->text(2), q->text(3), q->text(4), q->text(5), q->text(6));
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
  const bool checkpoints_kept = has_table(db_, "checkpoints");
  const std::optional<std::string> head_text = checkpoints_kept ? stored_head() : std::nullopt;
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

std::string audit_row_hash(std::string_view key, std::string_view prev, const AuditEntry& e) {
  return chain_hash(std::string(key), audit_material(std::string(prev), e.seq, to_millis(e.at), e.actor, e.action,
                                                     e.subject, e.details, e.source));
}

}  // namespace bot
