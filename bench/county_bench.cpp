// A simulated county (issue 23, docs/scale-out.md): `districts` districts of `staff` staff each,
// served by `hallpass run --districts DIR` workers (county mode) on one throwaway PostgreSQL,
// Slack in HTTP mode against the fake Slack (this process, loopback).
//
// The county folder is generated in a temporary folder: county.yaml (Slack HTTP mode, one app for
// every district), and per district d0001.yaml … (the sample district's file, its own Slack team
// T0001 …, its own channels, no adapters) with its staff in staff/d0001.csv (people_csv: ids,
// generated names, e-mails and Slack member ids U0001S0001 …), every district on the sample's
// policy documents (shared/policies).
//
// For 1, 2 and 3 workers: the start-up time (the folder loaded until the Request URLs are up), then
// a steady load of signed /socialmedia commands, `concurrency` in flight, spread over the workers
// (round-robin) and over the districts and their staff (each command's team_id is its district's
// team, its user one of that district's staff); one command in `ask_every` is
// "ask can I friend a parent on Facebook?" (a policy answer), the others "help". Reported: acks/s,
// ack p50/p99, answers delivered. Then 3 workers for `kill_seconds`, one killed with SIGKILL every
// 10 s and started again: after the leases expire every acknowledged command and every answer is
// counted: answered, lost, doubled, uncertain (bench/slack_workers.hpp says what each means).
//
//   build-release/bench/county_bench [districts=1000] [staff=1000] [seconds=10] [concurrency=32]
//                                    [kill_seconds=30] [lease_s=3] [ask_every=4]
//   build-release/bench/county_bench generate DIR [districts=1000] [staff=1000]   (the folder only)
//   build-release/bench/county_bench single [districts≤3] [staff] …  (the same load without county mode:
//                                    worker i serves district i alone, --config and --district, one database)
//
// Each worker's start-up time, its memory (VmRSS) after the load and the workers' CPU over 3 s
// with no load (their own polling and lease renewals, per district) are in the table too. The
// lease (HALLPASS_LEASE_SECONDS) is short here so that a killed worker's rows are taken soon; a
// worker renews and polls per district, so at 1,000 districts a lease of 2 s costs the workers
// most of their CPU: compare lease_s 2 with 20 or 60 (the default lease).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/slack_workers.hpp"
#include "bot/district/district.hpp"
#include "tests/support/slack_run_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kAsk = "ask can I friend a parent on Facebook?";

std::string padded(int n, int width = 4) {
  std::string s = std::to_string(n);
  return std::string(s.size() < static_cast<std::size_t>(width) ? width - s.size() : 0, '0') + s;
}

std::string district_key(int d) { return "d" + padded(d); }
std::string team_of(int d) { return "T" + padded(d); }
std::string staff_slack_id(int d, int s) { return "U" + padded(d) + "S" + padded(s); }

const std::vector<std::string> kFirst = {"Ana",   "Ben",    "Carmen", "David", "Elena",  "Frank",  "Gloria", "Hector",
                                         "Irene", "Jorge",  "Karen",  "Luis",  "Marta",  "Nadia",  "Oscar",  "Paula",
                                         "Quinn", "Raquel", "Sofia",  "Tomas", "Ursula", "Victor", "Wendy",  "Yolanda"};
const std::vector<std::string> kLast = {"Alvarez", "Brown",  "Castro", "Diaz",  "Evans", "Flores", "Gomez",
                                        "Harris",  "Ibarra", "Jones",  "Klein", "Lopez", "Miller", "Nunez",
                                        "Ortega",  "Perez",  "Quiroz", "Reyes", "Smith", "Torres", "Vega",
                                        "Walker",  "Young",  "Zamora", "Chen",  "Patel", "Nguyen", "Kim"};

