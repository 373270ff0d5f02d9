#pragma once
// Reloading the district's file while the bot runs (SIGHUP, `systemctl reload hallpass`, or
// `hallpass reload`, which asks the admin listener): the directory, sites, places, review window,
// digest settings, incident routing, prompts and policy documents change between two turns,
// without dropping a connection. A file that does not validate is refused as a whole and the bot
// goes on with what it had. Platform settings (tokens, ports, addresses) belong to connections that
// are open: a change there is reported and waits for the next restart.
//
// Everything that runs holds the live District by reference (the bot, the dispatcher, the
// workflows' services, the adapters' look-ups), so a reload assigns into that same object. Every
// user of it reads it on the bot's one thread and never across an await, so a reload posted to
// that thread lands between turns.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/adapter_registry.hpp"
#include "bot/district/district.hpp"

namespace app {

struct ReloadOutcome {
  bool applied = false;
  std::string summary;                   // "Sierra Vista Unified: 3 sites, 12 people, 4 documents"
  std::string problems;                  // the checker's lines (file, line, what to do) when refused
  std::vector<std::string> not_applied;  // what waits for a restart ("the slack adapter's settings")
};

class DistrictReloader {
 public:
  // Puts the live district's policy library behind a stand-in that a reload can re-point, so the
  // services built from the district after this see every reloaded library.
  DistrictReloader(bot::District& live, std::filesystem::path file, const Registry& registry = adapter_registry());
  // A county folder's district: loaded again by `load` (the county's loading), which prints its
  // problems to the stream and returns nothing when the file is refused.
  using Load = std::function<std::optional<bot::District>(std::ostream& problems)>;
  DistrictReloader(bot::District& live, std::filesystem::path file, Load load);

  // Loads and checks the file again; applies it when it validates. Call on the bot's thread.
  ReloadOutcome reload();

 private:
  class PolicyStandIn;
  bot::District& live_;
  std::filesystem::path file_;
  const Registry& registry_;
  Load load_;                              // empty: load_district(file_)
  std::shared_ptr<PolicyStandIn> policy_;  // null when the district started without documents
};

}  // namespace app
