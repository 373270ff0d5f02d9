#pragma once
// Helpers for tests of the configuration and the hallpass command line: a changed copy of the
// shipped config folder, the line a text stands on, and running a command for its output.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace test_support {

// A copy of the shipped config folder in a temporary folder (named after `name` and the process),
// with the first `from` in sample-district.yaml replaced by `to`; returns the copied YAML file.
// The folder is removed when the test process ends.
// Throws std::runtime_error when `from` is not in the sample.
std::filesystem::path sample_config_variant(const std::string& name, const std::string& from, const std::string& to);
// The same with several replacements, each of the first occurrence of its `from`, in order.
std::filesystem::path sample_config_variant(const std::string& name,
                                            const std::vector<std::pair<std::string, std::string>>& edits);

// A file's whole text ("" when it cannot be read).
std::string file_text(const std::filesystem::path& file);

// The 1-based line of the first occurrence of needle in the file; -1 when it is not there.
int line_of(const std::filesystem::path& file, const std::string& needle);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // what it printed, as the shell command redirects it
};
// Runs a shell command (through popen) and collects its standard output.
CommandResult run_command(const std::string& command);

}  // namespace test_support
