#include "bot/model/incident.hpp"

#include <algorithm>
#include <cctype>

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
  static const std::vector<std::string> categories = {"threat",       "harassment", "minor_images",   "child_abuse",
                                                      "confidential", "logo",       "hacked_account", "impersonation",
                                                      "retaliation",  "other"};
  return categories;
}

const ProtocolStep* IncidentProtocol::step(std::string_view id_or_letter) const {
  for (const auto& s : steps)
    if (s.id == id_or_letter) return &s;
  if (id_or_letter.empty()) return nullptr;
  for (const auto& s : steps) {
    if (s.letter.size() != id_or_letter.size()) continue;
    bool same = true;
    for (size_t i = 0; i < s.letter.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(s.letter[i])) ==
             std::tolower(static_cast<unsigned char>(id_or_letter[i]));
    if (same) return &s;
  }
  return nullptr;
}

// The texts are the policies' own words (shared/policies), so the checklist quotes the rule it follows.
const IncidentProtocol& lausd_protocol() {
  static const IncidentProtocol p{
      "lausd-bul-5688.2",
      "LAUSD BUL-5688.2 §V",
      {{"safety", "A", "Secure campus/office safety by ensuring all school site protocols are being followed."},
       {"assure", "B", "Assure involved parties that allegations and complaints are taken seriously."},
       {"investigate", "C", "Investigate."},
       {"stop", "D", "Take action to stop the behavior."},
       {"statements", "E",
        "Request a factual written statement from the involved parties. Include witnesses if available."},
       {"consult", "F", "Consult with the Local District, Staff Relations and other offices, as appropriate."},
       {"document", "G", "Document actions taken."},
       {"discipline", "H", "Implement disciplinary action as needed."},
       {"criminal_complaint", "I", "If appropriate, the victim may file a criminal complaint with law enforcement."},
       {"monitor", "J", "Continue to monitor and address inappropriate behaviors."},
       {"tracking_report", "K", "If appropriate, complete the Incident System Tracking Accountability Report (iSTAR)."},
       {"no_retaliation", "L",
        "Information about allegations of misconduct or investigations should be handled within the confines of the "
        "District's reporting procedures and investigative process. The District will not tolerate retaliation "
        "against anyone for filing a complaint or participating in the complaint investigation process."}}};
  return p;
}

// Step k's text leaves out the editor's comment anchor "[gms10]" that the published copy carries
// after "The": it is no word of the regulation.
const IncidentProtocol& ar1114_protocol() {
  static const IncidentProtocol p{
      "standard-sd-ar-1114",
      "Standard SD AR 1114 §IV",
      {{"safety", "a", "Secure campus/office safety."},
       {"assure", "b", "Assure involved parties that allegations and complaints are taken seriously."},
       {"investigate", "c", "Investigate."},
       {"stop", "d", "Take action to stop the behavior."},
       {"statements", "e",
        "Request a factual written statement from the involved parties, to include witnesses if available."},
       {"consult", "f", "Consult with the district, staff and other offices, as appropriate."},
       {"document", "g", "Document actions taken."},
       {"discipline", "h", "Implement disciplinary action, counseling, and/or other support services as needed."},
       {"criminal_complaint", "i",
        "If appropriate, the victim may file a criminal complaint with law enforcement and/or initiate a civil action "
        "against the harasser."},
       {"monitor", "j", "Continue to monitor and address inappropriate behaviors."},
       {"no_retaliation", "k",
        "The District will not tolerate retaliation against anyone for filing a complaint or participating in the "
        "complaint investigation process."}}};
  return p;
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
  json notes = json::array();
  for (const auto& n : i.notes)
    notes.push_back({{"kind", n.kind},
                     {"step", n.step},
                     {"text", n.text},
                     {"who", n.who},
                     {"given", n.given},
                     {"permission", n.permission},
                     {"by", n.by},
                     {"at", to_millis(n.at)}});
  return {{"category", i.category},
          {"account", i.account},
          {"related", i.related},
          {"notes", notes},
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
  i.account = j.value("account", "");
  i.related = j.value("related", "");
  i.notes.clear();
  for (const auto& n : j.value("notes", json::array()))
    i.notes.push_back({n.value("kind", ""), n.value("step", ""), n.value("text", ""), n.value("who", ""),
                       n.value("given", ""), n.value("permission", ""), n.value("by", ""),
                       from_millis(n.value("at", std::int64_t{0}))});
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
