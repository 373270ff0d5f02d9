#pragma once
// Small values an adapter keeps between runs (Matrix's sync token, Teams' conversation
// references, Slack's installations), each under a key of its own platform. The app keeps them
// in the store; the adapter never sees the store.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adapters {

struct AdapterState {
  std::function<std::optional<std::string>(const std::string& key)> load;
  std::function<void(const std::string& key, const std::string& value)> save;
  // Saves only where the key holds nothing yet, atomically: true for exactly one of several
  // workers claiming the same key.
  std::function<bool(const std::string& key, const std::string& value)> claim;
  // Every value whose key starts with the prefix, by key (a list kept as one key per item, so
  // two workers adding items at once never overwrite each other's).
  std::function<std::vector<std::pair<std::string, std::string>>(const std::string& prefix)> list;
  std::function<void(const std::string& key)> remove;
};

}  // namespace adapters
