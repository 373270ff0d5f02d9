#pragma once
// Where the web chat keeps its messages between runs. The web chat is its own platform: what
// Slack keeps on its servers (the messages, their refs and threads), the web chat must keep
// itself, or a restarted demo can no longer update a card posted before the restart nor reply in
// its thread (the bot core still holds the refs). The adapter never touches the store: it gets
// these two functions (cmd_run backs them with the store's kept messages, platform "web").
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace adapters::webchat {

struct ArchivedEntry {
  std::string place;   // "#name" or "dm:<person id>"
  std::string ref;     // the entry's ref: saving the same ref again replaces it (an update)
  std::string record;  // webchat_history's entry_record()
};

struct WebchatArchive {
  // Every kept entry, oldest first. May throw (a broken database): the web chat then starts empty
  // and says so in the log.
  std::function<std::vector<ArchivedEntry>()> load;
  // Adds the entry, or replaces the one with its ref where it stands, and forgets the oldest
  // entries of its place beyond keep_per_place. May throw: the message stays shown, the log says
  // it will not survive a restart.
  std::function<void(const ArchivedEntry& entry, std::size_t keep_per_place)> save;
};

}  // namespace adapters::webchat
