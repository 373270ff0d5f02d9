// The policy documents, their parser, the answers engine and the JSON of an answer.
#include "bot/policy/policy_library.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "bot/policy/policy_answer_json.hpp"
#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_query_expansion.hpp"
#include "bot/policy/policy_quotes.hpp"
#include "bot/policy/policy_text.hpp"
#include "bot/policy/policy_verdict.hpp"
#include "bot/policy/policy_vocabulary.hpp"

namespace {

const std::filesystem::path kRoot = HALLPASS_SOURCE_DIR;
const char* const kDocIds[] = {"lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114", "model-bp"};

std::filesystem::path policy_file(std::string_view id) { return kRoot / "config/policies" / (std::string(id) + ".md"); }

bot::PolicyVocabulary project_vocabulary() {
  return {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml"};
}

std::vector<bot::PolicyDocumentRef> project_documents() {
  std::vector<bot::PolicyDocumentRef> docs;
  for (const char* id : kDocIds) docs.push_back({id, policy_file(id)});
  return docs;
}

const bot::PolicyLibrary& library() {
  static const std::shared_ptr<const bot::PolicyLibrary> lib = [] {
    std::string error;
    auto r = bot::PolicyLibrary::load(project_documents(), project_vocabulary(), error);
    if (!r) throw std::runtime_error(error);
    return *r;
  }();
  return *lib;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string squash_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool has_id(const bot::PolicyAnswer& a, std::string_view id) {
  return std::any_of(a.passages.begin(), a.passages.end(),
                     [&](const bot::ScoredPassage& p) { return p.passage.id == id; });
}

// A temporary folder with files written by the test, removed afterwards.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("hallpass-policy-test-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return path / name;
  }
};

constexpr const char* kFrontMatter =
    "---\nid: test-doc\ntitle: Test\ncitation: Test Policy\nsource: written by the test\ndate: 2024-01-01\n---\n";

}  // namespace

TEST_CASE("policy documents parse into passages with the documents' own numbering", "[unit][policy]") {
  const bot::PolicyLibrary& lib = library();

  SECTION("the model BP's authorization procedure has the anchors the core relies on") {
    const bot::Passage* p = lib.find("model-bp#authorization.4");
    REQUIRE(p);
    CHECK(p->text ==
          "The Superintendent's written response shall provide a brief explanation for any denial of or "
          "modification to a proposal;");
    CHECK(p->doc == "model-bp");
    CHECK(p->title == "Employee and District Social Media Use");
    CHECK(p->section == "Authorized District-Related Social Media Use");
    CHECK(p->citation ==
          "Model BP Employee and District Social Media Use, Authorized District-Related Social Media Use, item 4");
    for (const char* id : {"model-bp#authorization.1", "model-bp#authorization.2", "model-bp#authorization.3",
                           "model-bp#authorization.5", "model-bp#authorization.3.a", "model-bp#authorization.3.b",
                           "model-bp#authorization.3.c", "model-bp#authorization.3.d"}) {
      INFO(id);
      CHECK(lib.find(id));
    }
    CHECK(lib.find("model-bp#authorization.3.b")->text == "Reject the request in its entirety;");
    CHECK(lib.find("model-bp#authorization.3.b")->citation ==
          "Model BP Employee and District Social Media Use, Authorized District-Related Social Media Use, item 3.b");
    CHECK_FALSE(lib.find("model-bp#authorization.6"));
    CHECK_FALSE(lib.find("nonexistent#I.1"));
  }

  SECTION("numbered documents are cited by section number") {
    const bot::Passage* i1 = lib.find("lausd-bul-5688.2#I.1");
    REQUIRE(i1);
    CHECK(i1->citation == "LAUSD BUL-5688.2, §I.1");
    CHECK(i1->text.starts_with("Keep personal social network accounts separate from work related accounts."));
    CHECK(lib.find("lausd-bul-5688.2#I.12"));
    CHECK_FALSE(lib.find("lausd-bul-5688.2#I.13"));
    CHECK(lib.find("lausd-bul-5688.2#III.A.1")->text ==
          "Adhere to this *Social Media Policy for Employees and Associated Persons*.");
    CHECK(lib.find("lausd-bul-5688.2#IV.A.3.a")->citation == "LAUSD BUL-5688.2, §IV.A.3.a");
    CHECK(lib.find("lausd-bul-5688.2#V.L")->text.starts_with("Information about allegations of misconduct"));
    CHECK(lib.find("lausd-bul-5688.2#II.p4")->citation == "LAUSD BUL-5688.2, §II ¶4");
    CHECK(lib.find("standard-sd-ar-1114#IV.k")->citation == "Standard SD AR 1114, §IV.k");
    CHECK(lib.find("lbusd-ethics-e#strategies.2")->text ==
          "Avoid \"friending\" or \"following\" students or parents on social media platforms.");
  }

  SECTION("passages are in document order and ids are unique") {
    const auto& all = lib.passages();
    REQUIRE(all.size() > 200);
    std::vector<std::string> ids;
    for (const auto& p : all) ids.push_back(p.id);
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    const auto pos = [&](std::string_view id) {
      return std::find_if(all.begin(), all.end(), [&](const bot::Passage& p) { return p.id == id; }) - all.begin();
    };
    CHECK(pos("model-bp#authorization.3") < pos("model-bp#authorization.3.a"));
    CHECK(pos("model-bp#authorization.3.d") < pos("model-bp#authorization.4"));
  }
}

