// hallpass ask: answers a policy question from the command line.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "bot/district/district.hpp"
#include "bot/policy/policy_answer_json.hpp"

namespace cli {

int cmd_ask(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--config", "--lang"}, {"--json", "--help"});
  if (a.has("--help") || !a.error.empty() || a.positional.empty()) {
    std::cout << "Usage: hallpass ask \"QUESTION\" [--json] [--config FILE] [--lang en|es]\n\n"
                 "Answers from the district's policy documents, quoted verbatim with citations.\n"
                 "--json prints {\"question\", \"verdict\", \"no_answer\", \"passages\":[{\"doc\", \"title\", "
                 "\"citation\", \"text\", \"score\"}]} (best first, at most 5).\n";
    return a.has("--help") ? 0 : 2;
  }
  std::string question;
  for (const auto& w : a.positional) question += (question.empty() ? "" : " ") + w;
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;
  if (!district->policy) {
    std::cerr << "hallpass ask: the district config names no policy documents (policies:).\n";
    return 1;
  }
  auto answer = district->policy->answer(question, a.get("--lang"));
  if (a.has("--json")) {
    std::cout << bot::policy_answer_to_json(answer).dump(2) << '\n';
    return 0;
  }
  if (answer.no_answer) {
    std::cout << "No policy covers this. Ask your principal or the superintendent's office.\n";
    return 0;
  }
  std::cout << "Verdict: " << bot::to_string(answer.verdict);
  if (!answer.verdict_words.empty()) std::cout << " (\"" << answer.verdict_words << "\")";
  std::cout << "\n\n";
  for (const auto& p : answer.passages) std::cout << "> " << p.passage.text << "\n  — " << p.passage.citation << "\n\n";
  return 0;
}

}  // namespace cli
