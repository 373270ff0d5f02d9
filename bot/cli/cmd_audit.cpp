// hallpass audit verify: checks the hash chain of the audit log.
#include <iostream>

#include "bot/cli/args.hpp"
#include "bot/cli/commands.hpp"
#include "bot/store.hpp"

namespace cli {

int cmd_audit(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db"}, {"--help"});
  if (a.has("--help") || !a.error.empty() || a.positional.size() != 1 || a.positional.front() != "verify") {
    std::cout << "Usage: hallpass audit verify [--db FILE]\n\nRecomputes the audit log's hash chain and reports the "
                 "first row that was altered or removed (exit code 1), or that the log is intact.\n";
    return a.has("--help") ? 0 : 2;
  }
  auto store = bot::open_sqlite_store(a.get("--db", "hallpass.db"));
  auto check = store->verify_audit();
  if (check.ok) {
    std::cout << "audit log intact: " << check.rows << " rows verified.\n";
    return 0;
  }
  std::cout << "audit log ALTERED: " << check.problem << " (first bad row: " << check.first_bad_seq << ").\n";
  return 1;
}

}  // namespace cli
