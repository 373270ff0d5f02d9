#include "bot/store/sqlite_connection.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>

namespace bot {
namespace {

// A statement prepared once and kept by its text: preparing costs more than running the short
// statements the store runs (tens of microseconds a turn). `busy` while a SqliteRows reads it, so a
// statement run again inside its own loop gets a fresh one instead.
struct CachedStatement {
  explicit CachedStatement(SQLite::Database& db, const std::string& sql) : statement(db, sql) {}
  SQLite::Statement statement;
  bool busy = false;
};

class SqliteRows final : public SqlRows {
 public:
  // From the cache (held until this is destroyed), or prepared for this use alone when cached is null.
  SqliteRows(SQLite::Database& db, std::string_view sql, const SqlParams& params, CachedStatement* cached)
      : cached_(cached) {
    if (cached_) {
      cached_->busy = true;
      q_ = &cached_->statement;
    } else {
      own_.emplace(db, std::string(sql));
      q_ = &*own_;
    }
    int i = 1;
    for (const SqlValue& p : params) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>)
              q_->bind(i);
            else
              q_->bind(i, v);
          },
          p);
      ++i;
    }
  }
  ~SqliteRows() override {
    if (!cached_) return;
    // Ready for its next use: reset never throws for a statement whose last step failed (the
    // error was reported then), and the bindings go so no text outlives this use.
    q_->tryReset();
    try {
      q_->clearBindings();
    } catch (const std::exception&) {
      // sqlite3_clear_bindings reports nothing but SQLITE_OK; a destructor never throws.
    }
    cached_->busy = false;
  }
  SqliteRows(const SqliteRows&) = delete;
  SqliteRows& operator=(const SqliteRows&) = delete;
  bool next() override { return q_->executeStep(); }
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
  int run() { return q_->exec(); }

 private:
  SQLite::Column column_(int column) const { return q_->getColumn(column); }
  CachedStatement* cached_ = nullptr;
  std::optional<SQLite::Statement> own_;
  SQLite::Statement* q_ = nullptr;
};

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(std::unique_ptr<SQLite::Database> db, std::unique_ptr<SqliteCheckpointer> checkpointer)
      : db_(std::move(db)), checkpointer_(std::move(checkpointer)) {}
  SqlBackend backend() const override { return SqlBackend::sqlite; }
  void execute_script(std::string_view sql) override {
    // A migration may change what the kept statements were prepared against.
    cache_.clear();
    db_->exec(std::string(sql));
  }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override {
    return std::make_unique<SqliteRows>(*db_, sql, params, cached(sql));
  }
  std::int64_t run(std::string_view sql, const SqlParams& params) override {
    SqliteRows q(*db_, sql, params, cached(sql));
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
  // The store's statements are a few dozen texts; a bound keeps one built from changing parts
  // (a list of ids) from growing the cache without end: past it, statements are prepared per use.
  static constexpr std::size_t kMostKept = 256;

  CachedStatement* cached(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      if (cache_.size() >= kMostKept) return nullptr;
      it = cache_.emplace(std::string(sql), std::make_unique<CachedStatement>(*db_, std::string(sql))).first;
    }
    return it->second->busy ? nullptr : it->second.get();
  }

  std::unique_ptr<SQLite::Database> db_;
  std::map<std::string, std::unique_ptr<CachedStatement>, std::less<>> cache_;
  std::unique_ptr<SqliteCheckpointer> checkpointer_;  // stopped before the connection closes
};

}  // namespace

std::unique_ptr<SqlConnection> sqlite_connection(std::unique_ptr<SQLite::Database> db,
                                                 std::unique_ptr<SqliteCheckpointer> checkpointer) {
  return std::make_unique<SqliteConnection>(std::move(db), std::move(checkpointer));
}

}  // namespace bot
