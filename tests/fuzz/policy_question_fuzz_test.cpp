// The policy question path (PolicyLibrary::answer) on what staff and attackers type: the
// evaluation questions mutated, random words from the policies and from nowhere (tens of thousands
// of distinct terms, past every cache's size), 40,000-character questions (Slack's limit), random
// bytes and every Unicode oddity. Only the public load/answer API is used.
#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <set>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "bot/policy/policy_library.hpp"
#include "tests/fuzz/mutator.hpp"
#include "tests/support/platform_rules.hpp"

namespace {

struct Library {
  std::shared_ptr<const bot::PolicyLibrary> library;
  std::vector<std::string> words;  // every word of the policy documents
};

const Library& sample_library() {
  static const Library loaded = [] {
    auto config = bot::load_district_config(bot::sample_config_path(), test_support::platform_rules());
    if (!config.config) throw std::runtime_error("the sample district does not load");
    std::string error;
    auto lib = bot::PolicyLibrary::load(config.config->policies, config.config->vocabulary, error);
    if (!lib) throw std::runtime_error(error);
    Library out{*lib, {}};
    std::set<std::string> words;
    for (const auto& doc : config.config->policies) {
      auto file = doc.file.is_absolute() ? doc.file : bot::sample_config_path().parent_path() / doc.file;
      std::string text = fuzz::read_file(file), word;
      for (char c : text + " ") {
        if (c == ' ' || c == '\n' || c == '\t') {
          if (!word.empty()) words.insert(word);
          word.clear();
        } else {
          word += c;
        }
      }
    }
    out.words.assign(words.begin(), words.end());
    return out;
  }();
  return loaded;
}

std::vector<std::string> evaluation_questions() {
  std::vector<std::string> out;
  YAML::Node doc = YAML::LoadFile(std::string(HALLPASS_SOURCE_DIR) + "/tests/fixtures/policy_questions.yaml");
  for (const auto& q : doc["questions"]) out.push_back(q["q"].as<std::string>());
  return out;
}

// A word no document and no dictionary has: letters, sometimes accented, 1–14 of them.
std::string invented_word(fuzz::Rng& rng) {
  static const char* const kLetters[] = {"a", "b", "c", "d",        "e",        "f",        "g", "h", "i", "k",
                                         "l", "m", "n", "o",        "p",        "r",        "s", "t", "u", "v",
                                         "w", "y", "z", "\xC3\xA1", "\xC3\xB1", "\xC3\xBC", "'", "-", "0", "7"};
  std::string w;
  const std::size_t n = 1 + rng.below(14);
  for (std::size_t i = 0; i < n; ++i) w += kLetters[rng.below(std::size(kLetters))];
  return w;
}

std::string random_words(fuzz::Rng& rng, const std::vector<std::string>& pool, std::size_t max_bytes) {
  std::string q;
  while (q.size() < max_bytes) {
    if (!q.empty()) q += ' ';
    q += rng.one_in(3) ? invented_word(rng) : pool[rng.below(pool.size())];
  }
  return q.substr(0, max_bytes);
}

// Text that looks like words to a person but not to a byte comparison.
const std::vector<std::string>& unicode_oddities() {
  static const std::vector<std::string> kOdd = {
      "\xEF\xBD\x86\xEF\xBD\x81\xEF\xBD\x83\xEF\xBD\x85\xEF\xBD\x82\xEF\xBD\x8F\xEF\xBD\x8F\xEF\xBD\x8B",  // fullwidth
                                                                                                           // facebook
      "face\xE2\x80\x8B"
      "book",               // a zero-width space inside a word
      "INSTAGRAM\xC4\xB0",  // dotted capital I
      "STRA\xE1\xBA\x9E"
      "E",                                                 // capital sharp s
      "\xCE\xA3\xCE\xA0\xCE\x9F\xCE\xA5\xCE\x94\xCE\x97",  // Greek capitals (final sigma on lowering)
      "\xD8\xB3\xD9\x8A\xD8\xA7\xD8\xB3\xD8\xA9",          // Arabic
      "\xE7\xA4\xBE\xE4\xBA\xA4\xE5\xAA\x92\xE4\xBD\x93",  // CJK
      "e\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81",         // stacked combining accents
      "\xE2\x80\xAE"
      "kooBecaF",                                                          // right-to-left override
      "\xC2\xA0\xE2\x80\x83\xE3\x80\x80",                                  // no-break, em and ideographic spaces
      "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x8F\xAB",                      // woman teacher emoji (ZWJ)
      "\xF0\x9D\x90\x9F\xF0\x9D\x90\x9A\xF0\x9D\x90\x9C\xF0\x9D\x90\x9E",  // mathematical bold "face"
      "\xEF\xAC\x80",                                                      // the ligature ff
      "\xED\xA0\x80\xED\xB0\x80",                                          // a surrogate pair in CESU-8
      "\\ud800",
      "%FF",
      "&#x0;",
      "<at>Hallpass</at>",
  };
  return kOdd;
}

}  // namespace

