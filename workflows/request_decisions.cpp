#include "workflows/request_decisions.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/classroom_checklist.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_accounts.hpp"
#include "workflows/registry_authorizations.hpp"
#include "workflows/request_cards.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

using bot::Form;
using bot::FormInput;
using bot::InputKind;
using bot::Message;
using bot::Request;
using bot::RequestState;

std::optional<RequestAct> request_act_from(std::string_view word) {
  std::string w = lower(word);
  if (w == "endorse" || w == "approve") return RequestAct::endorse;
  if (w == "return") return RequestAct::return_;
  if (w == "authorize" || w == "authorise") return RequestAct::authorize;
  if (w == "modify" || w == "authorize-modified" || w == "limit") return RequestAct::modify;
  if (w == "reject" || w == "deny") return RequestAct::reject;
  if (w == "info" || w == "more-info" || w == "moreinfo" || w == "more_info") return RequestAct::more_info;
  if (w == "answer") return RequestAct::answer;
  if (w == "withdraw") return RequestAct::withdraw;
  return std::nullopt;
}

namespace {

std::string_view act_name(RequestAct a) {
  switch (a) {
    case RequestAct::endorse: return "endorse";
    case RequestAct::return_: return "return";
    case RequestAct::authorize: return "authorize";
    case RequestAct::modify: return "modify";
    case RequestAct::reject: return "reject";
    case RequestAct::more_info: return "more_info";
    case RequestAct::answer: return "answer";
    case RequestAct::withdraw: return "withdraw";
  }
  return "";
}

void refuse(const Context& ctx, std::string_view reason, std::string_view subject, const bot::PromptVars& vars) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "refusal." + std::string(reason), vars));
  ctx.reply(std::move(m));
  ctx.audit("refused:" + std::string(reason), subject, {{"event", ctx.event ? ctx.event->text : ""}});
}

bool is_site_principal(const Context& ctx, const Request& r, std::string_view person) {
  const bot::Site* s = ctx.config.site(r.site);
  return s && std::find(s->principals.begin(), s->principals.end(), person) != s->principals.end();
}

// Why the actor's role does not let them do `act` on r (the refusal's key and variables); empty
// when it does.
std::string role_refusal(const Context& ctx, RequestAct act, const Request& r, bot::PromptVars& vars) {
  const bot::Person& me = *ctx.actor;
  const bool own = r.requester == me.id;
  const bool requester_act = act == RequestAct::answer || act == RequestAct::withdraw;
  vars = {{"id", r.id}};
  if (requester_act && !own) return "not_requester";
  if (!requester_act && own) return "own_request";
  const bool site_act = act == RequestAct::endorse || act == RequestAct::return_;
  if (site_act && !is_site_principal(ctx, r, me.id)) {
    const bot::Site* s = ctx.config.site(r.site);
    vars.emplace_back("site", bot::markup::escape(s ? s->name : ctx.text(me, "common.no_site")));
    return "not_principal";
  }
  const bool decide_act = !site_act && !requester_act;
  if (decide_act && !ctx.config.is_decider(me.id)) {
    vars.emplace_back("superintendent", ctx.name_of(ctx.config.superintendent));
    return "not_decider";
  }
  return {};
}

// Whether r waits for `act` in its state.
bool waits_for(const Context& ctx, RequestAct act, const Request& r) {
  switch (act) {
    case RequestAct::endorse:
    case RequestAct::return_: return r.state == RequestState::pending_site;
    case RequestAct::authorize:
    case RequestAct::modify:
    case RequestAct::reject:
    case RequestAct::more_info:
      // An escalated request may be decided while it still waits at the site.
      return r.state == RequestState::pending_decision || r.state == RequestState::needs_info ||
             (r.state == RequestState::pending_site && is_escalated(ctx, r.id));
    case RequestAct::answer: return r.state == RequestState::needs_info;
    case RequestAct::withdraw: return bot::is_open(r.state);
  }
  return false;
}

