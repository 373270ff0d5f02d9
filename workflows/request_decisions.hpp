#pragma once
// Acting on a filed request: the principal's endorsement or return, the superintendent's four
// responses, the employee's answer to a request for information, and withdrawal. Every attempt is
// checked (who may act, in which state) before anything is recorded; refusals are answered and audited.
#include <string>
#include <string_view>
#include <vector>

#include "workflows/context.hpp"

namespace workflows {

enum class RequestAct { endorse, return_, authorize, modify, reject, more_info, answer, withdraw };

std::optional<RequestAct> request_act_from(std::string_view word);  // "endorse", "return", "modify", …

// A button press or a command without the text the act needs: shows the form that asks for it
// (return note, explanation, question, answer), or acts at once (endorse, authorize, withdraw).
// A command's text (after the request id) is used as that note; reject and modify given as a
// command without an explanation are refused with the policy clause that requires one.
void act_on_request(Context& ctx, RequestAct act, std::string_view request_id, std::string_view text,
                    bool from_command);
// A decision form ("decision.return", "decision.reject", "decision.modify", "decision.more_info",
// "request.answer") submitted.
void on_decision_form(Context& ctx);
// The act's word as typed ("endorse", "more_info").
std::string_view act_word(RequestAct act);
// Whether the actor's role lets them do `act` on r (the requester answers and withdraws, the site's
// principals endorse and return, the deciders decide), whatever its state.
bool may_do(const Context& ctx, RequestAct act, const bot::Request& r);
// The requests waiting for the actor to do `act` now, the soonest due first.
std::vector<bot::Request> awaiting(const Context& ctx, RequestAct act);

}  // namespace workflows
