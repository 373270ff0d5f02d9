#pragma once
// Filing an incident report: `/socialmedia report [category]` → the form "incident.report" (with the
// category's safety instructions first, once a category is known) → filed as I-2001, assigned to
// the investigators (workflows/incident_routing.hpp), who get the whole report by direct message.
// Everything goes to the reporter privately; nothing about a report is posted in a channel.
#include <optional>
#include <string_view>

#include "bot/model/incident.hpp"
#include "workflows/context.hpp"

namespace workflows {

// `/socialmedia report …`: no words or a category id opens the form; `status`, `cancel`,
// `show I-2001`, `step I-2001 <step>`, `note I-2001 <step> <text>`, `statement I-2001`,
// `evidence I-2001` and `close I-2001 <outcome>` act on reports.
void on_report_command(Context& ctx, std::string_view rest);
// Opens the report form, pre-filled with the category when one is given.
void start_report(Context& ctx, std::string_view category);
// The form for a retaliation report that follows report `related` (the check-in's button).
void start_retaliation_report(Context& ctx, std::string_view related);
// Form "incident.report" submitted: refused field by field (the form again), or filed.
void on_report_form(Context& ctx);
// The report the actor is writing, if they opened the form in the last day.
std::optional<bot::IncidentDraft> live_incident_draft(const Context& ctx);

}  // namespace workflows