// Loads the request and checks that the actor may do `act` now; answers and audits a refusal.
std::optional<Request> permitted(const Context& ctx, RequestAct act, std::string_view id) {
  const bot::Person& me = *ctx.actor;
  if (id.empty()) {
    refuse(ctx, "which_request", "", {{"act", std::string(act_name(act))}});
    return std::nullopt;
  }
  auto r = ctx.store.request(id);
  if (!r) {
    refuse(ctx, "unknown_request", id, {{"id", bot::markup::escape_short(id, 40)}});
    return std::nullopt;
  }
  bot::PromptVars vars;
  if (std::string why = role_refusal(ctx, act, *r, vars); !why.empty()) {
    refuse(ctx, why, r->id, vars);
    return std::nullopt;
  }
  // The request must be waiting for this act.
  if (!waits_for(ctx, act, *r)) {
    std::string by = r->decision ? r->decision->by : (!r->returned_by.empty() ? r->returned_by : r->endorsed_by);
    refuse(ctx, "state." + std::string(bot::to_string(r->state)), r->id,
           {{"id", r->id},
            {"by", ctx.name_of(by)},
            {"date", r->decision ? ctx.date_label(me.language, r->decision->at) : ""}});
    return std::nullopt;
  }
  return r;
}

// The refusal of a rejection or modification without a written explanation, quoting the clause.
void refuse_missing_explanation(const Context& ctx, const Request& r, RequestAct act) {
  const bot::Person& me = *ctx.actor;
  Message m;
  m.paragraph(ctx.text(me, "refusal.missing_explanation", {{"id", r.id}}));
  auto clause = ctx.config.clauses.find("explanation_required");
  std::string clause_id = clause == ctx.config.clauses.end() ? "model-bp#authorization.4" : clause->second;
  if (ctx.services.policy)
    if (const bot::Passage* p = ctx.services.policy->find(clause_id)) m.quote(p->text, p->citation);
  m.context(ctx.text(me, "refusal.missing_explanation_how", {{"id", r.id}, {"act", std::string(act_name(act))}}));
  ctx.reply(std::move(m));
  ctx.audit("refused:missing_explanation", r.id, {{"act", act_name(act)}});
}

Form decision_form(const Context& ctx, const Request& r, RequestAct act) {
  const bot::Person& me = *ctx.actor;
  std::string name(act_name(act));
  Form f{.form_id = act == RequestAct::answer ? "request.answer" : "decision." + name,
         .context = r.id,
         .title = ctx.text(me, "decision.form." + name + ".title", {{"id", r.id}}),
         .submit_label = ctx.text(me, "decision.form." + name + ".submit")};
  auto text_input = [&](std::string key, bool required) {
    return FormInput{.key = key,
                     .label = ctx.text(me, "decision.form.label." + key),
                     .kind = InputKind::multiline,
                     .required = required,
                     .hint = ctx.text(me, "decision.form.hint." + key, {{"max", std::to_string(kMaxWrittenChars)}}),
                     .max_chars = kMaxWrittenChars};
  };
  switch (act) {
    case RequestAct::return_: f.inputs = {text_input("note", true)}; break;
    case RequestAct::reject: f.inputs = {text_input("explanation", true)}; break;
    case RequestAct::more_info: f.inputs = {text_input("question", true)}; break;
    case RequestAct::answer: {
      FormInput in = text_input("answer", true);
      in.hint = bot::markup::to_plain(bot::markup::escape(r.info_question));
      f.inputs = {in};
      break;
    }
    case RequestAct::modify: {
      FormInput keep{.key = "keep",
                     .label = ctx.text(me, "decision.form.label.keep"),
                     .kind = InputKind::multi_choice,
                     .required = true};
      for (const auto& p : r.plans) {
        keep.choices.push_back({p.platform, platform_label(p.platform)});
        keep.initial += (keep.initial.empty() ? "" : ",") + p.platform;
      }
      f.inputs.push_back(keep);
      for (const auto& p : r.plans)
        f.inputs.push_back(
            {.key = "objectives." + p.platform,
             .label = ctx.text(me, "request.form.objectives", {{"platform", platform_label(p.platform)}}),
             .kind = InputKind::multiline,
             .initial = p.objectives,
             .max_chars = kMaxWrittenChars});
      f.inputs.push_back(text_input("conditions", false));
      f.inputs.push_back(text_input("explanation", true));
      add_terms_inputs(ctx, r, f);  // audience and end date, before the explanation
      break;
    }
    default: break;
  }
  return f;
}

