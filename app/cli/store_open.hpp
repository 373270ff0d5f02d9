#pragma once
// Opening the database for a command: the bot's commands (run, demo, console) create it, the
// others only read it. The audit key and anchor file come from the environment:
//   HALLPASS_AUDIT_KEY     the HMAC key of the audit chain (never printed)
//   HALLPASS_AUDIT_ANCHOR  a file each committed audit head is appended to (bot commands only)
// The store is the SQLite file --db (the default, one district), or PostgreSQL when --db is a
// postgres:// or postgresql:// URL, or when HALLPASS_DATABASE_URL is set (a URL or a libpq
// keyword string; like every secret also HALLPASS_DATABASE_URL_FILE or the systemd credential
// HALLPASS_DATABASE_URL). Then --db FILE is not used. The URL's password is never printed.
//   HALLPASS_DISTRICT      the district key when districts share a PostgreSQL database (or --district)
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "bot/store/store.hpp"

namespace cli {

// Which store a command would use, decided without opening anything.
struct StoreChoice {
  bool postgres = false;
  std::string target;  // the SQLite path, or the PostgreSQL conninfo (holds the password: never print it)
  std::string shown;   // for people: "the SQLite file hallpass.db", "PostgreSQL at db.example:5432, database hallpass"
  // Set when the database URL was asked for and cannot be read (HALLPASS_DATABASE_URL_FILE names a
  // missing, unreadable or empty file): the command stops instead of falling back to SQLite.
  std::string error;
};
StoreChoice store_choice(const std::string& db_argument);

// The last line of the help of every command that takes --district, in one place. A macro, so each
// command's help stays one string literal.
#define HALLPASS_DISTRICT_HELP \
  "--district KEY (or HALLPASS_DISTRICT): that district's rows, when districts share a PostgreSQL database.\n"

// The district key a command uses: --district when given, else HALLPASS_DISTRICT, else none.
std::string store_district(const std::string& district_argument);

// The options a command opens its database with, read from the environment.
bot::StoreOptions store_options(bot::OpenMode mode, const std::string& district_argument = {});

// Opens the store `db_argument` (--db) chooses; on failure prints "hallpass <command>: <why>" to
// err and returns null.
std::unique_ptr<bot::Store> open_store(std::string_view command, const std::string& db_argument, bot::OpenMode mode,
                                       std::ostream& err, const std::string& district_argument = {});

}  // namespace cli
