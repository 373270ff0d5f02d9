#include "bot/policy/policy_answer_json.hpp"

#include <cmath>

namespace bot {

nlohmann::ordered_json policy_answer_to_json(const PolicyAnswer& answer) {
  nlohmann::ordered_json passages = nlohmann::ordered_json::array();
  for (const auto& sp : answer.passages) {
    passages.push_back({
        {"doc", sp.passage.doc},
        {"id", sp.passage.id},  // the passage id a questions file names (docs/policy-answers.md)
        {"title", sp.passage.title},
        {"citation", sp.passage.citation},
        {"text", sp.passage.text},
        {"score", std::round(sp.score * 1000.0) / 1000.0},
    });
  }
  return {
      {"question", answer.question},
      {"lang", answer.lang},
      {"verdict", std::string(to_string(answer.verdict))},
      {"verdict_words", answer.verdict_words},
      {"no_answer", answer.no_answer},
      {"decline", std::string(to_string(answer.decline))},
      {"small_talk", std::string(to_string(answer.small_talk))},
      {"closest_only", answer.closest_only},
      {"next_step", std::string(to_string(answer.next_step))},
      {"passages", std::move(passages)},
  };
}

}  // namespace bot
