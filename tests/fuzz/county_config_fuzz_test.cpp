// A county folder's files on mutated input (hallpass run --districts, docs/scale-out.md): county.yaml
// and the `workspaces:` section of a district file. Whoever edits the folder can write anything in
// them; whatever they hold, the loader answers with a county (or a district) or with problems, each
// naming the file, a line and what to do, and never lets an exception escape or crashes (the asan
// preset runs these too).
//
// Seeds: tests/fuzz/corpus/county_yaml/ and county_workspaces/ (a district's section, appended to the
// sample district without its adapters:, as a county's district file is). Besides the byte-level
// mutations of fuzz::run, every line deleted and doubled, and every value replaced by values of
// another type or form, so each key meets each kind of wrong value.
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "tests/fuzz/mutator.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"

namespace {

namespace fs = std::filesystem;

// The county files' own odd values, beside every config file's (fuzz::odd_yaml_values): ids with
// spaces, nested and repeated ids, a very long list, a byte-order mark, a right-to-left mark.
const std::vector<std::string> kCountyValues = {"[[T0AAA1]]",
                                                "\"T0 AAA\"",
                                                "\"\\t\"",
                                                "[T0AAA1, T0AAA1]",
                                                "[" + std::string(300, 'T') + "]",
                                                "\xFF\xFE",
                                                "\xE2\x80\xAE"
                                                "T0"};

// YAML-aware variants of one seed: each line deleted and doubled; the value after each ": " and
// each list item replaced by every odd value.
std::vector<std::string> yaml_variants(const std::string& seed) {
  std::vector<std::string> out;
  for (auto& v : fuzz::line_variants(seed)) out.push_back(std::move(v.text));
  for (std::size_t at = 0; at < seed.size(); ++at) {
    const bool value = seed.compare(at, 2, ": ") == 0 || seed.compare(at, 2, "- ") == 0;
    if (!value) continue;
    std::size_t end = at + 2;
    while (end < seed.size() && seed[end] != ',' && seed[end] != '\n' && seed[end] != '}') ++end;
    for (const auto* values : {&fuzz::odd_yaml_values(), &kCountyValues})
      for (const auto& v : *values) out.push_back(seed.substr(0, at + 2) + v + seed.substr(end));
  }
  return out;
}

// The seeds' secrets are ${HALLPASS_FUZZ_SECRET} (a secret written in the file is refused).
struct FuzzSecret {
  FuzzSecret() { ::setenv("HALLPASS_FUZZ_SECRET", "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7", 1); }
  ~FuzzSecret() { ::unsetenv("HALLPASS_FUZZ_SECRET"); }
};

bool has_a_line(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); });
}

// What a refusal must give a person: every problem with its file and what to do, at least one at
// a line when the file has any text, and no "internal error" (an exception caught by the loader).
std::string refusal_problem(const std::vector<bot::ConfigError>& errors, std::string_view text) {
  if (errors.empty()) return "refused without a reason";
  for (const auto& e : errors) {
    if (e.file.empty() || e.message.empty()) return "a problem without a file or a message: " + e.to_string();
    if (e.message.find("internal error") != std::string::npos) return e.to_string();
  }
  const bool with_line = std::any_of(errors.begin(), errors.end(), [](const auto& e) { return e.line > 0; });
  if (has_a_line(text) && !with_line) return "refused without a line: " + errors.front().to_string();
  return {};
}

void run_yaml_variants(fuzz::Report& report, const std::vector<std::string>& seeds, const fuzz::Check& decode) {
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const auto variants = yaml_variants(seeds[i]);
    for (std::size_t k = 0; k < variants.size(); ++k)
      fuzz::check(report, variants[k], "seed " + std::to_string(i) + " YAML variant " + std::to_string(k), decode);
  }
}

}  // namespace

