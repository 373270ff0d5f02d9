#include "app/county_folder.hpp"

namespace app {

std::optional<bot::CountyConfig> load_county_file(const std::filesystem::path& dir, std::ostream& errors,
                                                  const Registry& registry) {
  return bot::load_county_file(dir, errors, platform_rules(registry));
}

std::optional<CountyDistrict> load_county_district_file(const std::filesystem::path& file,
                                                        const bot::CountyConfig& county, const bot::Prompts& prompts,
                                                        std::ostream& errors, const Registry& registry) {
  return bot::load_county_district_file(file, county, prompts, errors, platform_rules(registry));
}

std::optional<CountyFolder> load_county_folder(const std::filesystem::path& dir, std::ostream& errors,
                                               const Registry& registry) {
  return bot::load_county_folder(dir, errors, platform_rules(registry));
}

}  // namespace app
