#include "bot/store/sqlite_connection.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <type_traits>

namespace bot {
namespace {

class SqliteRows final : public SqlRows {
 public:
  SqliteRows(SQLite::Database& db, std::string_view sql, const SqlParams& params) : q_(db, std::string(sql)) {
    int i = 1;
    for (const SqlValue& p : params) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>)
              q_.bind(i);
            else
              q_.bind(i, v);
          },
          p);
      ++i;
    }
  }
  bool next() override { return q_.executeStep(); }
  SqlKind kind(int column) const override {
    switch (column_(column).getType()) {
      case SQLITE_INTEGER: return SqlKind::integer;
      case SQLITE_FLOAT: return SqlKind::real;
      case SQLITE_TEXT: return SqlKind::text;
      case SQLITE_BLOB: return SqlKind::blob;
      default: return SqlKind::null;
    }
  }
  std::int64_t integer(int column) const override { return column_(column).getInt64(); }
  std::string text(int column) const override { return column_(column).getString(); }
  int run() { return q_.exec(); }

 private:
  SQLite::Column column_(int column) const { return const_cast<SQLite::Statement&>(q_).getColumn(column); }
  SQLite::Statement q_;
};

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
  SqlBackend backend() const override { return SqlBackend::sqlite; }
  void execute_script(std::string_view sql) override { db_->exec(std::string(sql)); }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override {
    return std::make_unique<SqliteRows>(*db_, sql, params);
  }
  std::int64_t run(std::string_view sql, const SqlParams& params) override {
    SqliteRows q(*db_, sql, params);
    return q.run();
  }
  // SQLite's own transactions are already serialisable: a snapshot needs nothing more.
  void begin(bool) override { db_->exec("BEGIN"); }
  void commit() override { db_->exec("COMMIT"); }
  void rollback() override {
    if (in_transaction()) db_->exec("ROLLBACK");
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_->getHandle()) == 0; }

 private:
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace

std::unique_ptr<SqlConnection> sqlite_connection(std::unique_ptr<SQLite::Database> db) {
  return std::make_unique<SqliteConnection>(std::move(db));
}

}  // namespace bot
