#include "bot/cli/adapter_settings_check.hpp"

#include "adapters/slack/slack_adapter.hpp"
#include "adapters/teams/teams_adapter.hpp"

namespace cli {

namespace {

// Prints the problems an adapter found in its enabled section, each at its setting's line.
template <class Check>
bool report(const bot::DistrictConfig& config, const std::string& adapter, Check check, std::ostream& out) {
  auto it = config.adapters.find(adapter);
  if (it == config.adapters.end() || !it->second.enabled) return true;
  const bot::AdapterSettings& section = it->second;
  auto problems = check(section.settings);
  for (const auto& p : problems) {
    auto line = section.lines.find(p.key);
    // A missing setting has no line of its own: point at the section.
    const int at = line != section.lines.end() ? line->second : section.line;
    out << config.file.string() << ':' << at << ": " << p.message << " (see docs/" << adapter << ".md)\n";
  }
  return problems.empty();
}

}  // namespace

bool check_teams_settings(const bot::DistrictConfig& config, std::ostream& out) {
  return report(config, "teams", adapters::teams::check_settings, out);
}

bool check_slack_settings(const bot::DistrictConfig& config, std::ostream& out) {
  return report(config, "slack", adapters::slack::check_settings, out);
}

}  // namespace cli
