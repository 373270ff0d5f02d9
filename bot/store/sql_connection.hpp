#pragma once
// The little the store asks of a SQL database, so its statements are written once for SQLite and
// PostgreSQL (bot/store/sql_store*.cpp). Statements take positional parameters, `?` or `?N`, bound
// as text, a whole number or NULL; rows are read by column, in order, one at a time.
//
// Two backends: sqlite_connection.cpp (SQLiteCpp) and postgres_connection.cpp (libpq, which turns
// `?` into `$1…` and prepares each statement once per connection). What the two dialects cannot
// share (DDL, catalogue look-ups, the schema version) lives in sql_dialect.cpp.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bot {

// A parameter: NULL, a whole number or text.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

// What a column holds in this row. SQLite types values, not columns: the audit check uses this to
// notice a row whose time was stored as text.
enum class SqlKind { null, integer, real, text, blob };

// Any failure the database reports, with its own message.
class SqlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SqlBackend { sqlite, postgres };

class SqlRows {
 public:
  virtual ~SqlRows() = default;
  // Moves to the next row; false after the last one.
  virtual bool next() = 0;
  virtual SqlKind kind(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;  // 0 for NULL
  virtual std::string text(int column) const = 0;      // "" for NULL
  bool is_null(int column) const { return kind(column) == SqlKind::null; }
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlBackend backend() const = 0;
  // Several statements without parameters (a migration).
  virtual void execute_script(std::string_view sql) = 0;
  // A statement that returns rows (SELECT, or … RETURNING).
  virtual std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params = {}) = 0;
  // A statement run for its effect; the number of rows it changed.
  virtual std::int64_t run(std::string_view sql, const SqlParams& params = {}) = 0;

  // snapshot: every read until commit sees the same committed state (the audit check).
  virtual void begin(bool snapshot = false) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // The first row's first column as a number (a count, a MAX); fallback when there is no row or it is NULL.
  std::int64_t integer(std::string_view sql, const SqlParams& params = {}, std::int64_t fallback = 0) {
    auto rows = query(sql, params);
    return rows->next() && !rows->is_null(0) ? rows->integer(0) : fallback;
  }
};

}  // namespace bot
