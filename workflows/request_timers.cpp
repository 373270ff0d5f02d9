#include "workflows/request_timers.hpp"

#include <nlohmann/json.hpp>

#include "workflows/request_cards.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

using bot::Message;

void on_overdue_timer(Context& ctx, const bot::Timer& timer) {
  auto r = ctx.store.request(timer.subject);
  if (!r || !bot::is_open(r->state) || r->overdue_notified) return;
  // The window may have moved (a paused clock); only a passed deadline makes it overdue.
  if (ctx.now < ctx.services.calendar.deadline(r->due_date)) return;
  r->overdue_notified = true;
  ctx.store.save_request(*r);
  ctx.audit("overdue", r->id, {{"due_date", r->due_date}, {"state", bot::to_string(r->state)}});
  refresh_cards(ctx, *r);

  for (const auto& who : who_must_act(ctx, *r)) {
    const std::string lang = ctx.lang_of(who);
    Message m;
    m.paragraph(ctx.text_in(
        lang, "overdue.approver",
        {{"id", r->id}, {"requester", ctx.name_of(r->requester)}, {"due", ctx.date_label(lang, r->due_date)}}));
    ctx.to_person(who, std::move(m));
  }
  const std::string lang = ctx.lang_of(r->requester);
  Message m;
  m.paragraph(ctx.text_in(lang, "overdue.requester", {{"id", r->id}, {"due", ctx.date_label(lang, r->due_date)}}));
  ctx.to_person(r->requester, std::move(m), r->id);
}

}  // namespace workflows
