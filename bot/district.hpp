#pragma once
// A district loaded and ready: its configuration, prompts, calendar and policy library.
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>

#include "bot/config.hpp"
#include "bot/district_calendar.hpp"
#include "bot/policy_library.hpp"
#include "bot/prompts.hpp"
#include "workflows/context.hpp"

namespace bot {

struct District {
  DistrictConfig config;
  Prompts prompts;
  std::unique_ptr<DistrictCalendar> calendar;
  std::shared_ptr<const PolicyLibrary> policy;

  workflows::Services services() const { return {config, prompts, *calendar, policy.get()}; }
};

// Where Hallpass finds its own files (prompts/, config/): $HALLPASS_HOME, else the source tree.
std::filesystem::path hallpass_home();
// The sample district shipped with Hallpass.
std::filesystem::path sample_config_path();

// Loads and checks everything; prints each problem (file, line, what to do) to `errors`.
std::optional<District> load_district(const std::filesystem::path& config_file, std::ostream& errors);

}  // namespace bot
