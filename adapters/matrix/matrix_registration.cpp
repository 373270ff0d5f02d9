#include "adapters/matrix/matrix_registration.hpp"

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/matrix_rules.hpp"

namespace adapters::matrix {

std::set<std::string> rooms_of(const bot::DistrictConfig& config) {
  std::set<std::string> rooms;
  if (auto w = config.workspaces.find("matrix"); w != config.workspaces.end())
    for (const auto& r : w->second) rooms.insert(r.id);
  for (const auto& site : config.sites)
    if (auto a = site.approvals.addresses.find("matrix"); a != site.approvals.addresses.end()) rooms.insert(a->second);
  if (auto a = config.superintendent_place.addresses.find("matrix"); a != config.superintendent_place.addresses.end())
    rooms.insert(a->second);
  return rooms;
}

AdapterRegistration registration() {
  AdapterRegistration r;
  r.rules = rules();
  r.priority = 20;
  r.make = [](AdapterStart& start) -> std::unique_ptr<bot::Adapter> {
    MatrixOptions options;
    try {
      options = options_from_settings(start.settings);
    } catch (const std::exception& e) {
      throw AdapterStartError(std::string(e.what()) + " in " + start.config.file.string() + " (see docs/matrix.md)");
    }
    options.rooms = rooms_of(start.config);
    // The adapter sees only its checkpoint, never the store.
    AdapterState state = start.state;
    SyncCheckpoint checkpoint{.load = [state] { return state.load("matrix.next_batch"); },
                              .save = [state](std::string token) { state.save("matrix.next_batch", token); }};
    // Its direct rooms, encrypted rooms and moved messages, under "matrix." keys of the same state.
    RoomMemory memory{.load = [state](const std::string& key) { return state.load(key); },
                      .save = [state](const std::string& key, const std::string& value) { state.save(key, value); }};
    // Its own sentences, in the language of the person who reads them.
    Sentences sentences = [prompts = start.prompts, config = &start.config](
                              const std::string& key, const std::string& user_id, const bot::PromptVars& vars) {
      const bot::Person* person = user_id.empty() ? nullptr : config->person_by_handle("matrix", user_id);
      const std::string lang = person ? person->language : config->default_language;
      if (!prompts) return "[" + key + "]";
      return prompts->text(lang, key, vars);
    };
    const std::string user = options.user_id;
    auto adapter = std::make_unique<MatrixAdapter>(start.io.get_executor(), std::move(options), std::move(checkpoint),
                                                   std::move(memory), std::move(sentences));
    start.out << "Hallpass on Matrix as " << user << std::endl;
    return adapter;
  };
  return r;
}

}  // namespace adapters::matrix
