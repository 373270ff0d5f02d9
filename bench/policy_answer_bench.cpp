// Answer latency of the policy answers engine: over the district's four documents (with their
// clause questions), and over a generated corpus of 500 policy documents made by recombining the real
// passages' sentences, each passage given three of the real clause questions.
// Prints load time and p50/p99 per answer. Run by hand: ./policy_answer_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "bot/policy/clause_questions.hpp"
#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_index.hpp"
#include "bot/policy/policy_library.hpp"

namespace {

using Clock = std::chrono::steady_clock;

const std::filesystem::path kRoot = HALLPASS_SOURCE_DIR;
constexpr int kGeneratedDocuments = 500;
constexpr int kSectionsPerDocument = 6;
constexpr int kPassagesPerSection = 10;
constexpr int kRoundsSmall = 20;  // each question this many times over the four documents
constexpr int kRoundsLarge = 2;   // and over the generated corpus
constexpr int kQuestionsPerGeneratedPassage = 3;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<std::string> fixture_questions() {
  std::vector<std::string> out;
  const YAML::Node root = YAML::LoadFile((kRoot / "tests/fixtures/policy_questions.yaml").string());
  for (const auto& q : root["questions"]) out.push_back(q["q"].as<std::string>());
  return out;
}

std::vector<bot::PolicyDocumentRef> real_documents() {
  std::vector<bot::PolicyDocumentRef> docs;
  for (const char* id : {"lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114", "model-bp"}) {
    docs.push_back({id, kRoot / "config/policies" / (std::string(id) + ".md")});
  }
  return docs;
}

// Every clause question of the four documents, as written (English and Spanish).
std::vector<std::string> clause_questions_of(const std::vector<bot::PolicyDocumentRef>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs) {
    const YAML::Node root = YAML::LoadFile(bot::clause_questions_path(d.file).string());
    for (const auto& c : root["clauses"])
      for (const char* lang : {"en", "es"})
        for (const auto& q : c[lang]) out.push_back(q.IsMap() ? q["q"].as<std::string>() : q.as<std::string>());
  }
  return out;
}

std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> sentences_of(const std::vector<bot::Passage>& passages) {
  std::vector<std::string> out;
  for (const auto& p : passages) {
    size_t begin = 0;
    for (size_t i = 0; i + 1 < p.text.size(); ++i) {
      if ((p.text[i] == '.' || p.text[i] == ';') && p.text[i + 1] == ' ') {
        out.push_back(p.text.substr(begin, i + 1 - begin));
        begin = i + 2;
      }
    }
    if (begin < p.text.size()) out.push_back(p.text.substr(begin));
  }
  return out;
}

// Writes the generated corpus; every passage joins one to three sentences of real clauses.
std::vector<bot::PolicyDocumentRef> generate_corpus(const std::filesystem::path& dir,
                                                    const std::vector<std::string>& sentences,
                                                    const std::vector<std::string>& questions) {
  std::mt19937 rng(42);  // the same corpus on every run
  std::uniform_int_distribution<size_t> pick(0, sentences.size() - 1);
  std::uniform_int_distribution<int> length(1, 3);
  std::vector<bot::PolicyDocumentRef> docs;
  for (int d = 0; d < kGeneratedDocuments; ++d) {
    const std::string id = "generated-" + std::to_string(d);
    const auto file = dir / (id + ".md");
    std::ofstream out(file, std::ios::binary);
    out << "---\nid: " << id << "\ntitle: Generated Policy " << d << "\ncitation: Generated BP " << d
        << "\nsource: recombined from the project's policy documents\ndate: 2024-01-01\n---\n\n# Generated Policy " << d
        << "\n\n";
    for (int s = 0; s < kSectionsPerDocument; ++s) {
      out << "## " << (s + 1) << ". Section " << (s + 1) << "\n\n";
      for (int p = 0; p < kPassagesPerSection; ++p) {
        std::string text;
        for (int n = length(rng); n > 0; --n) text += (text.empty() ? "" : " ") + sentences[pick(rng)];
        // Half the passages are numbered items, half paragraphs, as in the real documents.
        if (p % 2 == 0) {
          out << (p / 2 + 1) << ". " << text << "\n";
        } else {
          out << "\n" << text << "\n\n";
        }
      }
      out << "\n";
    }
    out.close();
    // Each passage answers a few of the real clause questions, as a district's own file would.
    const auto parsed = bot::read_policy_document(file);
    if (!parsed) {
      std::fprintf(stderr, "generated document does not parse: %s\n", parsed.error().to_string().c_str());
      std::exit(1);
    }
    std::uniform_int_distribution<size_t> pick_question(0, questions.size() - 1);
    std::ofstream q(bot::clause_questions_path(file), std::ios::binary);
    q << "clauses:\n";
    for (const auto& passage : parsed->passages) {
      q << "  - id: " << passage.id << "\n    verdict: info\n    en:\n";
      for (int n = 0; n < kQuestionsPerGeneratedPassage; ++n)
        q << "      - " << yaml_quoted(questions[pick_question(rng)]) << "\n";
    }
    docs.push_back({id, file});
  }
  return docs;
}

