// The learned verdict: the examples file a district extends, the regression trained from it at
// load, and the safety rules that no example can undo.
#include "bot/policy/verdict_model.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bot/policy/policy_library.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

const std::filesystem::path kRoot = HALLPASS_SOURCE_DIR;

std::vector<bot::PolicyDocumentRef> project_documents() {
  std::vector<bot::PolicyDocumentRef> docs;
  for (const char* id : {"lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114", "model-bp"})
    docs.push_back({id, kRoot / "config/policies" / (std::string(id) + ".md")});
  return docs;
}

bot::PolicyVocabulary vocabulary_with(const std::filesystem::path& examples) {
  return {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml", {}, examples};
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

std::shared_ptr<const bot::PolicyLibrary> load(const std::filesystem::path& examples) {
  std::string error;
  auto lib = bot::PolicyLibrary::load(project_documents(), vocabulary_with(examples), error);
  INFO(error);
  REQUIRE(lib.has_value());
  return *lib;
}

std::string example(const std::string& question, const std::string& verdicts) {
  return R"({"question": ")" + question + R"(", "lang": "en", "unanswerable": false, "verdict": [)" + verdicts + "]}\n";
}

}  // namespace

TEST_CASE("verdict examples are read one a line, with the scorer's names for the verdicts", "[unit][policy]") {
  test_support::TempDir dir("verdict-examples");
  const auto file = dir.path() / "verdict_examples.jsonl";
  write(file, example("can i friend a parent on fb", R"("strongly_discouraged", "prohibited")") + "\n" +
                  R"({"question": "where do i park", "unanswerable": true, "verdict": [], "expect": []})" + "\n" +
                  R"({"question": "puedo subir fotos de mis alumnos", "lang": "es", "verdict": "needs_consent"})" +
                  "\n");
  const auto read = bot::read_verdict_examples(file);
  REQUIRE(read.has_value());
  REQUIRE(read->size() == 3);
  CHECK((*read)[0].verdicts == std::vector{bot::Verdict::discouraged, bot::Verdict::prohibited});
  CHECK((*read)[0].line == 1);
  CHECK((*read)[1].unanswerable);
  CHECK((*read)[1].line == 3);  // the blank line between is skipped but counted
  CHECK((*read)[2].lang == "es");
  CHECK((*read)[2].verdicts == std::vector{bot::Verdict::needs_approval});

  const auto missing = bot::read_verdict_examples(dir.path() / "none.jsonl");
  REQUIRE(missing.has_value());
  CHECK(missing->empty());
}

TEST_CASE("a wrong verdict example names the file, the line and what to do", "[unit][policy]") {
  test_support::TempDir dir("verdict-examples-bad");
  const auto file = dir.path() / "verdict_examples.jsonl";
  const auto error_of = [&](const std::string& second_line) {
    write(file, example("can i friend a parent on fb", R"("discouraged")") + second_line + "\n");
    std::string error;
    const auto lib = bot::PolicyLibrary::load(project_documents(), vocabulary_with(file), error);
    CHECK_FALSE(lib.has_value());
    return error;
  };
  const std::string where = file.string() + ":2: ";
  CHECK(error_of("{\"question\": \"oops\"") ==
        where + "not a JSON object: write one example a line, {\"question\": \"…\", \"verdict\": [\"…\"]}");
  CHECK(error_of(example("can i post it", R"("maybe")")) ==
        where +
            "unknown verdict \"maybe\": use allowed, allowed_with_conditions, needs_approval, discouraged, "
            "prohibited, required, report or info");
  CHECK(error_of(R"({"question": "can i post it"})") ==
        where + "the example has no `verdict`: list the acceptable ones, or set \"unanswerable\": true");
  CHECK(error_of(R"({"verdict": ["info"]})") ==
        where + "the example has no `question`: give the question as staff would type it");
  CHECK(error_of(R"({"question": "can i post it", "lang": "fr", "verdict": ["info"]})") ==
        where + "`lang` must be \"en\" or \"es\" (or left out)");
}

TEST_CASE("the verdict model learns from its examples and trains the same way every time", "[unit][policy]") {
  using V = bot::Verdict;
  const std::vector<bot::VerdictModel::Features> features = {
      {"bias", "w=how", "w=long"},  {"bias", "w=can", "w=post"}, {"bias", "w=how", "w=many"},
      {"bias", "w=can", "w=share"}, {"bias", "w=threat"},        {"bias", "w=threat", "w=post"}};
  const std::vector<std::vector<V>> labels = {{V::info},   {V::needs_approval},
                                              {V::info},   {V::needs_approval, V::allowed_with_conditions},
                                              {V::report}, {V::report}};
  const auto model = bot::VerdictModel::train(features, labels);
  REQUIRE_FALSE(model.empty());
  CHECK(model.predict({"bias", "w=how", "w=soon"}) == V::info);
  CHECK(model.predict({"bias", "w=can", "w=upload"}) == V::needs_approval);
  CHECK(model.predict({"bias", "w=threat", "w=online"}) == V::report);
  // Trained twice on the same examples, the same probabilities to the last bit.
  const auto again = bot::VerdictModel::train(features, labels);
  CHECK(again.probabilities({"bias", "w=can", "w=threat"}) == model.probabilities({"bias", "w=can", "w=threat"}));

  CHECK(bot::VerdictModel::train({}, {}).empty());
}

TEST_CASE("a district's verdict examples teach the answer's verdict, never past the safety rules", "[unit][policy]") {
  test_support::TempDir dir("verdict-learned");
  const auto rules = load(dir.path() / "none.jsonl");

  SECTION("the examples decide between what the clause allows and what it asks of the asker") {
    // This district's staff asking what happens if they do a forbidden thing want to hear that it
    // is forbidden, not how discipline works (the rules read "what happens" as a fact).
    const std::string question = "what happens if i post my students' grades on facebook?";
    const auto file = dir.path() / "forbidden.jsonl";
    std::string lines;
    for (const char* q : {"what happens if i share a kid's report card on instagram",
                          "what happens if i post test scores on the class facebook",
                          "what happens if i put student grades on my twitter",
                          "what happens if i post a screenshot of my gradebook online",
                          "what happens if i share my students' grades in a facebook group",
                          "what happens if i post attendance records on the class page"})
      lines += example(q, R"("prohibited")");
    write(file, lines);
    REQUIRE(rules->answer(question).verdict == bot::Verdict::info);
    const auto learned = load(file)->answer(question);
    CHECK(learned.verdict == bot::Verdict::prohibited);
    CHECK_FALSE(learned.verdict_words.empty());
  }

  SECTION("examples that call a consent clause's question `allowed` still get an answer with approval first") {
    const auto file = dir.path() / "unsafe.jsonl";
    std::string lines;
    for (const char* q : {"can i post photos of my students", "can i put my kids pics on the class insta",
                          "can i share a video of my class online", "ok to post student pictures on fb?",
                          "can i upload photos of my students to the school page"})
      lines += example(q, R"("allowed")");
    write(file, lines);
    const auto learned = load(file);
    for (const char* q : {"can I post photos of my students?", "ok to put my kids' pics on the class insta?"}) {
      INFO(q);
      CHECK(learned->answer(q).verdict == bot::Verdict::needs_approval);
    }
  }

  SECTION("a situation to report is `report`, whatever the examples say") {
    const auto file = dir.path() / "report.jsonl";
    std::string lines;
    for (const char* q : {"a student told me they are being abused", "a parent posted a threat against me on facebook",
                          "someone made a fake account of me", "my account got hacked"})
      lines += example(q, R"("info")");
    write(file, lines);
    const auto learned = load(file);
    for (const char* q :
         {"a student told me they are being abused", "a parent posted a threat against me on facebook"}) {
      INFO(q);
      const auto a = learned->answer(q);
      CHECK(a.verdict == bot::Verdict::report);
      CHECK(a.next_step == bot::NextStep::report);
    }
  }
}
