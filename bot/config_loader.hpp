#pragma once
// Loads and validates a district configuration file (YAML). Every problem is reported with the
// file, the line and what to do, and all problems are reported at once, not just the first.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/config.hpp"

namespace bot {

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when the problem is not tied to a line
  std::string message;  // what is wrong and what to do

  std::string to_string() const;  // "file:line: message"
};

struct ConfigLoadResult {
  std::optional<DistrictConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;
};

// Reads the file, expands ${NAME} from the environment (for secrets: never written in the file),
// imports the people CSV when one is named, and checks every reference (people, sites, time zone).
ConfigLoadResult load_district_config(const std::filesystem::path& file);

// The known key a mistyped one was probably meant to be (at most three letters off), for "Did you
// mean …?"; empty when none is that close. Adapters use it for the settings they check themselves.
std::string closest_key(std::string_view key, const std::vector<std::string_view>& known);

}  // namespace bot