std::string first_name(int s) { return kFirst[static_cast<std::size_t>(s) % kFirst.size()]; }
std::string last_name(int s) { return kLast[static_cast<std::size_t>(s / 7) % kLast.size()]; }
std::string staff_email(int d, int s) {
  std::string e = first_name(s) + "." + last_name(s) + "." + padded(s) + "@" + district_key(d) + ".example.org";
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void replace_first(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("the sample district has no \"" + from + "\"");
  text.replace(at, from.size(), to);
}

// The sample district as one district of the county: its own name, team and channels, the
// shared documents, no adapters (county.yaml has them), its staff from a CSV beside it.
std::string district_file(const std::string& sample, int d) {
  std::string text = sample;
  const auto adapters = text.find("\nadapters:");
  if (adapters == std::string::npos) throw std::runtime_error("the sample district has no adapters: section");
  text.erase(adapters + 1);
  const std::string k = padded(d);
  replace_first(text, "name: Sierra Vista Unified School District", "name: District " + k + " Unified School District");
  replace_first(text, "place: { name: Superintendent's office, web: \"#superintendent\" }",
                "place: { name: Superintendent's office, slack: C" + k + "SUPERINT }");
  replace_first(text, "approvals: { web: \"#lincoln-approvals\" }", "approvals: { slack: C" + k + "LINCOLN }");
  replace_first(text, "approvals: { web: \"#roosevelt-approvals\" }", "approvals: { slack: C" + k + "ROOSEVELT }");
  replace_first(text, "approvals: { web: \"#kennedy-approvals\" }", "approvals: { slack: C" + k + "KENNEDY }");
  for (const char* doc : {"model-bp", "lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114"})
    replace_first(text, std::string("file: policies/") + doc + ".md",
                  std::string("file: shared/policies/") + doc + ".md");
  replace_first(text, "synonyms: vocabulary.yaml", "synonyms: shared/vocabulary.yaml");
  replace_first(text, "spanish: spanish_terms.yaml",
                "spanish: shared/spanish_terms.yaml\n  subject: shared/policy_subject.yaml");
  text += "\npeople_csv: staff/" + district_key(d) + ".csv\n";
  text += "\nworkspaces:\n  slack: [" + team_of(d) + "]\n";
  return text;
}

void write_staff(const fs::path& file, int d, int staff) {
  static const char* sites[] = {"lincoln", "roosevelt", "kennedy"};
  static const char* principals[] = {"r.alvarez", "j.chen", "k.brooks"};
  std::string csv = "id,name,email,language,roles,site,supervisor,title,slack\n";
  csv.reserve(static_cast<std::size_t>(staff) * 110);
  for (int s = 1; s <= staff; ++s) {
    const int site = s % 3;
    csv += "staff" + padded(s) + "," + first_name(s) + " " + last_name(s) + "," + staff_email(d, s) + "," +
           (s % 5 == 0 ? "es" : "en") + ",employee," + sites[site] + "," + principals[site] + ",Teacher," +
           staff_slack_id(d, s) + "\n";
  }
  std::ofstream(file) << csv;
}

// The whole folder but county.yaml, which names the fake Slack of each run.
void generate_districts(const fs::path& dir, int districts, int staff) {
  const fs::path sample = bot::sample_config_path();
  fs::create_directories(dir / "shared");
  fs::create_directories(dir / "staff");
  fs::copy(sample.parent_path() / "policies", dir / "shared" / "policies", fs::copy_options::recursive);
  for (const char* f : {"vocabulary.yaml", "spanish_terms.yaml", "policy_subject.yaml"})
    fs::copy_file(sample.parent_path() / f, dir / "shared" / f);
  const std::string text = read_text(sample);
  for (int d = 1; d <= districts; ++d) {
    std::ofstream(dir / (district_key(d) + ".yaml")) << district_file(text, d);
    write_staff(dir / "staff" / (district_key(d) + ".csv"), d, staff);
  }
}

void write_county(const fs::path& dir, const std::string& api_base_url) {
  std::ofstream(dir / "county.yaml") << "county: { name: \"Simulated County Office of Education\" }\n"
                                        "adapters:\n"
                                        "  slack: { enabled: true, mode: http, api_base_url: \""
                                     << api_base_url
                                     << "\", signing_secret: \"${SLACK_SIGNING_SECRET}\",\n"
                                        "           bot_token: \"${SLACK_BOT_TOKEN}\", listen: 127.0.0.1, port: 0 }\n";
}

struct Options {
  int districts = 1000, staff = 1000, seconds = 10, concurrency = 32, kill_seconds = 30, lease = 3, ask_every = 4;
  // Without county mode: worker i serves district i alone (--config, --district key), all on one
  // database, and the load is spread over as many districts as there are workers.
  bool single = false;
};

// The district as an ordinary single-district file (county.yaml's adapters appended, no
// workspaces), beside the county's files so that its relative paths resolve the same.
fs::path write_single(const fs::path& dir, int d) {
  std::string text = read_text(dir / (district_key(d) + ".yaml"));
  text.erase(text.find("\nworkspaces:"));
  const std::string county = read_text(dir / "county.yaml");
  text += "\n" + county.substr(county.find("adapters:"));
  const fs::path file = dir / (district_key(d) + ".single.yml");
  std::ofstream(file) << text;
  return file;
}

// Command n: a district and one of its staff, spread by a multiplicative hash so that neighbouring
// commands land in different districts and workers.
bench::BenchCommand county_command(const Options& o, bench::SlackWorkers& w, int n, const std::string& channel) {
  const std::uint64_t x = static_cast<std::uint64_t>(n) * 0x9E3779B97F4A7C15ull;
  const std::uint64_t districts = o.single ? w.size() : static_cast<std::uint64_t>(o.districts);
  const int d = static_cast<int>((x >> 16) % districts) + 1;
  const int s = static_cast<int>((x >> 40) % static_cast<std::uint64_t>(o.staff)) + 1;
  const std::string user = staff_slack_id(d, s);
  // Slack knows every member (users.info), should the worker ask.
  w.server.add_user(user, staff_email(d, s));
  const bool ask = o.ask_every > 0 && n % o.ask_every == 0;
  test_support::SlashCommand c{channel, user, ask ? kAsk : "help", "1234.5678." + std::to_string(n), team_of(d)};
  return {test_support::signed_slash_command(bench::kBenchSigningSecret, c), ask ? "ask" : "help",
          o.single ? d - 1 : -1};
}

struct Row {
  std::string what;
  std::vector<double> startups;
  double rss_mb = 0;    // the largest worker's resident memory after the load
  double idle_cpu = 0;  // the workers' CPU use with no load, in % of one core (their own timers and polling)
  bench::LoadOutcome o;
};

void print_table(const Options& opt, double generate_s, const std::vector<Row>& rows) {
  std::printf(
      "\ncounty_bench%s: %d districts x %d staff (folder generated in %.1f s), %d s per run, %d in flight, "
      "lease %d s, 1 command in %d an ask\n",
      opt.single ? " single (one single-district worker per district, no county mode)" : "", opt.districts, opt.staff,
      generate_s, opt.seconds, opt.concurrency, opt.lease, opt.ask_every);
  std::printf(
      "| workers | start-up s (each) | RSS MB | idle CPU %% | acked | acks/s | ack p50 ms | ack p99 ms | answered "
      "(help, ask) | "
      "deliveries | lost | doubled | uncertain | refused |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    std::string starts;
    for (double s : r.startups) starts += (starts.empty() ? "" : ", ") + std::to_string(s).substr(0, 4);
    const auto kind = [&](const char* k) {
      const auto it = r.o.by_kind.find(k);
      return std::string(k) + " " +
             (it == r.o.by_kind.end() ? std::string("0/0")
                                      : std::to_string(it->second.second) + "/" + std::to_string(it->second.first));
    };
    std::printf("| %s | %s | %.0f | %.0f | %zu | %.0f | %.1f | %.1f | %zu (%s, %s) | %zu | %zu | %zu | %zu | %zu |\n",
                r.what.c_str(), starts.c_str(), r.rss_mb, r.idle_cpu, r.o.acked, r.o.per_second, r.o.p50, r.o.p99,
                r.o.answered, kind("help").c_str(), kind("ask").c_str(), r.o.deliveries, r.o.lost, r.o.doubled,
                r.o.uncertain, r.o.refused);
  }
  std::fflush(stdout);
}

}  // namespace

