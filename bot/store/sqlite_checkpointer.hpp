#pragma once
// Moves SQLite's WAL checkpoints off the bot's thread.
//
// In WAL mode SQLite copies the log back into the database file (a checkpoint, with an fsync of
// each) inside whichever commit makes the log pass 1,000 pages: that one command waits 5-15 ms
// while the others take 0.1-0.4 ms, and it was most of command_latency_bench's p99. The bot's
// connection hands that to this thread instead: the bot's commit that makes the log pass 1,000
// pages only wakes it (SQLite's WAL hook, which then no longer checkpoints itself), and the thread
// checkpoints from a connection of its own, which SQLite lets writers go on beside (PASSIVE never
// waits for a lock); it also looks once a second. The log stays as short as before, so reading a
// page costs what it did; under writes faster than the thread copies, the bot's commit copies it
// itself past 4,000 pages, as it did before at 1,000. When the thread cannot start, the bot's
// connection checkpoints as before.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace SQLite {
class Database;
}

namespace bot {

class SqliteCheckpointer {
 public:
  explicit SqliteCheckpointer(std::string path, std::chrono::milliseconds every = std::chrono::seconds(1));
  ~SqliteCheckpointer();  // unhooks the bot's connection, then the thread ends
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Opens the thread's own connection, starts it and hooks `writer` (the bot's connection, which
  // must outlive this); false (logged, nothing changed) when the file cannot be opened a second
  // time. Call once, after the file is in WAL mode.
  bool start(sqlite3* writer);

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int log_pages);
  void loop();
  void checkpoint();

  // SQLite's own threshold (wal_autocheckpoint's default).
  static constexpr int kLogPages = 1000;
  // Past this (16 MB) the writer checkpoints itself, as before: the thread does not keep up.
  static constexpr int kMostLogPages = 4 * kLogPages;

  std::string path_;
  std::chrono::milliseconds every_;
  std::unique_ptr<SQLite::Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  sqlite3* writer_ = nullptr;
  bool stopping_ = false;
  bool wanted_ = false;  // the log passed kLogPages since the last checkpoint
  std::thread thread_;
};

}  // namespace bot
