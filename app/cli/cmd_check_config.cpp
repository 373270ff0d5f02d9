// hallpass check-config: validates a district configuration and explains every problem.
#include <iostream>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "app/county_folder.hpp"
#include "bot/district/district.hpp"

namespace cli {

int cmd_check_config(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db", "--district", "--districts"}, {"--help"});
  const bool county = a.has("--districts");
  if (a.has("--help") || a.positional.size() != (county ? 0u : 1u) || !a.error.empty()) {
    std::cout << "Usage: hallpass check-config FILE [--db FILE|URL]\n"
                 "       hallpass check-config --districts DIR\n\n"
                 "Checks a district configuration: every problem is reported with the file, the line and what to "
                 "do, and the exit code is non-zero. Also names the store the bot would use (the SQLite file --db, "
                 "or PostgreSQL from a postgres:// --db or HALLPASS_DATABASE_URL), without opening it. --districts "
                 "checks a county folder (county.yaml and every district file, docs/scale-out.md) without "
                 "connecting anywhere.\n";
    return a.has("--help") ? 0 : 2;
  }
  if (county) {
    auto folder = app::load_county_folder(a.get("--districts"), std::cerr);
    if (!folder) return 1;
    std::cout << a.get("--districts") << ": OK — "
              << (folder->county.name.empty() ? std::string("the county") : folder->county.name) << ", "
              << folder->districts.size() << " districts:\n";
    for (const auto& d : folder->districts) {
      size_t workspaces = 0;
      for (const auto& [platform, ids] : d.district->config.workspaces) workspaces += ids.size();
      std::cout << "  " << d.key << ": " << d.district->config.name << ", " << d.district->config.sites.size()
                << " sites, " << d.district->config.people.size() << " people, " << workspaces
                << (workspaces == 1 ? " workspace\n" : " workspaces\n");
    }
    return 0;
  }
  // The same loading as hallpass run, demo, console and digest: what passes here starts there.
  auto district = app::load_district(a.positional.front(), std::cerr);
  if (!district) return 1;
  const auto& c = district->config;
  std::cout << a.positional.front() << ": OK — " << c.name << ", " << c.sites.size() << " sites, " << c.people.size()
            << " people, " << c.policies.size() << " policy documents"
            << (district->policy ? " (" + std::to_string(district->policy->passages().size()) + " passages)" : "")
            << ", review window " << c.review.days << ' '
            << (c.review.counting == bot::DayCounting::school ? "school" : "calendar") << " days, time zone "
            << c.time_zone << ".\n";
  // Which store the bot would use with this environment, without opening it.
  const StoreChoice choice = store_choice(a.get("--db", "hallpass.db"));
  std::cout << "Store: " << choice.shown << ".\n";
  if (const std::string key = store_district(a.get("--district")); !key.empty())
    std::cout << "District key: " << key
              << (choice.postgres ? " (its own rows, ids and audit chain in that database).\n"
                                  : " (refused: a SQLite file serves one district; leave it out).\n");
  return 0;
}

}  // namespace cli