int run_bench(int argc, char** argv) {
  // `county_bench generate DIR [districts] [staff]`: only writes the folder (to look at it, or to
  // run `hallpass check-config --districts DIR` on it); its Slack API is a placeholder address.
  if (argc >= 3 && std::string(argv[1]) == "generate") {
    const fs::path dir = argv[2];
    generate_districts(dir, argc > 3 ? std::atoi(argv[3]) : 1000, argc > 4 ? std::atoi(argv[4]) : 1000);
    write_county(dir, "http://127.0.0.1:9/api");
    std::printf("%s\n", dir.c_str());
    return 0;
  }
  Options opt;
  // `county_bench single …`: the same load on single-district workers (no county mode needed).
  if (argc > 1 && std::string(argv[1]) == "single") {
    opt.single = true;
    --argc;
    ++argv;
  }
  int* fields[] = {&opt.districts,    &opt.staff, &opt.seconds,  &opt.concurrency,
                   &opt.kill_seconds, &opt.lease, &opt.ask_every};
  for (int i = 1; i < argc && i <= 7; ++i) *fields[i - 1] = std::atoi(argv[i]);
  if (opt.single) opt.districts = std::min(opt.districts, 3);
  if (opt.districts < 1 || opt.districts > 9999 || opt.staff < 1 || opt.staff > 9999 || opt.concurrency < 1 ||
      opt.lease < 1) {
    std::fprintf(stderr,
                 "usage: county_bench [districts=1000 (1-9999)] [staff=1000 (1-9999)] [seconds=10] [concurrency=32] "
                 "[kill_seconds=30] [lease_s=3] [ask_every=4]\n");
    return 2;
  }
  test_support::TempDir folder("county-bench");
  const fs::path dir = folder.path() / "county";
  const auto g0 = Clock::now();
  generate_districts(dir, opt.districts, opt.staff);
  const double generate_s = std::chrono::duration<double>(Clock::now() - g0).count();
  std::printf("county_bench: %d districts x %d staff generated in %s (%.1f s)\n", opt.districts, opt.staff, dir.c_str(),
              generate_s);
  std::fflush(stdout);  // before the workers are forked, or they inherit the line

  // A county's start-up reads every district's file, staff and documents: minutes at full size.
  const auto startup_limit = std::chrono::seconds(120 + opt.districts * opt.staff / 2000);
  std::vector<Row> rows;
  const auto run = [&](std::size_t k, int seconds, bool kill_every_10s) {
    bench::SlackWorkers w(opt.lease);
    write_county(dir, w.server.api_base_url());
    w.run_args = {"run", "--districts", dir.string()};
    w.outputs = folder.path();
    // County mode prints its summary once every district is loaded.
    if (!opt.single) w.ready_line = "Hallpass county: ";
    Row row{kill_every_10s ? "3, kill -9 every 10 s" : std::to_string(k), {}, 0, 0, {}};
    const auto start = [&](std::size_t i) {
      if (opt.single) {
        const int d = static_cast<int>(i) + 1;
        w.run_args = {"run", "--config", write_single(dir, d).string(), "--district", district_key(d)};
      }
      row.startups.push_back(w.start(i, startup_limit));
    };
    for (std::size_t i = 0; i < k; ++i) start(i);
    // What the workers cost with nothing to do, over 3 s (BENCH_IDLE_SECONDS: longer, to take in
    // the districts' periodic looks, every third of a lease, and not only start-up's first round).
    double cpu0 = 0, cpu1 = 0;
    for (std::size_t i = 0; i < k; ++i) cpu0 += w.cpu_seconds(i);
    const char* idle_env = std::getenv("BENCH_IDLE_SECONDS");
    const int idle_seconds = idle_env && std::atoi(idle_env) > 0 ? std::atoi(idle_env) : 3;
    const auto idle_until = Clock::now() + std::chrono::seconds(idle_seconds);
    w.run_until([&] { return Clock::now() >= idle_until; }, std::chrono::seconds(idle_seconds + 1));
    for (std::size_t i = 0; i < k; ++i) cpu1 += w.cpu_seconds(i);
    row.idle_cpu = (cpu1 - cpu0) / idle_seconds * 100.0;
    const auto make = [&](int n, const std::string& channel) { return county_command(opt, w, n, channel); };
    std::function<void(int)> every;
    if (kill_every_10s)
      every = [&](int tick) {
        const std::size_t victim = static_cast<std::size_t>(tick) % k;
        w.kill(victim);
        start(victim);
      };
    row.o = w.load(seconds, opt.concurrency, make, every);
    for (std::size_t i = 0; i < k; ++i) row.rss_mb = std::max(row.rss_mb, w.rss_mb(i));
    bench::print_outcome(row.what + (kill_every_10s ? "" : " worker(s)"), row.o);
    for (auto [kind, text] : row.o.sample_answer) {
      text = text.substr(0, 140);
      for (auto& c : text)
        if (c == '\n') c = ' ';
      std::printf("  an answer to %s: %s…\n", kind.c_str(), text.c_str());
    }
    for (const auto& d : row.o.doubled_detail) std::printf("  doubled: %s\n", d.c_str());
    rows.push_back(row);
  };
  for (std::size_t k = 1; k <= 3; ++k) run(k, opt.seconds, false);
  if (opt.kill_seconds > 0) run(3, opt.kill_seconds, true);
  print_table(opt, generate_s, rows);
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run_bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
