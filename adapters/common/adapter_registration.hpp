#pragma once
// What a platform tells the app about itself: the rules the config loader judges its section,
// handles and channels by, and how to make its adapter. Each platform folder has one
// `registration()`; app/adapter_registry.cpp lists them, one line each, so a new platform
// touches its own folder and that line.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/common/adapter_state.hpp"
#include "bot/district/config.hpp"
#include "bot/district/platform_rules.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/adapter.hpp"

namespace adapters {

// A message an adapter that is its own platform (the web chat) shows again after a restart.
struct KeptMessage {
  std::string place, ref, body;
};
struct KeptMessages {
  std::function<std::vector<KeptMessage>()> load;  // oldest first
  // Adds (or replaces by ref) and forgets the place's oldest beyond `keep`.
  std::function<void(const KeptMessage&, std::size_t keep)> save;
};

// What make() gets.
struct AdapterStart {
  boost::asio::io_context& io;
  const bot::DistrictConfig& config;
  bot::SettingMap settings;  // adapters.<name>, after ${NAME} expansion and the command line's overrides
  AdapterState state;
  KeptMessages kept;
  std::ostream& out;   // the start-up line people read ("Hallpass on Slack (Socket Mode, 2 connections)")
  std::ostream& warn;  // warnings a person must see before the bot runs
  const bot::Prompts* prompts = nullptr;  // for sentences an adapter writes itself (Matrix)
};

// Why an adapter cannot start, as one sentence that says what to do (a port in use, bad options).
class AdapterStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AdapterRegistration {
  bot::PlatformRules rules;
  // Delivery priority: a person reachable on several platforms is written to on the lowest.
  int priority = 100;
  // Builds the adapter and, when it listens, binds now (so a port in use stops start-up at once),
  // then writes its start-up line to start.out. Throws AdapterStartError.
  std::function<std::unique_ptr<bot::Adapter>(AdapterStart& start)> make;
};

}  // namespace adapters
