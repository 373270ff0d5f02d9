#pragma once
// Checking an adapter's settings (adapters.<platform> in the district file) the way the config
// loader checks its own: every problem at once, each named by its key so that hallpass
// check-config can print it at its line, and a mistyped key answered with the one probably meant.
// The config loader knows no adapter; each adapter lists its keys and its checks.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/district/platform_rules.hpp"

namespace adapters::settings {

using Settings = bot::SettingMap;
using SettingProblem = bot::SettingProblem;

// One check; throws std::invalid_argument with the message when the setting is wrong.
using Check = std::function<void(const Settings&)>;

struct AdapterSettingRules {
  std::string platform;      // "slack": the section's key, used in messages
  std::string display_name;  // "Slack"
  std::vector<std::string_view> known_keys;
  std::vector<std::pair<std::string, Check>> checks;  // key → its check, run in this order
};

// Keys that are not the adapter's ("adapters.slack.app_tokn is not a Slack setting; did you mean
// app_token?"), then every check's problem.
std::vector<SettingProblem> check_settings(const AdapterSettingRules& rules, const Settings& settings);

// The setting's value, or fallback when it is absent or empty.
std::string setting(const Settings& settings, const std::string& name, std::string_view fallback = {});

}  // namespace adapters::settings
