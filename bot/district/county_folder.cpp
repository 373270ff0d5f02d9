#include "bot/district/county_folder.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace bot {

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
    // A file, or a link to nothing (a ConfigMap's files are links), which is then refused with its
    // name rather than left out without a word. Not a subfolder, nor a pipe or device, whose
    // reading could wait for ever.
    std::error_code kind;
    const auto type = it->status(kind).type();
    if (type != fs::file_type::regular && type != fs::file_type::not_found) continue;
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<CountyConfig> load_county_file(const fs::path& dir, std::ostream& errors, const PlatformList& platforms) {
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
  auto loaded = load_county_config(file, platforms);
  for (const auto& e : loaded.errors) errors << e.to_string() << '\n';
  return std::move(loaded.county);
}

namespace {

// A workspace the county's adapter would refuse before routing it (Teams' `tenants`, Slack's
// `allowed_teams` when the county lists them): the district would never hear from it.
std::vector<std::string> unlisted_workspaces(const fs::path& file, const DistrictConfig& config,
                                             const CountyConfig& county) {
  std::vector<std::string> problems;
  for (const auto& [platform, setting] : {std::pair{"teams", "tenants"}, std::pair{"slack", "allowed_teams"}}) {
    auto adapter = county.adapters.find(platform);
    auto ids = config.workspaces.find(platform);
    if (adapter == county.adapters.end() || !adapter->second.enabled || ids == config.workspaces.end()) continue;
    auto listed = adapter->second.settings.find(setting);
    if (listed == adapter->second.settings.end() || listed->second.empty()) continue;
    std::set<std::string> accepted;
    std::string word;
    for (char c : listed->second + ",") {
      if (c == ',' || c == ' ' || c == '\t') {
        if (!word.empty()) accepted.insert(word);
        word.clear();
      } else {
        word += c;
      }
    }
    for (const auto& w : ids->second)
      if (!accepted.contains(w.id))
        problems.push_back(file.string() + ":" + std::to_string(w.line) + ": workspaces." + platform + ": " + w.id +
                           " is not in county.yaml's adapters." + platform + "." + setting + ", so the county's " +
                           platform +
                           " adapter refuses its events before they reach this district. Add it there, or "
                           "correct the id.");
  }
  return problems;
}

}  // namespace

std::optional<CountyDistrict> load_county_district_file(const fs::path& file, const CountyConfig& county,
                                                        const Prompts& prompts, std::ostream& errors,
                                                        const PlatformList& platforms) {
  const std::string key = file.stem().string();
  if (!valid_district_key(key)) {
    errors << file.string() << ":1: the file name '" << key
           << "' is not a district key, which names the district's rows in the database. Rename the file "
              "to up to 63 lowercase letters, digits and '-', e.g. lincoln-usd.yaml.\n";
    return std::nullopt;
  }
  auto district = load_county_district(file, county, prompts, errors, platforms);
  if (!district) return std::nullopt;
  if (const auto problems = unlisted_workspaces(file, district->config, county); !problems.empty()) {
    for (const auto& p : problems) errors << p << '\n';
    return std::nullopt;
  }
  return CountyDistrict{key, file, std::make_unique<District>(std::move(*district))};
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

std::optional<CountyFolder> load_county_folder(const fs::path& dir, std::ostream& errors,
                                               const PlatformList& platforms) {
  auto county = load_county_file(dir, errors, platforms);
  if (!county) {
    errors << "Hallpass did not start: fix county.yaml first.\n";
    return std::nullopt;
  }
  CountyFolder folder{dir, std::move(*county), {}, {}};
  try {
    folder.prompts = Prompts::load(hallpass_home() / "prompts");
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
    auto d = load_county_district_file(file, folder.county, folder.prompts, errors, platforms);
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

}  // namespace bot
