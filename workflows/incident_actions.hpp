#pragma once
// Working an incident report: viewing it, recording the complaint protocol's steps, closing it with
// an outcome, listing one's reports, and the investigators' digest items. Only the reporter and
// the assigned investigators see a report; only the investigators record steps or close it.
// Every refusal is answered and audited, and says no more about a report than the asker may know.
#include <optional>
#include <string>
#include <string_view>

#include "workflows/context.hpp"
#include "workflows/digest.hpp"

namespace workflows {

// The incident id named in text ("i-2001" → "I-2001"), if any.
std::optional<std::string> find_incident_id(std::string_view text);

// `/socialmedia report show I-2001`: the whole report to an investigator, the reporter's view to the reporter.
void show_incident(Context& ctx, std::string_view id);
// `/socialmedia report status`: the reports the actor filed, and the open ones assigned to them.
void show_incident_list(Context& ctx);
// `/socialmedia report step I-2001 investigate` (a step id, or its letter A–L in the policy); in
// the report's thread the id may be left out.
void step_command(Context& ctx, std::string_view text);
// `/socialmedia report close I-2001 <outcome>`; without an outcome, the close form.
void close_command(Context& ctx, std::string_view text);
// `/socialmedia report note I-2001 <step> <text>`: a note on a step (id or letter) of the protocol.
void note_command(Context& ctx, std::string_view text);
// `/socialmedia report statement I-2001`: the form for a written statement (who, when, its text).
void statement_command(Context& ctx, std::string_view text);
// `/socialmedia report evidence I-2001`: the form for the evidence record (what, where stored, by
// whom, the administrator's permission); never a file, never anything that depicts a minor.
void evidence_command(Context& ctx, std::string_view text);

// The timer kind of the retaliation check-in, set when a report is closed.
inline constexpr std::string_view kRetaliationCheckIn = "incident.retaliation_check_in";
// The check-in: privately to the reporter, with the button "I have experienced retaliation".
void on_retaliation_check_in(Context& ctx, const bot::Timer& timer);

// Buttons "incident_step" (value "I-2001:investigate"), "incident_close" (value "I-2001") and
// "incident_retaliation" (value "I-2001", the check-in's).
void on_incident_action(Context& ctx);
// Forms "incident.report", "incident.close", "incident.statement" and "incident.evidence".
void on_incident_form(Context& ctx);

// Digest items: each open report, for each of its investigators.
void collect_incident_items(const Context& ctx, DigestBook& book);

}  // namespace workflows