TEST_CASE("fuzz: county.yaml", "[fuzz][config][county]") {
  FuzzSecret secret;
  const auto seeds = fuzz::read_corpus({fuzz::corpus("county_yaml")});
  REQUIRE(seeds.size() >= 3);
  const fs::path file = "/county/county.yaml";
  for (const auto& s : seeds) {
    const auto r = bot::load_county_config_text(s, file, test_support::platform_rules());
    INFO((r.errors.empty() ? std::string() : r.errors.front().to_string()));
    REQUIRE(r.county.has_value());
  }
  const fuzz::Check decode = [&](std::string_view text) -> std::string {
    const auto r = bot::load_county_config_text(text, file, test_support::platform_rules());
    if (r.county) {
      if (!r.errors.empty()) return "accepted with problems";
      if (r.county->adapters.contains("web") && r.county->adapters.at("web").enabled)
        return "accepted the web chat in a county";
      if (std::none_of(r.county->adapters.begin(), r.county->adapters.end(),
                       [](const auto& a) { return a.second.enabled; }))
        return "accepted a county without a platform";
      return {};
    }
    return refusal_problem(r.errors, text);
  };
  auto report = fuzz::run(seeds, fuzz::scaled(6000), decode);
  run_yaml_variants(report, seeds, decode);
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 6000);
}

TEST_CASE("fuzz: a county district's workspaces", "[fuzz][config][county]") {
  FuzzSecret secret;
  const auto seeds = fuzz::read_corpus({fuzz::corpus("county_workspaces")});
  REQUIRE(seeds.size() >= 3);
  const auto county_loaded =
      bot::load_county_config_text(test_support::file_text(fuzz::corpus("county_yaml") / "slack-http.yaml"),
                                   "/county/county.yaml", test_support::platform_rules());
  REQUIRE(county_loaded.county.has_value());
  const bot::CountyConfig& county = *county_loaded.county;
  // The sample district without its adapters: (a county's district has none), its places given
  // Slack channels (the county's platform), read where the sample is, so its policy documents are
  // found; its lines come first, the section after them.
  std::string sample = test_support::file_text(bot::sample_config_path());
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"web: \"#superintendent\" }", "web: \"#superintendent\", slack: C0SUPERINT }"},
           {"approvals: { web: \"#lincoln-approvals\" }", "approvals: { web: \"#lincoln-approvals\", slack: C0L1 }"},
           {"approvals: { web: \"#roosevelt-approvals\" }",
            "approvals: { web: \"#roosevelt-approvals\", slack: C0R1 }"},
           {"approvals: { web: \"#kennedy-approvals\" }", "approvals: { web: \"#kennedy-approvals\", slack: C0K1 }"}}) {
    const auto at = sample.find(from);
    REQUIRE(at != std::string::npos);
    sample.replace(at, from.size(), to);
  }
  const std::string district = sample.substr(0, sample.find("\nadapters:\n") + 1);
  const int district_lines = static_cast<int>(std::count(district.begin(), district.end(), '\n'));
  const fs::path file = bot::sample_config_path();
  for (const auto& s : seeds) {
    const auto r = bot::load_county_district_config_text(district + s, file, county, test_support::platform_rules());
    INFO((r.errors.empty() ? std::string() : r.errors.front().to_string()));
    REQUIRE(r.config.has_value());
  }
  const fuzz::Check decode = [&](std::string_view section) -> std::string {
    const std::string text = district + std::string(section);
    const auto r = bot::load_county_district_config_text(text, file, county, test_support::platform_rules());
    if (!r.config) {
      if (auto p = refusal_problem(r.errors, text); !p.empty()) return p;
      // A problem in the section is reported at one of its lines, not the sample's.
      for (const auto& e : r.errors)
        if (e.file == file.string() && e.line > 0 && e.line <= district_lines)
          return "a problem at a line of the district part, which is unchanged: " + e.to_string();
      return {};
    }
    if (!r.errors.empty()) return "accepted with problems";
    for (const auto& [platform, ids] : r.config->workspaces) {
      if (platform != "slack" && platform != "teams" && platform != "matrix")
        return "accepted workspaces of platform \"" + platform + "\"";
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& w = ids[i];
        if (w.id.empty() || w.id.find_first_of(" \t\r\n") != std::string::npos)
          return "accepted the id \"" + w.id + "\"";
        if (w.line <= district_lines) return "an id with a line outside the section: " + std::to_string(w.line);
        for (std::size_t j = 0; j < i; ++j)
          if (ids[j].id == w.id) return "accepted " + w.id + " twice";
      }
    }
    return {};
  };
  // Each input loads a whole district (the policy library is the loader's memo): fewer than above.
  auto report = fuzz::run(seeds, fuzz::scaled(1500), decode, 256);
  run_yaml_variants(report, seeds, decode);
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 1500);
}
