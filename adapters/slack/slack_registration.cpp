#include "adapters/slack/slack_registration.hpp"

#include "adapters/slack/slack_adapter.hpp"
#include "adapters/slack/slack_rules.hpp"
#include "bot/district/secret_source.hpp"

namespace adapters::slack {

AdapterRegistration registration() {
  AdapterRegistration r;
  r.rules = rules();
  r.priority = 10;
  r.make = [](AdapterStart& start) -> std::unique_ptr<bot::Adapter> {
    SlackOptions options;
    try {
      options = options_from_settings(start.settings);
    } catch (const std::exception& e) {
      throw AdapterStartError(std::string(e.what()) + " (see docs/slack.md)");
    }
    // People the directory knows by Slack id; the adapter reads anyone else's e-mail from Slack.
    const bot::DistrictConfig* config = &start.config;
    // A token rotated by the workspace's admin is read again from where it came from.
    if (auto slack = start.config.adapters.find("slack"); slack != start.config.adapters.end()) {
      const auto& names = slack->second.secret_names;
      if (auto n = names.find("bot_token"); n != names.end())
        options.api.reread_bot_token = [name = n->second] { return bot::secret_value(name); };
      if (auto n = names.find("app_token"); n != names.end())
        options.api.reread_app_token = [name = n->second] { return bot::secret_value(name); };
    }
    // Install mode keeps each workspace's installation in the adapter's own state.
    options.state = start.state;
    options.prompts = start.prompts;
    const bool installs = options.install.enabled();
    options.known_user = [config](std::string_view id) { return config->person_by_handle("slack", id) != nullptr; };
    const int connections = options.socket.connections;
    const bool socket_mode = options.socket_mode;
    std::unique_ptr<SlackAdapter> adapter;
    try {
      adapter = std::make_unique<SlackAdapter>(start.io.get_executor(), std::move(options));
    } catch (const std::invalid_argument& e) {
      throw AdapterStartError(std::string(e.what()) + " (see docs/slack-install.md)");
    }
    try {
      adapter->listen();  // HTTP mode: now, so a port in use stops Hallpass at once
    } catch (const std::exception& e) {
      throw AdapterStartError(e.what());
    }
    if (socket_mode)
      start.out << "Hallpass on Slack (Socket Mode, " << connections
                << (connections == 1 ? " connection)" : " connections)") << std::endl;
    else
      start.out << "Slack Request URLs: " << adapter->url()
                << "/slack/{commands,interactivity,events} — put https://<your host>/slack/... in the app's settings"
                << std::endl;
    if (installs)
      start.out
          << "Slack installations: " << adapter->installed_teams().size()
          << " workspace(s) installed; a district's workspace installs Hallpass at https://<your host>/slack/install"
          << std::endl;
    return adapter;
  };
  return r;
}

}  // namespace adapters::slack
