#pragma once
// The event sink of a county worker's adapters (hallpass run --districts): hands each Inbound to
// the Bot of the district it belongs to, by the county folder's rules (docs/scale-out.md):
//   slack, teams: place.workspace (Slack team id, Microsoft 365 tenant id) → the district listing it
//                 under workspaces:
//   matrix:       place.channel (room id) → the district listing it under workspaces: or naming it
//                 in its places; else (a direct room) the district whose directory has the sender
//   none:         acknowledged, not recorded; a warning without the text is logged, and the
//                 person is told (county.unknown_workspace) where an immediate reply is possible.
// Runs on the io thread, like every sink; a district's Bot may run the event's transaction on its
// command thread (async_handle).
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bot/district/district.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/adapter.hpp"

namespace app {

class CountyRouter final : public bot::EventSink {
 public:
  struct Target {
    std::string key;
    const bot::District* district = nullptr;
    bot::EventSink* bot = nullptr;
  };

  explicit CountyRouter(const bot::Prompts& prompts) : prompts_(prompts) {}

  // The districts served from now on (after start-up and after each reload): the index is built
  // again from their configs.
  void serve(std::vector<Target> targets);

  // The district an event belongs to, or nothing.
  const Target* route(const bot::Inbound& event) const;

  bot::HandleResult handle(const bot::Inbound& event) override;
  boost::asio::awaitable<bot::HandleResult> async_handle(const bot::Inbound& event) override;
  boost::asio::awaitable<void> drained() override;

 private:
  bot::HandleResult unknown_workspace(const bot::Inbound& event) const;

  const bot::Prompts& prompts_;
  std::vector<Target> targets_;
  std::map<std::pair<std::string, std::string>, size_t> by_workspace_;  // (platform, id) → target
  // A Matrix user id → the first district whose directory has it: a direct room's district, found
  // without asking each of a thousand directories.
  std::unordered_map<std::string, size_t> by_matrix_user_;
};

}  // namespace app
