#include "bot/district/district.hpp"

#include <cstdlib>

#include "bot/district/config_loader.hpp"

namespace bot {

std::filesystem::path hallpass_home() {
  if (const char* home = std::getenv("HALLPASS_HOME"); home && *home) return home;
  // Installed (cmake --install, the container image): the prompts and sample config sit in
  // ../share/hallpass beside the binary, wherever the prefix is. A build tree uses its sources.
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "hallpass";
    if (std::filesystem::is_directory(installed / "prompts", ec)) return installed;
  }
  return HALLPASS_SOURCE_DIR;
}

std::filesystem::path sample_config_path() { return hallpass_home() / "config" / "sample-district.yaml"; }

std::optional<District> load_district(const std::filesystem::path& config_file, std::ostream& errors,
                                      const PlatformList& platforms) {
  auto loaded = load_district_config(config_file, platforms);
  if (!loaded.config) {
    for (const auto& e : loaded.errors) errors << e.to_string() << '\n';
    errors << loaded.errors.size() << (loaded.errors.size() == 1 ? " problem" : " problems") << " in "
           << config_file.string() << "; Hallpass did not use it.\n";
    return std::nullopt;
  }
  District d{std::move(*loaded.config), {}, nullptr, nullptr};
  try {
    d.prompts = Prompts::load(hallpass_home() / "prompts");
  } catch (const std::exception& e) {
    errors << e.what() << '\n';
    return std::nullopt;
  }
  d.calendar = std::make_unique<DistrictCalendar>(d.config.time_zone, d.config.review);
  // Loaded by the config loader, which checked the clause ids the file names against it.
  d.policy = std::move(loaded.policy);
  return d;
}

}  // namespace bot
