#pragma once
// The PostgreSQL backend of SqlConnection, on libpq. Statements are written with `?` or `?N` like
// SQLite's; this backend turns them into `$1…` and prepares each once per connection. Errors are
// SqlError with the server's message (libpq never puts the password in one).
#include <memory>
#include <string>

#include "bot/store/sql_connection.hpp"

namespace bot {

// Connects (conninfo: a libpq keyword string or a postgres:// URL). Throws SqlError with libpq's
// first line of explanation when the server is unreachable or refuses.
std::unique_ptr<SqlConnection> postgres_connection(const std::string& conninfo);

// `?`, `?N` → `$N`, outside quoted text; with the district `?D` in it, `?D` → `$1` and the others
// one further (`?` → `$2`, `?1` → `$2`). Exposed for its test.
std::string postgres_placeholders(std::string_view sql);

// "host:port/database" of a conninfo, for messages: never the password.
std::string postgres_display_name(const std::string& conninfo);

}  // namespace bot