void show_decision_form(const Context& ctx, const Request& r, RequestAct act, std::string_view error_key = {}) {
  Form f = decision_form(ctx, r, act);
  // A form sent back keeps what was typed in it, so nothing is lost.
  const bool resent = ctx.event && ctx.event->kind == bot::InboundKind::form_submission;
  for (auto& in : f.inputs) {
    if (resent)
      if (auto typed = ctx.event->values.find(in.key); typed != ctx.event->values.end())
        in.initial = trim(typed->second);
    if (in.key == "end_date" && error_key.starts_with("registry."))
      in.error = ctx.text(*ctx.actor, std::string(error_key));
    if (in.kind != InputKind::multiline) continue;
    if (!error_key.empty() && in.required && in.initial.empty())
      in.error = ctx.text(*ctx.actor, std::string(error_key));
    else if (std::string e = too_long_error(ctx, in.initial); !e.empty())
      in.error = std::move(e);
  }
  Message m;
  m.form(std::move(f));
  m.fallback = ctx.text(*ctx.actor, "request.form.fallback");
  ctx.reply(std::move(m));
}

// Tells the requester (in their request thread) and the approvals threads what happened.
void tell_thread(const Context& ctx, const Request& r, std::string_view key, const bot::PromptVars& vars,
                 bool site_too) {
  // Each place in its own language.
  const auto in_place = [&](const std::string& place) {
    Message m;
    m.paragraph(ctx.text_in(ctx.place_lang(place), key, vars));
    ctx.to_place(place, std::move(m), r.id);
  };
  if (site_too && !r.site.empty()) in_place("site:" + r.site);
  if (reaches_superintendent(ctx, r)) in_place("superintendent");
}

void endorse(Context& ctx, Request r) {
  r.state = RequestState::pending_decision;
  r.endorsed_by = ctx.actor->id;
  r.routed_at = ctx.now;
  ctx.store.save_request(r);
  ctx.store.cancel_timers("escalation", r.id);
  ctx.audit("endorsed", r.id, nlohmann::json::object());
  refresh_cards(ctx, r);  // the site card loses its buttons; the superintendent's card is posted
  Message note;
  note.paragraph(
      ctx.text_in(ctx.place_lang("site:" + r.site), "thread.endorsed", {{"by", ctx.name_of(ctx.actor->id)}}));
  ctx.to_place("site:" + r.site, std::move(note), r.id);
  Message m;
  m.paragraph(ctx.text_in(
      ctx.lang_of(r.requester), "employee.endorsed",
      {{"id", r.id}, {"by", ctx.name_of(ctx.actor->id)}, {"superintendent", ctx.name_of(ctx.config.superintendent)}}));
  ctx.to_person(r.requester, std::move(m), r.id);
}

void return_to_employee(Context& ctx, Request r, const std::string& note) {
  if (!within_limit(ctx, ctx.text(*ctx.actor, "decision.form.label.note"), note, r.id)) return;
  r.state = RequestState::returned;
  r.returned_by = ctx.actor->id;
  r.return_note = note;
  ctx.store.save_request(r);
  ctx.store.cancel_timers("overdue", r.id);
  cancel_deadline_timers(ctx, r.id);
  ctx.audit("returned", r.id, {{"note", note}});
  refresh_cards(ctx, r);
  Message t;
  t.paragraph(ctx.text_in(ctx.place_lang("site:" + r.site), "thread.returned",
                          {{"by", ctx.name_of(ctx.actor->id)}, {"note", bot::markup::escape(note)}}));
  ctx.to_place("site:" + r.site, std::move(t), r.id);
  const std::string lang = ctx.lang_of(r.requester);
  Message m;
  m.paragraph(ctx.text_in(lang, "employee.returned",
                          {{"id", r.id}, {"by", ctx.name_of(ctx.actor->id)}, {"note", bot::markup::escape(note)}}));
  m.buttons({{"request_again", ctx.text_in(lang, "employee.request_again"), r.id, bot::ButtonStyle::primary}});
  ctx.to_person(r.requester, std::move(m), r.id);
}

