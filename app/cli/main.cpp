// hallpass: the command line. One binary; each subcommand explains itself with --help.
#include <sys/stat.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/cli/logging_setup.hpp"

namespace {

constexpr const char* kUsage = R"(Hallpass — a school district's social media policy, inside its chat tools.

Usage: hallpass <command> [options]

Commands:
  demo           start the bot with the built-in web chat (no accounts needed)
  run            start the bot with the adapters the district config enables
  console        talk to the bot from a terminal, as one person of the directory
  ask "…"        answer a policy question from the district's policy documents
  check-config   check a district config file and explain every problem
  audit verify   check that the audit log was not altered
  digest --dry-run  print tonight's digests as they would go out, sending nothing
  registry export   the official accounts for Employee Relations and Ethics (CSV), no passwords
  outbox         list the messages that failed or may not have been delivered
  backup         copy the database consistently, even while the bot runs
  restore        put a backup back as the database (stop the bot first)
  reload         make the running bot read its district file again
  acknowledgements  who read the District's policy, and when, as CSV (per site with --site)
  records        public records: export a case file, verify an export, prune, legal holds

Logging, for every command:
  --log-level L  trace, debug, info (the default), warn, error, critical or off (or HALLPASS_LOG_LEVEL)
  --log-format F text (the default) or json, one object per line (or HALLPASS_LOG_FORMAT)

  --help         this text (each command has its own: hallpass <command> --help)
  --version      the version
)";

int dispatch(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::cout << "hallpass " << HALLPASS_VERSION << '\n';
    return 0;
  }
  if (cmd == "console") return cli::cmd_console(argc, argv);
  if (cmd == "check-config") return cli::cmd_check_config(argc, argv);
  if (cmd == "ask") return cli::cmd_ask(argc, argv);
  if (cmd == "audit") return cli::cmd_audit(argc, argv);
  if (cmd == "digest") return cli::cmd_digest(argc, argv);
  if (cmd == "registry") return cli::cmd_registry(argc, argv);
  if (cmd == "outbox") return cli::cmd_outbox(argc, argv);
  if (cmd == "backup") return cli::cmd_backup(argc, argv);
  if (cmd == "restore") return cli::cmd_restore(argc, argv);
  if (cmd == "reload") return cli::cmd_reload(argc, argv);
  if (cmd == "run") return cli::cmd_run(argc, argv, false);
  if (cmd == "demo") return cli::cmd_run(argc, argv, true);
  if (cmd == "acknowledgements") return cli::cmd_acknowledgements(argc, argv);
  if (cmd == "records") return cli::cmd_records(argc, argv);
  std::cerr << "hallpass: unknown command '" << cmd << "'. Run hallpass --help for the list.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything Hallpass creates is its owner's alone: the database (and its -wal and -shm) holds
  // incident reports, word for word. The systemd unit sets UMask=0077 as well.
  ::umask(0077);
  // The last guard: a command explains a failure in one line and exits non-zero, never aborts.
  try {
    std::vector<std::string> args(argv, argv + argc);
    if (!cli::configure_logging(args, std::cerr)) return 2;
    std::vector<char*> rest;
    for (auto& a : args) rest.push_back(a.data());
    rest.push_back(nullptr);
    return dispatch(static_cast<int>(args.size()), rest.data());
  } catch (const std::exception& e) {
    std::cerr << "hallpass" << (argc > 1 ? std::string(" ") + argv[1] : std::string()) << ": " << e.what() << '\n';
  } catch (...) {
    std::cerr << "hallpass: an unexpected error stopped the command\n";
  }
  return 1;
}
