#include "workflows/request_cards.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/text.hpp"
#include "workflows/classroom_checklist.hpp"
#include "workflows/platforms.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

using bot::Button;
using bot::ButtonStyle;
using bot::Message;
using bot::Request;
using bot::RequestState;

std::string plans_markup(const std::vector<bot::PlatformPlan>& plans) {
  std::string out;
  for (const auto& p : plans) {
    if (!out.empty()) out += '\n';
    out += "- **" + bot::markup::escape(platform_label(p.platform)) + "**";
    if (!p.objectives.empty()) out += " — " + bot::markup::escape(p.objectives);
  }
  return out;
}

std::vector<bot::PlatformPlan> not_authorized(const Request& r) {
  std::vector<bot::PlatformPlan> out;
  if (!r.decision) return out;
  for (const auto& p : r.plans) {
    const auto same = [&p](const bot::PlatformPlan& a) { return a.platform == p.platform; };
    if (std::none_of(r.decision->authorized.begin(), r.decision->authorized.end(), same)) out.push_back(p);
  }
  return out;
}

std::string platform_names_markup(const std::vector<bot::PlatformPlan>& plans) {
  std::string out;
  for (const auto& p : plans) out += (out.empty() ? "" : ", ") + bot::markup::escape(platform_label(p.platform));
  return out;
}

std::string audience_markup(const Context& ctx, std::string_view lang, const std::vector<std::string>& audience) {
  std::string out;
  for (const auto& a : audience) out += (out.empty() ? "" : ", ") + ctx.text_in(lang, "request.audience." + a);
  return out;
}

std::string first_approver_markup(const Context& ctx, std::string_view lang, const Request& r) {
  if (r.state == RequestState::pending_site || (!r.site.empty())) {
    const bot::Site* site = ctx.config.site(r.site);
    if (site) {
      std::string names;
      for (const auto& p : site->principals) names += (names.empty() ? "" : ", ") + ctx.name_of(p);
      return ctx.text_in(lang, "request.goes_to_site",
                         {{"principals", names}, {"site", bot::markup::escape(site->name)}});
    }
  }
  return ctx.text_in(lang, "request.goes_to_superintendent",
                     {{"superintendent", ctx.name_of(ctx.config.superintendent)}});
}

std::string card_key(const Request& r, CardPlace where) {
  return r.id + (where == CardPlace::site ? "/site" : "/superintendent");
}

std::string card_place_id(const Request& r, CardPlace where) {
  return where == CardPlace::site ? "site:" + r.site : "superintendent";
}

namespace {

std::string status_line(const Context& ctx, std::string_view lang, const Request& r, CardPlace where) {
  auto when = [&](bot::TimePoint t) { return ctx.date_label(lang, t); };
  switch (r.state) {
    case RequestState::pending_site: return ctx.text_in(lang, "card.status.pending_site");
    case RequestState::returned: return ctx.text_in(lang, "card.status.returned", {{"by", ctx.name_of(r.returned_by)}});
    case RequestState::pending_decision:
      if (where == CardPlace::site)
        return ctx.text_in(lang, "card.status.endorsed", {{"by", ctx.name_of(r.endorsed_by)}});
      return ctx.text_in(lang, "card.status.pending_decision");
    case RequestState::needs_info:
      return ctx.text_in(lang, "card.status.needs_info", {{"requester", ctx.name_of(r.requester)}});
    case RequestState::authorized:
    case RequestState::authorized_modified:
    case RequestState::rejected:
      return ctx.text_in(
          lang, "card.status." + std::string(bot::to_string(r.state)),
          {{"by", ctx.name_of(r.decision ? r.decision->by : "")}, {"date", r.decision ? when(r.decision->at) : ""}});
    case RequestState::withdrawn: return ctx.text_in(lang, "card.status.withdrawn");
  }
  return {};
}

}  // namespace

