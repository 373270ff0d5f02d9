// Issue 22: public records. `hallpass records export` writes a decided request's case file (every
// version, every action with its explanation, who, when, through which platform message) as HTML
// and JSON with the audit proof, which `hallpass records verify` checks without the database;
// redaction; incident reports only on purpose and only by their investigators; the chat command
// for the superintendent's office.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflows/records_export.hpp"

using test_support::BotHarness;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string contents(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

test_support::CommandResult hallpass(const std::string& args) {
  return test_support::run_command(std::string(HALLPASS_BINARY) + " " + args + " </dev/null 2>&1");
}

// R-1001 returned by the principal, filed again as R-1002 (with a phone number in its objectives),
// endorsed and rejected with an explanation.
std::pair<std::string, std::string> decided_request(BotHarness& h) {
  std::string first = h.file_request("t.garcia");
  h.submit("r.alvarez", "decision.return", first, {{"note", "Use the school's account instead of a new one"}});
  h.click("t.garcia", "request_again", first);
  h.submit("t.garcia", "request.platforms", "",
           {{"platforms", "instagram"}, {"audience", "parents"}, {"students_interact", "no"}});
  h.submit("t.garcia", "request.objectives", "",
           {{"objectives.instagram",
             "Class news for families; questions to tgarcia@sierravista.example.org or "
             "(555) 010-7788"}});
  h.click("t.garcia", "confirm", "");
  std::string second = h.store().requests_of("t.garcia").back().id;
  h.click("r.alvarez", "endorse", second);
  h.command("d.lee", "reject " + second + " Class news belongs on the school website");
  h.take_sent();
  return {first, second};
}

}  // namespace

TEST_CASE("records 22: the export of a decided request holds every version and action and its proof checks",
          "[unit][records][cli]") {
  test_support::TempDir dir("records-export");
  const std::string db = dir.file("hallpass.db");
  std::string first, second;
  {
    BotHarness h(db);
    std::tie(first, second) = decided_request(h);
    REQUIRE(first != second);
    REQUIRE(h.store().request(second)->state == bot::RequestState::rejected);
  }
  auto run = hallpass("records export --request " + second + " --db " + db + " --out " + dir.path().string());
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.output, "wrote " + dir.file(second + ".json")));
  CHECK(contains(run.output, "wrote " + dir.file(second + ".html")));

  auto j = nlohmann::json::parse(contents(dir.file(second + ".json")));
  // Both versions, each as it was filed.
  REQUIRE(j["requests"].size() == 2);
  nlohmann::json versions;
  for (const auto& r : j["requests"])
    if (r["id"] == second) versions = r["versions"];
  REQUIRE(versions.size() == 2);
  CHECK(versions[0]["id"] == first);
  CHECK(versions[1]["id"] == second);
  CHECK(versions[1]["as_filed"]["based_on"] == first);
  // Every action on both, with who, when and the platform message.
  std::set<std::string> acts;
  for (const auto& a : j["actions"]) {
    acts.insert(a["subject"].get<std::string>() + " " + a["action"].get<std::string>());
    CHECK_FALSE(a["source"].get<std::string>().empty());
    CHECK_FALSE(a["actor"].get<std::string>().empty());
  }
  for (const auto& want :
       {first + " filed", first + " returned", second + " filed", second + " endorsed", second + " decided:reject"})
    CHECK(acts.contains(want));
  std::string explanation;
  for (const auto& a : j["actions"])
    if (a["action"] == "decided:reject") explanation = a["details"]["explanation"];
  CHECK(explanation == "Class news belongs on the school website");
  // The e-mail address and phone number in the objectives are masked, and listed.
  const std::string text = j.dump();
  CHECK_FALSE(contains(text, "tgarcia@sierravista.example.org"));
  CHECK_FALSE(contains(text, "010-7788"));
  std::set<std::string> kinds;
  for (const auto& r : j["redactions"]) kinds.insert(r["kind"]);
  CHECK(kinds == std::set<std::string>{"email", "phone"});
  const std::string html = contents(dir.file(second + ".html"));
  CHECK(contains(html, "Class news belongs on the school website"));
  CHECK(contains(html, "Redacted before export"));
  CHECK_FALSE(contains(html, "tgarcia@sierravista.example.org"));

  auto verify = hallpass("records verify " + dir.file(second + ".json"));
  INFO(verify.output);
  CHECK(verify.exit_code == 0);
  CHECK(contains(verify.output, "records export verified"));
  // `audit verify` on the database agrees.
  CHECK(hallpass("audit verify --db " + db).exit_code == 0);

  // A changed word in an exported row is caught.
  auto tampered = j;
  bool changed = false;
  for (auto& a : tampered["actions"])
    if (a["action"] == "returned") {
      a["details"]["note"] = "Buy your own account";
      changed = true;
    }
  REQUIRE(changed);
  std::ofstream(dir.file("tampered.json"), std::ios::binary) << tampered.dump(2);
  auto bad = hallpass("records verify " + dir.file("tampered.json"));
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.output, "NOT VERIFIED"));

  // Named fields are redacted too, and listed.
  auto redacted = hallpass("records export --request " + second + " --redact explanation --name redacted --db " + db +
                           " --out " + dir.path().string());
  REQUIRE(redacted.exit_code == 0);
  auto r = nlohmann::json::parse(contents(dir.file("redacted.json")));
  CHECK_FALSE(contains(r.dump(), "Class news belongs on the school website"));
  bool listed = false;
  for (const auto& x : r["redactions"]) listed = listed || (x["kind"] == "field" && x["field"] == "explanation");
  CHECK(listed);
  CHECK(hallpass("records verify " + dir.file("redacted.json")).exit_code == 0);
}

