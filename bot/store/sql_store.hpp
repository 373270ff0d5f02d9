#pragma once
// The store written once on SqlConnection (sql_store*.cpp), for both backends. Only the
// backends' open functions (sqlite_store.cpp, postgres_store.cpp) make one.
#include <memory>
#include <string>

#include "bot/store/sql_connection.hpp"
#include "bot/store/store.hpp"

namespace bot {

// `name` says which database messages speak of (a file path, or PostgreSQL's host and database,
// never a password). Migrates when `options.mode` allows it, then checks the audit key and the
// anchor file. Throws StoreOpenError.
std::unique_ptr<Store> make_sql_store(std::unique_ptr<SqlConnection> db, const StoreOptions& options,
                                      const std::string& name);

// The connection behind a SharedDatabase (store.hpp), which open_district_store views. `name` as
// for make_sql_store.
std::shared_ptr<SharedDatabase> share_connection(std::unique_ptr<SqlConnection> db, const std::string& name);

// Refuses (StoreOpenError) a district key that is not [a-z0-9-]{0,63}, and any district key for
// SQLite, before anything is read.
void check_district(const StoreOptions& options, SqlBackend backend);

// Refuses (StoreOpenError) an audit key too short to be a secret, before anything is opened.
void check_audit_key_length(const StoreOptions& options);

}  // namespace bot
