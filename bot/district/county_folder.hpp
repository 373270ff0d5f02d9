#pragma once
// A county folder (hallpass run --districts DIR, docs/scale-out.md): DIR/county.yaml holds the
// platforms the districts share; every other DIR/<key>.yaml is one district, whose key is the
// file's stem. Loading checks every file and reports every problem (file, line, what to do), and
// refuses a workspace, tenant or room that two districts claim, naming both files.
//
// Here, below the network, so the sanitizer build's tests (hallpass_untrusted_tests) load
// folders of untrusted files with it; app/county_folder.hpp gives it the adapter registry's rules.
//
// What is the same for every district is loaded once: the prompts here, the policy library by
// the config loader's memo (districts naming the same documents share one library).
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"

namespace bot {

struct CountyDistrict {
  std::string key;  // the file's stem: the district key of its rows in the store
  std::filesystem::path file;
  std::unique_ptr<District> district;  // held by address by what runs it
};

struct CountyFolder {
  std::filesystem::path dir;
  CountyConfig county;
  Prompts prompts;
  std::vector<CountyDistrict> districts;  // by key
};

// True when `stem` may be a district key: [a-z0-9-]{1,63}.
bool valid_district_key(std::string_view stem);

// The district files of the folder, by name: every *.yaml but county.yaml (not in subfolders).
std::vector<std::filesystem::path> district_files(const std::filesystem::path& dir);

// county.yaml alone (a reload reads the districts again, not the platforms).
std::optional<CountyConfig> load_county_file(const std::filesystem::path& dir, std::ostream& errors,
                                             const PlatformList& platforms);

// One district file of the folder: its key checked, then the file (problems printed to errors).
std::optional<CountyDistrict> load_county_district_file(const std::filesystem::path& file, const CountyConfig& county,
                                                        const Prompts& prompts, std::ostream& errors,
                                                        const PlatformList& platforms);

// Problems of workspaces claimed by two districts: "file:line: …, which <other file> (line N) also
// claims …", one line each; empty when none. `others` are checked before `district`'s own.
std::vector<std::string> workspace_conflicts(const CountyDistrict& district,
                                             const std::vector<const CountyDistrict*>& others);

// The whole folder; prints every problem and returns nothing when any file is refused.
std::optional<CountyFolder> load_county_folder(const std::filesystem::path& dir, std::ostream& errors,
                                               const PlatformList& platforms);

}  // namespace bot