TEST_CASE("passages are the documents' verbatim wording without page furniture", "[unit][policy]") {
  const bot::PolicyLibrary& lib = library();
  std::map<std::string, std::string> files;
  for (const char* id : kDocIds) files[id] = squash_spaces(read_text(policy_file(id)));

  for (const auto& p : lib.passages()) {
    INFO(p.id << ": " << p.text);
    // Verbatim: the passage is a run of its own file's text, without the markup around it.
    CHECK(files.at(p.doc).find(squash_spaces(p.text)) != std::string::npos);
    CHECK(p.text.find("{#") == std::string::npos);
    CHECK_FALSE(p.text.starts_with("- "));
    CHECK_FALSE(p.text.starts_with("(cf."));  // cross-reference notes are not quoted
    CHECK(p.text.find("[gms") == std::string::npos);
    CHECK(p.text.find("<p>") == std::string::npos);
    CHECK(p.text.find("LOS ANGELES UNIFIED SCHOOL DISTRICT POLICY BULLETIN") == std::string::npos);
    CHECK(p.text.find("CSBA.org") == std::string::npos);
    CHECK(p.text.find("arrow Previous") == std::string::npos);
  }

  // The sources' own oddities are kept, character for character.
  CHECK(lib.find("model-bp#authorization.2")->text == "The Superintendent shall have 7 to review the request.");
  CHECK(lib.find("model-bp#authorization.3")->text ==
        "After the reviewing the request, the Superintendent]shall provide one of the following responses in "
        "writing:");
  CHECK(lib.find("model-bp#authorization.p1")
            ->text.ends_with(
                "Employees must receive authorization from the [Superintendent] before using any social media for "
                "District-related activities as follows:"));
  // Sentences split by a page break are joined.
  CHECK(lib.find("lausd-bul-5688.2#I.5")->text.find("disclose them to others as it deems necessary.") !=
        std::string::npos);
  CHECK(lib.find("lbusd-ethics-e#official-accounts.6")->text.find("all applicable Board policies and regulations,") !=
        std::string::npos);
  CHECK(lib.find("lausd-bul-5688.2#IV.A.3.d")->text.ends_with("dated June 30, 2011."));
  // Review marks are removed without leaving a gap.
  CHECK(lib.find("standard-sd-ar-1114#II.1")->text.ends_with("may be prohibited by the site administrator."));
  CHECK(lib.find("standard-sd-ar-1114#IV.k")->text.starts_with("The District will not tolerate retaliation"));
}

