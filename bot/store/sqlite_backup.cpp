#include "bot/store/sqlite_backup.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace bot {

BackupResult copy_sqlite_database(const std::filesystem::path& from, const std::filesystem::path& to) {
  BackupResult result;
  try {
    SQLite::Database source(from.string(), SQLite::OPEN_READONLY);
    SQLite::Database target(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(target, source);
    // In steps, so a running bot's writes are not held up; a busy source is waited for a while.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      const int rc = backup.executeStep(256);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (std::chrono::steady_clock::now() > give_up)
          throw std::runtime_error("the database stayed busy for a minute; try again when it is quieter");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    result.pages = backup.getTotalPageCount();
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(to, ec);
    throw std::runtime_error(e.what());
  }
  return result;
}

}  // namespace bot
