#pragma once
// A small command-line reader: "--name value", "--flag", and positional words.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--db" → "x.db"; flags map to ""
  std::string error;                           // set when the words did not fit

  bool has(const std::string& name) const { return options.contains(name); }
  std::string get(const std::string& name, std::string fallback = {}) const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// `with_value` names options that take a value; `flags` those that do not. Anything else is an error.
Args parse_args(int argc, char** argv, int first, const std::set<std::string>& with_value,
                const std::set<std::string>& flags);

}  // namespace cli
