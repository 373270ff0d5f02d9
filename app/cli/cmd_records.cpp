// hallpass records: public records and retention (issue 22). `export` writes a request's (or a
// date range's, or an account's) case file as HTML and JSON; `verify` checks an export's audit
// proof without the database; `prune` removes the operational rows older than the configured time
// and compacts the file; `hold` puts a request or report under a legal hold (or releases it).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/district/district_calendar.hpp"
#include "bot/store/store.hpp"
#include "workflows/records_export.hpp"

namespace cli {

namespace {
constexpr const char* kHelp = R"(Usage:
  hallpass records export (--request R-1001 | --from DATE --to DATE | --account TEXT | --incident I-2001)
                          [--include-incidents --as PERSON] [--redact FIELD,FIELD] [--no-mask]
                          [--out FOLDER] [--name NAME] [--lang en|es] [--config FILE] [--db FILE]
  hallpass records verify FILE.json
  hallpass records prune [--days N] [--now TIME] [--config FILE] [--db FILE]
  hallpass records hold R-1001|I-2001 [--release] [--note TEXT] [--db FILE]

export   writes NAME.html (to read) and NAME.json (with the audit proof) into FOLDER (default: this
         folder; NAME defaults to the request, or "records-<date>"). A request brings every version
         of it. Dates are the district's (YYYY-MM-DD; --to is not included). Incident reports are
         exported only with --include-incidents, and only those PERSON investigates. E-mail
         addresses and phone numbers in free text are masked unless --no-mask; --redact replaces
         the named fields (e.g. explanation,objectives) everywhere. The export lists each redaction.
verify   recomputes each unredacted row's hash and checks every row's place in the chain up to the
         head recorded at export (exit 1 when anything differs). A keyed log needs HALLPASS_AUDIT_KEY.
prune    deletes event ids, sent outbox messages, thread references of finished requests and
         reports, and fired timers older than N days (default: records.operational_days of the
         config), except those of held subjects; then compacts the file. The audit log, requests and
         reports are never pruned (docs/records.md).
hold     a legal hold: nothing of that request or report is pruned until it is released.

Defaults: --config is the sample district, --db is hallpass.db in this folder.
)" HALLPASS_DISTRICT_HELP;

std::optional<bot::TimePoint> local_midnight(const bot::DistrictCalendar& cal, const std::string& iso) {
  if (iso.size() != 10) return std::nullopt;
  auto day = bot::DistrictCalendar::parse_iso(iso);
  if (!day.ok()) return std::nullopt;
  return cal.at_local(day, "00:00");
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

int usage(const std::string& why) {
  std::cerr << "hallpass records: " << why << "\n\n" << kHelp;
  return 2;
}

int run_export(const Args& a) {
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  workflows::RecordsQuery q;
  q.request = a.get("--request");
  q.incident = a.get("--incident");
  q.account = a.get("--account");
  q.actor = a.get("--as");
  q.include_incidents = a.has("--include-incidents");
  q.redact_fields = split_commas(a.get("--redact"));
  q.mask_contacts = !a.has("--no-mask");
  q.lang = a.get("--lang", district->config.default_language);
  if (q.lang != "en" && q.lang != "es") return usage("--lang is en or es");
  for (const char* opt : {"--from", "--to"}) {
    if (!a.has(opt)) continue;
    auto t = local_midnight(*district->calendar, a.get(opt));
    if (!t) return usage(std::string(opt) + " must be a date such as 2026-11-24, not \"" + a.get(opt) + "\"");
    (std::string(opt) == "--from" ? q.from : q.to) = t;
  }
  if (q.request.empty() && q.incident.empty() && q.account.empty() && !q.from && !q.to)
    return usage("name what to export: --request, --from/--to, --account or --incident");
  auto store =
      open_store("records", a.get("--db", "hallpass.db"), bot::OpenMode::read_only, std::cerr, a.get("--district"));
  if (!store) return 1;
  auto tx = store->begin();  // one snapshot, even while the bot writes
  auto out =
      workflows::build_records_export(*store, district->config, district->prompts, q, std::chrono::system_clock::now());
  if (!out.refusal.empty()) {
    std::cerr << "hallpass records: " << out.refusal << '\n';
    return 1;
  }
  const std::filesystem::path folder = a.get("--out", ".");
  std::string name = a.get("--name");
  if (name.empty()) name = !q.request.empty() ? q.request : !q.incident.empty() ? q.incident : "records-export";
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    std::cerr << "hallpass records: the folder " << folder.string() << " does not exist: create it first\n";
    return 1;
  }
  for (const auto& [ext, text] : {std::pair<std::string, std::string>{".json", out.json.dump(2) + "\n"},
                                  std::pair<std::string, std::string>{".html", out.html}}) {
    const auto path = folder / (name + ext);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) {
      std::cerr << "hallpass records: cannot write " << path.string() << '\n';
      return 1;
    }
    std::cout << "wrote " << path.string() << '\n';
  }
  std::cout << out.requests << " requests, " << out.incidents << " incident reports, " << out.actions << " actions, "
            << out.redactions << " redactions; audit head #" << out.json["proof"]["head"]["seq"].get<std::int64_t>()
            << ".\n";
  return 0;
}

