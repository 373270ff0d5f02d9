#pragma once
// An incident report: a posting that threatens, harasses, exposes students or suggests abuse,
// reported by staff and worked through the policies' complaint protocol (LAUSD BUL-5688.2 §V A–L,
// Standard SD AR 1114 §IV a–k) by the investigators it was assigned to.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/model/clock.hpp"

namespace bot {

enum class IncidentStatus {
  open,           // filed, no step of the checklist recorded yet
  investigating,  // at least one step recorded
  closed,         // closed with an outcome
};

std::string_view to_string(IncidentStatus s);
std::optional<IncidentStatus> incident_status_from(std::string_view s);

// The complaint protocol as checklist step ids, in the policy's order (A–L):
// safety, assure, investigate, stop, statements, consult, document, discipline,
// criminal_complaint, monitor, tracking_report, no_retaliation.
const std::vector<std::string>& incident_steps();
bool is_incident_step(std::string_view step);

// The categories a report can have, in the order the form offers them.
const std::vector<std::string>& incident_categories();

// One step of a district's complaint protocol: the step id Hallpass records ("no_retaliation"),
// the policy's own letter for it ("L" in LAUSD, "k" in AR 1114) and its text, verbatim.
struct ProtocolStep {
  std::string id;
  std::string letter;
  std::string text;
};

// The complaint protocol a district follows (config `incidents.protocol`): the policy it comes from
// and its steps in the policy's order. Each district records the steps of its own policy, so a
// letter names the step that policy gives it.
struct IncidentProtocol {
  std::string id;        // "lausd-bul-5688.2", "standard-sd-ar-1114", "own"
  std::string citation;  // "LAUSD BUL-5688.2 §V"
  std::vector<ProtocolStep> steps;

  const ProtocolStep* step(std::string_view id_or_letter) const;  // by id, or by letter (any case)
};

// LAUSD BUL-5688.2 §V A–L (twelve steps), the default.
const IncidentProtocol& lausd_protocol();
// Standard School District AR 1114 §IV a–k (eleven steps: no tracking report; k is no retaliation).
const IncidentProtocol& ar1114_protocol();

// A note an investigator wrote on a step, a written statement recorded as text, or an entry of the
// evidence record (where evidence is kept and by whom, with whose permission: never the evidence).
struct IncidentNote {
  std::string kind;        // "note", "statement", "evidence"
  std::string step;        // the step it belongs to ("" for none)
  std::string text;        // the note; the statement's text; what the evidence is
  std::string who;         // statement: who gave it; evidence: who keeps it
  std::string given;       // statement: when it was given, as written; evidence: where it is stored
  std::string permission;  // evidence: the site administrator who permitted collecting it
  std::string by;          // person id who recorded it
  TimePoint at{};

  bool operator==(const IncidentNote&) const = default;
};

struct IncidentStep {
  std::string step;  // an id of incident_steps()
  std::string by;    // person id
  TimePoint at{};

  bool operator==(const IncidentStep&) const = default;
};

struct Incident {
  std::string id;                          // "I-2001"
  std::string reporter;                    // person id
  std::string category;                    // an id of incident_categories()
  std::string what;                        // what happened, in the reporter's words
  std::string platform;                    // where: the platform, as the reporter named it
  std::string link;                        // where: the address of the posting, as given
  std::string account;                     // the account concerned (hacked, fake), handle or address as given
  std::string related;                     // a retaliation report: the report it follows ("I-2001")
  std::string when;                        // when, as the reporter put it
  std::vector<std::string> involved;       // "student", "employee", "associated", "unknown"
  bool against_administrator = false;      // the allegation is against the reporter's own administrator
  std::string site;                        // site id concerned; "district" for the district office
  std::vector<std::string> investigators;  // person ids, the only people besides the reporter who see it
  std::vector<std::string> bypassed;       // administrators left out because the allegation names them
  IncidentStatus status = IncidentStatus::open;
  std::vector<IncidentStep> steps;  // recorded steps, in the order they were recorded
  std::vector<IncidentNote> notes;  // notes, statements and evidence entries, in the order recorded
  std::string outcome;              // the closing outcome
  std::string closed_by;
  TimePoint closed_at{};
  TimePoint filed_at{};

  bool is_investigator(std::string_view person) const;
  const IncidentStep* step(std::string_view id) const;  // the record of a step, if ticked
};

// A report being written: the reporter opened the form and has not filed it yet. While it lasts,
// files the reporter sends are refused (see workflows/incident_attachments.hpp).
struct IncidentDraft {
  std::string person;
  std::string category;  // empty until the reporter has chosen one
  TimePoint opened_at{};
};

// The report's own fields (everything but its id, reporter, status and investigators) as JSON text
// for the store's body column.
nlohmann::json incident_to_json(const Incident& i);
// Reads what incident_to_json wrote into `i` (id, reporter, status and investigators are left as they are).
void incident_from_json(const nlohmann::json& j, Incident& i);

}  // namespace bot