void decide(Context& ctx, Request r, std::string response, std::vector<bot::PlatformPlan> authorized,
            std::string explanation, std::string conditions) {
  const bot::Person& me = *ctx.actor;
  if (!within_limit(ctx, ctx.text(me, "decision.form.label.explanation"), explanation, r.id) ||
      !within_limit(ctx, ctx.text(me, "decision.form.label.conditions"), conditions, r.id))
    return;
  // Objectives the decider rewrote are bounded; those the employee filed are kept as filed.
  const auto as_filed = [&r](const bot::PlatformPlan& p) {
    return std::find(r.plans.begin(), r.plans.end(), p) != r.plans.end();
  };
  for (const auto& p : authorized)
    if (!as_filed(p) &&
        !within_limit(ctx, ctx.text(me, "request.form.objectives", {{"platform", platform_label(p.platform)}}),
                      p.objectives, r.id))
      return;
  r.state = response == "authorize"            ? RequestState::authorized
            : response == "authorize_modified" ? RequestState::authorized_modified
                                               : RequestState::rejected;
  r.decision = bot::Decision{response, ctx.actor->id, ctx.now, explanation, conditions, authorized};
  ctx.store.save_request(r);
  ctx.store.cancel_timers("overdue", r.id);
  cancel_deadline_timers(ctx, r.id);
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& p : authorized) kept.push_back({{"platform", p.platform}, {"objectives", p.objectives}});
  ctx.audit("decided:" + response, r.id,
            {{"authorized", kept}, {"explanation", explanation}, {"conditions", conditions}});
  refresh_cards(ctx, r);
  tell_thread(ctx, r, "thread.decided." + response, {{"by", ctx.name_of(ctx.actor->id)}}, true);
  // The letter goes at the top of the requester's DM, where it cannot be missed (a thread shows
  // only "2 replies"); the request's thread keeps the history with a line pointing to it.
  Message in_thread;
  in_thread.paragraph(
      ctx.text_in(ctx.lang_of(r.requester), "thread.decision_posted", {{"by", ctx.name_of(ctx.actor->id)}}));
  ctx.to_person(r.requester, std::move(in_thread), r.id);
  Message letter = decision_letter(ctx, r);
  add_classroom_conditions(ctx, r, letter);  // students in the audience: the policy's conditions
  ctx.to_person(r.requester, std::move(letter));
  on_classroom_authorized(ctx, r);                    // and the checklist that ticks them off
  if (response != "reject") ask_to_register(ctx, r);  // the registry: each authorized account
}

void ask_for_info(Context& ctx, Request r, const std::string& question) {
  if (!within_limit(ctx, ctx.text(*ctx.actor, "decision.form.label.question"), question, r.id)) return;
  r.state = RequestState::needs_info;
  r.info_question = question;
  r.info_answer.clear();
  r.info_requested_at = ctx.now;
  ctx.store.save_request(r);
  ctx.audit("info_requested", r.id, {{"question", question}});
  refresh_cards(ctx, r);
  tell_thread(ctx, r, "thread.info_requested",
              {{"by", ctx.name_of(ctx.actor->id)}, {"question", bot::markup::escape(question)}}, false);
  const std::string lang = ctx.lang_of(r.requester);
  Message m;
  m.paragraph(
      ctx.text_in(lang, "employee.info_requested",
                  {{"id", r.id}, {"by", ctx.name_of(ctx.actor->id)}, {"question", bot::markup::escape(question)}}));
  m.buttons({{"answer", ctx.text_in(lang, "employee.answer_button"), r.id, bot::ButtonStyle::primary}});
  m.context(ctx.text_in(lang, "employee.answer_how", {{"id", r.id}}));
  ctx.to_person(r.requester, std::move(m), r.id);
}