int run_verify(const Args& a) {
  if (a.positional.size() != 2) return usage("verify needs the export's JSON file");
  std::ifstream in(a.positional[1], std::ios::binary);
  if (!in) {
    std::cerr << "hallpass records: cannot read " << a.positional[1] << '\n';
    return 1;
  }
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    std::cout << "records export NOT VERIFIED: " << a.positional[1] << " is not JSON.\n";
    return 1;
  }
  const char* key = std::getenv("HALLPASS_AUDIT_KEY");
  auto c = workflows::check_records_proof(j, key ? key : "");
  if (!c.ok) {
    std::cout << "records export NOT VERIFIED: " << c.problem << ".\n";
    return 1;
  }
  std::cout << "records export verified: " << c.rows_recomputed << " rows recomputed, " << c.rows_linked
            << " redacted rows in their place in the chain, up to head #" << c.head_seq << ".\n";
  return 0;
}

int run_prune(const Args& a) {
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  long days = district->config.retention_days;
  if (a.has("--days")) {
    char* end = nullptr;
    const std::string v = a.get("--days");
    days = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || days < 1 || days > 36500) return usage("--days must be a whole number of days, 1 or more");
  }
  bot::TimePoint now = std::chrono::system_clock::now();
  if (a.has("--now")) {
    auto t = local_midnight(*district->calendar, a.get("--now"));
    if (!t) return usage("--now must be a date such as 2027-11-24");
    now = *t;
  }
  // PostgreSQL has no file here: the store's own open says whether the server can be reached.
  const bool postgres = store_choice(a.get("--db", "hallpass.db")).postgres;
  if (!postgres && !std::filesystem::exists(a.get("--db", "hallpass.db"))) {
    std::cerr << "hallpass records: no database at " << a.get("--db", "hallpass.db") << ": check --db\n";
    return 1;
  }
  auto store =
      open_store("records", a.get("--db", "hallpass.db"), bot::OpenMode::create, std::cerr, a.get("--district"));
  if (!store) return 1;
  const auto size_of = [&] {
    std::error_code ec;
    auto n = std::filesystem::file_size(a.get("--db", "hallpass.db"), ec);
    return ec ? 0 : n;
  };
  const auto before_bytes = size_of();
  bot::PruneReport r;
  {
    auto tx = store->begin();
    r = store->prune_operational(now - std::chrono::days(days));
    tx->commit();
  }
  store->compact();
  std::cout << "pruned rows older than " << days << " days: " << r.events << " event ids, " << r.outbox
            << " sent messages, " << r.message_refs << " thread references, " << r.timers << " fired timers; "
            << r.kept_for_hold << " kept for legal holds.\n";
  if (postgres)
    std::cout << "database: PostgreSQL reclaims the space itself (autovacuum); its administrator may run VACUUM "
                 "FULL, and backs it up with pg_dump.\n";
  else
    std::cout << "database: " << before_bytes << " → " << size_of() << " bytes.\n";
  auto check = store->verify_audit();
  std::cout << (check.ok ? "audit log intact: " + std::to_string(check.rows) + " rows verified.\n"
                         : "audit log NOT intact: " + check.problem + ".\n");
  return check.ok ? 0 : 1;
}

int run_hold(const Args& a) {
  if (a.positional.size() != 2) return usage("hold needs a request or report id, e.g. R-1001");
  const std::string subject = a.positional[1];
  if (!subject.starts_with("R-") && !subject.starts_with("I-"))
    return usage("\"" + subject + "\" is not a request (R-…) or report (I-…) id");
  // PostgreSQL has no file here: the store's own open says whether the server can be reached.
  const bool postgres = store_choice(a.get("--db", "hallpass.db")).postgres;
  if (!postgres && !std::filesystem::exists(a.get("--db", "hallpass.db"))) {
    std::cerr << "hallpass records: no database at " << a.get("--db", "hallpass.db") << ": check --db\n";
    return 1;
  }
  auto store =
      open_store("records", a.get("--db", "hallpass.db"), bot::OpenMode::create, std::cerr, a.get("--district"));
  if (!store) return 1;
  if ((subject.starts_with("R-") && !store->request(subject)) ||
      (subject.starts_with("I-") && !store->incident(subject))) {
    std::cerr << "hallpass records: there is no " << subject << '\n';
    return 1;
  }
  auto tx = store->begin();
  const bool release = a.has("--release");
  store->set_legal_hold(subject, !release, a.get("--note"));
  store->append_audit({.at = std::chrono::system_clock::now(),
                       .actor = "hallpass",
                       .action = release ? "legal_hold_released" : "legal_hold",
                       .subject = subject,
                       .details = nlohmann::json({{"note", a.get("--note")}}).dump(),
                       .source = "cli:records"});
  tx->commit();
  std::cout << subject
            << (release ? " is no longer under a legal hold.\n" : " is under a legal hold: nothing of it is pruned.\n");
  return 0;
}

}  // namespace

int cmd_records(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2,
                      {"--db", "--district", "--config", "--request", "--incident", "--from", "--to", "--account",
                       "--as", "--redact", "--out", "--name", "--lang", "--days", "--now", "--note"},
                      {"--help", "--include-incidents", "--no-mask", "--release"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty()) return usage(a.error);
  const std::string action = a.positional.empty() ? "" : a.positional.front();
  if (action == "export" && a.positional.size() == 1) return run_export(a);
  if (action == "verify") return run_verify(a);
  if (action == "prune" && a.positional.size() == 1) return run_prune(a);
  if (action == "hold") return run_hold(a);
  return usage("the actions are export, verify, prune and hold");
}

}  // namespace cli
