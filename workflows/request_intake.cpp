#include "workflows/request_intake.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/text.hpp"
#include "workflows/platforms.hpp"
#include "workflows/request_cards.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

using bot::Draft;
using bot::Form;
using bot::FormInput;
using bot::InputKind;
using bot::Message;

namespace {

const std::vector<std::string> kAudiences = {"students", "parents", "public", "staff"};

std::string value_of(const Context& ctx, const std::string& key) {
  auto it = ctx.event->values.find(key);
  return it == ctx.event->values.end() ? std::string() : trim(it->second);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

Form platforms_form(const Context& ctx, const Draft& d) {
  const bot::Person& me = *ctx.actor;
  Form f{.form_id = "request.platforms",
         .title = ctx.text(me, "request.form.title"),
         .submit_label = ctx.text(me, "request.form.next")};
  FormInput platforms{.key = "platforms",
                      .label = ctx.text(me, "request.form.platforms"),
                      .kind = InputKind::multi_choice,
                      .required = true};
  for (const auto& id : known_platforms()) platforms.choices.push_back({id, platform_label(id)});
  platforms.choices.push_back({"other", ctx.text(me, "request.form.other")});
  std::vector<std::string> chosen, other;
  for (const auto& p : d.plans) {
    auto known = known_platforms();
    if (std::find(known.begin(), known.end(), p.platform) != known.end())
      chosen.push_back(p.platform);
    else
      other.push_back(p.platform);
  }
  if (!other.empty()) chosen.push_back("other");
  platforms.initial = join(chosen);
  FormInput other_name{.key = "other_platform",
                       .label = ctx.text(me, "request.form.other_platform"),
                       .initial = join(other),
                       .hint = ctx.text(me, "request.form.other_hint")};
  FormInput audience{.key = "audience",
                     .label = ctx.text(me, "request.form.audience"),
                     .kind = InputKind::multi_choice,
                     .required = true,
                     .initial = join(d.audience)};
  for (const auto& a : kAudiences) audience.choices.push_back({a, ctx.text(me, "request.audience." + a)});
  FormInput interact{.key = "students_interact",
                     .label = ctx.text(me, "request.form.students_interact"),
                     .kind = InputKind::single_choice,
                     .required = true,
                     .choices = {{"yes", ctx.text(me, "common.yes")}, {"no", ctx.text(me, "common.no")}}};
  if (d.students_interact) interact.initial = *d.students_interact ? "yes" : "no";
  f.inputs = {platforms, other_name, audience, interact};
  return f;
}

Form objectives_form(const Context& ctx, const Draft& d) {
  const bot::Person& me = *ctx.actor;
  Form f{.form_id = "request.objectives",
         .title = ctx.text(me, "request.form.title"),
         .submit_label = ctx.text(me, "request.form.review")};
  for (const auto& p : d.plans)
    f.inputs.push_back(
        {.key = "objectives." + p.platform,
         .label = ctx.text(me, "request.form.objectives", {{"platform", platform_label(p.platform)}}),
         .kind = InputKind::multiline,
         .required = true,
         .initial = p.objectives,
         .hint = ctx.text(me, "request.form.objectives_hint", {{"max", std::to_string(kMaxWrittenChars)}}),
         .max_chars = kMaxWrittenChars});
  return f;
}

void show_form(const Context& ctx, std::string intro_key, Form f) {
  Message m;
  if (!intro_key.empty()) m.paragraph(ctx.text(*ctx.actor, intro_key));
  m.form(std::move(f));
  m.fallback = ctx.text(*ctx.actor, "request.form.fallback");
  ctx.reply(std::move(m));
}

std::string summary_key(const bot::Person& p) { return "draft/" + p.id; }

bool goes_to_site(const Context& ctx, const bot::Person& p) {
  const bot::Site* site = ctx.config.site(p.site);
  if (!site || ctx.config.is_decider(p.id) || p.has_role(bot::Role::principal)) return false;
  return std::find(site->principals.begin(), site->principals.end(), p.id) == site->principals.end();
}

// What the draft asks for, as the summary shows it (without its buttons).
Message summary_body(const Context& ctx, const Draft& d) {
  const bot::Person& me = *ctx.actor;
  Message m;
  m.header(ctx.text(me, "request.summary.header"));
  m.fields({{ctx.text(me, "card.platforms"), plans_markup(d.plans)},
            {ctx.text(me, "card.audience"), audience_markup(ctx, me.language, d.audience)},
            {ctx.text(me, "card.students_interact"),
             ctx.text(me, d.students_interact.value_or(false) ? "common.yes" : "common.no")}});
  return m;
}

void show_summary(const Context& ctx, const Draft& d) {
  const bot::Person& me = *ctx.actor;
  bot::Request preview;
  preview.site = goes_to_site(ctx, me) ? me.site : "";
  preview.state = preview.site.empty() ? bot::RequestState::pending_decision : bot::RequestState::pending_site;
  Message m = summary_body(ctx, d);
  m.paragraph(first_approver_markup(ctx, me.language, preview));
  m.buttons({{"confirm", ctx.text(me, "request.summary.submit"), "", bot::ButtonStyle::primary},
             {"change", ctx.text(me, "request.summary.change"), "", bot::ButtonStyle::normal},
             {"cancel", ctx.text(me, "request.summary.cancel"), "", bot::ButtonStyle::danger}});
  ctx.reply(std::move(m), summary_key(me));
}

// Replaces the summary's buttons with what became of the draft, so they cannot be pressed twice.
// A submitted summary keeps what was asked for (base), so the person still sees what they sent.
void close_summary(const Context& ctx, std::string outcome, Message m = {}) {
  m.context(std::move(outcome));
  ctx.reply(std::move(m), {}, summary_key(*ctx.actor));
}

std::string file_request(Context& ctx, const Draft& d) {
  const bot::Person& me = *ctx.actor;
  bot::Request r;
  r.id = ctx.store.next_request_id();
  r.requester = me.id;
  r.plans = d.plans;
  r.audience = d.audience;
  r.students_interact = d.students_interact.value_or(false);
  r.filed_at = ctx.now;
  r.routed_at = ctx.now;
  r.due_date = ctx.services.calendar.due_date(ctx.now);
  if (goes_to_site(ctx, me)) {
    r.site = me.site;
    r.state = bot::RequestState::pending_site;
  } else {
    r.state = bot::RequestState::pending_decision;
  }
  ctx.store.save_request(r);
  ctx.store.delete_draft(me.id);
  nlohmann::json plans = nlohmann::json::array();
  for (const auto& p : r.plans) plans.push_back({{"platform", p.platform}, {"objectives", p.objectives}});
  ctx.audit("filed", r.id,
            {{"plans", plans},
             {"audience", r.audience},
             {"students_interact", r.students_interact},
             {"due_date", r.due_date},
             {"routed_to", r.site.empty() ? "superintendent" : "site:" + r.site},
             {"based_on", d.based_on}});
  ctx.effects.schedule({"overdue", r.id, ctx.services.calendar.deadline(r.due_date)});
  schedule_deadline_timers(ctx, r);  // the warning before the window closes; the escalation from the site

  CardPlace where = r.site.empty() ? CardPlace::superintendent : CardPlace::site;
  ctx.to_place(card_place_id(r, where), request_card(ctx, r, where), r.id, card_key(r, where));

  Message m;
  m.header(ctx.text(me, "request.filed.header", {{"id", r.id}}));
  m.paragraph(first_approver_markup(ctx, me.language, r));
  m.paragraph(ctx.text(me, "request.filed.window",
                       {{"days", std::to_string(ctx.services.calendar.review_days())},
                        {"due", ctx.date_label(me.language, r.due_date)}}));
  m.context(ctx.text(me, "request.filed.footer", {{"id", r.id}}));
  ctx.to_person(me.id, std::move(m), r.id);
  return r.id;
}

}  // namespace

void start_request(Context& ctx, std::string_view prefill) {
  Draft d{.person = ctx.actor->id};
  std::string text = trim(prefill);
  if (!text.empty())
    d.plans = parse_platform_text(text);
  else if (auto existing = ctx.store.draft(ctx.actor->id))
    d = *existing;
  ctx.store.save_draft(d);
  show_form(ctx, "request.form.intro", platforms_form(ctx, d));
}

void restart_from(Context& ctx, std::string_view request_id) {
  auto r = ctx.store.request(request_id);
  if (!r || r->requester != ctx.actor->id) return start_request(ctx, "");
  Draft d{.person = ctx.actor->id,
          .plans = r->plans,
          .audience = r->audience,
          .students_interact = r->students_interact,
          .based_on = r->id};
  ctx.store.save_draft(d);
  show_form(ctx, "request.form.intro", platforms_form(ctx, d));
}

void on_platforms_form(Context& ctx) {
  Draft d = ctx.store.draft(ctx.actor->id).value_or(Draft{.person = ctx.actor->id});
  const bot::Person& me = *ctx.actor;
  std::vector<std::string> chosen = split_choices(value_of(ctx, "platforms"));
  std::string other = value_of(ctx, "other_platform");
  std::vector<std::string> audience = split_choices(value_of(ctx, "audience"));
  std::string interact = lower(value_of(ctx, "students_interact"));

  std::vector<bot::PlatformPlan> plans;
  auto keep_objectives = [&d](const std::string& id) {
    for (const auto& p : d.plans)
      if (p.platform == id) return p.objectives;
    return std::string();
  };
  std::map<std::string, std::string> errors;
  for (const auto& c : chosen) {
    if (c == "other") continue;
    auto id = platform_id(c);
    if (!id)
      errors["platforms"] = ctx.text(me, "request.error.unknown_platform", {{"name", bot::cut_at_word(c, 40)}});
    else
      plans.push_back({*id, keep_objectives(*id)});
  }
  bool wants_other = std::find(chosen.begin(), chosen.end(), "other") != chosen.end();
  if (wants_other && other.empty()) errors["other_platform"] = ctx.text(me, "request.error.other_name");
  if (!other.empty())
    for (const auto& name : split_choices(other)) plans.push_back({name, keep_objectives(name)});
  if (plans.empty() && !errors.contains("platforms") && !errors.contains("other_platform"))
    errors["platforms"] = ctx.text(me, "request.error.no_platform");
  for (const auto& a : audience)
    if (std::find(kAudiences.begin(), kAudiences.end(), a) == kAudiences.end())
      errors["audience"] = ctx.text(me, "request.error.unknown_audience", {{"name", bot::cut_at_word(a, 40)}});
  if (audience.empty()) errors["audience"] = ctx.text(me, "request.error.no_audience");
  if (interact != "yes" && interact != "no") errors["students_interact"] = ctx.text(me, "request.error.yes_no");

  d.plans = plans;
  d.audience = audience;
  if (interact == "yes" || interact == "no") d.students_interact = interact == "yes";
  if (!errors.empty()) {
    Form f = platforms_form(ctx, d);
    for (auto& in : f.inputs) {
      if (auto e = errors.find(in.key); e != errors.end()) in.error = e->second;
      if (in.key == "platforms") in.initial = value_of(ctx, "platforms");
      if (in.key == "other_platform") in.initial = other;
    }
    return show_form(ctx, "request.form.fix", std::move(f));
  }
  ctx.store.save_draft(d);
  show_form(ctx, "", objectives_form(ctx, d));
}

void on_objectives_form(Context& ctx) {
  auto d = ctx.store.draft(ctx.actor->id);
  if (!d || d->plans.empty()) return start_request(ctx, "");
  bool refused = false;
  for (auto& p : d->plans) {
    p.objectives = value_of(ctx, "objectives." + p.platform);
    if (p.objectives.empty() || !too_long_error(ctx, p.objectives).empty()) refused = true;
  }
  if (refused) {
    // The form comes back with what was typed, the longest too, so nothing is lost.
    Form f = objectives_form(ctx, *d);
    for (auto& in : f.inputs)
      in.error =
          in.initial.empty() ? ctx.text(*ctx.actor, "request.error.no_objectives") : too_long_error(ctx, in.initial);
    return show_form(ctx, "request.form.fix", std::move(f));
  }
  ctx.store.save_draft(*d);
  show_summary(ctx, *d);
}

void on_summary_action(Context& ctx, std::string_view action) {
  auto d = ctx.store.draft(ctx.actor->id);
  const bot::Person& me = *ctx.actor;
  if (!d) {
    Message m;
    m.paragraph(ctx.text(me, "request.no_draft"));
    return ctx.reply(std::move(m));
  }
  if (action == "cancel") {
    ctx.store.delete_draft(me.id);
    close_summary(ctx, ctx.text(me, "request.summary.discarded"));
    Message m;
    m.paragraph(ctx.text(me, "request.cancelled"));
    return ctx.reply(std::move(m));
  }
  if (action == "change") return show_form(ctx, "", platforms_form(ctx, *d));
  bool complete = !d->plans.empty() && !d->audience.empty() && d->students_interact.has_value() &&
                  std::all_of(d->plans.begin(), d->plans.end(), [](const auto& p) { return !p.objectives.empty(); });
  if (!complete) return show_form(ctx, "request.form.fix", platforms_form(ctx, *d));
  Message sent = summary_body(ctx, *d);
  std::string id = file_request(ctx, *d);
  close_summary(ctx, ctx.text(me, "request.summary.submitted", {{"id", id}}), std::move(sent));
}

}  // namespace workflows
