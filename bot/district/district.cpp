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

namespace {

std::optional<District> checked(ConfigLoadResult loaded, const std::filesystem::path& config_file,
                                std::ostream& errors) {
  if (!loaded.config) {
    for (const auto& e : loaded.errors) errors << e.to_string() << '\n';
    errors << loaded.errors.size() << (loaded.errors.size() == 1 ? " problem" : " problems") << " in "
           << config_file.string() << "; Hallpass did not use it.\n";
    return std::nullopt;
  }
  District d{std::move(*loaded.config), {}, nullptr, nullptr};
  d.calendar = std::make_unique<DistrictCalendar>(d.config.time_zone, d.config.review);
  // Loaded by the config loader, which checked the clause ids the file names against it.
  d.policy = std::move(loaded.policy);
  return d;
}

}  // namespace

std::optional<District> load_district(const std::filesystem::path& config_file, std::ostream& errors,
                                      const PlatformList& platforms) {
  auto d = checked(load_district_config(config_file, platforms), config_file, errors);
  if (!d) return d;
  try {
    d->prompts = Prompts::load(hallpass_home() / "prompts");
  } catch (const std::exception& e) {
    errors << e.what() << '\n';
    return std::nullopt;
  }
  return d;
}

std::optional<District> load_county_district(const std::filesystem::path& file, const CountyConfig& county,
                                             const Prompts& prompts, std::ostream& errors,
                                             const PlatformList& platforms) {
  auto d = checked(load_county_district_config(file, county, platforms), file, errors);
  if (d) d->prompts = prompts;
  return d;
}

}  // namespace bot
