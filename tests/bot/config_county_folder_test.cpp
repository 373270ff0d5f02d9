// The county folder loader (hallpass run --districts DIR, docs/scale-out.md) on folders that are
// wrong: every mistake is refused with the file, the line and what to do, and nothing in a folder
// makes it throw or crash. Below the network, so the sanitizer build runs these too
// (hallpass_untrusted_tests); tests/fuzz/county_config_fuzz_test.cpp mutates the files' text.
#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bot/district/county_folder.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/county_fixtures.hpp"
#include "tests/support/platform_rules.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

constexpr auto kSecret = "e3b1c4d5f6a7b8c9d0e1f2a3b4c5d6e7";

// county.yaml's Slack names its secrets; the worker would have them in its environment.
struct SlackSecrets {
  SlackSecrets() {
    ::setenv("SLACK_SIGNING_SECRET", kSecret, 1);
    ::setenv("SLACK_BOT_TOKEN", "xoxb-county", 1);
  }
  ~SlackSecrets() {
    ::unsetenv("SLACK_SIGNING_SECRET");
    ::unsetenv("SLACK_BOT_TOKEN");
  }
};

std::optional<bot::CountyFolder> load(const fs::path& dir, std::ostream& errors) {
  return bot::load_county_folder(dir, errors, test_support::platform_rules());
}

std::string load_problems(const fs::path& dir) {
  std::ostringstream errors;
  std::optional<bot::CountyFolder> folder;
  CHECK_NOTHROW(folder = load(dir, errors));
  CHECK_FALSE(folder.has_value());
  return errors.str();
}

}  // namespace

TEST_CASE("a county folder's mistakes are refused with the file, the line and what to do", "[county][config]") {
  SlackSecrets secrets;
  test_support::TempDir dir("county-errors");
  test_support::write_county_folder(dir.path(), "http://127.0.0.1:9", {{"a", "TA"}, {"b", "TB"}});
  std::ostringstream ok;
  auto folder = load(dir.path(), ok);
  INFO(ok.str());
  REQUIRE(folder.has_value());
  CHECK(folder->districts.size() == 2);
  CHECK(folder->districts[1].district->config.workspaces.at("slack").front().id == "TB");
  // Shared: one policy library for both districts.
  CHECK(folder->districts[0].district->policy == folder->districts[1].district->policy);

  SECTION("a file name that is not a district key") {
    fs::copy_file(dir.path() / "a.yaml", dir.path() / "Lincoln_USD.yaml");
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains((dir.path() / "Lincoln_USD.yaml").string() + ":1: the file name"));
    CHECK_THAT(problems, Catch::Contains("lowercase letters, digits and '-'"));
  }
  SECTION("a district file with adapters:") {
    test_support::write_county_district(dir.path(), {"c", "TC"}, "adapters:\n  slack: { enabled: true }\n");
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains((dir.path() / "c.yaml").string() + ":"));
    CHECK_THAT(problems, Catch::Contains("in a county folder the platforms are set in county.yaml"));
  }
  SECTION("a team claimed by two districts") {
    test_support::write_county_district(dir.path(), {"c", "TA"});
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains((dir.path() / "c.yaml").string()));
    CHECK_THAT(problems, Catch::Contains("TA is also claimed by " + (dir.path() / "a.yaml").string()));
  }
  SECTION("a workspace the county's Slack app does not accept") {
    // Slack's installations list the workspaces that may install (adapters.slack.allowed_teams).
    bot::CountyConfig county = folder->county;
    county.adapters.at("slack").settings["allowed_teams"] = "TA, T0OTHER";
    std::ostringstream errors;
    const auto& rules = test_support::platform_rules();
    CHECK(bot::load_county_district_file(dir.path() / "a.yaml", county, folder->prompts, errors, rules).has_value());
    CHECK_FALSE(
        bot::load_county_district_file(dir.path() / "b.yaml", county, folder->prompts, errors, rules).has_value());
    CHECK_THAT(errors.str(), Catch::Contains((dir.path() / "b.yaml").string() + ":"));
    CHECK_THAT(errors.str(), Catch::Contains("TB is not in county.yaml's adapters.slack.allowed_teams"));
  }
  SECTION("the web chat in county.yaml") {
    std::string text = test_support::file_text(dir.path() / "county.yaml");
    text.replace(text.find("web: { enabled: false,"), 22, "web: { enabled: true, ");
    std::ofstream(dir.path() / "county.yaml") << text;
    CHECK_THAT(load_problems(dir.path()), Catch::Contains("adapters.web"));
  }
  SECTION("a workspaces: section that is not a map of lists of ids") {
    const std::string file = (dir.path() / "c.yaml").string();
    test_support::write_county_district(dir.path(), {"c", "TC"}, "  teams: T0NOTALIST\n  fax: [1]\n");
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Matches("(.|\n)*" + file + ":[0-9]+: workspaces.teams(.|\n)*"));
    CHECK_THAT(problems, Catch::Matches("(.|\n)*" + file + ":[0-9]+: (.|\n)*fax(.|\n)*"));
    CHECK_THAT(problems, Catch::Contains("Hallpass did not start"));
  }
  SECTION("an id written twice, and one with a space") {
    test_support::write_county_district(dir.path(), {"c", "TC, TC, \"T C\""});
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains("workspaces.slack lists \"TC\" twice: write it once."));
    CHECK_THAT(problems, Catch::Contains("is not an id: write the platform's id without spaces"));
  }
}

