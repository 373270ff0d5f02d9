// Opening the SQLite file: the checks a file needs before SQLite sees it, SQLite's pragmas, and the
// store on the SQLite backend (sql_store.cpp holds the statements, shared with PostgreSQL).
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "bot/store/sql_dialect.hpp"
#include "bot/store/sql_store.hpp"
#include "bot/store/sqlite_connection.hpp"
#include "bot/store/store.hpp"

namespace bot {
namespace {

// Restricts the database and its -wal and -shm to their owner: they hold incident reports.
void restrict_modes(const std::string& path) {
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) continue;
    const unsigned before = st.st_mode & 07777, after = st.st_mode & 0700;
    if (::chmod(file.c_str(), after) == 0)
      spdlog::warn(
          "{} could be read by other users (mode {:04o}); it is now {:04o}, owner only: it holds incident "
          "reports",
          file, before, after);
    else
      spdlog::warn("{} can be read by other users (mode {:04o}) and could not be changed ({}): run chmod 600 on it",
                   file, before, std::strerror(errno));
  }
}

// Checks the path before SQLite sees it: SQLite would create a missing file where a command only
// reads, and it gives -wal and -shm the database file's own mode.
void prepare_file(const std::string& path, OpenMode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw StoreOpenError("cannot open " + path + ": " + ec.message());
  if (fs::is_directory(st)) throw StoreOpenError(path + " is a folder, not a database file: name a file with --db");
  if (fs::exists(st)) {
    if (mode == OpenMode::read_only && fs::is_regular_file(st) && fs::file_size(path, ec) == 0 && !ec)
      throw StoreOpenError(path + " is empty: it is not a Hallpass database. Check the file given with --db");
    return;
  }
  if (mode == OpenMode::read_only)
    throw StoreOpenError("no database at " + path +
                         ": check the file given with --db (this command only reads, it "
                         "creates nothing)");
  const fs::path folder = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(folder, ec))
    throw StoreOpenError("the folder " + folder.string() + " does not exist, so " + path +
                         " cannot be created: create the folder, or name another file with --db");
  // Created owner-only whatever the umask: SQLite then creates -wal and -shm with the same mode.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno != EEXIST) throw StoreOpenError("cannot create " + path + ": " + std::strerror(errno));
  if (fd >= 0) ::close(fd);
}

std::string explain(const std::string& path, const SQLite::Exception& e) {
  switch (e.getErrorCode()) {
    case SQLITE_NOTADB:
      return path + " is not a Hallpass database (it is not an SQLite file at all): check the file given with --db";
    case SQLITE_CORRUPT: return path + " is damaged (" + e.what() + "): restore it from a backup";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return path + " is locked by another program (" + e.what() + "): try again";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return "cannot open " + path + " (" + e.what() + "): check that this user may read and write it and its folder";
    default: return "cannot open " + path + ": " + e.what();
  }
}

// The file's own checks and pragmas, before the shared set-up. Throws StoreOpenError (or
// SQLite::Exception, which open_sqlite_store explains).
void set_up_file(SQLite::Database& db, SqlConnection& conn, const std::string& path, OpenMode mode) {
  db.exec("PRAGMA busy_timeout=5000");
  const int current = schema_version_of(conn);  // the first read: a file that is not SQLite fails here
  if (current > newest_schema_version(SqlBackend::sqlite))
    throw StoreOpenError(path + " was written by a newer Hallpass (schema " + std::to_string(current) +
                         "); upgrade Hallpass before opening it");
  if (current == 0) {
    // Hallpass numbers its schema from 1: tables without a number belong to some other program.
    if (has_any_table(conn))
      throw StoreOpenError(path +
                           " is an SQLite database, but not a Hallpass one (its tables are not "
                           "Hallpass's): check the file given with --db");
    if (mode == OpenMode::read_only)
      throw StoreOpenError(path + " is an empty database, not Hallpass's: check the file given with --db");
  }
  if (mode == OpenMode::read_only) {
    db.exec("PRAGMA query_only=ON");
    return;
  }
  // Only once the file is known to be Hallpass's: a file refused above keeps its mode too.
  if (path != ":memory:" && !path.empty()) restrict_modes(path);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");  // WAL + NORMAL: durable across process crashes
  db.exec("PRAGMA foreign_keys=ON");
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options) {
  check_audit_key_length(options);
  check_district(options, SqlBackend::sqlite);
  if (path != ":memory:" && !path.empty()) prepare_file(path, options.mode);
  try {
    const int flags =
        (options.mode == OpenMode::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) |
        SQLite::OPEN_FULLMUTEX;
    auto db = std::make_unique<SQLite::Database>(path, flags);
    SQLite::Database& file = *db;
    const bool file_written = options.mode != OpenMode::read_only && path != ":memory:" && !path.empty();
    auto checkpointer = file_written ? std::make_unique<SqliteCheckpointer>(path) : nullptr;
    SqliteCheckpointer* checkpoints = checkpointer.get();
    auto conn = sqlite_connection(std::move(db), std::move(checkpointer));
    set_up_file(file, *conn, path, options.mode);
    // From here commits leave copying the log back to the checkpointer's thread.
    if (checkpoints) checkpoints->start(file.getHandle());
    return make_sql_store(std::move(conn), options, path);
  } catch (const SQLite::Exception& e) {
    throw StoreOpenError(explain(path, e));
  }
}

}  // namespace bot