void record_answer(Context& ctx, Request r, const std::string& answer) {
  if (!within_limit(ctx, ctx.text(*ctx.actor, "decision.form.label.answer"), answer, r.id)) return;
  r.state = RequestState::pending_decision;
  r.info_answer = answer;
  r.routed_at = ctx.now;
  if (ctx.config.review.more_info_pauses_clock) {
    // The days spent waiting for the employee do not count against the superintendent.
    const auto& cal = ctx.services.calendar;
    int waited = cal.counted_days_between(cal.local_day(r.info_requested_at), cal.local_day(ctx.now));
    if (waited > 0) {
      r.due_date =
          bot::DistrictCalendar::iso(cal.add_counted_days(bot::DistrictCalendar::parse_iso(r.due_date), waited));
      r.overdue_notified = false;
      ctx.effects.schedule({"overdue", r.id, cal.deadline(r.due_date)});
    }
  }
  ctx.store.save_request(r);
  ctx.audit("info_answered", r.id, {{"answer", answer}, {"due_date", r.due_date}});
  refresh_cards(ctx, r);
  tell_thread(ctx, r, "thread.info_answered",
              {{"by", ctx.name_of(r.requester)}, {"answer", bot::markup::escape(answer)}}, false);
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "employee.answer_sent", {{"id", r.id}}));
  ctx.reply(std::move(m));
}

void withdraw(Context& ctx, Request r) {
  r.state = RequestState::withdrawn;
  r.withdrawn_by = ctx.actor->id;
  ctx.store.save_request(r);
  ctx.store.cancel_timers("overdue", r.id);
  cancel_deadline_timers(ctx, r.id);
  ctx.audit("withdrawn", r.id, nlohmann::json::object());
  refresh_cards(ctx, r);
  tell_thread(ctx, r, "thread.withdrawn", {{"by", ctx.name_of(r.requester)}}, true);
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "employee.withdrawn", {{"id", r.id}}));
  ctx.reply(std::move(m));
}

std::string value_of(const Context& ctx, const std::string& key) {
  auto it = ctx.event->values.find(key);
  return it == ctx.event->values.end() ? std::string() : trim(it->second);
}

// True when the form's objectives.<platform> value is what the employee filed for it.
bool value_is_filed(const Request& r, std::string_view key, std::string_view value) {
  for (const auto& p : r.plans)
    if (key == "objectives." + p.platform) return p.objectives == value;
  return false;
}

// "keep instagram, youtube because <explanation>" → kept platforms and explanation.
void parse_modify_text(std::string_view text, const Request& r, std::vector<bot::PlatformPlan>& kept,
                       std::string& explanation) {
  std::string t = trim(text);
  std::string lt = lower(t);
  size_t because = lt.find("because");
  std::string head = because == std::string::npos ? t : t.substr(0, because);
  explanation = because == std::string::npos ? "" : trim(t.substr(because + 7));
  for (const auto& plan : parse_platform_text(head))
    for (const auto& p : r.plans)
      if (p.platform == plan.platform) kept.push_back(p);
}

}  // namespace

void act_on_request(Context& ctx, RequestAct act, std::string_view request_id, std::string_view text,
                    bool from_command) {
  auto r = permitted(ctx, act, request_id);
  if (!r) return;
  std::string note = trim(text);
  switch (act) {
    case RequestAct::endorse: return endorse(ctx, std::move(*r));
    case RequestAct::authorize: {
      auto plans = r->plans;  // copied first: *r is moved into the call
      return decide(ctx, std::move(*r), "authorize", std::move(plans), note, "");
    }
    case RequestAct::withdraw: return withdraw(ctx, std::move(*r));
    case RequestAct::return_:
      if (note.empty()) return show_decision_form(ctx, *r, act);
      return return_to_employee(ctx, std::move(*r), note);
    case RequestAct::more_info:
      if (note.empty()) return show_decision_form(ctx, *r, act);
      return ask_for_info(ctx, std::move(*r), note);
    case RequestAct::answer:
      if (note.empty()) return show_decision_form(ctx, *r, act);
      return record_answer(ctx, std::move(*r), note);
    case RequestAct::reject:
      if (note.empty()) {
        if (from_command) return refuse_missing_explanation(ctx, *r, act);
        return show_decision_form(ctx, *r, act);
      }
      return decide(ctx, std::move(*r), "reject", {}, note, "");
    case RequestAct::modify: {
      if (!from_command) return show_decision_form(ctx, *r, act);
      std::vector<bot::PlatformPlan> kept;
      std::string explanation;
      parse_modify_text(note, *r, kept, explanation);
      if (explanation.empty()) return refuse_missing_explanation(ctx, *r, act);
      if (kept.empty()) {
        refuse(ctx, "modify_keeps_nothing", r->id, {{"id", r->id}});
        return;
      }
      return decide(ctx, std::move(*r), "authorize_modified", kept, explanation, "");
    }
  }
}