struct Figures {
  double load_ms = 0;
  size_t passages = 0;
  double p50_us = 0;
  double p99_us = 0;
  double mean_us = 0;
  size_t answers = 0;
};

// verdict_examples: empty for the file beside the documents (none for the district's four: the
// rules alone decide), or the examples to learn the verdict from.
Figures measure(const std::vector<bot::PolicyDocumentRef>& docs, const std::vector<std::string>& questions, int rounds,
                const std::filesystem::path& verdict_examples = {}) {
  Figures f;
  std::string error;
  const auto start = Clock::now();
  auto lib = bot::PolicyLibrary::load(
      docs, {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml", {}, verdict_examples}, error);
  f.load_ms = ms_since(start);
  if (!lib) {
    std::fprintf(stderr, "cannot load the policies: %s\n", error.c_str());
    std::exit(1);
  }
  f.passages = (*lib)->passages().size();
  std::vector<double> us;
  size_t answered = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const auto& q : questions) {
      const auto t = Clock::now();
      const auto a = (*lib)->answer(q);
      us.push_back(ms_since(t) * 1000.0);
      answered += a.no_answer ? 0 : 1;
    }
  }
  std::sort(us.begin(), us.end());
  f.answers = us.size();
  f.p50_us = us[us.size() / 2];
  f.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  double sum = 0;
  for (const double u : us) sum += u;
  f.mean_us = sum / static_cast<double>(us.size());
  if (answered == 0) std::fprintf(stderr, "warning: no question was answered\n");
  return f;
}

void print(const char* name, const Figures& f) {
  std::printf("%-26s %6zu passages  load %8.1f ms  answers %5zu  p50 %9.1f us  p99 %9.1f us  mean %9.1f us\n", name,
              f.passages, f.load_ms, f.answers, f.p50_us, f.p99_us, f.mean_us);
}

}  // namespace

int main() {
  const auto questions = fixture_questions();
  const auto real = real_documents();
  const Figures small = measure(real, questions, kRoundsSmall);
  print("4 district documents", small);
  // The same with the learned verdict (vocabulary: verdict_examples: in the district config): the
  // difference in load is its training (each example answered by the rules, then the regression).
  const Figures learned = measure(real, questions, kRoundsSmall, kRoot / "config/verdict_examples.jsonl");
  print("4 docs, learned verdict", learned);

  std::string error;
  auto lib =
      bot::PolicyLibrary::load(real, {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml"}, error);
  // The load above also parses the documents and the YAML vocabulary; the index alone:
  constexpr int kBuilds = 20;
  const auto b = Clock::now();
  for (int i = 0; i < kBuilds; ++i) bot::PolicyIndex index((*lib)->passages());
  std::printf("%-26s FTS5 index build %.2f ms (mean of %d)\n", "4 district documents", ms_since(b) / kBuilds, kBuilds);
  // The same questions again, one of them 39,000 characters: the longest a Slack message carries.
  std::string long_question;
  while (long_question.size() < 39000) long_question += "can I friend a parent on facebook or post photos of students ";
  const auto lt = Clock::now();
  (void)(*lib)->answer(long_question);
  std::printf("%-26s a 39,000-character question: %.2f ms\n", "4 district documents", ms_since(lt));
  const auto dir = std::filesystem::temp_directory_path() / "hallpass-policy-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto t = Clock::now();
  const auto generated = generate_corpus(dir, sentences_of((*lib)->passages()), clause_questions_of(real));
  std::printf("(generated %d documents in %.1f ms into %s)\n", kGeneratedDocuments, ms_since(t), dir.c_str());
  const Figures large = measure(generated, questions, kRoundsLarge);
  print("500 generated documents", large);
  std::filesystem::remove_all(dir);
  return 0;
}
