#include "bot/store/sqlite_checkpointer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace bot {

SqliteCheckpointer::SqliteCheckpointer(std::string path, std::chrono::milliseconds every)
    : path_(std::move(path)), every_(every) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  if (!thread_.joinable()) return;
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool SqliteCheckpointer::start(sqlite3* writer) {
  try {
    db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX);
    db_->exec("PRAGMA busy_timeout=5000");
    thread_ = std::thread([this] { loop(); });
    writer_ = writer;
    // Replaces the connection's automatic checkpoint, which is itself a WAL hook.
    sqlite3_wal_hook(writer_, &SqliteCheckpointer::on_commit, this);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn(
        "the database's log is copied back by each commit that fills it (a second connection to {} "
        "cannot be opened: {})",
        path_, e.what());
    db_.reset();
    return false;
  }
}

int SqliteCheckpointer::on_commit(void* self, sqlite3* db, const char* name, int log_pages) {
  auto& me = *static_cast<SqliteCheckpointer*>(self);
  if (log_pages < kLogPages) return SQLITE_OK;
  if (log_pages >= kMostLogPages) {
    // Writes faster than the thread copies: a checkpoint beside them never reaches the log's end,
    // so SQLite never starts the log over and it grows. The writer copies it itself, as SQLite
    // would (busy at once, and tried at the next commit, while the thread is copying).
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(me.mutex_);
    if (me.wanted_) return SQLITE_OK;
    me.wanted_ = true;
  }
  me.wake_.notify_one();
  return SQLITE_OK;
}

void SqliteCheckpointer::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, every_, [this] { return stopping_ || wanted_; });
    wanted_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

void SqliteCheckpointer::checkpoint() {
  try {
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const std::exception& e) {
    // The next second tries again; meanwhile the log only grows.
    spdlog::warn("copying the database's log back into {} failed: {}", path_, e.what());
  }
}

}  // namespace bot
