// hallpass audit verify: checks the audit log's hash chain, its head and, given a file of
// anchors, the heads recorded outside the database. It only reads the database.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/store/audit_anchor.hpp"
#include "bot/store/store.hpp"

namespace cli {

namespace {
constexpr const char* kHelp = R"(Usage: hallpass audit verify [--db FILE] [--anchor FILE [--record]]

Recomputes the audit log's hash chain and checks its head. Reports the first row that was
altered, removed, or added outside Hallpass (exit code 1), or that the log is intact (exit 0),
and prints the head (the newest row's number and hash). The database is only read.

  --anchor FILE  also check the heads recorded in FILE, one "SEQ HASH [TIME]" a line: each of
                 those rows must still have that hash. The bot appends one after every change
                 when HALLPASS_AUDIT_ANCHOR names the file; the nightly summary shows the head too.
  --record       when the log is intact, append its head to the --anchor FILE (created if missing)

Environment: HALLPASS_AUDIT_KEY, the key a keyed log was written with (see docs/audit.md).
Default --db: hallpass.db in this folder.
)" HALLPASS_DISTRICT_HELP;
}  // namespace

int cmd_audit(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db", "--district", "--anchor"}, {"--help", "--record"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty() || a.positional.size() != 1 || a.positional.front() != "verify" ||
      (a.has("--record") && !a.has("--anchor"))) {
    std::cerr << "hallpass audit: "
              << (!a.error.empty()                          ? a.error
                  : a.has("--record") && !a.has("--anchor") ? std::string("--record needs --anchor FILE")
                                                            : std::string("the only action is verify"))
              << "\n\n"
              << kHelp;
    return 2;
  }
  const std::string anchor_file = a.get("--anchor");
  bot::AnchorFile anchors;
  bool anchors_ok = true;
  if (!anchor_file.empty() && (std::filesystem::exists(anchor_file) || !a.has("--record"))) {
    anchors = bot::read_anchor_file(anchor_file);
    for (const auto& p : anchors.problems) std::cerr << "hallpass audit: " << p << '\n';
    anchors_ok = anchors.problems.empty();
  }

  auto store =
      open_store("audit", a.get("--db", "hallpass.db"), bot::OpenMode::read_only, std::cerr, a.get("--district"));
  if (!store) return 1;
  const bot::AuditCheck check = store->verify_audit(anchors.anchors);
  if (!check.ok && check.key_missing && check.first_bad_seq == 0) {
    std::cout << "audit log NOT VERIFIED: " << check.problem << ".\n";
    return 1;
  }
  if (!check.ok) {
    std::cout << "audit log ALTERED: " << check.problem << " (first bad row: " << check.first_bad_seq << ").\n";
    return 1;
  }
  if (check.rows == 0) {
    std::cout << "audit log intact: 0 rows (the log is empty).\n";
  } else {
    std::cout << "audit log intact: " << check.rows << " rows verified.\n"
              << "head: #" << check.head.seq << ' ' << check.head.hash << '\n';
    if (check.unkeyed_rows > 0)
      std::cout << "rows #1 to #" << check.unkeyed_rows
                << " were written before HALLPASS_AUDIT_KEY was set: they are chained, not keyed.\n";
    else if (std::getenv("HALLPASS_AUDIT_KEY"))
      std::cout << "every row is keyed.\n";
  }
  if (!anchor_file.empty() && !anchors.anchors.empty())
    std::cout << "matches the " << check.anchors_checked << (check.anchors_checked == 1 ? " anchor" : " anchors")
              << " in " << anchor_file << ".\n";
  if (a.has("--record") && anchors_ok && check.rows > 0) {
    if (auto error = bot::append_anchor(anchor_file, check.head, std::chrono::system_clock::now()); !error.empty()) {
      std::cerr << "hallpass audit: cannot append to " << anchor_file << ": " << error << '\n';
      return 1;
    }
    std::cout << "head recorded in " << anchor_file << ".\n";
  }
  return anchors_ok ? 0 : 1;
}

}  // namespace cli
