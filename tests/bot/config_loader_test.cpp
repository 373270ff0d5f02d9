// District configuration: the sample loads; every mistake is named with its file, line and remedy.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"

namespace {

using test_support::line_of;

// A changed copy of the sample's folder, removed when the test is done with it.
struct Variant {
  std::filesystem::path file;
  ~Variant() { std::filesystem::remove_all(file.parent_path()); }
  operator const std::filesystem::path&() const { return file; }
  std::string string() const { return file.string(); }
};

Variant variant(const std::string& name, const std::string& from, const std::string& to) {
  return {test_support::sample_config_variant(name, from, to)};
}

}  // namespace

TEST_CASE("the sample district loads", "[unit][config]") {
  auto r = bot::load_district_config(bot::sample_config_path(), test_support::platform_rules());
  for (const auto& e : r.errors) UNSCOPED_INFO(e.to_string());
  REQUIRE(r.config);
  CHECK(r.config->sites.size() == 3);
  CHECK(r.config->people.size() >= 12);
  CHECK(r.config->is_decider("d.lee"));
  CHECK(r.config->person("t.garcia")->handles.at("web") == "t.garcia");
  CHECK(r.config->policies.size() == 4);
  CHECK(r.config->review.days == 7);
}

TEST_CASE("a misspelt key is reported with its line and the key it should be", "[unit][config]") {
  auto file = variant("typo", "    principals: [j.chen]", "    prinicpals: [j.chen]");
  auto r = bot::load_district_config(file, test_support::platform_rules());
  REQUIRE(!r.config);
  bool found = false;
  for (const auto& e : r.errors)
    if (e.message.find("'prinicpals'") != std::string::npos) {
      found = true;
      CHECK(e.line == line_of(file, "prinicpals"));
      CHECK(e.message.find("Did you mean 'principals'?") != std::string::npos);
      CHECK(e.to_string().starts_with(file.string() + ":"));
    }
  CHECK(found);
}

TEST_CASE("references to people who are not in the directory are refused", "[unit][config]") {
  auto file = variant("ref", "designees: [d.lee]", "designees: [d.leee]");
  auto r = bot::load_district_config(file, test_support::platform_rules());
  REQUIRE(!r.config);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("'d.leee', a designee of the superintendent, is not in people") != std::string::npos);
  CHECK(r.errors[0].line == line_of(file, "designees: [d.leee]"));
}

TEST_CASE("an unknown time zone, a bad holiday and invalid YAML are explained", "[unit][config]") {
  auto tz = bot::load_district_config(variant("tz", "America/Los_Angeles", "America/Los_Angles"),
                                      test_support::platform_rules());
  REQUIRE(!tz.config);
  CHECK(tz.errors[0].message.find("unknown time zone") != std::string::npos);

  auto yaml = bot::load_district_config(variant("yaml", "  counting: calendar", "  counting: [calendar"),
                                        test_support::platform_rules());
  REQUIRE(!yaml.config);
  CHECK(yaml.errors[0].message.find("not valid YAML") != std::string::npos);
  CHECK(yaml.errors[0].line > 0);
}

TEST_CASE("secrets must come from the environment, and a missing variable is named", "[unit][config]") {
  auto literal =
      bot::load_district_config(variant("secret", "slack: { enabled: false, app_token: \"${SLACK_APP_TOKEN}\"",
                                        "slack: { enabled: false, app_token: \"xapp-1-A0-123\""),
                                test_support::platform_rules());
  REQUIRE(!literal.config);
  CHECK(literal.errors[0].message.find("must not be written in the file") != std::string::npos);
  CHECK(literal.errors[0].message.find("${SLACK_APP_TOKEN}") != std::string::npos);

  ::unsetenv("SLACK_APP_TOKEN");
  auto missing = bot::load_district_config(variant("env", "slack: { enabled: false", "slack: { enabled: true"),
                                           test_support::platform_rules());
  REQUIRE(!missing.config);
  CHECK(missing.errors[0].message.find("SLACK_APP_TOKEN") != std::string::npos);

  ::setenv("SLACK_APP_TOKEN", "xapp-test", 1);
  ::setenv("SLACK_BOT_TOKEN", "xoxb-test", 1);
  auto set = bot::load_district_config(variant("env2", "slack: { enabled: false", "slack: { enabled: true"),
                                       test_support::platform_rules());
  REQUIRE(set.config);
  CHECK(set.config->adapters.at("slack").settings.at("app_token") == "xapp-test");
  ::unsetenv("SLACK_APP_TOKEN");
  ::unsetenv("SLACK_BOT_TOKEN");
}

TEST_CASE("the check-config command exits non-zero and prints the line", "[unit][config][cli]") {
  auto file = variant("cli", "    principals: [k.brooks]", "    principals: [k.brooks]\n    mascot: eagles");
  auto run = test_support::run_command(std::string(HALLPASS_BINARY) + " check-config " + file.string() + " 2>&1");
  const std::string& out = run.output;
  CHECK(run.exit_code == 1);
  CHECK(out.find(file.string() + ":" + std::to_string(line_of(file, "mascot")) + ": unknown key 'mascot'") !=
        std::string::npos);
}
