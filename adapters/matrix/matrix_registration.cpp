#include "adapters/matrix/matrix_registration.hpp"

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/matrix_rules.hpp"

namespace adapters::matrix {

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
    // The rooms the bot may join: every place's Matrix address.
    for (const auto& site : start.config.sites)
      if (auto a = site.approvals.addresses.find("matrix"); a != site.approvals.addresses.end())
        options.rooms.insert(a->second);
    if (auto a = start.config.superintendent_place.addresses.find("matrix");
        a != start.config.superintendent_place.addresses.end())
      options.rooms.insert(a->second);
    // The adapter sees only its checkpoint, never the store.
    AdapterState state = start.state;
    SyncCheckpoint checkpoint{.load = [state] { return state.load("matrix.next_batch"); },
                              .save = [state](std::string token) { state.save("matrix.next_batch", token); }};
    const std::string user = options.user_id;
    auto adapter = std::make_unique<MatrixAdapter>(start.io.get_executor(), std::move(options), std::move(checkpoint));
    start.out << "Hallpass on Matrix as " << user << std::endl;
    return adapter;
  };
  return r;
}

}  // namespace adapters::matrix
