// The config validator refuses each mistake an IT person makes (or an attacker tries) with the
// exact complaint, at the line to fix, and reports every problem of a file in one pass.
// The variants are the shipped sample with one edit, checked in memory (no files written); the
// sample's relative paths (policies/, vocabulary.yaml) resolve next to the real sample.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"

namespace {

using Edits = std::vector<std::pair<std::string, std::string>>;

std::string sample_text() {
  std::ifstream in(bot::sample_config_path(), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The sample with each edit applied to the first occurrence of its `from` (which must exist).
std::string edited(const Edits& edits) {
  std::string text = sample_text();
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    if (at == std::string::npos) FAIL("the sample has no \"" << from << "\"");
    text.replace(at, from.size(), to);
  }
  return text;
}

// The 1-based line of the first `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return -1;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

struct Checked {
  std::string text;
  bot::ConfigLoadResult result;

  std::string listing() const {
    std::string out;
    for (const auto& e : result.errors) out += e.to_string() + "\n";
    return out.empty() ? "(no problems)" : out;
  }
  // The problem whose message holds `words`, or nullptr.
  const bot::ConfigError* complaint(const std::string& words) const {
    for (const auto& e : result.errors)
      if (e.message.find(words) != std::string::npos) return &e;
    return nullptr;
  }
};

Checked check(const Edits& edits) {
  Checked c{edited(edits), {}};
  c.result = bot::load_district_config_text(c.text, bot::sample_config_path(), test_support::platform_rules());
  return c;
}

// Asserts that the file was refused with `words` at the line of `at` (in the edited text).
void expect_refused(const Checked& c, const std::string& words, const std::string& at) {
  INFO(c.listing());
  CHECK_FALSE(c.result.config);
  const auto* e = c.complaint(words);
  REQUIRE(e);
  CHECK(e->file == bot::sample_config_path().string());
  CHECK(e->line == line_of(c.text, at));
}

const std::string kLincolnApprovals = "    approvals: { web: \"#lincoln-approvals\" }\n";
const std::string kGarcia = "  - { id: t.garcia, name: Teresa Garcia,";

}  // namespace

TEST_CASE("the sample passes the validator, with its policy library loaded", "[unit][config]") {
  auto c = check({});
  INFO(c.listing());
  REQUIRE(c.result.config);
  REQUIRE(c.result.policy);
  CHECK(c.result.policy->find("model-bp#authorization.4"));
}

TEST_CASE("configs that used to abort the loader are explained instead", "[unit][config]") {
  SECTION("no vocabulary: the default files beside the config are used") {
    auto c = check({{"vocabulary:\n  synonyms: vocabulary.yaml\n  spanish: spanish_terms.yaml\n", ""}});
    INFO(c.listing());
    CHECK(c.result.config);
  }
  SECTION("a site without approvals") {
    auto c = check({{kLincolnApprovals, ""}});
    expect_refused(c, "site 'lincoln' has no approvals place. Add approvals: { web: \"#lincoln-approvals\" }",
                   "  - id: lincoln");
  }
  SECTION("approvals: hello") {
    auto c = check({{kLincolnApprovals, "    approvals: hello\n"}});
    expect_refused(c, "the approvals of site 'lincoln' must be a map of 'key: value' entries, not a single value",
                   "approvals: hello");
  }
  SECTION("the superintendent without a place") {
    auto c = check({{"  place: { name: Superintendent's office, web: \"#superintendent\" }\n", ""}});
    expect_refused(c, "superintendent has no place. Add place: { web: \"#superintendent\" }", "superintendent:\n");
  }
  SECTION("a superintendent section that is not a map") {
    auto c = check({{"superintendent:\n  person: m.okafor", "superintendent: m.okafor\nx:\n  person: m.okafor"}});
    expect_refused(c, "superintendent must be a map of 'key: value' entries, not a single value",
                   "superintendent: m.okafor");
  }
  SECTION("a file cut in the middle of a flow map") {
    const std::string text = sample_text();
    const auto cut = text.find("roles: [principal], site: kennedy");
    auto r =
        bot::load_district_config_text(text.substr(0, cut), bot::sample_config_path(), test_support::platform_rules());
    CHECK_FALSE(r.config);
    REQUIRE_FALSE(r.errors.empty());
    CHECK(r.errors.front().message.find("not valid YAML") != std::string::npos);
    CHECK(r.errors.front().line > 0);
  }
}

TEST_CASE("a place nobody can reach is refused", "[unit][config]") {
  SECTION("approvals: []") {
    auto c = check({{kLincolnApprovals, "    approvals: []\n"}});
    expect_refused(c, "the approvals of site 'lincoln' must be a map of 'key: value' entries, not a list",
                   "approvals: []");
  }
  SECTION("approvals with no address") {
    auto c = check({{kLincolnApprovals, "    approvals: { name: Lincoln approvals }\n"}});
    expect_refused(c, "the approvals of site 'lincoln' has no address on an enabled platform (enabled: web)",
                   "approvals: { name: Lincoln");
  }
  SECTION("approvals only on a platform that is off") {
    auto c = check({{kLincolnApprovals, "    approvals: { slack: C0LINCOLN1 }\n"}});
    expect_refused(c, "the approvals of site 'lincoln' has no address on an enabled platform", "approvals: { slack");
  }
  SECTION("the superintendent's place") {
    auto c = check({{"place: { name: Superintendent's office, web: \"#superintendent\" }", "place: {}"}});
    expect_refused(c, "superintendent.place has no address on an enabled platform", "place: {}");
  }
  SECTION("no adapter is on") {
    auto c = check({{"web: { enabled: true,", "web: { enabled: false,"}});
    expect_refused(c, "no adapter is enabled: set enabled: true on at least one under adapters:", "adapters:");
  }
}

TEST_CASE("one person per id, e-mail and handle", "[unit][config]") {
  SECTION("a web handle that is someone else's id") {
    // With this, `console --as s.patel` acted as t.garcia.
    auto c = check({{kGarcia, "  - { id: t.garcia, handles: { web: s.patel }, name: Teresa Garcia,"}});
    expect_refused(c,
                   "handles.web 's.patel' of person 't.garcia' is the id of person 's.patel' (line " +
                       std::to_string(line_of(c.text, "id: s.patel")) +
                       "), and everyone's id is their web handle unless handles.web says otherwise",
                   "handles: { web: s.patel }");
  }
  SECTION("two people with one Slack id") {
    auto c = check({{kGarcia, "  - { id: t.garcia, handles: { slack: U0SAME1 }, name: Teresa Garcia,"},
                    {"  - { id: s.patel,", "  - { id: s.patel, handles: { slack: U0SAME1 },"}});
    expect_refused(c, "the slack handle 'U0SAME1' of person 's.patel' is also the handle of person 't.garcia'",
                   "id: s.patel");
  }
  SECTION("an id used twice") {
    auto c = check({{"  - { id: s.patel,", "  - { id: t.garcia,"}});
    expect_refused(
        c, "person id 't.garcia' is used twice (first on line " + std::to_string(line_of(c.text, "id: t.garcia")) + ")",
        "Teacher, grade 2");
  }
  SECTION("an e-mail used twice, in other capitals") {
    auto c = check({{"email: spatel@sierravista.example.org", "email: TGarcia@SierraVista.example.org"}});
    expect_refused(c,
                   "the email TGarcia@SierraVista.example.org of person 's.patel' is also the email of person "
                   "'t.garcia'",
                   "TGarcia@");
  }
}

TEST_CASE("text that is not UTF-8 is refused at its line", "[unit][config]") {
  auto c = check({{"name: Teresa Garcia,",
                   "name: Teresa Garc\xED"
                   "a,"}});  // Latin-1 í
  expect_refused(c, "this line is not UTF-8 text. Save the file as UTF-8", "Teresa Garc");
  // One complaint for the line, not a second one for the value on it.
  CHECK(c.result.errors.size() == 1);

  auto escaped = check({{"name: Teresa Garcia,", "name: \"Teresa\\0Garcia\","}});
  expect_refused(escaped, "the name of person 't.garcia' holds an invisible control character (U+0000)", "Teresa\\0");
}

TEST_CASE("every key has a type and a range", "[unit][config]") {
  SECTION("port: 99999") {
    auto c = check({{"port: 8080", "port: 99999"}});
    expect_refused(c, "adapters.web.port must be a number from 0 to 65535", "port: 99999");
  }
  SECTION("port: abc") {
    auto c = check({{"port: 8080", "port: abc"}});
    expect_refused(
        c, "adapters.web.port must be a number from 0 to 65535 (0: any free port, printed at start), not \"abc\"",
        "port: abc");
  }
  SECTION("language: fr") {
    auto c = check({{"  language: en", "  language: fr"}});
    expect_refused(c, "district.language must be one of en, es, not \"fr\"", "language: fr");
    auto person = check({{"language: es, roles: [principal]", "language: fr, roles: [principal]"}});
    expect_refused(person, "the language of person 'r.alvarez' must be one of en, es, not \"fr\"", "language: fr");
  }
  SECTION("a holiday that is not on the calendar") {
    auto c = check({{"2026-11-27,", "2026-02-31,"}});
    expect_refused(c, "holiday \"2026-02-31\" is not a date of the calendar. Write it as year-month-day", "2026-02-31");
  }
  SECTION("numbers") {
    expect_refused(check({{"days: 7 ", "days: 0 "}}), "review.days must be a whole number from 1 to 60, not \"0\"",
                   "days: 0");
    expect_refused(check({{"days: 7 ", "days: 99999999999999999999999 "}}),
                   "review.days must be a whole number from 1 to 60", "days: 9999");
    expect_refused(check({{"days: 7 ", "days: seven "}}),
                   "review.days must be a whole number from 1 to 60, not \"seven\"", "days: seven");
    expect_refused(check({{"warn_days_before: 2", "warn_days_before: 7"}}),
                   "review.warn_days_before (7) must be less than review.days (7)", "warn_days_before: 7");
    expect_refused(check({{"time: \"19:00\"", "time: \"25:00\""}}), "digest.time must be a 24-hour time",
                   "time: \"25:00\"");
  }
  SECTION("words from a list") {
    expect_refused(check({{"counting: calendar ", "counting: calender "}}),
                   "review.counting must be one of calendar, school, not \"calender\". Did you mean 'calendar'?",
                   "counting: calender");
    expect_refused(check({{"roles: [designee, investigator]", "roles: [designee, investigater]"}}),
                   "unknown role \"investigater\" for person 'd.lee'", "investigater");
    expect_refused(check({{"web: { enabled: true,", "web: { enabled: maybe,"}}),
                   "adapters.web.enabled must be true or false, not \"maybe\"", "enabled: maybe");
  }
  SECTION("handles and addresses in their platform's form") {
    expect_refused(check({{kGarcia, "  - { id: t.garcia, handles: { matrix: tgarcia }, name: Teresa Garcia,"}}),
                   "the handles of person 't.garcia': matrix: \"tgarcia\" is not a Matrix user id",
                   "handles: { matrix");
    expect_refused(check({{kLincolnApprovals, "    approvals: { web: \"#l\", slack: \"#lincoln\" }\n"}}),
                   "the approvals of site 'lincoln': slack: \"#lincoln\" is not a Slack channel id",
                   "slack: \"#lincoln\"");
  }
  SECTION("an empty district name") {
    auto c = check({{"  name: Sierra Vista Unified School District", "  name: \"\""}});
    expect_refused(c, "district.name is empty: write the district's name", "name: \"\"");
  }
}

TEST_CASE("clause ids must name a passage of the loaded policy documents", "[unit][config]") {
  auto c = check(
      {{"explanation_required: \"model-bp#authorization.4\"", "explanation_required: \"model-bp#authorisation.4\""}});
  expect_refused(c,
                 "clauses.explanation_required names the passage 'model-bp#authorisation.4', which is in none of the "
                 "policy documents. Did you mean 'model-bp#authorization.4'?",
                 "model-bp#authorisation.4");
}

TEST_CASE("unknown keys anywhere, with the key probably meant", "[unit][config]") {
  expect_refused(check({{"port: 8080", "prot: 8080"}}),
                 "adapters.web.prot is not a web chat setting; did you mean port?", "prot: 8080");
  // Matrix is off in the sample: a misspelt key is still a mistake.
  expect_refused(check({{"homeserver:", "homserver:"}}),
                 "adapters.matrix.homserver is not a Matrix setting; did you mean homeserver?", "homserver:");
  expect_refused(check({{"  time_zone: America/Los_Angeles", "  timezone: America/Los_Angeles"}}),
                 "unknown key 'timezone' in district. Did you mean 'time_zone'?", "timezone:");
  expect_refused(check({{"    threat:", "    threats:"}}),
                 "unknown key 'threats' in incidents.categories. Did you mean 'threat'?", "threats:");
  expect_refused(check({{"adapters:\n", "adapters:\n  slak: { enabled: false }\n"}}),
                 "unknown key 'slak' in adapters. Did you mean 'slack'?", "slak:");
}

TEST_CASE("a secret is the whole ${NAME}", "[unit][config]") {
  auto c = check({{"bot_token: \"${SLACK_BOT_TOKEN}\"", "bot_token: \"xoxb-123-${X}\""}});
  expect_refused(c,
                 "adapters.slack.bot_token: a secret must be the whole ${NAME}, with nothing before or after it. Write "
                 "bot_token: \"${SLACK_BOT_TOKEN}\"",
                 "xoxb-123-");
  auto literal = check({{"bot_token: \"${SLACK_BOT_TOKEN}\"", "bot_token: xoxb-123"}});
  expect_refused(literal, "adapters.slack.bot_token is a secret and must not be written in the file", "xoxb-123");
}

TEST_CASE("every problem is reported in one pass, an unset variable included", "[unit][config]") {
  ::unsetenv("SLACK_APP_TOKEN");
  ::unsetenv("SLACK_BOT_TOKEN");
  auto c = check({{"slack: { enabled: false", "slack: { enabled: true"},
                  {"  language: en", "  language: fr"},
                  {"2026-11-27,", "2026-02-31,"},
                  {"designees: [d.lee]", "designees: [d.leee]"}});
  INFO(c.listing());
  CHECK_FALSE(c.result.config);
  CHECK(c.complaint("needs the environment variable SLACK_APP_TOKEN, which is not set"));
  CHECK(c.complaint("needs the environment variable SLACK_BOT_TOKEN, which is not set"));
  CHECK(c.complaint("district.language must be one of en, es"));
  CHECK(c.complaint("holiday \"2026-02-31\""));
  CHECK(c.complaint("'d.leee', a designee of the superintendent, is not in people"));
  // In the file's order, each with its line.
  for (size_t i = 1; i < c.result.errors.size(); ++i) CHECK(c.result.errors[i - 1].line <= c.result.errors[i].line);
  for (const auto& e : c.result.errors) CHECK(e.line > 0);
}

TEST_CASE("supervisors that go round in a circle are refused", "[unit][config]") {
  auto c = check({{"roles: [superintendent] }", "roles: [superintendent], supervisor: d.lee }"}});
  expect_refused(c, "the supervisors go round in a circle: d.lee → m.okafor → d.lee", "roles: [designee");
}

TEST_CASE("two adapters on one port are refused", "[unit][config]") {
  ::setenv("SLACK_BOT_TOKEN", "xoxb-test", 1);
  ::setenv("SLACK_SIGNING_SECRET", "secret", 1);
  auto c = check({{"slack: { enabled: false, app_token: \"${SLACK_APP_TOKEN}\",",
                   "slack: { enabled: true, signing_secret: \"${SLACK_SIGNING_SECRET}\", port: 8080,"},
                  {"mode: socket", "mode: http"}});
  ::unsetenv("SLACK_BOT_TOKEN");
  ::unsetenv("SLACK_SIGNING_SECRET");
  expect_refused(c,
                 "adapters.slack would listen on port 8080, which adapters.web (line " +
                     std::to_string(line_of(c.text, "port: 8080")) + ") already uses",
                 "signing_secret: \"${SLACK_SIGNING_SECRET}\", port: 8080");
}

TEST_CASE("people from a CSV are checked like the file's, at their row", "[unit][config]") {
  struct Folder {
    std::filesystem::path file;
    ~Folder() { std::filesystem::remove_all(file.parent_path()); }
  } v{test_support::sample_config_variant("csv", "people:\n", "people_csv: people.csv\npeople:\n")};
  std::ofstream(v.file.parent_path() / "people.csv")
      << "id,name,email,roles,site,slack\n"
         "p.one,Pat One,pone@sierravista.example.org,employee,lincoln,U0PONE\n"
         "p.two,Pat Two,TGARCIA@sierravista.example.org,employee,lincoln,U0PONE\n"
         "p.three,Pat Thr\xE9"
         "e,pthree@sierravista.example.org,employee,lincoln,\n"
         "p.four,Pat Four,pfour@sierravista.example.org,teacher,nowhere,\n";
  auto r = bot::load_district_config(v.file, test_support::platform_rules());
  std::string listing;
  for (const auto& e : r.errors) listing += e.to_string() + "\n";
  INFO(listing);
  CHECK_FALSE(r.config);
  const std::string csv = (v.file.parent_path() / "people.csv").string();
  const auto at = [&](int row, const std::string& words) {
    return std::any_of(r.errors.begin(), r.errors.end(), [&](const bot::ConfigError& e) {
      return e.file == csv && e.line == row && e.message.find(words) != std::string::npos;
    });
  };
  CHECK(at(3, "the email TGARCIA@sierravista.example.org of person 'p.two' is also the email of person 't.garcia'"));
  CHECK(at(3, "the slack handle 'U0PONE' of person 'p.two' is also the handle of person 'p.one'"));
  CHECK(at(4, "this row is not UTF-8 text"));
  CHECK(at(5, "unknown role \"teacher\" for person 'p.four'"));
  CHECK(at(5, "person 'p.four' names site 'nowhere', which is not in sites"));
}

TEST_CASE("a people CSV as Excel and Google Sheets save it is read whole, errors at their row", "[unit][config]") {
  struct Folder {
    std::filesystem::path file;
    ~Folder() { std::filesystem::remove_all(file.parent_path()); }
  } v{test_support::sample_config_variant("csv-excel", "people:\n", "people_csv: people.csv\npeople:\n")};
  const std::string csv = (v.file.parent_path() / "people.csv").string();
  const auto load = [&](const std::string& text) {
    std::ofstream(csv, std::ios::binary | std::ios::trunc) << text;
    return bot::load_district_config(v.file, test_support::platform_rules());
  };

  SECTION("Excel in Europe: a byte order mark, semicolons, CRLF, a quoted cell over two lines") {
    auto r = load(
        "\xEF\xBB\xBFid;name;email;roles;site;title\r\n"
        "p.one;\"Pat One\";pone@sierravista.example.org;employee;lincoln;\"Coach; Track\r\nand Field\"\r\n"
        "\r\n"
        "p.two;Pat Two;ptwo@sierravista.example.org;employee, investigator;lincoln;Teacher\r\n");
    std::string listing;
    for (const auto& e : r.errors) listing += e.to_string() + "\n";
    INFO(listing);
    REQUIRE(r.config);
    const auto& people = r.config->people;
    const auto one = std::find_if(people.begin(), people.end(), [](const auto& p) { return p.id == "p.one"; });
    const auto two = std::find_if(people.begin(), people.end(), [](const auto& p) { return p.id == "p.two"; });
    REQUIRE(one != people.end());
    REQUIRE(two != people.end());
    CHECK(one->name == "Pat One");
    CHECK(one->title == "Coach; Track and Field");  // the line break typed in the cell is a space
    CHECK(two->email == "ptwo@sierravista.example.org");
    CHECK(two->roles.size() == 2);
  }

  SECTION("a row after a quoted line break is named by the line it starts on") {
    auto r = load(
        "id,name,email,roles,site,title\n"
        "p.one,Pat One,pone@sierravista.example.org,employee,lincoln,\"Coach,\nTrack\"\n"
        "p.two,Pat Two,ptwo@sierravista.example.org,teacher,lincoln,\n");
    CHECK_FALSE(r.config);
    CHECK(std::any_of(r.errors.begin(), r.errors.end(), [&](const bot::ConfigError& e) {
      return e.file == csv && e.line == 4 && e.message.find("unknown role \"teacher\"") != std::string::npos;
    }));
  }

  SECTION("tabs, as a sheet copied into a text file") {
    auto r = load("id\tname\temail\troles\tsite\np.one\tPat One\tpone@sierravista.example.org\temployee\tlincoln\n");
    REQUIRE(r.config);
    CHECK(std::any_of(r.config->people.begin(), r.config->people.end(),
                      [](const auto& p) { return p.id == "p.one" && p.name == "Pat One"; }));
  }
}

// --- verdict examples (issue 15) ---
TEST_CASE("vocabulary.verdict_examples names the staff examples the verdict is learned from", "[unit][config]") {
  const std::string kSpanish = "  spanish: spanish_terms.yaml\n";
  SECTION("the project's examples: the library loads and learns from them") {
    auto c = check({{kSpanish, kSpanish + "  verdict_examples: verdict_examples.jsonl\n"}});
    INFO(c.listing());
    REQUIRE(c.result.config);
    CHECK(c.result.config->vocabulary.verdict_examples.filename() == "verdict_examples.jsonl");
    REQUIRE(c.result.policy);
    CHECK(c.result.policy->answer("how do i get approval to open an instagram for the robotics club?").verdict ==
          bot::Verdict::needs_approval);
  }
  SECTION("a file that is not there is refused at its line") {
    auto c = check({{kSpanish, kSpanish + "  verdict_examples: verdict_exmaples.jsonl\n"}});
    expect_refused(c, "the verdict examples file", "  verdict_examples:");
  }
}
