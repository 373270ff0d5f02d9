#pragma once
// The one validator of a district configuration file (YAML). hallpass check-config, run, demo,
// console, digest and ask all load through it (bot::load_district), so a file that passes one
// passes them all. It never throws on any input and never aborts: every problem is reported
// with the file, the line and what to do, all of them in one pass. What it checks is listed in
// docs/configuration.md.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/district/config.hpp"
#include "bot/district/platform_rules.hpp"

namespace bot {

class PolicyLibrary;

struct ConfigError {
  std::string file;
  int line = 0;         // 1-based; 0 when the problem is not tied to a line
  std::string message;  // what is wrong and what to do

  std::string to_string() const;  // "file:line: message"
};

struct ConfigLoadResult {
  std::optional<DistrictConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;       // the district file's first, by line; then other files'
  // The policy documents the config names, loaded and indexed (set with config): the clause ids
  // the file names were checked against it, and the bot answers from it.
  std::shared_ptr<const PolicyLibrary> policy;
};

// Reads the file, expands ${NAME} from the environment (for secrets: never written in the file),
// imports the people CSV when one is named, checks every key's type and range, every reference
// (people, sites, places, passages) and every adapter's settings (by `platforms`: the adapter
// registry's rules), and loads the policy documents.
ConfigLoadResult load_district_config(const std::filesystem::path& file, const PlatformList& platforms);

// The same for a file's text that is already in memory; `file` names it in messages and is the
// folder relative paths start from. For tests that check many variants of one file.
ConfigLoadResult load_district_config_text(std::string_view text, const std::filesystem::path& file,
                                           const PlatformList& platforms);

// county.yaml of a county folder (hallpass run --districts, docs/scale-out.md): what the county's
// districts share, i.e. the platforms (the same `adapters:` schema as a district file's; the web
// chat is refused there: it has no sign-in).
struct CountyConfig {
  std::filesystem::path file;
  std::string name;
  std::vector<std::string> adapter_order;
  std::map<std::string, AdapterSettings> adapters;
};

struct CountyLoadResult {
  std::optional<CountyConfig> county;  // set only when errors is empty
  std::vector<ConfigError> errors;
};

CountyLoadResult load_county_config(const std::filesystem::path& file, const PlatformList& platforms);

// A district file of a county folder: an ordinary district file whose platforms are the county's
// (an `adapters:` section is refused) and which may say where it is found (`workspaces:`).
ConfigLoadResult load_county_district_config(const std::filesystem::path& file, const CountyConfig& county,
                                             const PlatformList& platforms);

// The same two for text already in memory (`file` names it in messages): the fuzz tests' many variants.
CountyLoadResult load_county_config_text(std::string_view text, const std::filesystem::path& file,
                                         const PlatformList& platforms);
ConfigLoadResult load_county_district_config_text(std::string_view text, const std::filesystem::path& file,
                                                  const CountyConfig& county, const PlatformList& platforms);

// The known key a mistyped one was probably meant to be (at most three letters off), for "Did you
// mean …?"; empty when none is that close. Adapters use it for the settings they check themselves.
std::string closest_key(std::string_view key, const std::vector<std::string_view>& known);

}  // namespace bot
