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
// What the request asked for that its decision did not authorize (all of it when rejected).
std::vector<bot::PlatformPlan> not_authorized(const bot::Request& r);
// "Instagram, YouTube"
std::string platform_names_markup(const std::vector<bot::PlatformPlan>& plans);
// "Students, parents"
std::string audience_markup(const Context& ctx, std::string_view lang, const std::vector<std::string>& audience);
// Who a request goes to first: principal names and place, or the superintendent.
std::string first_approver_markup(const Context& ctx, std::string_view lang, const bot::Request& r);
// The written decision for the employee.
bot::Message decision_letter(const Context& ctx, const bot::Request& r);

// The longest objectives, note, explanation, conditions, question or answer a person may write, in
// characters: a card must stay one message on every platform (Slack's section holds 3,000).
inline constexpr std::size_t kMaxWrittenChars = 1000;
// Empty when text is within kMaxWrittenChars; else the form error giving the limit and its length.
std::string too_long_error(const Context& ctx, std::string_view text);
// True when text is within kMaxWrittenChars; else tells the actor (what: the name of the text, in
// markup), audits the refusal and returns false. Nothing is recorded, and the text stays in the
// person's own message or form to send again.
bool within_limit(const Context& ctx, std::string_view what, std::string_view text, std::string_view subject);

}  // namespace workflows
