#pragma once
// The messages of an incident report: the safety instructions of its category, the full report an
// investigator reads (facts, the policy clauses that apply, the complaint protocol checklist), and
// what the reporter sees of it. Pure functions of the report and the configuration.
#include <string>
#include <string_view>

#include "bot/model/incident.hpp"
#include "bot/model/message.hpp"
#include "workflows/context.hpp"

namespace workflows {

// The district's settings for a category (contacts, notify, policy query); null when not configured.
const bot::IncidentCategory* incident_category(const Context& ctx, std::string_view id);
std::string incident_category_label(const Context& ctx, std::string_view lang, std::string_view id);
std::string incident_site_label(const Context& ctx, std::string_view lang, std::string_view site);
std::string incident_step_label(const Context& ctx, std::string_view lang, std::string_view step);
// The district's complaint protocol (config incidents.protocol).
const bot::IncidentProtocol& incident_protocol(const Context& ctx);
// "k. The District will not tolerate retaliation …": the step's letter and its policy text, escaped.
std::string incident_step_policy(const Context& ctx, std::string_view step);
// "Tue Nov 24 10:05", in the district's time zone.
std::string incident_time_label(const Context& ctx, std::string_view lang, bot::TimePoint t);

// Appends the category's safety instructions and its contacts with their phone numbers: the
// reporter's duties, or (for_investigators) what the administrator must do.
void add_incident_safety(const Context& ctx, std::string_view lang, std::string_view category, bool for_investigators,
                         bot::Message& m);

// The whole report for an assigned investigator, with buttons for the steps not yet recorded.
bot::Message incident_card(const Context& ctx, std::string_view lang, const bot::Incident& i);
// The reporter's view: the facts they gave and the status; not the investigators' checklist.
bot::Message incident_reporter_view(const Context& ctx, std::string_view lang, const bot::Incident& i);

// The remembered key of an investigator's card in their direct conversation, for updates.
std::string incident_card_key(const bot::Incident& i);

}  // namespace workflows
