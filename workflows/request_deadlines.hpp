#pragma once
// Keeping the review window from being lost: a warning to whoever must act a few counted days
// before the window closes, and the escalation of a request a principal has not acted on to the
// superintendent's place, where the superintendent or a designee may then decide it directly.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/request.hpp"
#include "bot/store/domain_store.hpp"
#include "workflows/context.hpp"

namespace workflows {

// When the "warning" timer of a request falls due: at the start of the working day
// (kWarningTime, local) of the counted day `review.warn_days_before` counted days before the due
// date. None when that day is not after the day the request was filed (the card already shows
// how little time is left).
// Who must act on an open request now: the site's principals (and, once escalated, the
// superintendent and designees), or the superintendent and designees; never the requester.
std::vector<std::string> who_must_act(const Context& ctx, const bot::Request& r);
std::optional<bot::TimePoint> warning_due(const Context& ctx, const bot::Request& r);
// When the "escalation" timer falls due: `review.principal_escalation_days` counted days after the
// request reached its site, at the same local time. None unless it waits at a site.
std::optional<bot::TimePoint> escalation_due(const Context& ctx, const bot::Request& r);
// Schedules both timers as they apply to the request now (a store timer is unique on kind,
// subject and due, so scheduling again is harmless).
void schedule_deadline_timers(Context& ctx, const bot::Request& r);
// The request was decided, returned or withdrawn: its warning and escalation will not be needed.
void cancel_deadline_timers(Context& ctx, std::string_view request_id);

// Timer "warning": tells the principals (pending at the site; the deciders too once escalated)
// or the superintendent and designees that the window closes soon. Does nothing once the request
// is closed or overdue; re-schedules itself when the due date moved later.
void on_warning_timer(Context& ctx, const bot::Timer& timer);
// Timer "escalation": the request still waits at its site, so its card also goes to the
// superintendent's place (marked escalated) and the site's thread is told.
void on_escalation_timer(Context& ctx, const bot::Timer& timer);

// True once the request was escalated to the superintendent (kept as the workflow value "escalated.<id>").
bool is_escalated(const Context& ctx, std::string_view request_id);
// The number of days the principal had not acted when it was escalated, if it was.
std::optional<int> escalated_after_days(const Context& ctx, std::string_view request_id);

inline constexpr std::string_view kWarningTime = "08:00";

}  // namespace workflows
