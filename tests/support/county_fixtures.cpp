#include "tests/support/county_fixtures.hpp"

#include <fstream>
#include <stdexcept>

#include "tests/support/config_files.hpp"
#include "tests/support/slack_run_fixtures.hpp"

namespace test_support {

namespace fs = std::filesystem;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The sample district on Slack (HTTP mode), split into what the district keeps and its adapters.
std::pair<std::string, std::string> split_sample(const fs::path& file) {
  const std::string text = file_text(file);
  const auto at = text.find("\nadapters:\n");
  if (at == std::string::npos) throw std::runtime_error("the sample config has no adapters: section");
  return {text.substr(0, at + 1), text.substr(at + 1)};
}

}  // namespace

void write_county_folder(const fs::path& dir, const std::string& api_base_url,
                         const std::vector<CountyDistrictSpec>& districts) {
  const fs::path sample = slack_sample_config("county-source", api_base_url, SlackMode::http);
  // The documents and vocabularies beside the sample, in a subfolder: every *.yaml at the top of a
  // county folder is a district file.
  fs::copy(sample.parent_path(), dir / "shared", fs::copy_options::recursive);
  fs::remove(dir / "shared" / sample.filename());
  const auto [district, adapters] = split_sample(sample);
  std::ofstream(dir / "county.yaml") << "county: { name: Test County Office of Education }\n" << adapters;
  for (const auto& d : districts) write_county_district(dir, d);
  fs::remove_all(sample.parent_path());
}

void write_county_district(const fs::path& dir, const CountyDistrictSpec& d, const std::string& more) {
  // The district part of the sample, with its files under shared/.
  const fs::path sample = slack_sample_config("county-district", "http://127.0.0.1:9", SlackMode::http);
  std::string text = split_sample(sample).first;
  fs::remove_all(sample.parent_path());
  replace_all(text, "file: policies/", "file: shared/policies/");
  replace_all(text, "synonyms: vocabulary.yaml", "synonyms: shared/vocabulary.yaml");
  replace_all(text, "spanish: spanish_terms.yaml",
              "spanish: shared/spanish_terms.yaml\n  subject: shared/policy_subject.yaml");
  replace_all(text, "name: Sierra Vista Unified School District", "name: District " + d.key);
  std::ofstream(dir / (d.key + ".yaml")) << text << "workspaces:\n  slack: [" << d.team << "]\n" << more;
}

}  // namespace test_support
