#include "adapters/common/setting_checks.hpp"

#include <algorithm>
#include <stdexcept>

#include "bot/district/config_loader.hpp"

namespace adapters::settings {

std::vector<SettingProblem> check_settings(const AdapterSettingRules& rules, const Settings& settings) {
  std::vector<SettingProblem> out;
  for (const auto& [key, value] : settings) {
    if (key == "enabled" || std::ranges::find(rules.known_keys, key) != rules.known_keys.end()) continue;
    std::string message = "adapters." + rules.platform + "." + key + " is not a " + rules.display_name + " setting";
    if (auto meant = bot::closest_key(key, rules.known_keys); !meant.empty())
      message += "; did you mean " + meant + "?";
    out.push_back({key, std::move(message), true});
  }
  for (const auto& [key, check] : rules.checks) {
    try {
      check(settings);
    } catch (const std::invalid_argument& e) {
      out.push_back({key, e.what()});
    }
  }
  return out;
}

std::string setting(const Settings& settings, const std::string& name, std::string_view fallback) {
  auto it = settings.find(name);
  return it == settings.end() || it->second.empty() ? std::string(fallback) : it->second;
}

}  // namespace adapters::settings