TEST_CASE("a county folder that is not one is refused, saying what a county folder holds", "[county][config]") {
  SlackSecrets secrets;
  test_support::TempDir dir("county-hostile");

  SECTION("no folder") {
    const auto problems = load_problems(dir.path() / "nowhere");
    CHECK_THAT(problems, Catch::Contains((dir.path() / "nowhere").string() + ": no such folder"));
  }
  SECTION("an empty folder") {
    CHECK_THAT(load_problems(dir.path()), Catch::Contains("county.yaml: missing. A county folder starts with"));
  }
  SECTION("county.yaml is a folder") {
    fs::create_directory(dir.path() / "county.yaml");
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains((dir.path() / "county.yaml").string() + ": "));
    CHECK_THAT(problems, Catch::Contains("fix county.yaml first"));
  }
  SECTION("county.yaml holds no YAML") {
    std::ofstream(dir.path() / "county.yaml") << std::string("\0\xFF\xFE{[", 5);
    const auto problems = load_problems(dir.path());
    CHECK_THAT(problems, Catch::Contains((dir.path() / "county.yaml").string() + ":1: "));
  }
  SECTION("county.yaml and no district") {
    test_support::write_county_folder(dir.path(), "http://127.0.0.1:9", {});
    CHECK_THAT(load_problems(dir.path()), Catch::Contains(": no district files. Add one <key>.yaml per district"));
  }
  SECTION("district files that are not files, or not text") {
    test_support::write_county_folder(dir.path(), "http://127.0.0.1:9", {{"a", "TA"}});
    fs::create_symlink(dir.path() / "gone.txt", dir.path() / "dangling.yaml");
    fs::create_directory(dir.path() / "folder.yaml");
    REQUIRE(::mkfifo((dir.path() / "pipe.yaml").c_str(), 0600) == 0);  // never read: it would wait for ever
    std::ofstream(dir.path() / "binary.yaml") << std::string(
        "\x7F"
        "ELF\0\0\xFF\xFF",
        8);
    std::ofstream(dir.path() / "empty.yaml");
    std::ofstream(dir.path() / ("\xFF\xFE"
                                ".yaml"));
    const auto problems = load_problems(dir.path());
    const std::string binary = (dir.path() / "binary.yaml").string();
    CHECK_THAT(problems, Catch::Contains(binary + ":1: "));
    CHECK_THAT(problems, Catch::Contains((dir.path() / "empty.yaml").string() + ":"));
    CHECK_THAT(problems, Catch::Contains((dir.path() / "dangling.yaml").string() + ": "));
    CHECK_THAT(problems, Catch::Contains("Check the path and permissions"));
    CHECK_THAT(problems, Catch::Contains("is not a district key"));
    CHECK_THAT(problems, Catch::Contains("problems in the county folder"));
    CHECK_THAT(problems, !Catch::Contains("folder.yaml"));
    CHECK_THAT(problems, !Catch::Contains("pipe.yaml"));
  }
}
