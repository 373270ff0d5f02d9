// The learned verdict (bot/policy/verdict_model.hpp), measured honestly: k-fold cross-validation
// on a verdict examples file. Each fold loads the library with the other folds as its examples
// and answers the fold's questions; the rules alone (no examples) are scored the same way. Prints
// verdict accuracy (all, en, es), the unsafe `allowed` count and the load time with and without
// the examples. Run by hand:
//   ./verdict_crossval_bench EXAMPLES.jsonl [K] [--show-misses]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bot/policy/policy_library.hpp"
#include "bot/policy/verdict_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
const std::filesystem::path kRoot = HALLPASS_SOURCE_DIR;

std::vector<bot::PolicyDocumentRef> documents() {
  std::vector<bot::PolicyDocumentRef> docs;
  for (const char* id : {"model-bp", "lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114"})
    docs.push_back({id, kRoot / "config/policies" / (std::string(id) + ".md")});
  return docs;
}

struct Score {
  int right[3] = {0, 0, 0};  // all, en, es
  int total[3] = {0, 0, 0};
  int unsafe = 0;
  void add(const bot::VerdictExample& e, bot::Verdict got) {
    const bool ok = std::find(e.verdicts.begin(), e.verdicts.end(), got) != e.verdicts.end();
    for (const int k : {0, e.lang == "es" ? 2 : 1}) {
      right[k] += ok ? 1 : 0;
      ++total[k];
    }
    const auto has = [&](bot::Verdict v) {
      return std::find(e.verdicts.begin(), e.verdicts.end(), v) != e.verdicts.end();
    };
    if (got == bot::Verdict::allowed && !has(bot::Verdict::allowed) &&
        (has(bot::Verdict::needs_approval) || has(bot::Verdict::prohibited) || has(bot::Verdict::report)))
      ++unsafe;
  }
  void print(const char* label) const {
    std::printf("%-8s verdict %.3f (%d/%d)   en %.3f (%d/%d)   es %.3f (%d/%d)   unsafe_allowed=%d\n", label,
                total[0] ? 1.0 * right[0] / total[0] : 0.0, right[0], total[0],
                total[1] ? 1.0 * right[1] / total[1] : 0.0, right[1], total[1],
                total[2] ? 1.0 * right[2] / total[2] : 0.0, right[2], total[2], unsafe);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: verdict_crossval_bench EXAMPLES.jsonl [K] [--show-misses]\n");
    return 2;
  }
  const std::filesystem::path file = argv[1];
  const int k = argc > 2 && argv[2][0] != '-' ? std::max(2, std::atoi(argv[2])) : 5;
  bool show = false;
  for (int i = 2; i < argc; ++i) show = show || std::strcmp(argv[i], "--show-misses") == 0;
  auto examples = bot::read_verdict_examples(file);
  if (!examples) {
    std::fprintf(stderr, "%s\n", examples.error().to_string().c_str());
    return 1;
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(file);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  const auto dir = std::filesystem::temp_directory_path() / "hallpass-verdict-cv";
  std::filesystem::create_directories(dir);
  bot::PolicyVocabulary vocab{kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml",
                              kRoot / "config/policy_subject.yaml", dir / "none.jsonl"};
  std::string error;
  auto t0 = Clock::now();
  auto rules = bot::PolicyLibrary::load(documents(), vocab, error);
  const double rules_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!rules) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  Score by_rules, learned;
  double learned_ms = 0;
  for (int fold = 0; fold < k; ++fold) {
    const auto fold_file = dir / "train.jsonl";
    {
      std::ofstream out(fold_file);
      for (const auto& e : *examples)
        if ((e.line - 1) % k != fold) out << lines[static_cast<size_t>(e.line - 1)] << '\n';
    }
    vocab.verdict_examples = fold_file;
    t0 = Clock::now();
    auto lib = bot::PolicyLibrary::load(documents(), vocab, error);
    learned_ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!lib) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    for (const auto& e : *examples) {
      if ((e.line - 1) % k != fold || e.unanswerable) continue;
      const auto got = (*lib)->answer(e.question);
      const auto base = (*rules)->answer(e.question);
      learned.add(e, got.verdict);
      by_rules.add(e, base.verdict);
      if (show && std::find(e.verdicts.begin(), e.verdicts.end(), got.verdict) == e.verdicts.end()) {
        std::string want;
        for (const auto v : e.verdicts) want += std::string(bot::to_string(v)) + " ";
        std::printf("miss line %d [%s] got %s (rules %s) want %s| %s\n", e.line, e.lang.c_str(),
                    std::string(bot::to_string(got.verdict)).c_str(), std::string(bot::to_string(base.verdict)).c_str(),
                    want.c_str(), e.question.c_str());
      }
    }
  }
  std::filesystem::remove_all(dir);
  std::printf("%d-fold cross-validation on %s\n", k, file.c_str());
  by_rules.print("rules");
  learned.print("learned");
  std::printf("load: rules only %.1f ms, with examples %.1f ms (mean of %d folds)\n", rules_ms, learned_ms / k, k);
  return 0;
}
