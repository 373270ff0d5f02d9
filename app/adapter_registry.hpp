#pragma once
// The platforms this build of Hallpass knows, in one list (adapter_registry.cpp, one line each),
// and what the app does with them: the config loader's rules, and starting the enabled adapters.
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "adapters/common/adapter_registration.hpp"
#include "bot/district/district.hpp"
#include "bot/store/delivery_store.hpp"

namespace app {

using Registry = std::vector<adapters::AdapterRegistration>;

// Every built-in platform: web, slack, teams, matrix (the order the docs list them in).
const Registry& adapter_registry();

// The config loader's rules of every platform of a registry.
bot::PlatformList platform_rules(const Registry& registry = adapter_registry());

// bot::load_district with the registry's platforms.
std::optional<bot::District> load_district(const std::filesystem::path& config_file, std::ostream& errors,
                                           const Registry& registry = adapter_registry());

// An adapter's own small values, kept in the store's checkpoints under the adapter's own keys.
adapters::AdapterState state_in(bot::AdapterStateStore& store);

struct AdapterOverrides {
  bot::SettingMap web;     // the command line's --port and --listen
  bool force_web = false;  // hallpass demo: the web chat, whether or not the file enables it
};

// Makes every enabled adapter, in delivery priority order, each seeing only its own state in the
// store (never the store). Prints each one's start-up line to `out`. On a failure, prints one
// sentence to `err` and returns nothing: none is started.
std::optional<std::vector<std::unique_ptr<bot::Adapter>>> make_adapters(boost::asio::io_context& io,
                                                                        const bot::District& district,
                                                                        bot::DeliveryStore& store,
                                                                        const AdapterOverrides& overrides,
                                                                        std::ostream& out, std::ostream& err,
                                                                        const Registry& registry = adapter_registry());

}  // namespace app
