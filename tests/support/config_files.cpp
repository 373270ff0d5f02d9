#include "tests/support/config_files.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "bot/district/district.hpp"

namespace test_support {

namespace {

// The copies made by this test process, removed when it ends (the tests hold the paths, not an
// owner, so the folders outlive each test case and go with the process).
struct CopiedFolders {
  std::vector<std::filesystem::path> folders;
  ~CopiedFolders() {
    std::error_code ignored;
    for (const auto& f : folders) std::filesystem::remove_all(f, ignored);
  }
};

CopiedFolders& copied_folders() {
  static CopiedFolders copied;
  return copied;
}

}  // namespace

std::filesystem::path sample_config_variant(const std::string& name, const std::string& from, const std::string& to) {
  return sample_config_variant(name, {{from, to}});
}

std::filesystem::path sample_config_variant(const std::string& name,
                                            const std::vector<std::pair<std::string, std::string>>& edits) {
  auto dir = std::filesystem::temp_directory_path() / ("hallpass-config-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::copy(bot::sample_config_path().parent_path(), dir, std::filesystem::copy_options::recursive);
  copied_folders().folders.push_back(dir);
  auto file = dir / "sample-district.yaml";
  std::string text = file_text(file);
  for (const auto& [from, to] : edits) {
    auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("the sample config has no \"" + from + "\"");
    text.replace(at, from.size(), to);
  }
  std::ofstream(file) << text;
  return file;
}

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

int line_of(const std::filesystem::path& file, const std::string& needle) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  return -1;
}

CommandResult run_command(const std::string& command) {
  CommandResult out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.output.append(buf, n);
  const int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace test_support
