// hallpass registry export: the registry of official accounts for the Office of Employee Relations
// and Ethics, without usernames or passwords (the registry holds none), as CSV or a readable table.
#include <iostream>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/district/district.hpp"
#include "bot/model/markup.hpp"
#include "bot/store/store.hpp"
#include "workflows/registry_accounts.hpp"

namespace cli {

namespace {
constexpr const char* kHelp =
    R"(Usage: hallpass registry export [--site ID] [--format csv|table] [--config FILE] [--db FILE]

Prints the registry of official social media accounts (LBUSD Code of Ethics §E, Registry 5: the
list each site sends to the Office of Employee Relations and Ethics "without usernames or
passwords"). Hallpass never holds a username or password, so there is no such column. Closed
accounts have left the registry, and group accounts a principal has not acknowledged yet are not
approved: neither is listed. Nothing is written.

  --site ID      one site's accounts (a site id of the config); default: every site
  --format F     csv (the default; redirect it to a file) or table (readable)
Defaults: --config is the sample district, --db is hallpass.db in this folder (it must exist).
)" HALLPASS_DISTRICT_HELP;
}  // namespace

int cmd_registry(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--site", "--format", "--config", "--db", "--district"}, {"--help"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  const std::string format = a.get("--format", "csv");
  if (!a.error.empty() || a.positional.size() != 1 || a.positional[0] != "export" ||
      (format != "csv" && format != "table")) {
    std::cerr << "hallpass registry: "
              << (!a.error.empty()              ? a.error
                  : a.positional.size() != 1    ? std::string("say what to do: export")
                  : a.positional[0] != "export" ? "unknown action '" + a.positional[0] + "': the only one is export"
                                                : "--format must be csv or table, not '" + format + "'")
              << "\n\n"
              << kHelp;
    return 2;
  }
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  const std::string site = a.get("--site", "");
  if (!site.empty() && !district->config.site(site)) {
    std::cerr << "hallpass registry: there is no site '" << site << "' in " << district->config.file.string()
              << "; use one of the ids under sites:\n";
    return 2;
  }
  auto store =
      open_store("registry", a.get("--db", "hallpass.db"), bot::OpenMode::read_only, std::cerr, a.get("--district"));
  if (!store) return 1;
  auto services = workflows::services_of(*district);
  bot::Effects fx;
  auto tx = store->begin();  // read only, never committed
  const auto accounts = workflows::exportable_accounts(*store, site);
  if (format == "csv") {
    std::cout << workflows::registry_csv(district->config, *district->calendar, accounts);
    return 0;
  }
  workflows::Context ctx(services, *store, fx, std::chrono::system_clock::now(), nullptr, nullptr, "");
  const std::string lang = district->config.default_language;
  std::cout << bot::markup::to_plain(workflows::registry_table(ctx, lang, accounts)) << '\n'
            << accounts.size() << (accounts.size() == 1 ? " account" : " accounts")
            << ", without usernames or passwords.\n";
  return 0;
}

}  // namespace cli
