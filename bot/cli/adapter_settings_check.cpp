#include "bot/cli/adapter_settings_check.hpp"

#include "adapters/teams/teams_adapter.hpp"

namespace cli {

bool check_teams_settings(const bot::DistrictConfig& config, std::ostream& out) {
  auto it = config.adapters.find("teams");
  if (it == config.adapters.end() || !it->second.enabled) return true;
  const bot::AdapterSettings& teams = it->second;
  auto problems = adapters::teams::check_settings(teams.settings);
  for (const auto& p : problems) {
    auto line = teams.lines.find(p.key);
    // A missing setting has no line of its own: point at the section.
    const int at = line != teams.lines.end() ? line->second : teams.line;
    out << config.file.string() << ':' << at << ": " << p.message << " (see docs/teams.md)\n";
  }
  return problems.empty();
}

}  // namespace cli
