#pragma once
// The store: everything Hallpass remembers, behind interfaces, in an SQLite file or a PostgreSQL
// database (bot/store/sql_store.cpp writes each statement once for both; sqlite_connection.cpp,
// sqlite_store.cpp and sqlite_backup.cpp are the only files that include SQLiteCpp, postgres_connection.cpp
// the only one that includes libpq). The
// workflows see only the domain's repositories (domain_store.hpp); the core and the app also the delivery machinery
// (delivery_store.hpp).
//
// All calls run on the bot's thread. A Transaction groups a state change with the messages it
// causes: both are written, or neither.
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

#include "bot/store/delivery_store.hpp"
#include "bot/store/domain_store.hpp"
#include "bot/store/store_statistics.hpp"

namespace bot {

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed
  virtual void commit() = 0;
};

// The whole store, as the core and the app hold it: the domain's repositories (what a turn hands
// the workflows), the delivery machinery, its statistics, and the transaction a turn runs in.
class Store : public DomainStore, public DeliveryStore, public StatisticsSource {
 public:
  virtual std::unique_ptr<Transaction> begin() = 0;
};

enum class OpenMode {
  create,     // the bot (run, demo, console): created if missing (0600), migrated, read-write
  read_only,  // commands that only read (audit, outbox, digest): must exist; never written or migrated
};

struct StoreOptions {
  OpenMode mode = OpenMode::create;
  // HMAC-SHA256 key for the audit chain (from HALLPASS_AUDIT_KEY); empty: plain SHA-256.
  // Kept in memory only: never written, logged or put in a message.
  std::string audit_key;
  // When set, each committed audit head is appended to this file ("seq hash time"), which
  // `hallpass audit verify --anchor FILE` compares against.
  std::string anchor_file;
  // Whose rows these are, when districts share one PostgreSQL database (issue 23): a short key such
  // as "lincoln-usd" (lowercase letters, digits, '-', up to 63). Every statement is scoped to it, and
  // ids (R-1001…) and the audit chain are the district's own. Empty: the district of a database
  // without a key (every SQLite file; a PostgreSQL database serving one district).
  std::string district;
};

// Why a database could not be opened, as one line that says what to do.
class StoreOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Opens the SQLite file and, when it may write, brings its schema up to date. ":memory:" works.
// Refuses (StoreOpenError) a missing file in read_only mode, a missing folder, a file that is not
// a Hallpass database, one from a newer Hallpass, and an audit key that does not fit the log.
// An existing file that others may read is made 0600 (and logged) when opened read-write.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreOptions& options = {});

// Opens the store in a PostgreSQL database (conninfo: a libpq keyword string or a postgres:// URL;
// the password from the URL, PGPASSWORD or PGPASSFILE, never logged) and, when it may write, brings
// its schema up to date. Refuses (StoreOpenError, one sentence) a server that cannot be reached or
// refuses, a database with tables that are not Hallpass's, one with a newer schema, and an audit
// key that does not fit the log. Statements block the calling thread, as SQLite's do.
std::unique_ptr<Store> open_postgres_store(const std::string& conninfo, const StoreOptions& options = {});

// One PostgreSQL connection shared by many districts' stores (hallpass run --districts, issue 23):
// a server allows about a hundred connections, a county has up to a thousand districts. Sharing is
// safe because every store on it is used on the bot's one thread and no transaction spans an
// await, so two districts' statements never meet inside one transaction.
class SharedDatabase {
 public:
  virtual ~SharedDatabase() = default;
};

// Connects once and checks the database as open_postgres_store does (options.district is not
// used: each district's store names its own). Throws StoreOpenError.
std::shared_ptr<SharedDatabase> open_shared_postgres(const std::string& conninfo, const StoreOptions& options);

// One district's store on the shared connection: its own rows, ids and audit chain (the key in
// options.district; empty for the county's own rows). Migrates the schema the first time. Throws
// StoreOpenError.
std::unique_ptr<Store> open_district_store(const std::shared_ptr<SharedDatabase>& db, const StoreOptions& options);

// The shortest audit key accepted (characters).
inline constexpr std::size_t kMinAuditKeyLength = 32;

// The current schema version, for `hallpass --version` and the migrations test.
int schema_version(Store& store);

}  // namespace bot
