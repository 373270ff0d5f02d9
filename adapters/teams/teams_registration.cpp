#include "adapters/teams/teams_registration.hpp"

#include "adapters/teams/teams_adapter.hpp"
#include "adapters/teams/teams_rules.hpp"

namespace adapters::teams {

AdapterRegistration registration() {
  AdapterRegistration r;
  r.rules = rules();
  r.priority = 30;
  r.make = [](AdapterStart& start) -> std::unique_ptr<bot::Adapter> {
    TeamsOptions options;
    try {
      options = options_from_settings(start.settings);
    } catch (const std::exception& e) {
      throw AdapterStartError(std::string(e.what()) + " (see docs/teams.md)");
    }
    // The adapter sees only its conversation references, never the store.
    ConversationReferences references{.load = start.state.load, .save = start.state.save};
    const bot::DistrictConfig* config = &start.config;
    auto known = [config](std::string_view user) { return config->person_by_handle("teams", user) != nullptr; };
    const std::string where = options.server.listen_address + ":" + std::to_string(options.server.port);
    std::unique_ptr<TeamsAdapter> adapter;
    try {
      adapter = std::make_unique<TeamsAdapter>(start.io.get_executor(), std::move(options), std::move(references),
                                               std::move(known));
      adapter->listen();
    } catch (const std::exception& e) {
      throw AdapterStartError("the Teams adapter cannot start on " + where + ": " + e.what() + " (see docs/teams.md)");
    }
    start.out << "Hallpass on Teams: messaging endpoint " << adapter->url()
              << "/api/messages (put https://<your host>/api/messages in the Azure Bot's configuration)" << std::endl;
    return adapter;
  };
  return r;
}

}  // namespace adapters::teams
