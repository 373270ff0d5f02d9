#include "app/adapter_registry.hpp"

#include <algorithm>

#include "adapters/matrix/matrix_registration.hpp"
#include "adapters/slack/slack_registration.hpp"
#include "adapters/teams/teams_registration.hpp"
#include "adapters/webchat/webchat_registration.hpp"

namespace app {

const Registry& adapter_registry() {
  static const Registry registry{
      adapters::webchat::registration(),
      adapters::slack::registration(),
      adapters::teams::registration(),
      adapters::matrix::registration(),
  };
  return registry;
}

bot::PlatformList platform_rules(const Registry& registry) {
  bot::PlatformList rules;
  for (const auto& r : registry) rules.push_back(r.rules);
  return rules;
}

std::optional<bot::District> load_district(const std::filesystem::path& config_file, std::ostream& errors,
                                           const Registry& registry) {
  return bot::load_district(config_file, errors, platform_rules(registry));
}

adapters::AdapterState state_in(bot::AdapterStateStore& store) {
  return {.load = [&store](const std::string& key) { return store.adapter_state(key); },
          .save = [&store](const std::string& key, const std::string& value) { store.set_adapter_state(key, value); },
          .claim = [&store](const std::string& key,
                            const std::string& value) { return store.claim_adapter_state(key, value); },
          .list = [&store](const std::string& prefix) { return store.adapter_states(prefix); },
          .remove = [&store](const std::string& key) { store.remove_adapter_state(key); }};
}

namespace {

adapters::KeptMessages kept_in(bot::KeptMessageStore& store, const std::string& platform) {
  return {.load =
              [&store, platform] {
                std::vector<adapters::KeptMessage> kept;
                for (auto& m : store.kept_messages(platform)) kept.push_back({m.place, m.ref, m.body});
                return kept;
              },
          .save =
              [&store, platform](const adapters::KeptMessage& m, std::size_t keep) {
                store.keep_message(platform, {m.place, m.ref, m.body}, keep);
              }};
}

}  // namespace

std::optional<std::vector<std::unique_ptr<bot::Adapter>>> make_adapters(
    boost::asio::io_context& io, const bot::District& district, bot::DeliveryStore& store,
    const AdapterOverrides& overrides, std::ostream& out, std::ostream& err, const Registry& registry) {
  const auto& config = district.config;
  std::vector<const adapters::AdapterRegistration*> enabled;
  for (const auto& r : registry) {
    auto it = config.adapters.find(r.rules.name);
    const bool on = (it != config.adapters.end() && it->second.enabled) || (r.rules.built_in && overrides.force_web);
    if (on) enabled.push_back(&r);
  }
  for (const auto& [name, settings] : config.adapters)
    if (settings.enabled &&
        std::none_of(registry.begin(), registry.end(), [&](const auto& r) { return r.rules.name == name; })) {
      err << "hallpass: the " << name << " adapter is enabled in " << config.file.string()
          << " but this build of Hallpass does not include it. Set adapters." << name
          << ".enabled: false, or use the web chat.\n";
      return std::nullopt;
    }
  if (enabled.empty()) {
    err << "hallpass run: no adapter is enabled in " << config.file.string()
        << ". Enable one under adapters:, or try hallpass demo.\n";
    return std::nullopt;
  }
  // A person reachable on several platforms is written to on the first.
  std::stable_sort(enabled.begin(), enabled.end(), [](auto* a, auto* b) { return a->priority < b->priority; });
  std::vector<std::unique_ptr<bot::Adapter>> made;
  for (const auto* r : enabled) {
    adapters::AdapterStart start{.io = io,
                                 .config = config,
                                 .settings = {},
                                 .state = state_in(store),
                                 .kept = kept_in(store, r->rules.name),
                                 .out = out,
                                 .warn = err,
                                 .prompts = &district.prompts};
    if (auto it = config.adapters.find(r->rules.name); it != config.adapters.end())
      start.settings = it->second.settings;
    if (r->rules.built_in)
      for (const auto& [key, value] : overrides.web) start.settings[key] = value;
    try {
      made.push_back(r->make(start));
    } catch (const std::exception& e) {
      err << "hallpass: " << e.what() << "\n";
      return std::nullopt;
    }
  }
  return made;
}

}  // namespace app
