#pragma once
// The audit log on SqlConnection (sql_audit_log.cpp), part of the store (sql_store.cpp): the
// statements and the chain are the same on SQLite and PostgreSQL; appends take the chain's lock.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/audit_anchor.hpp"
#include "bot/store/records_store.hpp"
#include "bot/store/sql_connection.hpp"

namespace bot {

// Appends committed audit heads to the anchor file. A head is noted when a row is appended and
// written only once its transaction commits, so the file never names a row that was rolled back.
class AnchorWriter {
 public:
  explicit AnchorWriter(std::string file) : file_(std::move(file)) {}
  void check_writable() const;  // throws StoreOpenError
  void noted(AuditHead head) { pending_ = std::move(head); }
  void committed();
  void rolled_back() { pending_.reset(); }

 private:
  std::string file_;
  std::optional<AuditHead> pending_;
};

class SqlAuditLog {
 public:
  // `key`: the HMAC key (empty: plain SHA-256); `anchor_file`: empty for none.
  SqlAuditLog(SqlConnection& db, std::string key, const std::string& anchor_file);

  // At opening: the newest row must be one this key wrote (StoreOpenError naming `name`).
  void check_key(const std::string& name);
  // Scopes the log to one district's chain (sql_store.cpp): `value` the key as an SQL literal,
  // `condition` what every read starts with.
  void set_district(const std::string& value, const std::string& condition) {
    dv_ = value;
    d_ = condition;
    district_ = value.substr(1, value.size() - 2);
  }
  AnchorWriter* anchor() { return anchor_ ? &*anchor_ : nullptr; }

  void append(const AuditEntry& e);
  AuditHead head();
  std::vector<AuditEntry> of(std::string_view subject);
  AuditCheck verify(const std::vector<AuditAnchor>& anchors);
  std::vector<AuditEntry> rows(std::int64_t from_seq, std::int64_t to_seq);
  std::vector<AuditLink> links(std::int64_t from_seq);

 private:
  void append_locked(const AuditEntry& e);
  AuditCheck check(const std::vector<AuditAnchor>& anchors);
  std::optional<std::string> stored_head();  // the checkpoint audit.head

  SqlConnection& db_;
  std::string key_;
  std::optional<AnchorWriter> anchor_;
  std::string district_;     // the key, for the chain's lock
  std::string dv_ = "''";    // the key as an SQL literal
  std::string d_ = "1 = 1";  // the rows of the district's chain
};

}  // namespace bot
