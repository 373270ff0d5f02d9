#pragma once
// Authorizations that narrow and end (the model board policy's "authorize an amended or modified
// version … or provide more limited authorization"; LBUSD Code of Ethics §E, Policies and
// Discipline 8: "The District may suspend or terminate user rights …"):
// - the superintendent's modified response may also narrow the audience and set an end date
//   (its conditions are the decision's own);
// - the superintendent or a designee suspends, reinstates or revokes an authorization with a
//   written explanation; the owner and the site's principal are told;
// - /socialmedia status shows each authorization's scope, audience, conditions, end date and state;
// - authorizations ending within 14 days are in their owner's digest.
#include <optional>
#include <string>
#include <string_view>

#include "bot/model/message.hpp"
#include "bot/model/request.hpp"
#include "workflows/context.hpp"
#include "workflows/digest.hpp"

namespace workflows {

// "active", "suspended", "revoked", "ended" for an authorized request; empty for any other.
std::string authorization_state(const Context& ctx, const bot::Request& r);
bool authorization_in_force(const Context& ctx, const bot::Request& r);

// "/socialmedia suspend|revoke|reinstate R-1001 because …".
void on_authorization_act(Context& ctx, std::string_view act, const std::string& rest);

// The modified response's form: an audience (narrowed from the request's) and an end date.
void add_terms_inputs(const Context& ctx, const bot::Request& r, bot::Form& f);
// The error key for the submitted end date ("registry.terms.error.end_date"), or empty when it is
// empty or a date after today.
std::string check_terms(const Context& ctx);
// Records the audience and end date submitted with a modified response (after the decision).
void record_terms(Context& ctx, const bot::Request& r);

// Fields of an authorization's terms, in `lang`: scope, audience, conditions, end date, state.
std::vector<bot::Field> terms_fields(const Context& ctx, std::string_view lang, const bot::Request& r);

// Digest: authorizations in force whose end date is within 14 days, for their owner.
void collect_authorization_items(const Context& ctx, DigestBook& book);

}  // namespace workflows
