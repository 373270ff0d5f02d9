#pragma once
// How Hallpass logs: the level and the format, chosen by the IT team, not fixed in the code.
//   --log-level trace|debug|info|warn|error|critical|off   (or HALLPASS_LOG_LEVEL; SPDLOG_LEVEL too)
//   --log-format text|json                                 (or HALLPASS_LOG_FORMAT)
// JSON is one object per line (time, level, logger, message) for log collectors.
#include <ostream>
#include <string>
#include <vector>

namespace cli {

// Takes the logging options out of `args` (they may stand anywhere after the program name, so
// `hallpass run --config x --log-level debug` works), applies them with the environment's, and
// returns false with a clear message on `err` when a value is not one the options know.
bool configure_logging(std::vector<std::string>& args, std::ostream& err);

// Where a running bot announces itself ("Hallpass web chat: http://…"): standard output as text,
// or, with --log-format json, a log line like every other, so the stream stays one object per line.
std::ostream& announcements();

}  // namespace cli
