#include "workflows/registry_authorizations.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_accounts.hpp"
#include "workflows/request_cards.hpp"

namespace workflows {

using bot::Message;
using bot::Request;
using bot::RequestState;

namespace {

// Authorizations ending within this many days are in their owner's digest.
constexpr int kEndingSoonDays = 14;

std::string today(const Context& ctx) { return bot::DistrictCalendar::iso(ctx.services.calendar.local_day(ctx.now)); }

bool authorized(const Request& r) {
  return r.decision && (r.state == RequestState::authorized || r.state == RequestState::authorized_modified);
}

std::string value_of(const Context& ctx, const std::string& key) {
  auto it = ctx.event->values.find(key);
  return it == ctx.event->values.end() ? std::string() : trim(it->second);
}

// "2027-06-15", a real date.
bool iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  date::year_month_day d{date::year{std::stoi(std::string(s.substr(0, 4)))},
                         date::month{static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))))},
                         date::day{static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))))}};
  return d.ok();
}

void say(const Context& ctx, std::string_view key, const bot::PromptVars& vars = {}) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, key, vars));
  ctx.reply(std::move(m));
}

}  // namespace

std::string authorization_state(const Context& ctx, const Request& r) {
  if (!authorized(r)) return {};
  auto terms = ctx.store.authorization_terms(r.id);
  if (terms && (terms->state == "suspended" || terms->state == "revoked")) return terms->state;
  if (terms && !terms->end_date.empty() && today(ctx) > terms->end_date) return "ended";
  return "active";
}

bool authorization_in_force(const Context& ctx, const Request& r) { return authorization_state(ctx, r) == "active"; }

void on_authorization_act(Context& ctx, std::string_view act, const std::string& rest) {
  const bot::Person& me = *ctx.actor;
  const std::string act_s(act);
  if (!ctx.config.is_decider(me.id)) {
    say(ctx, "registry.auth.not_decider", {{"superintendent", ctx.name_of(ctx.config.superintendent)}});
    ctx.audit("refused:registry.not_decider", "", {{"act", act_s}});
    return;
  }
  std::string id = find_request_id(rest).value_or(
      !ctx.thread_key.empty() && ctx.store.request(ctx.thread_key) ? ctx.thread_key : std::string());
  std::string text = rest;
  if (auto named = find_request_id(rest)) {
    size_t at = lower(rest).find(lower(*named));
    text = trim(rest.substr(0, at) + rest.substr(at + named->size()));
  }
  if (const size_t because = lower(text).find("because"); because != std::string::npos)
    text = trim(text.substr(because + 7));
  else if (const size_t porque = lower(text).find("porque"); porque != std::string::npos)
    text = trim(text.substr(porque + 6));
  if (id.empty()) return say(ctx, "registry.auth.which", {{"act", act_s}});
  auto r = ctx.store.request(id);
  if (!r) return say(ctx, "refusal.unknown_request", {{"id", bot::markup::escape_short(id, 40)}});
  const std::string state = authorization_state(ctx, *r);
  if (state.empty()) return say(ctx, "registry.auth.not_authorized", {{"id", r->id}});
  const bool needs_active = act == "suspend" || act == "revoke";
  if ((act == "suspend" && state != "active") || (act == "revoke" && state == "revoked") ||
      (act == "reinstate" && state != "suspended"))
    return say(ctx, "registry.auth.wrong_state",
               {{"id", r->id}, {"state", ctx.text(me, "registry.terms.state_short." + state)}});
  if (needs_active && text.empty()) {
    Message m;
    m.paragraph(ctx.text(me, "registry.auth.explanation_required", {{"id", r->id}}));
    quote_registry_clause(ctx, m, "suspend");
    m.context(ctx.text(me, "registry.auth.how", {{"id", r->id}, {"act", act_s}}));
    ctx.reply(std::move(m));
    ctx.audit("refused:missing_explanation", r->id, {{"act", act_s}});
    return;
  }
  if (text.size() > kMaxWrittenChars)
    return say(ctx, "registry.auth.too_long", {{"max", std::to_string(kMaxWrittenChars)}});
  bot::AuthorizationTerms terms = ctx.store.authorization_terms(r->id).value_or(bot::AuthorizationTerms{});
  terms.request_id = r->id;
  terms.state = act == "suspend" ? "suspended" : act == "revoke" ? "revoked" : "active";
  terms.state_by = me.id;
  terms.state_at = ctx.now;
  terms.explanation = text;
  ctx.store.save_authorization_terms(terms);
  ctx.audit("authorization." + std::string(terms.state), r->id, {{"explanation", text}, {"was", state}});

  const std::string platforms = platform_names_markup(r->decision->authorized);
  const auto vars = [&](const std::string& lang) {
    return bot::PromptVars{{"id", r->id},
                           {"by", ctx.name_of(me.id)},
                           {"platforms", platforms},
                           {"requester", ctx.name_of(r->requester)},
                           {"date", ctx.date_label(lang, ctx.now)},
                           {"explanation", bot::markup::escape(text)}};
  };
  // The owner: at the top of their DM, with the clause.
  const std::string owner_lang = ctx.lang_of(r->requester);
  Message owner;
  owner.paragraph(ctx.text_in(owner_lang, "registry.auth." + act_s + ".to_owner", vars(owner_lang)));
  if (needs_active) quote_registry_clause(ctx, owner, "suspend");
  ctx.to_person(r->requester, std::move(owner));
  // The site's principal and the superintendent's office, in the request's thread.
  auto tell = [&](const std::string& place) {
    const std::string lang = ctx.place_lang(place);
    Message m;
    m.paragraph(ctx.text_in(lang, "registry.auth." + act_s + ".to_place", vars(lang)));
    ctx.to_place(place, std::move(m), r->id);
  };
  if (!r->site.empty()) tell("site:" + r->site);
  tell("superintendent");
  // The principal by name too: a channel thread is easy to miss.
  if (const bot::Site* s = ctx.config.site(r->site))
    for (const auto& p : s->principals)
      if (p != me.id) {
        const std::string lang = ctx.lang_of(p);
        Message m;
        m.paragraph(ctx.text_in(lang, "registry.auth." + act_s + ".to_place", vars(lang)));
        ctx.to_person(p, std::move(m));
      }
  say(ctx, "registry.auth." + act_s + ".done", vars(me.language));
}

