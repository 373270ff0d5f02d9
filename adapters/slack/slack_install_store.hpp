#pragma once
// SlackInstallStore: the workspaces that installed Hallpass (HTTP mode with installations), kept
// through the adapter's own small values (adapters::AdapterState: the app backs them with the
// store; the adapter never sees the store).
//
//   slack.installation.<team id>   JSON: team, enterprise, bot user, scopes, installer, time, and
//                                  the bot token sealed with AES-256-GCM under the install secret
//                                  ("v1:" base64(12-byte IV, ciphertext, 16-byte tag); the team
//                                  id is the additional data, so a record moved to another team's
//                                  key does not open)
//   slack.oauth_state.<nonce>      the state's expiry (Unix seconds): claimed once, atomically, by
//                                  whichever worker sees it; removed once expired
//   slack.team_of.<channel|user>   the team a channel or user was last heard from
//
// The installations are listed by their keys' prefix: no index that two workers finishing two
// installs at once would each read, extend and overwrite (an index `slack.installations` left by
// an older version is no longer read). The token is never in a record in clear, never in a log
// line. Runs on the caller's thread; no clock (callers pass times).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/adapter_state.hpp"
#include "adapters/slack/slack_oauth.hpp"
#include "adapters/slack/slack_protocol_result.hpp"

namespace adapters::slack {

struct Installation {
  std::string team_id;
  std::string team_name;
  std::string enterprise_id;
  std::string app_id;
  std::string bot_user_id;
  std::string bot_token;  // xoxb-…: only ever in memory in clear
  std::string scopes;
  std::string installer;  // the Slack user who pressed Allow
  std::chrono::system_clock::time_point installed_at{};
};

// The token sealed for team_id, and opened again. open refuses a record sealed under another key
// or for another team, or changed in any byte.
std::string seal_token(const InstallKey& key, std::string_view team_id, std::string_view token);
Result<std::string> open_token(const InstallKey& key, std::string_view team_id, std::string_view sealed);

// An installation as stored (token sealed), and read back.
std::string installation_record(const InstallKey& key, const Installation& installation);
Result<Installation> read_installation_record(const InstallKey& key, std::string_view record);

class SlackInstallStore {
 public:
  // state needs all of load, save, claim, list and remove.
  SlackInstallStore(AdapterState state, InstallKey key);

  // Every installation recorded. One that cannot be read (the install secret changed, or
  // the value was tampered with) is left out and named in `problems` (team id and why; no secret).
  std::vector<Installation> load_all(std::vector<std::string>& problems) const;
  // One team's installation, read now (another worker may have recorded it); nullopt when none.
  std::optional<Installation> load(const std::string& team_id, std::string* problem = nullptr) const;
  // Records (or replaces) it.
  void put(const Installation& installation);
  // Forgets it; true when there was one.
  bool remove(const std::string& team_id);

  // Marks a state's nonce used; false when it already was (here or by another worker). Forgets
  // the states that expired before now: an expired state is refused before it gets here.
  bool take_state(const std::string& nonce_hex, std::chrono::system_clock::time_point expires,
                  std::chrono::system_clock::time_point now);

  std::optional<std::string> team_of(const std::string& place) const;
  void set_team_of(const std::string& place, const std::string& team_id);

 private:
  // A record read and checked for team_id (why not, in `problem`): load and load_all.
  std::optional<Installation> open_record(const std::string& team_id, const std::string& record,
                                          std::string* problem) const;

  AdapterState state_;
  InstallKey key_;
};

}  // namespace adapters::slack
