#pragma once
// Where SQLite and PostgreSQL must differ: their schemas (SQLite's published migrations 1–7 and
// PostgreSQL's own list), where each keeps its schema version, how a table is looked up in the
// catalogue, and how space is given back. Every other statement is shared (sql_store*.cpp).
#include <string>

#include "bot/store/sql_connection.hpp"

namespace bot {

// The schema version the database holds (0: none yet) and the newest this build knows.
int schema_version_of(SqlConnection& db);
int newest_schema_version(SqlBackend backend);
// Applies the migrations after the current version, each in its own transaction.
void migrate_schema(SqlConnection& db);
// Whether any table exists at all (a database that is not Hallpass's has some, and no version).
bool has_any_table(SqlConnection& db);
bool has_table(SqlConnection& db, const char* name);
// Inside a transaction: waits until no other writer appends to the audit chain, until commit.
// SQLite: nothing to do, one writer holds the database. PostgreSQL: a transaction advisory lock on
// a hash of the district key,
// so workers on one database append one after the other and never fork the chain.
void lock_audit_chain(SqlConnection& db, const std::string& district);
// Whether the schema has the district key (SQLite 9, PostgreSQL 3): a read-only command on an
// older database reads it without one.
bool has_district_column(SqlConnection& db);
// What a SELECT that picks rows to claim ends with: PostgreSQL skips the rows another worker's
// transaction holds; SQLite, one writer at a time, needs nothing.
const char* skip_locked(SqlConnection& db);
// Gives the space of deleted rows back to the file system.
void compact_database(SqlConnection& db);

}  // namespace bot
