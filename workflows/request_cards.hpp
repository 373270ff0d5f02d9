#pragma once
// The messages about a request: the approver's card, the employee's summary and written decision.
#include <string>

#include "bot/model/message.hpp"
#include "bot/model/request.hpp"
#include "workflows/context.hpp"

namespace workflows {

enum class CardPlace { site, superintendent };

// The card in an approvals place. It carries the action buttons while the request waits there,
// and a status line instead once it has moved on. lang: the place's language.
bot::Message request_card(const Context& ctx, const bot::Request& r, CardPlace where);
// Keys under which the cards are remembered, so they can be updated.
std::string card_key(const bot::Request& r, CardPlace where);
std::string card_place_id(const bot::Request& r, CardPlace where);
// True once the request has a card in the superintendent's place: sent there directly,
// endorsed by the principal, or escalated.
bool reaches_superintendent(const Context& ctx, const bot::Request& r);
// Replaces the card(s) already posted for this request with its current state.
void refresh_cards(const Context& ctx, const bot::Request& r);

// "**Instagram** — objectives" lines.
std::string plans_markup(const std::vector<bot::PlatformPlan>& plans);
// "Instagram, YouTube"
std::string platform_names_markup(const std::vector<bot::PlatformPlan>& plans);
// "Students, parents"
std::string audience_markup(const Context& ctx, std::string_view lang, const std::vector<std::string>& audience);
// Who a request goes to first: principal names and place, or the superintendent.
std::string first_approver_markup(const Context& ctx, std::string_view lang, const bot::Request& r);
// The written decision for the employee.
bot::Message decision_letter(const Context& ctx, const bot::Request& r);

}  // namespace workflows
