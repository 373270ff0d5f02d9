#include "bot/model/incident.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace bot {

using nlohmann::json;

std::string_view to_string(IncidentStatus s) {
  switch (s) {
    case IncidentStatus::open: return "open";
    case IncidentStatus::investigating: return "investigating";
    case IncidentStatus::closed: return "closed";
  }
  return "open";
}

std::optional<IncidentStatus> incident_status_from(std::string_view s) {
  for (auto st : {IncidentStatus::open, IncidentStatus::investigating, IncidentStatus::closed})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

const std::vector<std::string>& incident_steps() {
  static const std::vector<std::string> steps = {
      "safety",   "assure",     "investigate",        "stop",    "statements",      "consult",
      "document", "discipline", "criminal_complaint", "monitor", "tracking_report", "no_retaliation"};
  return steps;
}

bool is_incident_step(std::string_view step) {
  const auto& s = incident_steps();
  return std::find(s.begin(), s.end(), step) != s.end();
}

const std::vector<std::string>& incident_categories() {
  static const std::vector<std::string> categories = {"threat",       "harassment", "minor_images", "child_abuse",
                                                      "confidential", "logo",       "other"};
  return categories;
}

bool Incident::is_investigator(std::string_view person) const {
  return std::find(investigators.begin(), investigators.end(), person) != investigators.end();
}

const IncidentStep* Incident::step(std::string_view id) const {
  for (const auto& s : steps)
    if (s.step == id) return &s;
  return nullptr;
}

json incident_to_json(const Incident& i) {
  json steps = json::array();
  for (const auto& s : i.steps) steps.push_back({{"step", s.step}, {"by", s.by}, {"at", to_millis(s.at)}});
  return {{"category", i.category},
          {"what", i.what},
          {"platform", i.platform},
          {"link", i.link},
          {"when", i.when},
          {"involved", i.involved},
          {"against_administrator", i.against_administrator},
          {"site", i.site},
          {"bypassed", i.bypassed},
          {"steps", steps},
          {"outcome", i.outcome},
          {"closed_by", i.closed_by},
          {"closed_at", to_millis(i.closed_at)},
          {"filed_at", to_millis(i.filed_at)}};
}

void incident_from_json(const json& j, Incident& i) {
  i.category = j.value("category", "");
  i.what = j.value("what", "");
  i.platform = j.value("platform", "");
  i.link = j.value("link", "");
  i.when = j.value("when", "");
  i.involved = j.value("involved", std::vector<std::string>{});
  i.against_administrator = j.value("against_administrator", false);
  i.site = j.value("site", "");
  i.bypassed = j.value("bypassed", std::vector<std::string>{});
  i.steps.clear();
  for (const auto& s : j.value("steps", json::array()))
    i.steps.push_back({s.value("step", ""), s.value("by", ""), from_millis(s.value("at", std::int64_t{0}))});
  i.outcome = j.value("outcome", "");
  i.closed_by = j.value("closed_by", "");
  i.closed_at = from_millis(j.value("closed_at", std::int64_t{0}));
  i.filed_at = from_millis(j.value("filed_at", std::int64_t{0}));
}

}  // namespace bot
