#pragma once
// Adapter settings the config loader cannot judge (it knows no adapter), checked by the adapters'
// own rules and reported like the loader's problems: "file:line: message".
#include <ostream>

#include "bot/config.hpp"

namespace cli {

// Checks adapters.teams when it is enabled. Prints each problem to `out` and returns false if any.
bool check_teams_settings(const bot::DistrictConfig& config, std::ostream& out);
// The same for adapters.slack.
bool check_slack_settings(const bot::DistrictConfig& config, std::ostream& out);

}  // namespace cli