TEST_CASE("fuzz: policy questions", "[fuzz][policy]") {
  const Library& lib = sample_library();
  REQUIRE(lib.words.size() > 500);
  const auto questions = evaluation_questions();
  REQUIRE(questions.size() > 50);

  const char* const kLangs[] = {"", "en", "es", "fr", "EN", "\xFF"};
  auto ask = [&lib, &kLangs](std::string_view question, std::size_t n) -> std::string {
    const bot::PolicyAnswer a = lib.library->answer(question, kLangs[n % std::size(kLangs)]);
    if (a.passages.size() > 5) return "more than five passages";
    for (const auto& p : a.passages)
      if (p.passage.text.empty() || p.passage.citation.empty()) return "a passage without its text or citation";
    return {};
  };

  fuzz::Report report;
  fuzz::Rng rng(fuzz::seed());
  std::size_t n = 0;
  auto one = [&](const std::string& question, const std::string& label) {
    const std::size_t i = n++;
    fuzz::check(report, question, label, [&](std::string_view q) { return ask(q, i); });
  };

  for (const std::string& q : fuzz::hostile_inputs()) one(q, "hostile input");
  for (const std::string& odd : unicode_oddities()) one(odd, "oddity");
  for (const std::string& odd : fuzz::odd_bytes()) one("can I friend a parent on " + odd + "facebook?", "odd bytes");
  for (const std::string& q : questions) one(q, "evaluation question");

  // 40,000 characters: many words, one word, one repeated question, accented letters.
  one(random_words(rng, lib.words, 40000), "40,000 characters of policy words");
  one(std::string(40000, 'a'), "one 40,000-letter word");
  std::string repeated;
  while (repeated.size() < 39000) repeated += questions[0] + " ";
  one(repeated, "a question repeated to 39,000 characters");
  std::string accents;
  while (accents.size() < 40000)
    accents +=
        "\xC3\xB1"
        "\xC3\xA1"
        "\xC3\xA9 ";
  one(accents, "40,000 bytes of accented letters");

  const std::size_t count = fuzz::scaled(5000);
  for (std::size_t i = 0; i < count; ++i) {
    fuzz::Mutator mutator(fuzz::seed() ^ (i * 0x9E3779B97F4A7C15ULL));
    fuzz::Rng& r = mutator.rng();
    const std::string label =
        "question " + std::to_string(i) + " (HALLPASS_FUZZ_SEED=" + std::to_string(fuzz::seed()) + ")";
    switch (i % 5) {
      case 0: one(mutator.byte_level(questions[r.below(questions.size())]), label); break;
      case 1: one(random_words(r, lib.words, 40 * 8), label); break;  // about 40 words, a chat message
      case 2: {
        std::string bytes(1 + r.below(2000), '\0');
        for (char& c : bytes) c = static_cast<char>(r.below(256));
        one(bytes, label);
        break;
      }
      case 3: {
        std::string q = questions[r.below(questions.size())];
        for (std::size_t k = 0, m = 1 + r.below(4); k < m; ++k)
          q.insert(r.below(q.size() + 1), unicode_oddities()[r.below(unicode_oddities().size())]);
        one(q, label);
        break;
      }
      default:
        // Long messages now and then: the size is what broke the bot before.
        one(random_words(r, lib.words, i % 50 == 4 ? 40000 : 2000), label);
    }
  }
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > count);
}