void on_decision_form(Context& ctx) {
  const std::string& form = ctx.event->form_id;
  std::string act_word = form == "request.answer" ? "answer" : form.substr(form.find('.') + 1);
  auto act = request_act_from(act_word);
  if (!act) return;
  auto r = permitted(ctx, *act, ctx.event->form_context);
  if (!r) return;
  // Anything typed over the limit sends the form back with what was typed and the limit.
  for (const auto& [key, value] : ctx.event->values) {
    if (!key.starts_with("objectives.") || !value_is_filed(*r, key, trim(value)))
      if (!too_long_error(ctx, trim(value)).empty()) return show_decision_form(ctx, *r, *act);
  }
  switch (*act) {
    case RequestAct::return_: {
      std::string note = value_of(ctx, "note");
      if (note.empty()) return show_decision_form(ctx, *r, *act, "decision.error.note");
      return return_to_employee(ctx, std::move(*r), note);
    }
    case RequestAct::more_info: {
      std::string q = value_of(ctx, "question");
      if (q.empty()) return show_decision_form(ctx, *r, *act, "decision.error.question");
      return ask_for_info(ctx, std::move(*r), q);
    }
    case RequestAct::answer: {
      std::string a = value_of(ctx, "answer");
      if (a.empty()) return show_decision_form(ctx, *r, *act, "decision.error.answer");
      return record_answer(ctx, std::move(*r), a);
    }
    case RequestAct::reject: {
      std::string e = value_of(ctx, "explanation");
      if (e.empty()) {
        refuse_missing_explanation(ctx, *r, *act);
        return show_decision_form(ctx, *r, *act, "decision.error.explanation");
      }
      return decide(ctx, std::move(*r), "reject", {}, e, "");
    }
    case RequestAct::modify: {
      std::string e = value_of(ctx, "explanation");
      std::vector<std::string> keep = split_choices(value_of(ctx, "keep"));
      std::vector<bot::PlatformPlan> kept;
      for (const auto& p : r->plans)
        if (std::find(keep.begin(), keep.end(), p.platform) != keep.end()) {
          std::string objectives = value_of(ctx, "objectives." + p.platform);
          kept.push_back({p.platform, objectives.empty() ? p.objectives : objectives});
        }
      if (e.empty()) {
        refuse_missing_explanation(ctx, *r, *act);
        return show_decision_form(ctx, *r, *act, "decision.error.explanation");
      }
      if (kept.empty()) {
        refuse(ctx, "modify_keeps_nothing", r->id, {{"id", r->id}});
        return show_decision_form(ctx, *r, *act);
      }
      if (std::string bad = check_terms(ctx); !bad.empty()) return show_decision_form(ctx, *r, *act, bad);
      record_terms(ctx, *r);  // before the decision, so the letter and the registration show them
      const std::string id = r->id;
      decide(ctx, std::move(*r), "authorize_modified", kept, e, value_of(ctx, "conditions"));
      // Refused (a text over its limit): the terms must not wait for a later decision.
      if (ctx.store.request(id)->state != RequestState::authorized_modified)
        ctx.store.save_authorization_terms({.request_id = id});
      return;
    }
    default: return;
  }
}

std::string_view act_word(RequestAct act) { return act_name(act); }

bool may_do(const Context& ctx, RequestAct act, const Request& r) {
  bot::PromptVars vars;
  return ctx.actor && role_refusal(ctx, act, r, vars).empty();
}

std::vector<Request> awaiting(const Context& ctx, RequestAct act) {
  std::vector<Request> out;
  if (!ctx.actor) return out;
  const bool requester_act = act == RequestAct::answer || act == RequestAct::withdraw;
  for (auto& r : requester_act ? ctx.store.requests_of(ctx.actor->id) : ctx.store.open_requests())
    if (may_do(ctx, act, r) && waits_for(ctx, act, r)) out.push_back(std::move(r));
  std::stable_sort(out.begin(), out.end(), [](const Request& a, const Request& b) { return a.due_date < b.due_date; });
  return out;
}

}  // namespace workflows
