#include "app/county_folder.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

namespace app {

namespace fs = std::filesystem;

bool valid_district_key(std::string_view stem) {
  return !stem.empty() && stem.size() <= 63 && std::all_of(stem.begin(), stem.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<fs::path> district_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".yaml" || p.filename() == "county.yaml") continue;
    if (std::error_code kind; !it->is_regular_file(kind)) continue;
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<bot::CountyConfig> load_county_file(const fs::path& dir, std::ostream& errors, const Registry& registry) {
  const fs::path file = dir / "county.yaml";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors << dir.string()
           << ": no such folder. --districts names the county folder: county.yaml and one <key>.yaml per district "
              "(docs/scale-out.md).\n";
    return std::nullopt;
  }
  if (!fs::exists(file, ec)) {
    errors << file.string()
           << ": missing. A county folder starts with county.yaml: county: { name: … } and the platforms the "
              "districts share under adapters: (docs/scale-out.md).\n";
    return std::nullopt;
  }
  auto loaded = bot::load_county_config(file, platform_rules(registry));
  for (const auto& e : loaded.errors) errors << e.to_string() << '\n';
  return std::move(loaded.county);
}

std::optional<CountyDistrict> load_county_district_file(const fs::path& file, const bot::CountyConfig& county,
                                                        const bot::Prompts& prompts, std::ostream& errors,
                                                        const Registry& registry) {
  const std::string key = file.stem().string();
  if (!valid_district_key(key)) {
    errors << file.string() << ":1: the file name '" << key
           << "' is not a district key, which names the district's rows in the database. Rename the file "
              "to up to 63 lowercase letters, digits and '-', e.g. lincoln-usd.yaml.\n";
    return std::nullopt;
  }
  auto district = bot::load_county_district(file, county, prompts, errors, platform_rules(registry));
  if (!district) return std::nullopt;
  return CountyDistrict{key, file, std::make_unique<bot::District>(std::move(*district))};
}

std::vector<std::string> workspace_conflicts(const CountyDistrict& district,
                                             const std::vector<const CountyDistrict*>& others) {
  std::vector<std::string> problems;
  for (const auto& [platform, ids] : district.district->config.workspaces)
    for (const auto& w : ids)
      for (const CountyDistrict* other : others) {
        if (other->key == district.key) continue;
        auto theirs = other->district->config.workspaces.find(platform);
        if (theirs == other->district->config.workspaces.end()) continue;
        for (const auto& t : theirs->second)
          if (t.id == w.id)
            problems.push_back(district.file.string() + ":" + std::to_string(w.line) + ": workspaces." + platform +
                               ": " + w.id + " is also claimed by " + other->file.string() + " (line " +
                               std::to_string(t.line) +
                               "). A workspace belongs to one district: remove it from one of the two files.");
      }
  return problems;
}

std::optional<CountyFolder> load_county_folder(const fs::path& dir, std::ostream& errors, const Registry& registry) {
  auto county = load_county_file(dir, errors, registry);
  if (!county) {
    errors << "Hallpass did not start: fix county.yaml first.\n";
    return std::nullopt;
  }
  CountyFolder folder{dir, std::move(*county), {}, {}};
  try {
    folder.prompts = bot::Prompts::load(bot::hallpass_home() / "prompts");
  } catch (const std::exception& e) {
    errors << e.what() << '\n';
    return std::nullopt;
  }
  const auto files = district_files(dir);
  if (files.empty()) {
    errors << dir.string()
           << ": no district files. Add one <key>.yaml per district beside county.yaml (an ordinary district file "
              "with workspaces: instead of adapters:, docs/scale-out.md).\n";
    return std::nullopt;
  }
  size_t refused = 0;
  for (const auto& file : files) {
    auto d = load_county_district_file(file, folder.county, folder.prompts, errors, registry);
    if (!d) {
      ++refused;
      continue;
    }
    folder.districts.push_back(std::move(*d));
  }
  // Each pair once: a district is checked against the ones before it.
  std::vector<const CountyDistrict*> before;
  for (const auto& d : folder.districts) {
    for (const auto& problem : workspace_conflicts(d, before)) {
      errors << problem << '\n';
      ++refused;
    }
    before.push_back(&d);
  }
  if (refused > 0) {
    errors << refused << (refused == 1 ? " problem" : " problems") << " in the county folder " << dir.string()
           << "; Hallpass did not start.\n";
    return std::nullopt;
  }
  return folder;
}

}  // namespace app