TEST_CASE("policy document errors name the file, the line and what to do", "[unit][policy]") {
  const auto parse = [](const std::string& text) { return bot::parse_policy_document(text, "district/x.md"); };

  SECTION("a well-formed document parses") {
    auto r = parse(std::string(kFrontMatter) +
                   "# Title\n\n## Rules {#rules}\n\nIntro paragraph\ncontinued here.\n\n1. First.\n"
                   "   a. Sub one.\n   b. Sub two.\n2. Second. {#second}\n\n(cf. 1234 - A note)\n\n"
                   "## IV. NUMBERED\n\n### A. Lettered:\n\n- One\n- Two\n");
    REQUIRE(r.has_value());
    std::vector<std::string> ids;
    for (const auto& p : r->passages) ids.push_back(p.id + " | " + p.citation + " | " + p.text);
    CHECK(ids == std::vector<std::string>{
                     "test-doc#rules.p1 | Test Policy, Rules ¶1 | Intro paragraph continued here.",
                     "test-doc#rules.1 | Test Policy, Rules, item 1 | First.",
                     "test-doc#rules.1.a | Test Policy, Rules, item 1.a | Sub one.",
                     "test-doc#rules.1.b | Test Policy, Rules, item 1.b | Sub two.",
                     "test-doc#second | Test Policy, Rules, item 2 | Second.",
                     "test-doc#IV.A.1 | Test Policy, §IV.A.1 | One",
                     "test-doc#IV.A.2 | Test Policy, §IV.A.2 | Two",
                 });
  }

  SECTION("no front matter") {
    auto r = parse("# Title\n\nText.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 1);
    CHECK(r.error().to_string().starts_with("district/x.md:1: the file must start with front matter"));
  }
  SECTION("front matter never closed") {
    auto r = parse("---\nid: x\n\nText.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("not closed") != std::string::npos);
  }
  SECTION("a misspelt front matter key") {
    auto r = parse("---\nid: x\ntitle: T\ncitaton: C\nsource: S\ndate: \"\"\n---\nText.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 4);
    CHECK(r.error().message.find("unknown front matter key `citaton`") != std::string::npos);
    // … and names every key the parser knows, the optional one marked.
    CHECK(r.error().message.find("the keys are id, title, citation, source, date, (optional) called") !=
          std::string::npos);
  }
  SECTION("the names staff call a document by are a comma-separated line") {
    auto r = parse(
        "---\nid: x\ntitle: T\ncitation: C\nsource: S\ndate: \"\"\ncalled: LAUSD,  Los Angeles ,, LA\n---\nText.\n");
    REQUIRE(r.has_value());
    CHECK(r->called == std::vector<std::string>{"LAUSD", "Los Angeles", "LA"});
    auto list = parse("---\nid: x\ntitle: T\ncitation: C\nsource: S\ndate: \"\"\ncalled: [LAUSD, LA]\n---\nText.\n");
    REQUIRE_FALSE(list.has_value());
    CHECK(list.error().line == 7);
    CHECK(list.error().message.find("`called` must be a single line of text") != std::string::npos);
  }
  SECTION("a missing front matter key") {
    auto r = parse("---\nid: x\ntitle: T\nsource: S\ndate: \"\"\n---\nText.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("no `citation`") != std::string::npos);
  }
  SECTION("a duplicate anchor points at both lines") {
    auto r = parse(std::string(kFrontMatter) + "## Rules\n\n1. One.\n1. Again.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 11);
    CHECK(r.error().message.find("test-doc#rules.1` is already used on line 10") != std::string::npos);
  }
  SECTION("an indented item without a parent item") {
    auto r = parse(std::string(kFrontMatter) + "## Rules\n\n   a. Orphan.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 10);
    CHECK(r.error().message.find("indented item") != std::string::npos);
  }
  SECTION("a bad anchor") {
    auto r = parse(std::string(kFrontMatter) + "## Rules {#no spaces}\n\nText.\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 8);
  }
  SECTION("a document without passages") {
    auto r = parse(std::string(kFrontMatter) + "# Only a title\n\n(cf. a note)\n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("no passages") != std::string::npos);
  }
  SECTION("the library reports the file and line, and a config id that does not match") {
    TempDir dir;
    const auto bad = dir.write("bad.md", std::string(kFrontMatter) + "## Rules\n\n1. One.\n1. Again.\n");
    std::string error;
    auto r = bot::PolicyLibrary::load({{"test-doc", bad}}, project_vocabulary(), error);
    CHECK_FALSE(r.has_value());
    CHECK(error == bad.string() +
                       ":11: the passage id `test-doc#rules.1` is already used on line 10: number the "
                       "items differently or give one an explicit `{#…}` anchor");

    const auto good = dir.write("good.md", std::string(kFrontMatter) + "Text.\n");
    error.clear();
    r = bot::PolicyLibrary::load({{"other-id", good}}, project_vocabulary(), error);
    CHECK_FALSE(r.has_value());
    CHECK(error.find("names it `other-id`") != std::string::npos);

    error.clear();
    r = bot::PolicyLibrary::load({{"x", dir.path / "missing.md"}}, project_vocabulary(), error);
    CHECK_FALSE(r.has_value());
    CHECK(error.find("cannot read the file") != std::string::npos);
  }
}

TEST_CASE("vocabulary files are checked with line numbers", "[unit][policy]") {
  TempDir dir;
  const auto spanish = kRoot / "config/spanish_terms.yaml";
  SECTION("a misspelt section") {
    const auto f = dir.write("v.yaml", "stop_words: [a]\nconcept:\n  - name: x\n    words: [y]\n");
    auto r = bot::load_policy_vocabulary(f, spanish);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 2);
    CHECK(r.error().message.find("unknown key `concept`") != std::string::npos);
  }
  SECTION("a concept without words") {
    const auto f = dir.write("v.yaml", "concepts:\n  - name: x\n    weight: 2\nanswers:\n  min_score: 1\n");
    auto r = bot::load_policy_vocabulary(f, spanish);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 2);
  }
  SECTION("no calibrated threshold") {
    const auto f = dir.write("v.yaml", "concepts:\n  - name: x\n    words: [y]\n");
    auto r = bot::load_policy_vocabulary(f, spanish);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("min_score") != std::string::npos);
  }
  SECTION("the project's files load") {
    auto r = bot::load_policy_vocabulary(kRoot / "config/vocabulary.yaml", spanish);
    REQUIRE(r.has_value());
    CHECK(r->thresholds.min_score > 0);
    CHECK(r->concepts.size() > 20);
  }
}

TEST_CASE("questions are cut into words and their language is detected", "[unit][policy]") {
  CHECK(bot::question_words("Can I add my students' MOMS on FB?") ==
        std::vector<std::string>{"can", "i", "add", "my", "students", "moms", "on", "fb"});
  CHECK(bot::question_words("¿Puedo publicar fotografías?") ==
        std::vector<std::string>{"puedo", "publicar", "fotografias"});
  CHECK(bot::question_words("kid\xE2\x80\x99s page") == std::vector<std::string>{"kids", "page"});
  CHECK(bot::spanish_mark_count("¿dónde?") == 2);

  auto vocab = bot::load_policy_vocabulary(kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml");
  REQUIRE(vocab.has_value());
  CHECK(bot::detect_language("puedo agregar a un padre en facebook?", *vocab) == "es");
  CHECK(bot::detect_language("can i add a parent on facebook?", *vocab) == "en");
  CHECK(bot::detect_language("¿dónde me estaciono?", *vocab) == "es");

  const auto q = bot::expand_question("can i add my students' moms on fb", "", *vocab);
  std::vector<std::string> names;
  for (const auto& c : q.concepts) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"befriend", "student", "parent", "platform"});
}

TEST_CASE("a verdict comes from the quoted clause's own words", "[unit][policy]") {
  const std::vector<std::string> friending = {"accept", "invitations", "parents"};
  auto r = bot::read_verdict(library().find("lausd-bul-5688.2#I.1")->text, friending);
  CHECK(r.verdict == bot::Verdict::discouraged);
  CHECK(r.words == "strongly discouraged");

  r = bot::read_verdict(library().find("lausd-bul-5688.2#I.3")->text, {"post", "photographs"});
  CHECK(r.verdict == bot::Verdict::needs_approval);
  CHECK(r.words == "without the written, informed consent");

  r = bot::read_verdict(library().find("lausd-bul-5688.2#I.10")->text, {"logos", "personal"});
  CHECK(r.verdict == bot::Verdict::prohibited);
  CHECK(r.words == "is prohibited");

  r = bot::read_verdict(library().find("model-bp#personal-use.p1")->text, {"personal"});
  CHECK(r.verdict == bot::Verdict::allowed);
  CHECK(r.words == "is not a matter of concern");

  r = bot::read_verdict(library().find("model-bp#respect.p1")->text, {"rude", "comments"});
  CHECK(r.verdict == bot::Verdict::prohibited);
  CHECK(r.words == "is never acceptable");

  // A clause that allows one use and restricts the rest is read by its restriction.
  r = bot::read_verdict(library().find("lbusd-ethics-e#official-accounts.13")->text, {"logo", "sites"});
  CHECK(r.verdict == bot::Verdict::needs_approval);
  CHECK(r.words == "unless prior written permission");

  r = bot::read_verdict("Blogs are personal websites.", {"blogs"});
  CHECK(r.verdict == bot::Verdict::no_answer);
  CHECK(r.words.empty());
}

TEST_CASE("staff questions get the policy's clauses, quoted, with a verdict", "[unit][policy]") {
  const bot::PolicyLibrary& lib = library();

  SECTION("can I friend a parent on facebook?") {
    const auto a = lib.answer("can I friend a parent on facebook?");
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.question == "can I friend a parent on facebook?");
    CHECK(has_id(a, "lausd-bul-5688.2#I.1"));         // "… is strongly discouraged …"
    CHECK(has_id(a, "lbusd-ethics-e#strategies.2"));  // "Avoid "friending" or "following" …"
    CHECK(has_id(a, "model-bp#parents.p1"));          // communication with parents/guardians
    CHECK(a.verdict == bot::Verdict::discouraged);
    REQUIRE_FALSE(a.verdict_words.empty());
    CHECK(a.passages.front().passage.text.find(a.verdict_words) != std::string::npos);
    CHECK(a.next_step == bot::NextStep::ask_principal);
    CHECK(a.passages.size() <= 5);
    CHECK(std::is_sorted(a.passages.begin(), a.passages.end(),
                         [](const auto& x, const auto& y) { return x.score > y.score; }));
  }

  SECTION("the same question in Spanish quotes the same English clauses") {
    const auto en = lib.answer("can I add a parent on facebook?");
    const auto es = lib.answer("¿puedo agregar a un padre en facebook?");
    REQUIRE_FALSE(es.no_answer);
    CHECK(es.passages.front().passage.id == en.passages.front().passage.id);
    CHECK(es.verdict == en.verdict);
  }

  SECTION("questions no policy answers get no answer and no quote") {
    for (const char* q :
         {"where can I park?", "when is payroll this month", "what's on the lunch menu",
          "how many vacation days do I get", "the printer is broken again", "¿cuándo es el día de pago?"}) {
      INFO(q);
      const auto a = lib.answer(q);
      CHECK(a.no_answer);
      CHECK(a.verdict == bot::Verdict::no_answer);
      CHECK(a.passages.empty());
      CHECK(a.verdict_words.empty());
    }
  }

  SECTION("the next step follows the question") {
    CHECK(lib.answer("a parent posted a threat against me on facebook").next_step == bot::NextStep::report);
    CHECK(lib.answer("how do i start an instagram account for my class").next_step == bot::NextStep::request);
    CHECK(lib.answer("is it ok to follow my students on instagram").next_step == bot::NextStep::ask_principal);
  }

  SECTION("the seven-day review") {
    // "How long" asks for a fact: the verdict is `info`, with the clause's own words.
    const auto a = lib.answer("how long does the superintendent have to review my request?");
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.passages.front().passage.id == "model-bp#authorization.2");
    CHECK(a.verdict == bot::Verdict::info);
    CHECK(a.verdict_words == "shall have 7 to review the request");
  }
}

TEST_CASE("quotes for an incident category apply to it, or there are none", "[unit][policy]") {
  const auto threats = bot::quotes_for_topic(library(), "threats law enforcement threat assessment", 3);
  REQUIRE_FALSE(threats.empty());
  CHECK(threats.size() <= 3);
  CHECK(std::any_of(threats.begin(), threats.end(),
                    [](const auto& p) { return p.passage.id == "lausd-bul-5688.2#I.7"; }));

  const auto images = bot::quotes_for_topic(library(), "sexualized images of minors child pornography", 5);
  REQUIRE_FALSE(images.empty());
  CHECK(images.front().passage.text.find("sexualized images of minors") != std::string::npos);

  CHECK(bot::quotes_for_topic(library(), "parking permits and payroll", 5).empty());
  CHECK(bot::quotes_for_topic(library(), "threats", 0).empty());
}

TEST_CASE("an answer's JSON has exactly the documented shape", "[unit][policy]") {
  const auto a = library().answer("can I friend a parent on facebook?");
  const nlohmann::json j = bot::policy_answer_to_json(a);
  REQUIRE(j.is_object());
  CHECK(j.size() == 10);
  CHECK(j.at("question") == "can I friend a parent on facebook?");
  CHECK(j.at("lang") == "en");
  CHECK(j.at("verdict") == "discouraged");
  CHECK(j.at("verdict_words") == a.verdict_words);
  CHECK(j.at("no_answer") == false);
  CHECK(j.at("decline") == "none");
  CHECK(j.at("small_talk") == "none");
  CHECK(j.at("closest_only") == false);
  CHECK(j.at("next_step") == "ask_principal");
  REQUIRE(j.at("passages").is_array());
  REQUIRE(j.at("passages").size() == a.passages.size());
  const auto& first = j.at("passages").at(0);
  CHECK(first.size() == 6);
  CHECK(first.at("doc") == a.passages[0].passage.doc);
  // The id a questions file names, of a clause on friending parents (LBUSD's "Avoid friending", or
  // LAUSD's "Accepting invitations … from parents … is strongly discouraged").
  CHECK((first.at("id") == "lbusd-ethics-e#strategies.2" || first.at("id") == "lausd-bul-5688.2#I.1"));
  CHECK(first.at("title") == a.passages[0].passage.title);
  CHECK(first.at("citation") == a.passages[0].passage.citation);
  CHECK(first.at("text") == a.passages[0].passage.text);
  CHECK(first.at("score").get<double>() == Approx(a.passages[0].score).margin(0.001));

  const nlohmann::json none = bot::policy_answer_to_json(library().answer("where do I park?"));
  CHECK(none.dump() ==
        R"({"closest_only":false,"decline":"off_subject","lang":"en","next_step":"ask_principal","no_answer":true,)"
        R"("passages":[],"question":"where do I park?","small_talk":"none","verdict":"no_answer","verdict_words":""})");
}
