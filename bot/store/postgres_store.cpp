// Opening the store on PostgreSQL: the server's checks before the shared set-up (sql_store.cpp
// holds the statements, shared with SQLite).
#include "bot/store/postgres_connection.hpp"
#include "bot/store/sql_dialect.hpp"
#include "bot/store/sql_store.hpp"
#include "bot/store/store.hpp"

namespace bot {

namespace {

// Connected, and the database checked: a Hallpass one (or empty), not newer than this build.
std::unique_ptr<SqlConnection> connect_checked(const std::string& conninfo, const StoreOptions& options,
                                               const std::string& name) {
  std::unique_ptr<SqlConnection> db;
  try {
    db = postgres_connection(conninfo);
  } catch (const SqlError& e) {
    throw StoreOpenError("cannot open the store in " + name + " (" + e.what() +
                         "): check the database URL (--db postgres://…, or HALLPASS_DATABASE_URL, "
                         "HALLPASS_DATABASE_URL_FILE or the credential HALLPASS_DATABASE_URL), that the server "
                         "runs and that it lets this user in");
  }
  try {
    const int current = schema_version_of(*db);
    if (current > newest_schema_version(SqlBackend::postgres))
      throw StoreOpenError(name + " holds a newer Hallpass schema (" + std::to_string(current) +
                           "); upgrade Hallpass before opening it");
    if (current == 0 && has_any_table(*db))
      throw StoreOpenError(name +
                           " has tables that are not Hallpass's: give Hallpass a database of its own "
                           "(createdb hallpass)");
    if (options.mode == OpenMode::read_only) {
      if (current == 0) throw StoreOpenError(name + " holds no Hallpass store yet: run the bot once to create it");
      db->execute_script("SET default_transaction_read_only = on");
    }
  } catch (const SqlError& e) {
    throw StoreOpenError("cannot open the store in " + name + ": " + e.what());
  }
  return db;
}

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& conninfo, const StoreOptions& options) {
  check_audit_key_length(options);
  check_district(options, SqlBackend::postgres);
  const std::string name = postgres_display_name(conninfo);
  auto db = connect_checked(conninfo, options, name);
  try {
    return make_sql_store(std::move(db), options, name);
  } catch (const SqlError& e) {
    throw StoreOpenError("cannot open the store in " + name + ": " + e.what());
  }
}

std::shared_ptr<SharedDatabase> open_shared_postgres(const std::string& conninfo, const StoreOptions& options) {
  check_audit_key_length(options);
  const std::string name = postgres_display_name(conninfo);
  return share_connection(connect_checked(conninfo, options, name), name);
}

}  // namespace bot
