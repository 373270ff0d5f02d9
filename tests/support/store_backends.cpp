#include "tests/support/store_backends.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "tests/support/postgres_server.hpp"

namespace test_support {

StoreBackend StoreBackend::sqlite() {
  StoreBackend b;
  b.dir_ = std::make_shared<TempDir>("store");
  b.path_ = b.dir_->file("hallpass.db");
  return b;
}

StoreBackend StoreBackend::postgres() {
  StoreBackend b;
  b.conninfo_ = PostgresServer::shared().fresh_database();
  return b;
}

std::unique_ptr<bot::Store> StoreBackend::open(const bot::StoreOptions& options) const {
  return is_postgres() ? bot::open_postgres_store(conninfo_, options) : bot::open_sqlite_store(path_, options);
}

void StoreBackend::execute(const std::string& sql) const {
  if (is_postgres()) {
    PostgresServer::shared().execute(conninfo_, sql);
  } else {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
}

std::vector<std::vector<std::string>> StoreBackend::rows(const std::string& sql) const {
  if (is_postgres()) return PostgresServer::shared().rows(conninfo_, sql);
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, sql);
  std::vector<std::vector<std::string>> out;
  while (q.executeStep()) {
    out.emplace_back();
    for (int c = 0; c < q.getColumnCount(); ++c) out.back().push_back(q.getColumn(c).getString());
  }
  return out;
}

std::string StoreBackend::drop_audit_guard(const std::string& what) const {
  // SQLite has a trigger for each; PostgreSQL one trigger for both (the function stays).
  if (is_postgres()) return "DROP TRIGGER IF EXISTS audit_no_update ON audit";
  return "DROP TRIGGER IF EXISTS audit_no_" + what;
}

}  // namespace test_support