TEST_CASE(
    "records 22: incident reports are exported only on purpose, by their investigators, with notes and "
    "statements",
    "[unit][records][cli]") {
  test_support::TempDir dir("records-incident");
  const std::string db = dir.file("hallpass.db");
  std::string id;
  {
    BotHarness h(db);
    h.command("t.garcia", "report");
    h.submit("t.garcia", "incident.report", "",
             {{"category", "threat"},
              {"what", "A post threatens the school"},
              {"involved", "unknown"},
              {"against_administrator", "no"},
              {"site", "lincoln"}});
    id = h.store().incidents_reported_by("t.garcia").back().id;
    h.command("d.lee", "report note " + id + " investigate Called school police at 10:30");
    h.submit("d.lee", "incident.statement", id,
             {{"who", "Sam Patel, witness"}, {"given", "Nov 24, noon"}, {"text", "I saw it at 8 am."}});
  }
  const std::string base = "records export --incident " + id + " --db " + db + " --out " + dir.path().string();
  auto not_on_purpose = hallpass(base);
  CHECK(not_on_purpose.exit_code == 1);
  CHECK(contains(not_on_purpose.output, "only on purpose"));
  auto not_theirs = hallpass(base + " --include-incidents --as b.ortiz");
  CHECK(not_theirs.exit_code == 1);
  CHECK(contains(not_theirs.output, "Only the investigators of " + id));
  CHECK_FALSE(std::filesystem::exists(dir.file(id + ".json")));

  auto ok = hallpass(base + " --include-incidents --as d.lee");
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  auto j = nlohmann::json::parse(contents(dir.file(id + ".json")));
  REQUIRE(j["incidents"].size() == 1);
  const auto& notes = j["incidents"][0]["notes"];
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]["text"] == "Called school police at 10:30");
  CHECK(notes[0]["step"] == "investigate");
  CHECK(notes[1]["kind"] == "statement");
  CHECK(notes[1]["who"] == "Sam Patel, witness");
  CHECK(contains(contents(dir.file(id + ".html")), "I saw it at 8 am."));
  CHECK(hallpass("records verify " + dir.file(id + ".json")).exit_code == 0);

  // A date range leaves reports out unless asked.
  auto range = hallpass("records export --from 2026-11-01 --to 2026-12-01 --name range --db " + db + " --out " +
                        dir.path().string());
  CHECK(range.exit_code == 1);  // only a report in range: nothing to export without --include-incidents
  CHECK(contains(range.output, "Nothing matches"));
}

TEST_CASE("records 22: the superintendent's office sees what an export holds; nobody else", "[unit][records]") {
  BotHarness h;
  auto [first, second] = decided_request(h);
  h.command("t.garcia", "records export " + second);
  CHECK(BotHarness::any_contains(h.take_sent(), "Public records are exported by the superintendent's office"));
  h.command("d.lee", "records export " + second);
  auto reply = BotHarness::replies_to(h.take_sent(), "d.lee");
  REQUIRE(reply.size() == 1);
  CHECK(contains(reply[0].text, "The export of " + second + " holds 2 requests"));
  CHECK(contains(reply[0].text, "hallpass records export --request " + second));
}

TEST_CASE("records 22: e-mail addresses and phone numbers are masked in free text", "[unit][records]") {
  std::size_t emails = 0, phones = 0;
  auto out = workflows::mask_contacts("Write a.b@example.org or call (555) 010-4100 or 555.010.4101; R-1001 stays.",
                                      emails, phones);
  CHECK(out == "Write [e-mail redacted] or call [phone redacted] or [phone redacted]; R-1001 stays.");
  CHECK(emails == 1);
  CHECK(phones == 2);
}
