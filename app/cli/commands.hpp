#pragma once
// The hallpass subcommands; each returns the process exit code.
namespace cli {
int cmd_console(int argc, char** argv);
int cmd_check_config(int argc, char** argv);
int cmd_ask(int argc, char** argv);
int cmd_audit(int argc, char** argv);
int cmd_digest(int argc, char** argv);
int cmd_outbox(int argc, char** argv);
int cmd_backup(int argc, char** argv);
int cmd_restore(int argc, char** argv);
int cmd_run(int argc, char** argv, bool demo);
int cmd_reload(int argc, char** argv);
int cmd_acknowledgements(int argc, char** argv);
int cmd_records(int argc, char** argv);  // issue 22
int cmd_registry(int argc, char** argv);
}  // namespace cli
