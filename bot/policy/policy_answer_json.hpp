#pragma once
// The JSON form of an answer, printed by `hallpass ask --json` and used by the web chat.
#include <nlohmann/json.hpp>

#include "bot/policy/policy_library.hpp"

namespace bot {

// {"question":…, "verdict":"strongly_discouraged", "no_answer":false,
//  "passages":[{"doc":…, "title":…, "citation":…, "text":"<verbatim>", "score":12.345}]}
// Scores are rounded to three decimals; passages keep the answer's order (best first).
// Ordered as documented, so the printed JSON reads in this order.
nlohmann::ordered_json policy_answer_to_json(const PolicyAnswer& answer);

}  // namespace bot
