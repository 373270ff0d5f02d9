#pragma once
// A county folder (hallpass run --districts DIR, docs/scale-out.md), loaded with the adapter
// registry's platforms: bot/district/county_folder.hpp says what is checked.
#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

#include "app/adapter_registry.hpp"
#include "bot/district/county_folder.hpp"

namespace app {

using bot::CountyDistrict;
using bot::CountyFolder;
using bot::district_files;
using bot::valid_district_key;
using bot::workspace_conflicts;

std::optional<bot::CountyConfig> load_county_file(const std::filesystem::path& dir, std::ostream& errors,
                                                  const Registry& registry = adapter_registry());

std::optional<CountyDistrict> load_county_district_file(const std::filesystem::path& file,
                                                        const bot::CountyConfig& county, const bot::Prompts& prompts,
                                                        std::ostream& errors,
                                                        const Registry& registry = adapter_registry());

std::optional<CountyFolder> load_county_folder(const std::filesystem::path& dir, std::ostream& errors,
                                               const Registry& registry = adapter_registry());

}  // namespace app
