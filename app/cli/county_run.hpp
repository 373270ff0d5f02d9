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
  size_t command_threads = 2;               // HALLPASS_COMMAND_THREADS (PostgreSQL only)
};

int run_county(CountyRunOptions options);

// One district's file named from the county's, key before the extension: hallpass.db (the
// county's own rows, the adapters' state, when --db names a SQLite file) → hallpass.<key>.db a
// district's rows; HALLPASS_AUDIT_ANCHOR anchors.log → anchors.<key>.log, its audit chain's heads.
// The empty key (the county's own) is the county's file.
std::string district_file(const std::string& county_file, const std::string& key);

}  // namespace cli
