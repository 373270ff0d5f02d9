#include "workflows/request_views.hpp"

#include <algorithm>

#include "bot/model/markup.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_authorizations.hpp"
#include "workflows/request_cards.hpp"

namespace workflows {

using bot::Message;
using bot::Request;
using bot::RequestState;

std::vector<Request> waiting_for(const Context& ctx, std::string_view person_id) {
  std::vector<Request> out;
  const bool decider = ctx.config.is_decider(person_id);
  for (auto& r : ctx.store.open_requests()) {
    if (r.requester == person_id) continue;
    bool mine = false;
    if (r.state == RequestState::pending_site) {
      const bot::Site* s = ctx.config.site(r.site);
      mine = s && std::find(s->principals.begin(), s->principals.end(), person_id) != s->principals.end();
    } else {
      mine = decider;
    }
    if (mine) out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const Request& a, const Request& b) { return a.due_date < b.due_date; });
  return out;
}

void show_status(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  auto mine = ctx.store.requests_of(me.id);
  Message m;
  m.header(ctx.text(me, "status.header"));
  if (mine.empty()) {
    m.paragraph(ctx.text(me, "status.none"));
    return ctx.reply(std::move(m));
  }
  // What the person may use now: the union of what was authorized, as authorized.
  std::vector<bot::PlatformPlan> authorized;
  for (const auto& r : mine)
    if (authorization_in_force(ctx, r))  // not suspended, revoked or past its end date
      for (const auto& p : r.decision->authorized) authorized.push_back(p);
  m.fields({{ctx.text(me, "status.authorized_for"),
             authorized.empty() ? ctx.text(me, "status.nothing_authorized") : plans_markup(authorized)}});
  std::string lines;
  for (auto it = mine.rbegin(); it != mine.rend(); ++it) {
    const Request& r = *it;
    std::string platforms = platform_names_markup(r.plans);
    std::string state = ctx.text(me, "status.state." + std::string(bot::to_string(r.state)));
    if (bot::is_open(r.state)) state += " — " + ctx.window_label(me.language, r.due_date);
    if (r.state == RequestState::authorized_modified && r.decision) {
      // Exactly the authorized scope: the platforms kept, then those left out.
      platforms = platform_names_markup(r.decision->authorized);
      if (auto left_out = not_authorized(r); !left_out.empty())
        state += ctx.text(me, "status.not_authorized", {{"platforms", platform_names_markup(left_out)}});
    }
    if (std::string terms = authorization_state(ctx, r); !terms.empty() && terms != "active")
      state = ctx.text(me, "registry.terms.state_short." + terms);
    lines += (lines.empty() ? "" : "\n") +
             ctx.text(me, "status.line", {{"id", r.id}, {"platforms", platforms}, {"state", state}});
  }
  m.paragraph(lines);
  // Each authorization's exact terms: scope, audience, conditions, end date and state.
  for (auto it = mine.rbegin(); it != mine.rend(); ++it)
    if (!authorization_state(ctx, *it).empty()) {
      m.paragraph(ctx.text(me, "registry.terms.status_header", {{"id", it->id}}));
      m.fields(terms_fields(ctx, me.language, *it));
    }
  ctx.reply(std::move(m));
}

void show_queue(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  auto items = waiting_for(ctx, me.id);
  Message m;
  m.header(ctx.text(me, "queue.header"));
  if (items.empty()) {
    const bool approver = ctx.config.is_decider(me.id) || me.has_role(bot::Role::principal);
    m.paragraph(ctx.text(me, approver ? "queue.empty" : "queue.not_approver"));
    return ctx.reply(std::move(m));
  }
  std::string lines;
  for (const auto& r : items) {
    std::string platforms = platform_names_markup(r.plans);
    lines += (lines.empty() ? "" : "\n") + ctx.text(me, "queue.line." + std::string(bot::to_string(r.state)),
                                                    {{"id", r.id},
                                                     {"requester", ctx.name_of(r.requester)},
                                                     {"platforms", platforms},
                                                     {"window", ctx.window_label(me.language, r.due_date)}});
  }
  m.paragraph(lines);
  ctx.reply(std::move(m));
}

void show_help(Context& ctx) {
  Message m;
  m.header(ctx.text(*ctx.actor, "help.header"));
  m.paragraph(ctx.text(*ctx.actor, "help.body"));
  m.paragraph(ctx.text(*ctx.actor, "classroom.help"));
  m.paragraph(ctx.text(*ctx.actor, "registry.help"));
  ctx.reply(std::move(m));
}

}  // namespace workflows
