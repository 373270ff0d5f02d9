// hallpass digest --dry-run: the night's digests as they would go out, changing nothing.
#include <date/date.h>
#include <date/tz.h>

#include <iostream>
#include <optional>
#include <sstream>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"
#include "workflows/digest.hpp"

namespace cli {

namespace {
constexpr const char* kHelp = R"(Usage: hallpass digest --dry-run [--at TIME] [--config FILE] [--db FILE]

Prints the nightly digests as Hallpass would send them at TIME: each person's digest (what waits
for them, days left, overdue first) with their name and where it goes (their direct message on
each platform), and the summary for the superintendent's place. Nothing is sent or written.

  --at TIME   when: 2026-12-01T19:00 is local time in the district's time zone; add Z or an
              offset (2026-12-02T03:00Z, 2026-12-01T19:00-08:00) for an exact instant.
              Default: tonight's digest time.
Defaults: --config is the sample district, --db is hallpass.db in this folder (it must exist).
)" HALLPASS_DISTRICT_HELP;

// GCC 12 reports a false -Wmaybe-uninitialized inside date::parse once it is inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Local time in the district's zone unless the text carries Z or an offset.
std::optional<bot::TimePoint> parse_at(const std::string& s, const std::string& zone) {
  auto read = [&s](const char* fmt) -> std::optional<date::sys_seconds> {
    std::istringstream in(s);
    date::sys_seconds t;
    in >> date::parse(fmt, t);
    if (in.fail() || in.peek() != EOF) return std::nullopt;
    return t;
  };
  for (const char* fmt : {"%FT%T%Ez", "%FT%R%Ez", "%FT%TZ", "%FT%RZ"})
    if (auto t = read(fmt)) return *t;
  // No offset: the district's wall-clock time (read as if UTC, then placed in the zone).
  for (const char* fmt : {"%FT%T", "%FT%R"})
    if (auto t = read(fmt))
      return date::locate_zone(zone)->to_sys(date::local_seconds{t->time_since_epoch()}, date::choose::earliest);
  return std::nullopt;
}
#pragma GCC diagnostic pop

std::string addresses(const bot::PlatformAddresses& a, std::string_view prefix) {
  std::string out;
  for (const auto& [platform, address] : a)
    out += (out.empty() ? "" : ", ") + platform + " " + std::string(prefix) + address;
  return out.empty() ? "(no platform address)" : out;
}
}  // namespace

int cmd_digest(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--at", "--config", "--db", "--district"}, {"--help", "--dry-run"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty() || !a.positional.empty() || !a.has("--dry-run")) {
    std::cerr << "hallpass digest: "
              << (!a.error.empty() ? a.error : "only --dry-run is supported: the running bot sends the digests itself")
              << "\n\n"
              << kHelp;
    return 2;
  }
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  const auto& config = district->config;
  const auto& cal = *district->calendar;

  bot::TimePoint at;
  if (a.has("--at")) {
    auto t = parse_at(a.get("--at"), config.time_zone);
    if (!t) {
      std::cerr << "hallpass digest: --at must look like 2026-12-01T19:00 (district time) or 2026-12-02T03:00Z\n";
      return 2;
    }
    at = *t;
  } else {
    at = cal.at_local(cal.local_day(std::chrono::system_clock::now()), config.digest.time);
  }
  // Read-only: a dry run writes nothing, and never creates a database.
  auto store =
      open_store("digest", a.get("--db", "hallpass.db"), bot::OpenMode::read_only, std::cerr, a.get("--district"));
  if (!store) return 1;
  auto services = workflows::services_of(*district);
  bot::Effects fx;
  {
    // Read inside a transaction that is never committed: nothing the digest does can stay.
    auto tx = store->begin();
    workflows::Context ctx(services, *store, fx, at, nullptr, nullptr, "");
    const std::string night = bot::DistrictCalendar::iso(cal.local_day(at));
    workflows::send_digests(ctx, night);
    std::cout << "Digests for " << night << " as of "
              << date::format("%F %R", date::make_zoned(config.time_zone, std::chrono::floor<std::chrono::minutes>(at)))
              << " (" << config.time_zone << ") — dry run, nothing is sent.\n";
  }

  int people = 0, places = 0;
  for (const auto& o : fx.messages) {
    std::cout << "\n";
    if (o.to.kind == bot::Recipient::Kind::person) {
      const bot::Person* p = config.person(o.to.person_id);
      std::cout << "=== to " << (p ? p->name : o.to.person_id) << " (" << o.to.person_id
                << "), direct message: " << (p ? addresses(p->handles, "dm:") : "(not in the directory)") << '\n';
      ++people;
    } else {
      const bot::Place* place = config.place(o.to.place_id);
      std::cout << "=== to " << (place ? place->name : o.to.place_id) << " (" << o.to.place_id
                << "): " << (place ? addresses(place->addresses, "") : "(unknown place)") << '\n';
      ++places;
    }
    std::cout << o.message.plain_text() << '\n';
  }
  std::cout << "\n"
            << people << (people == 1 ? " digest" : " digests") << ", " << places
            << (places == 1 ? " summary" : " summaries") << ".\n";
  return 0;
}

}  // namespace cli
