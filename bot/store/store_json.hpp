#pragma once
// JSON forms of the domain records the store keeps in text columns.
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "bot/model/effects.hpp"
#include "bot/model/request.hpp"

namespace bot {

nlohmann::json plans_to_json(const std::vector<PlatformPlan>& plans);
std::vector<PlatformPlan> plans_from_json(const nlohmann::json& j);
nlohmann::json decision_to_json(const Decision& d);
Decision decision_from_json(const nlohmann::json& j);
nlohmann::json draft_to_json(const Draft& d);
Draft draft_from_json(const nlohmann::json& j);
nlohmann::json outbound_to_json(const Outbound& o);
Outbound outbound_from_json(const nlohmann::json& j);

}  // namespace bot