Message request_card(const Context& ctx, const Request& r, CardPlace where) {
  const std::string lang = ctx.place_lang(where == CardPlace::site ? "site:" + r.site : "superintendent");
  const bot::Person* who = ctx.config.person(r.requester);
  std::string requester = ctx.name_of(r.requester);
  if (who && !who->title.empty()) requester += " (" + bot::markup::escape(who->title) + ")";
  if (const bot::Site* s = who ? ctx.config.site(who->site) : nullptr) requester += ", " + bot::markup::escape(s->name);

  Message m;
  m.header(ctx.text_in(lang, "card.header", {{"id", r.id}}));
  std::vector<bot::Field> fields = {
      {ctx.text_in(lang, "card.requester"), requester},
      {ctx.text_in(lang, "card.platforms"), plans_markup(r.plans)},
      {ctx.text_in(lang, "card.audience"), audience_markup(ctx, lang, r.audience)},
      {ctx.text_in(lang, "card.students_interact"),
       ctx.text_in(lang, r.students_interact ? "common.yes" : "common.no")},
  };
  if (bot::is_open(r.state)) fields.push_back({ctx.text_in(lang, "card.window"), ctx.window_label(lang, r.due_date)});
  if (!r.endorsed_by.empty() && where == CardPlace::superintendent && r.state != RequestState::returned)
    fields.push_back({ctx.text_in(lang, "card.endorsed_by"), ctx.name_of(r.endorsed_by)});
  if (!r.info_question.empty() && where == CardPlace::superintendent) {
    fields.push_back({ctx.text_in(lang, "card.info_question"), bot::markup::escape(r.info_question)});
    if (!r.info_answer.empty())
      fields.push_back({ctx.text_in(lang, "card.info_answer"), bot::markup::escape(r.info_answer)});
  }
  if (r.decision && !bot::is_open(r.state)) {
    // After a decision every card says what it was: what was authorized (as authorized), what not, why.
    const bot::Decision& d = *r.decision;
    fields.push_back({ctx.text_in(lang, "card.decision.response"), ctx.text_in(lang, "card.decision." + d.response)});
    if (!d.authorized.empty())
      fields.push_back({ctx.text_in(lang, "card.decision.authorized"), plans_markup(d.authorized)});
    if (auto left_out = not_authorized(r); !left_out.empty())
      fields.push_back({ctx.text_in(lang, "card.decision.not_authorized"), platform_names_markup(left_out)});
    if (!d.conditions.empty())
      fields.push_back({ctx.text_in(lang, "card.decision.conditions"), bot::markup::escape(d.conditions)});
    if (!d.explanation.empty())
      fields.push_back({ctx.text_in(lang, "card.decision.explanation"), bot::markup::escape(d.explanation)});
  }
  add_classroom_card_fields(ctx, r, lang, fields);
  m.fields(std::move(fields));
  m.context(status_line(ctx, lang, r, where));
  // Escalated: the superintendent's office may decide it while it still waits at the site.
  const bool escalated_here =
      where == CardPlace::superintendent && r.state == RequestState::pending_site && is_escalated(ctx, r.id);
  if (escalated_here) {
    int days = escalated_after_days(ctx, r.id).value_or(0);
    m.context(ctx.text_in(lang, days == 1 ? "digest.escalation.card_one" : "digest.escalation.card",
                          {{"days", std::to_string(days)}}));
  }

  if (where == CardPlace::site && r.state == RequestState::pending_site) {
    m.buttons({{"endorse", ctx.text_in(lang, "card.button.endorse"), r.id, ButtonStyle::primary},
               {"return", ctx.text_in(lang, "card.button.return"), r.id, ButtonStyle::danger}});
  } else if (where == CardPlace::superintendent && (r.state == RequestState::pending_decision || escalated_here)) {
    m.buttons({{"authorize", ctx.text_in(lang, "card.button.authorize"), r.id, ButtonStyle::primary},
               {"modify", ctx.text_in(lang, "card.button.modify"), r.id, ButtonStyle::normal},
               {"more_info", ctx.text_in(lang, "card.button.more_info"), r.id, ButtonStyle::normal},
               {"reject", ctx.text_in(lang, "card.button.reject"), r.id, ButtonStyle::danger}});
  }
  m.fallback = ctx.text_in(lang, "card.fallback", {{"id", r.id}, {"requester", ctx.name_of(r.requester)}});
  return m;
}

bool reaches_superintendent(const Context& ctx, const Request& r) {
  return r.site.empty() || !r.endorsed_by.empty() || is_escalated(ctx, r.id);
}

void refresh_cards(const Context& ctx, const Request& r) {
  if (!r.site.empty())
    ctx.to_place(card_place_id(r, CardPlace::site), request_card(ctx, r, CardPlace::site), r.id, {},
                 card_key(r, CardPlace::site));
  // The superintendent's card exists once the request reached the superintendent.
  if (reaches_superintendent(ctx, r))
    ctx.to_place("superintendent", request_card(ctx, r, CardPlace::superintendent), r.id, {},
                 card_key(r, CardPlace::superintendent));
}

Message decision_letter(const Context& ctx, const Request& r) {
  const std::string lang = ctx.lang_of(r.requester);
  const bot::Decision& d = *r.decision;
  Message m;
  m.header(ctx.text_in(lang, "decision.letter.header", {{"id", r.id}}));
  m.paragraph(ctx.text_in(lang, "decision.letter." + d.response,
                          {{"by", ctx.name_of(d.by)}, {"date", ctx.date_label(lang, d.at)}}));
  std::vector<bot::Field> fields;
  if (!d.authorized.empty())
    fields.push_back({ctx.text_in(lang, "decision.letter.authorized"), plans_markup(d.authorized)});
  if (auto left_out = not_authorized(r); !left_out.empty() && !d.authorized.empty())
    fields.push_back({ctx.text_in(lang, "decision.letter.not_authorized"), platform_names_markup(left_out)});
  if (!d.conditions.empty())
    fields.push_back({ctx.text_in(lang, "decision.letter.conditions"), bot::markup::escape(d.conditions)});
  if (!d.explanation.empty())
    fields.push_back({ctx.text_in(lang, "decision.letter.explanation"), bot::markup::escape(d.explanation)});
  fields.push_back({ctx.text_in(lang, "decision.letter.requested"), plans_markup(r.plans)});
  m.fields(std::move(fields));
  m.context(ctx.text_in(lang, "decision.letter.footer"));
  return m;
}

std::string too_long_error(const Context& ctx, std::string_view text) {
  const std::size_t length = bot::char_count(text);
  if (length <= kMaxWrittenChars) return {};
  return ctx.text(*ctx.actor, "request.error.too_long",
                  {{"length", std::to_string(length)}, {"max", std::to_string(kMaxWrittenChars)}});
}

bool within_limit(const Context& ctx, std::string_view what, std::string_view text, std::string_view subject) {
  const std::size_t length = bot::char_count(text);
  if (length <= kMaxWrittenChars) return true;
  bot::Message m;
  m.paragraph(ctx.text(
      *ctx.actor, "refusal.too_long",
      {{"what", std::string(what)}, {"length", std::to_string(length)}, {"max", std::to_string(kMaxWrittenChars)}}));
  ctx.reply(std::move(m));
  ctx.audit("refused:too_long", subject, {{"what", bot::markup::to_plain(what)}, {"length", length}});
  return false;
}

}  // namespace workflows
