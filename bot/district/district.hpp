#pragma once
// A district loaded and ready: its configuration, prompts, calendar and policy library.
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>

#include "bot/district/config.hpp"
#include "bot/district/config_loader.hpp"
#include "bot/district/district_calendar.hpp"
#include "bot/district/platform_rules.hpp"
#include "bot/district/prompts.hpp"
#include "bot/policy/policy_library.hpp"

namespace bot {

struct District {
  DistrictConfig config;
  Prompts prompts;
  std::unique_ptr<DistrictCalendar> calendar;
  std::shared_ptr<const PolicyLibrary> policy;
};

// Where Hallpass finds its own files (prompts/, config/): $HALLPASS_HOME, else the source tree.
std::filesystem::path hallpass_home();
// The sample district shipped with Hallpass.
std::filesystem::path sample_config_path();

// Loads and checks everything; prints each problem (file, line, what to do) to `errors`. The
// platforms are the adapter registry's (app::load_district passes them).
std::optional<District> load_district(const std::filesystem::path& config_file, std::ostream& errors,
                                      const PlatformList& platforms);

// A district file of a county folder (hallpass run --districts): its platforms are the county's,
// and the prompts, the same for every district, are loaded once by the caller and copied.
std::optional<District> load_county_district(const std::filesystem::path& file, const CountyConfig& county,
                                             const Prompts& prompts, std::ostream& errors,
                                             const PlatformList& platforms);

}  // namespace bot
