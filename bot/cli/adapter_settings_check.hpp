#pragma once
// The Slack and Teams settings checked again by their adapters' rules and printed like the
// loader's problems ("file:line: message"). The config loader already applies the same rules to
// every adapter section (adapters/settings/platform_settings.hpp), so after bot::load_district
// these find nothing; cmd_run still calls them and can drop them.
#include <ostream>

#include "bot/config.hpp"

namespace cli {

// Checks adapters.teams when it is enabled. Prints each problem to `out` and returns false if any.
bool check_teams_settings(const bot::DistrictConfig& config, std::ostream& out);
// The same for adapters.slack.
bool check_slack_settings(const bot::DistrictConfig& config, std::ostream& out);

}  // namespace cli
