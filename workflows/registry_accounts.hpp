#pragma once
// The registry of official accounts (LBUSD Code of Ethics §E, "Official School Social Media
// Accounts Registry"; "Registry and Protocols for Affiliated Partners/Booster Clubs"):
// - after an authorization the requester registers each authorized platform's account in their DM
//   (name/handle, address, who monitors it, and that the site holds the username and password);
// - a principal adds accounts opened before Hallpass (/socialmedia accounts add);
// - a booster club's or parent group's sponsor registers the group's account (/socialmedia booster)
//   and a principal of the site acknowledges it in the site's approvals place;
// - /socialmedia accounts lists them (a principal: the site's; the superintendent's office: all;
//   anyone else: their own) and /socialmedia accounts export gives Employee Relations and Ethics
//   the list without usernames or passwords (CSV and a readable table).
// Every step is audited under the account's id ("A-1001").
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/message.hpp"
#include "bot/model/request.hpp"
#include "bot/store/registry_store.hpp"
#include "workflows/context.hpp"

namespace workflows {

// Appends the clause of the policy named by `which` as a quote with its citation:
// "registered" (Registry 1), "credentials_held" (Registry 2), "export" (Registry 5),
// "booster_registered" (Boosters 1), "booster_name" (Boosters 3), "booster_content" (Boosters 4),
// "suspend" (Policies and Discipline 8). A district may point each at its own passage with
// clauses: registry_<which>: "<doc>#<anchor>".
void quote_registry_clause(const Context& ctx, bot::Message& m, std::string_view which);

// After a request is authorized (as proposed or modified): asks the requester, in their DM, to
// register the first authorized platform's account (the next one follows each registration).
void ask_to_register(Context& ctx, const bot::Request& r);

// "/socialmedia accounts [export|add|register|close A-1001]".
void on_accounts_command(Context& ctx, const std::string& rest);
// "/socialmedia booster": the form a sponsor registers a group's account with.
void on_booster_command(Context& ctx);
// Forms "registry.register", "registry.add", "registry.booster", "registry.monitor".
void on_registry_form(Context& ctx);
// Buttons "account_active", "account_monitor", "account_closed", "booster_ack", "register_account".
bool is_registry_action(std::string_view action_id);
void on_registry_action(Context& ctx);
// The same, typed: "/socialmedia account_active A-1001".
void registry_act(Context& ctx, const std::string& action_id, const std::string& value);
// A registry form sent back after a refused password: what was typed, except `blank_key`.
void show_registry_form_again(Context& ctx, const std::string& blank_key);

// What the export lists: the approved and registered accounts (not closed, not a group account
// still waiting for the principal's acknowledgement); `site` empty: every site.
std::vector<bot::OfficialAccount> exportable_accounts(bot::RegistryRepository& store, std::string_view site);
// The export for Employee Relations and Ethics: no username or password column exists.
// `lang` names the columns of the readable table; the CSV's header is fixed English identifiers.
std::string registry_csv(const bot::DistrictConfig& config, const bot::DistrictCalendar& calendar,
                         const std::vector<bot::OfficialAccount>& accounts);
std::string registry_table(const Context& ctx, std::string_view lang,
                           const std::vector<bot::OfficialAccount>& accounts);

// Names of the account for messages: "Instagram @lincoln4th (A-1001)".
std::string account_label(const bot::OfficialAccount& a);
// "2026–27": the school year that starts with the renewal date on or before `day`.
std::string school_year_of(const Context& ctx, bot::TimePoint t);

}  // namespace workflows
