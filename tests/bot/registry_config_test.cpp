// registry: in the district file (issue 20): the renewal date and the escalation, with a typo named
// by its line and what to write.
#include <catch2/catch.hpp>

#include <filesystem>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"

TEST_CASE("the registry settings load, and a bad renewal date is named with its line", "[unit][config][registry]") {
  auto sample = bot::load_district_config(bot::sample_config_path(), test_support::platform_rules());
  REQUIRE(sample.config);
  CHECK(sample.config->registry.renewal_date == "08-15");
  CHECK(sample.config->registry.escalate_after_days == 7);

  auto file =
      test_support::sample_config_variant("registry-date", "renewal_date: \"08-15\"", "renewal_date: \"15-08\"");
  auto r = bot::load_district_config(file, test_support::platform_rules());
  std::filesystem::remove_all(file.parent_path());
  REQUIRE(!r.config);
  bool found = false;
  for (const auto& e : r.errors)
    if (e.message.find("registry.renewal_date must be the month and day") != std::string::npos) {
      found = true;
      CHECK(e.line == test_support::line_of(bot::sample_config_path(), "renewal_date:"));
    }
  CHECK(found);

  auto days = test_support::sample_config_variant("registry-days", "escalate_after_days: 7", "escalate_after_days: 0");
  auto d = bot::load_district_config(days, test_support::platform_rules());
  std::filesystem::remove_all(days.parent_path());
  REQUIRE(!d.config);
  CHECK(d.errors.at(0).message.find("registry.escalate_after_days must be a whole number from 1 to 60") !=
        std::string::npos);
}
