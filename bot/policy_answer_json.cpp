#include "bot/policy_answer_json.hpp"

#include <cmath>

namespace bot {

nlohmann::ordered_json policy_answer_to_json(const PolicyAnswer& answer) {
  nlohmann::ordered_json passages = nlohmann::ordered_json::array();
  for (const auto& sp : answer.passages) {
    passages.push_back({
        {"doc", sp.passage.doc},
        {"title", sp.passage.title},
        {"citation", sp.passage.citation},
        {"text", sp.passage.text},
        {"score", std::round(sp.score * 1000.0) / 1000.0},
    });
  }
  return {
      {"question", answer.question},
      {"verdict", std::string(to_string(answer.verdict))},
      {"no_answer", answer.no_answer},
      {"passages", std::move(passages)},
  };
}

}  // namespace bot
