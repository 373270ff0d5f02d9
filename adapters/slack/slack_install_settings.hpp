#pragma once
// The adapters.slack settings of HTTP mode with installations (client_id, client_secret,
// install_secret, redirect_url, allowed_teams, install_contact, scopes): their checks, in the
// form slack_adapter_settings.cpp runs every check, and the InstallOptions they make.
// Installations are on when client_id is set (docs/slack-install.md).
#include <string>
#include <utility>
#include <vector>

#include "adapters/common/setting_checks.hpp"
#include "adapters/slack/slack_oauth.hpp"

namespace adapters::slack {

// client_id is set: HTTP mode with an installation per workspace.
bool installs(const settings::Settings& s);
// In install mode each workspace's token comes from its install: a bot_token is refused, so
// nobody believes it is used.
void check_install_bot_token(const settings::Settings& s);
// key → its check (throws std::invalid_argument "adapters.slack.<key> …: what to do").
std::vector<std::pair<std::string, settings::Check>> install_checks();
// After the checks passed.
InstallOptions install_options(const settings::Settings& s);

}  // namespace adapters::slack
