#pragma once
// What the config loader needs to know of a platform to judge a district file: its name (the key
// under adapters:, handles: and each place), how its settings, handles and channel addresses are
// checked, and whether it listens on a port. The loader knows no platform by name: the app's
// adapter registry (app/adapter_registry.hpp) hands it one of these per platform.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bot {

using SettingMap = std::map<std::string, std::string>;

struct SettingProblem {
  std::string key;           // the setting, e.g. "port"; its line is printed (the section's when it is missing)
  std::string message;       // "adapters.slack.port must be a number from 0 to 65535"
  bool unknown_key = false;  // the key is not the adapter's (its value was not judged)
};

struct PlatformRules {
  std::string name;                    // "slack"
  std::string docs = "configuration";  // the page that explains it: docs/<docs>.md
  // Every problem of adapters.<name>'s settings (values after ${NAME} expansion; `enabled` is the
  // loader's): unknown keys with the one probably meant, then the platform's own checks.
  std::function<std::vector<SettingProblem>(const SettingMap&)> check_settings;
  // Why a person's handle or a place's channel is not in the platform's form ("is not a Slack
  // member id: …"); empty when it is, or when the platform has no fixed form.
  std::function<std::string(std::string_view)> handle_problem;
  std::function<std::string(std::string_view)> address_problem;
  // The port it would listen on with these settings (its default when unset), if it listens:
  // two adapters on one port are refused.
  std::function<std::optional<std::string>(const SettingMap&)> listen_port;
  // The built-in web chat: its handles and addresses are used by demo and console even when it is
  // off, and a person without a handle there is known by their id.
  bool built_in = false;
  // The adapter finds a person from their email alone (Slack, Teams), so an email makes them reachable.
  bool reaches_by_email = false;
};

using PlatformList = std::vector<PlatformRules>;

}  // namespace bot
