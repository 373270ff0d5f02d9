#pragma once
// Opening the database for a command: the bot's commands (run, demo, console) create it, the
// others only read it. The audit key and anchor file come from the environment:
//   HALLPASS_AUDIT_KEY     the HMAC key of the audit chain (never printed)
//   HALLPASS_AUDIT_ANCHOR  a file each committed audit head is appended to (bot commands only)
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "bot/store/store.hpp"

namespace cli {

// The options a command opens its database with, read from the environment.
bot::StoreOptions store_options(bot::OpenMode mode);

// Opens `path`; on failure prints "hallpass <command>: <why>" to err and returns null.
std::unique_ptr<bot::Store> open_store(std::string_view command, const std::string& path, bot::OpenMode mode,
                                       std::ostream& err);

}  // namespace cli
