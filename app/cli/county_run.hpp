#pragma once
// hallpass run --districts DIR: one worker serving a county folder's districts (docs/scale-out.md).
#include <chrono>
#include <optional>
#include <string>

#include "app/admin_server.hpp"

namespace cli {

struct CountyRunOptions {
  std::string dir;                          // --districts, or HALLPASS_DISTRICTS_DIR
  std::string db;                           // --db (a SQLite file, or a postgres:// URL)
  std::optional<app::AdminOptions> admin;   // --admin-port
  std::string worker_id;                    // host:pid:random
  std::chrono::milliseconds lease{60'000};  // HALLPASS_LEASE_SECONDS
};

int run_county(CountyRunOptions options);

// The SQLite file of one district of a county when --db names a SQLite file: hallpass.db holds
// the county's own rows (the adapters' state), hallpass.<key>.db a district's. A SQLite file
// keeps its keys without the district, so each district has a file of its own there. The audit
// anchor file (HALLPASS_AUDIT_ANCHOR) is named the same way: a chain per district.
std::string county_sqlite_file(const std::string& db, const std::string& key);

}  // namespace cli