void add_terms_inputs(const Context& ctx, const Request& r, bot::Form& f) {
  const bot::Person& me = *ctx.actor;
  bot::FormInput audience{.key = "audience",
                          .label = ctx.text(me, "registry.terms.form.audience"),
                          .kind = bot::InputKind::multi_choice,
                          .hint = ctx.text(me, "registry.terms.form.audience_hint")};
  for (const auto& a : r.audience) {
    audience.choices.push_back({a, ctx.text(me, "request.audience." + a)});
    audience.initial += (audience.initial.empty() ? "" : ",") + a;
  }
  bot::FormInput end{.key = "end_date",
                     .label = ctx.text(me, "registry.terms.form.end_date"),
                     .hint = ctx.text(me, "registry.terms.form.end_date_hint"),
                     .max_chars = 10};
  // Before the written explanation, which stays last.
  auto at = f.inputs.empty() ? f.inputs.end() : f.inputs.end() - 1;
  at = f.inputs.insert(at, end);
  if (!audience.choices.empty()) f.inputs.insert(at, audience);
}

std::string check_terms(const Context& ctx) {
  const std::string end = value_of(ctx, "end_date");
  if (end.empty()) return {};
  if (!iso_date(end) || end <= today(ctx)) return "registry.terms.error.end_date";
  return {};
}

void record_terms(Context& ctx, const Request& r) {
  std::vector<std::string> audience;
  for (const auto& a : split_choices(value_of(ctx, "audience")))
    if (std::find(r.audience.begin(), r.audience.end(), a) != r.audience.end()) audience.push_back(a);
  if (audience.size() == r.audience.size()) audience.clear();  // as requested
  const std::string end = value_of(ctx, "end_date");
  if (audience.empty() && end.empty()) return;
  bot::AuthorizationTerms terms{.request_id = r.id, .audience = audience, .end_date = end};
  ctx.store.save_authorization_terms(terms);
  ctx.audit("authorization.terms", r.id, {{"audience", audience}, {"end_date", end}});
}

std::vector<bot::Field> terms_fields(const Context& ctx, std::string_view lang, const Request& r) {
  std::vector<bot::Field> out;
  if (!r.decision) return out;
  auto terms = ctx.store.authorization_terms(r.id).value_or(bot::AuthorizationTerms{});
  const std::string state = authorization_state(ctx, r);
  out.push_back({ctx.text_in(lang, "registry.terms.scope"), plans_markup(r.decision->authorized)});
  out.push_back({ctx.text_in(lang, "registry.terms.audience"),
                 audience_markup(ctx, lang, terms.audience.empty() ? r.audience : terms.audience)});
  out.push_back({ctx.text_in(lang, "registry.terms.conditions"), r.decision->conditions.empty()
                                                                     ? ctx.text_in(lang, "registry.terms.no_conditions")
                                                                     : bot::markup::escape(r.decision->conditions)});
  out.push_back({ctx.text_in(lang, "registry.terms.end_date"), terms.end_date.empty()
                                                                   ? ctx.text_in(lang, "registry.terms.no_end")
                                                                   : ctx.date_label(lang, terms.end_date)});
  if (!state.empty())
    out.push_back({ctx.text_in(lang, "registry.terms.state"),
                   ctx.text_in(lang, "registry.terms.state_long." + state,
                               {{"by", ctx.name_of(terms.state_by)},
                                {"date", terms.state_by.empty() ? "" : ctx.date_label(lang, terms.state_at)},
                                {"end", terms.end_date.empty() ? "" : ctx.date_label(lang, terms.end_date)},
                                {"explanation", bot::markup::escape(terms.explanation)}})});
  return out;
}

void collect_authorization_items(const Context& ctx, DigestBook& book) {
  const auto& cal = ctx.services.calendar;
  const auto now_day = date::sys_days{cal.local_day(ctx.now)};
  for (const auto& r : ctx.store.requests_decided_since(bot::TimePoint{})) {
    if (!authorization_in_force(ctx, r)) continue;
    auto terms = ctx.store.authorization_terms(r.id);
    if (!terms || terms->end_date.empty()) continue;
    const auto days = (date::sys_days{bot::DistrictCalendar::parse_iso(terms->end_date)} - now_day).count();
    if (days < 0 || days > kEndingSoonDays) continue;
    book.add(r.requester, DigestItem{.section = DigestSection::to_act,
                                     .id = r.id,
                                     .line_key = "registry.digest.ending",
                                     .vars = {{"id", r.id},
                                              {"platforms", platform_names_markup(r.decision->authorized)},
                                              {"days", std::to_string(days)}},
                                     .due_date = terms->end_date});
  }
}

}  // namespace workflows
