// hallpass check-config: validates a district configuration and explains every problem.
#include <iostream>

#include "bot/cli/adapter_settings_check.hpp"
#include "bot/cli/args.hpp"
#include "bot/cli/commands.hpp"
#include "bot/district.hpp"

namespace cli {

int cmd_check_config(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {}, {"--help"});
  if (a.has("--help") || a.positional.size() != 1 || !a.error.empty()) {
    std::cout << "Usage: hallpass check-config FILE\n\nChecks a district configuration: every problem is reported "
                 "with the file, the line and what to do, and the exit code is non-zero.\n";
    return a.has("--help") ? 0 : 2;
  }
  auto district = bot::load_district(a.positional.front(), std::cerr);
  if (!district) return 1;
  const auto& c = district->config;
  // Settings the loader cannot judge (ranges, modes, unknown keys) are checked by the adapters
  // that read them; both are reported before giving up.
  const bool teams_ok = check_teams_settings(c, std::cerr);
  const bool slack_ok = check_slack_settings(c, std::cerr);
  if (!teams_ok || !slack_ok) return 1;
  std::cout << a.positional.front() << ": OK — " << c.name << ", " << c.sites.size() << " sites, " << c.people.size()
            << " people, " << c.policies.size() << " policy documents"
            << (district->policy ? " (" + std::to_string(district->policy->passages().size()) + " passages)" : "")
            << ", review window " << c.review.days << ' '
            << (c.review.counting == bot::DayCounting::school ? "school" : "calendar") << " days, time zone "
            << c.time_zone << ".\n";
  return 0;
}

}  // namespace cli
