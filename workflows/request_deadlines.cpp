#include "workflows/request_deadlines.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/platforms.hpp"
#include "workflows/request_cards.hpp"

namespace workflows {

using bot::Message;
using bot::Request;
using bot::RequestState;

namespace {

std::string escalation_value(std::string_view id) { return "escalated." + std::string(id); }
std::string warning_value(std::string_view id) { return "warned." + std::string(id); }

// The counted day `n` counted days before `d`: the first day on which days_left is n.
date::year_month_day counted_days_before(const bot::DistrictCalendar& cal, date::year_month_day d, int n) {
  date::sys_days day{d};
  while (n > 0) {
    day -= date::days{1};
    if (cal.counts(date::year_month_day{day})) --n;
  }
  return date::year_month_day{day};
}

}  // namespace

std::vector<std::string> who_must_act(const Context& ctx, const Request& r) {
  std::vector<std::string> to;
  if (r.state == RequestState::pending_site) {
    if (const bot::Site* s = ctx.config.site(r.site)) to = s->principals;
    if (is_escalated(ctx, r.id))
      for (const auto& d : ctx.config.deciders()) to.push_back(d);
  } else {
    to = ctx.config.deciders();
  }
  std::erase(to, r.requester);  // nobody acts on their own request
  return to;
}

std::optional<bot::TimePoint> warning_due(const Context& ctx, const Request& r) {
  const auto& cal = ctx.services.calendar;
  const int n = ctx.config.review.warn_days_before;
  if (n <= 0 || r.due_date.empty()) return std::nullopt;
  auto day = counted_days_before(cal, bot::DistrictCalendar::parse_iso(r.due_date), n);
  if (date::sys_days{day} <= date::sys_days{cal.local_day(r.filed_at)}) return std::nullopt;
  return cal.at_local(day, kWarningTime);
}

std::optional<bot::TimePoint> escalation_due(const Context& ctx, const Request& r) {
  const int n = ctx.config.review.principal_escalation_days;
  if (r.state != RequestState::pending_site || r.site.empty() || n <= 0) return std::nullopt;
  const auto& cal = ctx.services.calendar;
  return cal.at_local(cal.add_counted_days(cal.local_day(r.routed_at), n), cal.local_hh_mm(r.routed_at));
}

void schedule_deadline_timers(Context& ctx, const Request& r) {
  if (!bot::is_open(r.state)) return;
  if (auto due = warning_due(ctx, r)) ctx.effects.schedule({"warning", r.id, *due});
  if (auto due = escalation_due(ctx, r)) ctx.effects.schedule({"escalation", r.id, *due});
}

void cancel_deadline_timers(Context& ctx, std::string_view request_id) {
  ctx.store.cancel_timers("warning", request_id);
  ctx.store.cancel_timers("escalation", request_id);
}

bool is_escalated(const Context& ctx, std::string_view request_id) {
  return ctx.store.workflow_value(escalation_value(request_id)).has_value();
}

std::optional<int> escalated_after_days(const Context& ctx, std::string_view request_id) {
  auto v = ctx.store.workflow_value(escalation_value(request_id));
  if (!v) return std::nullopt;
  int days = 0;
  std::from_chars(v->data(), v->data() + v->size(), days);
  return days;
}

void on_warning_timer(Context& ctx, const bot::Timer& timer) {
  auto r = ctx.store.request(timer.subject);
  if (!r || !bot::is_open(r->state) || r->decision) return;
  // Past the deadline the overdue timer speaks instead.
  if (ctx.now >= ctx.services.calendar.deadline(r->due_date)) return;
  // The due date moved later (the clock paused for an answer): warn when the new one is near.
  if (auto due = warning_due(ctx, *r); due && *due > ctx.now) {
    ctx.effects.schedule({"warning", r->id, *due});
    return;
  }
  // Once per due date, however many timers name it.
  if (ctx.store.workflow_value(warning_value(r->id)) == r->due_date) return;
  ctx.store.set_workflow_value(warning_value(r->id), r->due_date);

  std::vector<std::string> to = who_must_act(ctx, *r);
  ctx.audit("warned", r->id, {{"due_date", r->due_date}, {"to", to}});
  for (const auto& who : to) {
    const std::string lang = ctx.lang_of(who);
    Message m;
    m.paragraph(ctx.text_in(lang, "digest.warning.approver",
                            {{"id", r->id},
                             {"requester", ctx.name_of(r->requester)},
                             {"platforms", platform_names_markup(r->plans)},
                             {"window", ctx.window_label(lang, r->due_date)}}));
    ctx.to_person(who, std::move(m));
  }
}

void on_escalation_timer(Context& ctx, const bot::Timer& timer) {
  auto r = ctx.store.request(timer.subject);
  if (!r || r->state != RequestState::pending_site || is_escalated(ctx, r->id)) return;
  const auto& cal = ctx.services.calendar;
  // Late after a restart, the principal has been silent longer than the configured days.
  const int days = std::max(ctx.config.review.principal_escalation_days,
                            cal.counted_days_between(cal.local_day(r->routed_at), cal.local_day(ctx.now)));
  ctx.store.set_workflow_value(escalation_value(r->id), std::to_string(days));
  ctx.audit("escalated", r->id, {{"days", days}, {"site", r->site}});
  // The card carries the escalation note and the decision buttons (see request_card).
  ctx.to_place("superintendent", request_card(ctx, *r, CardPlace::superintendent), r->id,
               card_key(*r, CardPlace::superintendent));
  Message note;
  note.paragraph(ctx.text_in(ctx.place_lang("site:" + r->site),
                             days == 1 ? "digest.escalation.site_one" : "digest.escalation.site",
                             {{"days", std::to_string(days)}}));
  ctx.to_place("site:" + r->site, std::move(note), r->id);
}

}  // namespace workflows
