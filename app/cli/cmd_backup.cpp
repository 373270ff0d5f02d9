// hallpass backup / hallpass restore: a consistent copy of the database, and putting one back.
#include <filesystem>
#include <iostream>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/store/sqlite_backup.hpp"
#include "bot/store/store.hpp"

namespace cli {
namespace {

constexpr const char* kBackupHelp = R"(Usage: hallpass backup --db FILE --to NEW_FILE

Writes a consistent copy of the database to NEW_FILE (created 0600; it must not exist yet) with
SQLite's online backup, so Hallpass may keep running meanwhile. The copy holds incident reports
word for word: keep it where only the service's administrators can read it.
)";

constexpr const char* kRestoreHelp = R"(Usage: hallpass restore --from BACKUP --db FILE

Puts a backup made by `hallpass backup` back as the database FILE. Stop Hallpass first
(systemctl stop hallpass). The current FILE, if any, is first copied to FILE.before-restore, so a
restore can be undone. The backup is checked to be a Hallpass database before anything changes.
)";

// A Hallpass database this version can read, or why not (the store's own checks, read-only).
bool is_hallpass_database(std::string_view command, const std::string& path) {
  return open_store(command, path, bot::OpenMode::read_only, std::cerr) != nullptr;
}

// hallpass backup and restore copy SQLite files; a PostgreSQL store is its server's to copy.
bool refuse_postgres(std::string_view command, const std::string& db) {
  const StoreChoice choice = store_choice(db);
  if (!choice.error.empty()) return std::cerr << "hallpass " << command << ": " << choice.error << '\n', true;
  if (!choice.postgres) return false;
  std::cerr << "hallpass " << command << ": the store is " << choice.shown << "; hallpass " << command
            << " copies SQLite files only. Use PostgreSQL's own tools: "
            << "pg_dump -Fc (backup) and pg_restore (restore), or the server's continuous archiving.\n";
  return true;
}

}  // namespace

int cmd_backup(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db", "--to"}, {"--help"});
  if (a.has("--help")) return std::cout << kBackupHelp, 0;
  if (!a.error.empty() || !a.has("--to")) {
    std::cerr << "hallpass backup: " << (a.error.empty() ? "--to NEW_FILE is required" : a.error) << "\n\n"
              << kBackupHelp;
    return 2;
  }
  const std::string db = a.get("--db", "hallpass.db");
  const std::string to = a.get("--to");
  if (refuse_postgres("backup", db)) return 1;
  std::error_code ec;
  if (std::filesystem::exists(to, ec))
    return std::cerr << "hallpass backup: " << to << " already exists; name a new file.\n", 1;
  if (!is_hallpass_database("backup", db)) return 1;
  try {
    const auto copied = bot::copy_sqlite_database(db, to);
    if (!is_hallpass_database("backup", to)) return 1;
    std::cout << "Backed up " << db << " to " << to << " (" << copied.pages << " pages).\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hallpass backup: " << db << " could not be copied: " << e.what() << ". Nothing was written.\n";
    return 1;
  }
}

int cmd_restore(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db", "--from"}, {"--help"});
  if (a.has("--help")) return std::cout << kRestoreHelp, 0;
  if (!a.error.empty() || !a.has("--from") || !a.has("--db")) {
    std::cerr << "hallpass restore: " << (a.error.empty() ? "--from BACKUP and --db FILE are required" : a.error)
              << "\n\n"
              << kRestoreHelp;
    return 2;
  }
  const std::string from = a.get("--from");
  const std::string db = a.get("--db");
  if (refuse_postgres("restore", db)) return 1;
  if (!is_hallpass_database("restore", from)) return 1;
  std::error_code ec;
  try {
    if (std::filesystem::exists(db, ec)) {
      const std::string before = db + ".before-restore";
      if (std::filesystem::exists(before, ec))
        return std::cerr << "hallpass restore: " << before
                         << " exists from an earlier restore; move it away first. Nothing was changed.\n",
               1;
      bot::copy_sqlite_database(db, before);
      std::cout << "The current database was copied to " << before << ".\n";
    }
    const auto copied = bot::copy_sqlite_database(from, db);
    std::cout << "Restored " << from << " as " << db << " (" << copied.pages
              << " pages). Start Hallpass again; it upgrades the database if the backup is older.\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hallpass restore: " << e.what() << ".\n";
    return 1;
  }
}

}  // namespace cli
