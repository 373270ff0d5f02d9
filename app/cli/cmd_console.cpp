// hallpass console: the bot from a terminal, as one person of the directory.
#include <date/date.h>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <sstream>

#include "adapters/console/console_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "app/runtime.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"

namespace cli {

namespace {
constexpr const char* kHelp = R"(Usage: hallpass console --as PERSON_ID [--config FILE] [--db FILE] [--now ISO-8601]

Talk to Hallpass from a terminal as one person of the district's directory. Each line is:
  /socialmedia …           a command (try /socialmedia help)
  @in PLACE                move: dm, #channel, or #channel/R-1001 for a request's thread
  @click ACTION [VALUE]    press a button of the latest message that shows it
  @form key=value; …       submit the latest form shown to you
  @attach NAME [text]      send a message carrying a file (the name stands in for it)
  # …                      a comment
  anything else            a message in the current place
Every message Hallpass sends you during this run is printed as "→ [place] text". Messages for
other people and for channels, and those sent to you before this run, stay in the outbox of --db
for the platforms they belong to (see hallpass outbox): a console over the database the bot serves
the district from takes nothing from anybody. Runs over the same --db continue the same requests:
@in #channel/R-1001 enters a request's thread by its name. --now sets the date
(e.g. 2026-12-02T09:00:00-08:00) to play a later day; it exists for the console and tests only.

Defaults: --config is the sample district, --db is hallpass.db in this folder.
)" HALLPASS_DISTRICT_HELP;

// Reads "2026-12-02", "2026-12-02T09:00", "2026-12-02T09:00:00Z" or with an offset "-08:00".
std::optional<bot::TimePoint> parse_now(const std::string& s) {
  for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%FT%T", "%FT%R%Ez", "%FT%R", "%F"}) {
    std::istringstream in(s);
    date::sys_seconds t;
    in >> date::parse(fmt, t);
    if (!in.fail() && in.peek() == EOF) return t;
  }
  return std::nullopt;
}
// Says how many messages of this run wait in the outbox for other people's and places' platforms,
// so the person does not think they were lost.
void tell_left_for_others(bot::Store& store, const bot::District& district, const std::string& language,
                          std::int64_t before_this_run, bot::TimePoint now) {
  const auto left = store.due_outbox_after(now + std::chrono::hours(24 * 366), before_this_run, 100000).size();
  if (left == 0) return;
  std::cout << "(" << district.prompts.text(language, "console.left_for_others", {{"n", std::to_string(left)}})
            << ")\n";
}
}  // namespace

int cmd_console(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--as", "--config", "--db", "--district", "--now"}, {"--help"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty() || !a.has("--as")) {
    std::cerr << "hallpass console: " << (a.error.empty() ? "--as PERSON_ID is required" : a.error) << "\n\n" << kHelp;
    return 2;
  }
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  std::string me = a.get("--as");
  if (!district->config.person(me)) {
    std::cerr << "hallpass console: '" << me << "' is not in the directory of " << district->config.name << ". People:";
    for (const auto& p : district->config.people) std::cerr << ' ' << p.id;
    std::cerr << '\n';
    return 2;
  }
  std::unique_ptr<bot::Clock> clock;
  if (a.has("--now")) {
    auto now = parse_now(a.get("--now"));
    if (!now) {
      std::cerr << "hallpass console: --now must be a date like 2026-12-02 or 2026-12-02T09:00:00-08:00\n";
      return 2;
    }
    clock = std::make_unique<bot::OffsetClock>(*now);
  } else {
    clock = std::make_unique<bot::SystemClock>();
  }
  auto store =
      open_store("console", a.get("--db", "hallpass.db"), bot::OpenMode::create, std::cerr, a.get("--district"));
  if (!store) return 1;
  boost::asio::io_context io;
  bot::Runtime runtime(io, *district, *store, *clock);
  adapters::console::ConsoleAdapter console(std::cin, std::cout, me);
  runtime.add_adapter(console);
  // The database may be the one the bot serves the district from: the console takes only what
  // this run writes for the person at the keyboard. Everything else (other people's messages,
  // the places', this person's own from before) stays pending for the platforms they belong to.
  const std::int64_t before_this_run = store->last_outbox_id();
  runtime.dispatcher().deliver_only({.person_id = me, .platform = "console", .user = me, .after_id = before_this_run});
  const int code = runtime.run(false);
  tell_left_for_others(*store, *district, district->config.person(me)->language, before_this_run, clock->now());
  return code;
}

}  // namespace cli
