#pragma once
// A county folder for the tests of hallpass run --districts (docs/scale-out.md): county.yaml with
// Slack in HTTP mode against a fake Slack, the sample's policy documents under shared/, and one
// district file per district: the sample district on Slack, with `workspaces: { slack: [team] }`
// instead of adapters:.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace test_support {

struct CountyDistrictSpec {
  std::string key;   // the file's stem
  std::string team;  // its Slack team id
};

// Writes county.yaml, shared/ and every district's file into `dir` (which exists).
void write_county_folder(const std::filesystem::path& dir, const std::string& api_base_url,
                         const std::vector<CountyDistrictSpec>& districts);

// One more district file in a folder write_county_folder made; `more` is appended to the file.
void write_county_district(const std::filesystem::path& dir, const CountyDistrictSpec& district,
                           const std::string& more = {});

}  // namespace test_support
