// hallpass acknowledgements: who was sent the District's policy and who read it, as CSV.
#include <iostream>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"
#include "workflows/acknowledgement_workflow.hpp"

namespace cli {

namespace {
constexpr const char* kHelp = R"(Usage: hallpass acknowledgements [--site ID] [--config FILE] [--db FILE]

Prints, as CSV, everyone in the directory (or of one site) with when the District's social media
policy was sent to them and when they pressed "I have read it" (local time; empty when not yet):
  site,person,name,title,sent_at,acknowledged_at
Nothing is written. Redirect it to a file: hallpass acknowledgements --site lincoln > lincoln.csv

Defaults: --config is the sample district, --db is hallpass.db in this folder (it must exist).
)" HALLPASS_DISTRICT_HELP;
}  // namespace

int cmd_acknowledgements(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--site", "--config", "--db", "--district"}, {"--help"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty() || !a.positional.empty()) {
    std::cerr << "hallpass acknowledgements: " << (!a.error.empty() ? a.error : "unexpected " + a.positional.front())
              << "\n\n"
              << kHelp;
    return 2;
  }
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  const std::string site = a.get("--site", "");
  if (!site.empty() && !district->config.site(site)) {
    std::cerr << "hallpass acknowledgements: there is no site '" << site << "' in " << district->config.file.string()
              << ". Sites:";
    for (const auto& s : district->config.sites) std::cerr << ' ' << s.id;
    std::cerr << '\n';
    return 2;
  }
  auto store = open_store("acknowledgements", a.get("--db", "hallpass.db"), bot::OpenMode::read_only, std::cerr,
                          a.get("--district"));
  if (!store) return 1;
  auto services = workflows::services_of(*district);
  bot::Effects fx;
  auto tx = store->begin();  // never committed: a report changes nothing
  workflows::Context ctx(services, *store, fx, std::chrono::system_clock::now(), nullptr, nullptr, "");
  std::cout << workflows::acknowledgement_csv(ctx, site);
  return 0;
}

}  // namespace cli
