// hallpass check-config: validates a district configuration and explains every problem.
#include <iostream>

#include "adapters/slack/slack_adapter.hpp"
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
  if (!check_teams_settings(c, std::cerr)) return 1;
  // Settings the loader cannot judge (ranges, modes) are checked by the adapter that reads them.
  if (auto it = c.adapters.find("slack"); it != c.adapters.end() && it->second.enabled) {
    try {
      adapters::slack::options_from_settings(it->second.settings);
    } catch (const std::exception& e) {
      std::cerr << a.positional.front() << ": " << e.what() << " (see docs/slack.md)\n";
      return 1;
    }
  }
  std::cout << a.positional.front() << ": OK — " << c.name << ", " << c.sites.size() << " sites, " << c.people.size()
            << " people, " << c.policies.size() << " policy documents"
            << (district->policy ? " (" + std::to_string(district->policy->passages().size()) + " passages)" : "")
            << ", review window " << c.review.days << ' '
            << (c.review.counting == bot::DayCounting::school ? "school" : "calendar") << " days, time zone "
            << c.time_zone << ".\n";
  return 0;
}

}  // namespace cli
