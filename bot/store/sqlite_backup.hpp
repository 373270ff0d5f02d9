#pragma once
// A consistent copy of a Hallpass database, taken with SQLite's online backup API: the bot may
// keep running (and writing) while it is taken, and the copy is one moment of the database,
// never a file copied half-way through a write (which `cp` of a live -wal database can be).
#include <filesystem>

namespace bot {

struct BackupResult {
  int pages = 0;
};

// Copies `from` into `to`. Throws std::runtime_error with a one-line reason a person can act on
// when the copy cannot be made; `to` is then removed, never left half-written.
BackupResult copy_sqlite_database(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace bot
