#pragma once
// The SQLite backend of SqlConnection, on SQLiteCpp. Errors stay SQLite::Exception (a
// std::runtime_error), so open_sqlite_store can explain them by their code.
#include <memory>
#include <string>

#include "bot/store/sql_connection.hpp"
#include "bot/store/sqlite_checkpointer.hpp"

namespace SQLite {
class Database;
}

namespace bot {

// Wraps an open database; the checkpointer, when given, lives as long as the connection.
std::unique_ptr<SqlConnection> sqlite_connection(std::unique_ptr<SQLite::Database> db,
                                                 std::unique_ptr<SqliteCheckpointer> checkpointer = nullptr);

}  // namespace bot
