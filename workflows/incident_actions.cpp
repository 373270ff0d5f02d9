#include "workflows/incident_actions.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/sha256.hpp"
#include "workflows/incident_cards.hpp"
#include "workflows/incident_report.hpp"
#include "workflows/incident_routing.hpp"
#include "workflows/platforms.hpp"

namespace workflows {

using bot::Incident;
using bot::Message;

namespace {

enum class Act { show, step, close, note };

std::string_view act_name(Act a) {
  switch (a) {
    case Act::show: return "show";
    case Act::step: return "step";
    case Act::close: return "close";
    case Act::note: return "note";
  }
  return "show";
}

// Answers the actor and records the attempt. Details never carry what the actor typed: a refused
// close may hold an outcome the actor had no business writing down.
void refuse(const Context& ctx, std::string_view prompt, std::string_view audit_reason, std::string_view subject,
            const bot::PromptVars& vars, nlohmann::json details) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "incident.refusal." + std::string(prompt), vars));
  ctx.reply(std::move(m));
  ctx.audit("refused:" + std::string(audit_reason), subject, details);
}

// Loads the report and checks that the actor may do `act` on it now.
std::optional<Incident> permitted(const Context& ctx, Act act, std::string_view id) {
  const std::string me = ctx.actor->id;
  const nlohmann::json details = {{"act", act_name(act)}};
  if (id.empty()) {
    refuse(ctx, "which", "which_incident", "", {{"act", std::string(act_name(act))}}, details);
    return std::nullopt;
  }
  auto inc = ctx.store.incident(id);
  const bool investigator = inc && inc->is_investigator(me);
  if (!inc || (!investigator && inc->reporter != me)) {
    // The same answer whether the report exists or not: nobody learns of reports not theirs.
    refuse(ctx, "not_visible",
           !inc               ? "unknown_incident"
           : act == Act::show ? "not_visible"
                              : "not_investigator",
           id, {{"id", bot::markup::escape_short(id, 40)}}, details);
    return std::nullopt;
  }
  if (act == Act::show) return inc;
  if (!investigator) {
    refuse(ctx, "not_investigator", "not_investigator", inc->id, {{"id", inc->id}}, details);
    return std::nullopt;
  }
  if (inc->status == bot::IncidentStatus::closed) {
    refuse(ctx, "closed", "closed", inc->id,
           {{"id", inc->id},
            {"by", ctx.name_of(inc->closed_by)},
            {"date", ctx.date_label(ctx.actor->language, inc->closed_at)}},
           details);
    return std::nullopt;
  }
  return inc;
}

// "investigate", "criminal-complaint", "Criminal complaint" or the policy's letter ("C" in LAUSD,
// "k" in AR 1114) → the step id of the district's protocol.
std::string step_id(const Context& ctx, std::string_view word) {
  std::string w = lower(trim(word));
  for (char& c : w)
    if (c == '-' || c == ' ') c = '_';
  if (const bot::ProtocolStep* s = incident_protocol(ctx).step(w)) return s->id;
  return w;
}

// Steps of the district's protocol recorded on the report.
size_t steps_done(const Context& ctx, const Incident& inc) {
  size_t n = 0;
  for (const auto& s : incident_protocol(ctx).steps)
    if (inc.step(s.id)) ++n;
  return n;
}

bool in_protocol(const Context& ctx, std::string_view step) {
  const bot::ProtocolStep* s = incident_protocol(ctx).step(step);
  return s && s->id == step;
}

// Every investigator's card shows the report as it now stands.
void refresh_cards(const Context& ctx, const Incident& inc) {
  for (const auto& who : inc.investigators)
    ctx.effects.send({.to = bot::Recipient::person(who),
                      .message = incident_card(ctx, ctx.lang_of(who), inc),
                      .thread_key = inc.id,
                      .update_key = incident_card_key(inc)});
}

// A line in the report's thread for each investigator but the actor.
void tell_other_investigators(const Context& ctx, const Incident& inc, std::string_view key, bot::PromptVars vars) {
  for (const auto& who : inc.investigators) {
    if (who == ctx.actor->id) continue;
    Message m;
    m.paragraph(ctx.text_in(ctx.lang_of(who), key, vars));
    ctx.to_person(who, std::move(m), inc.id);
  }
}

void record_step(Context& ctx, Incident inc, const std::string& step) {
  const bot::Person& me = *ctx.actor;
  if (!in_protocol(ctx, step)) {
    std::string steps;
    for (const auto& s : incident_protocol(ctx).steps) steps += (steps.empty() ? "" : ", ") + s.letter + " " + s.id;
    refuse(ctx, "unknown_step", "unknown_step", inc.id,
           {{"step", bot::markup::escape_short(step, 40)}, {"steps", steps}}, {{"act", "step"}});
    return;
  }
  if (const bot::IncidentStep* done = inc.step(step)) {
    refuse(ctx, "step_done", "step_done", inc.id,
           {{"step", incident_step_label(ctx, me.language, step)},
            {"id", inc.id},
            {"by", ctx.name_of(done->by)},
            {"when", incident_time_label(ctx, me.language, done->at)}},
           {{"act", "step"}, {"step", step}});
    return;
  }
  inc.steps.push_back({step, me.id, ctx.now});
  if (inc.status == bot::IncidentStatus::open) inc.status = bot::IncidentStatus::investigating;
  ctx.store.save_incident(inc);
  const bot::ProtocolStep* policy = incident_protocol(ctx).step(step);
  ctx.audit("step_recorded", inc.id,
            {{"step", step},
             {"letter", policy->letter},
             {"protocol", incident_protocol(ctx).id},
             {"status", bot::to_string(inc.status)}});
  refresh_cards(ctx, inc);
  Message m;
  m.paragraph(ctx.text(me, "incident.recorded.step",
                       {{"id", inc.id},
                        {"step", incident_step_label(ctx, me.language, step)},
                        {"when", incident_time_label(ctx, me.language, ctx.now)}}));
  ctx.reply(std::move(m));
  for (const auto& who : inc.investigators) {
    if (who == me.id) continue;
    Message note;
    note.paragraph(ctx.text_in(
        ctx.lang_of(who), "incident.recorded.step_others",
        {{"id", inc.id}, {"by", ctx.name_of(me.id)}, {"step", incident_step_label(ctx, ctx.lang_of(who), step)}}));
    ctx.to_person(who, std::move(note), inc.id);
  }
}

void show_close_form(const Context& ctx, const Incident& inc, bool missing) {
  const bot::Person& me = *ctx.actor;
  bot::Form f{.form_id = "incident.close",
              .context = inc.id,
              .title = ctx.text(me, "incident.close_form.title", {{"id", inc.id}}),
              .submit_label = ctx.text(me, "incident.close_form.submit")};
  f.inputs.push_back({.key = "outcome",
                      .label = ctx.text(me, "incident.close_form.outcome"),
                      .kind = bot::InputKind::multiline,
                      .required = true,
                      .hint = ctx.text(me, "incident.close_form.outcome_hint"),
                      .error = missing ? ctx.text(me, "incident.close_form.error") : ""});
  Message m;
  m.form(std::move(f));
  m.fallback = ctx.text(me, "incident.close_form.title", {{"id", inc.id}});
  ctx.reply(std::move(m));
}

void close_incident(Context& ctx, Incident inc, const std::string& outcome) {
  const bot::Person& me = *ctx.actor;
  nlohmann::json open_steps = nlohmann::json::array();
  for (const auto& s : incident_protocol(ctx).steps)
    if (!inc.step(s.id)) open_steps.push_back(s.id);
  inc.status = bot::IncidentStatus::closed;
  inc.outcome = outcome;
  inc.closed_by = me.id;
  inc.closed_at = ctx.now;
  ctx.store.save_incident(inc);
  ctx.audit("closed", inc.id, {{"outcome", outcome}, {"steps_not_recorded", open_steps}});
  // A private check-in with the reporter some days on: retaliation often comes after the report.
  if (ctx.config.retaliation_check_in_days > 0 && !inc.is_investigator(inc.reporter))
    ctx.effects.schedule({.kind = std::string(kRetaliationCheckIn),
                          .subject = inc.id,
                          .due = ctx.now + std::chrono::days(ctx.config.retaliation_check_in_days)});
  refresh_cards(ctx, inc);
  Message m;
  m.paragraph(ctx.text(me, "incident.recorded.closed", {{"id", inc.id}}));
  ctx.reply(std::move(m));
  tell_other_investigators(ctx, inc, "incident.recorded.closed_others",
                           {{"id", inc.id}, {"by", ctx.name_of(me.id)}, {"outcome", bot::markup::escape(outcome)}});
  // The reporter learns that it is closed, not the outcome: discipline and findings stay within
  // the District's investigative process.
  if (!inc.is_investigator(inc.reporter)) {
    Message r;
    r.paragraph(ctx.text_in(ctx.lang_of(inc.reporter), "incident.recorded.closed_reporter", {{"id", inc.id}}));
    ctx.to_person(inc.reporter, std::move(r), inc.id);
  }
}

// "I-2001 the rest" → ("I-2001", "the rest"); the id may stand anywhere in the text, and may be
// left out in the report's own thread.
std::pair<std::string, std::string> split_id(const Context& ctx, std::string_view text) {
  auto id = find_incident_id(text);
  if (!id) return {ctx.thread_key.starts_with("I-") ? ctx.thread_key : "", trim(text)};
  std::string t(text);
  std::string lt = lower(t);
  size_t at = lt.find(lower(*id));
  return {*id, trim(t.substr(0, at) + " " + t.substr(at + id->size()))};
}

// --- notes, written statements and the evidence record (issue 22) ---

// Records a note, statement or evidence entry: on the report, fingerprinted in the audit (the words
// are read in the report only, as the report's own account is), and on every investigator's card.
void record_note(Context& ctx, Incident inc, bot::IncidentNote note) {
  const bot::Person& me = *ctx.actor;
  note.by = me.id;
  note.at = ctx.now;
  inc.notes.push_back(note);
  ctx.store.save_incident(inc);
  nlohmann::json details = {{"step", note.step},
                            {"text_sha256", bot::sha256_hex(note.text + "\n" + note.who + "\n" + note.given)}};
  if (note.kind == "evidence") details["permission"] = note.permission;
  ctx.audit(note.kind + "_recorded", inc.id, details);
  refresh_cards(ctx, inc);
  Message m;
  m.paragraph(
      ctx.text(me, "incident.recorded." + note.kind,
               {{"id", inc.id}, {"step", note.step.empty() ? "" : incident_step_label(ctx, me.language, note.step)}}));
  ctx.reply(std::move(m));
  tell_other_investigators(ctx, inc, "incident.recorded.note_others", {{"id", inc.id}, {"by", ctx.name_of(me.id)}});
}

// The administrators who may permit collecting evidence: the site's, and the report's investigators.
std::vector<std::string> evidence_permitters(const Context& ctx, const Incident& inc) {
  std::vector<std::string> out;
  const bot::Person* reporter = ctx.config.person(inc.reporter);
  if (reporter)
    for (const auto& a : site_administrators(ctx.config, *reporter, inc.site))
      if (std::find(inc.bypassed.begin(), inc.bypassed.end(), a) == inc.bypassed.end()) out.push_back(a);
  for (const auto& who : inc.investigators)
    if (std::find(out.begin(), out.end(), who) == out.end()) out.push_back(who);
  return out;
}

bot::FormInput step_choice(const Context& ctx, std::string_view lang, std::string_view initial) {
  bot::FormInput in{.key = "step",
                    .label = ctx.text_in(lang, "incident.note_form.step"),
                    .kind = bot::InputKind::single_choice,
                    .required = true};
  for (const auto& s : incident_protocol(ctx).steps) {
    in.choices.push_back({s.id, s.letter + ". " + bot::markup::to_plain(incident_step_label(ctx, lang, s.id))});
    if (s.id == initial) in.initial = s.id;
  }
  return in;
}

void show_statement_form(const Context& ctx, const Incident& inc, const std::map<std::string, std::string>& values,
                         const std::map<std::string, std::string>& errors) {
  const bot::Person& me = *ctx.actor;
  const std::string& lang = me.language;
  auto t = [&](std::string_view key) { return ctx.text(me, "incident.statement_form." + std::string(key)); };
  bot::Form f{.form_id = "incident.statement",
              .context = inc.id,
              .title = ctx.text(me, "incident.statement_form.title", {{"id", inc.id}}),
              .submit_label = t("submit")};
  f.inputs.push_back({.key = "who", .label = t("who"), .required = true, .hint = t("who_hint")});
  f.inputs.push_back({.key = "given", .label = t("given"), .required = true, .hint = t("given_hint")});
  f.inputs.push_back({.key = "text", .label = t("text"), .kind = bot::InputKind::multiline, .required = true});
  f.inputs.push_back(step_choice(ctx, lang, "statements"));
  for (auto& in : f.inputs) {
    if (auto v = values.find(in.key); v != values.end() && !v->second.empty()) in.initial = v->second;
    if (auto e = errors.find(in.key); e != errors.end()) in.error = e->second;
  }
  Message m;
  m.paragraph(t("intro"));
  m.form(std::move(f));
  m.fallback = ctx.text(me, "incident.statement_form.title", {{"id", inc.id}});
  ctx.reply(std::move(m));
}

void show_evidence_form(const Context& ctx, const Incident& inc, const std::map<std::string, std::string>& values,
                        const std::map<std::string, std::string>& errors) {
  const bot::Person& me = *ctx.actor;
  const std::string& lang = me.language;
  auto t = [&](std::string_view key) { return ctx.text(me, "incident.evidence_form." + std::string(key)); };
  bot::Form f{.form_id = "incident.evidence",
              .context = inc.id,
              .title = ctx.text(me, "incident.evidence_form.title", {{"id", inc.id}}),
              .submit_label = t("submit")};
  f.inputs.push_back(
      {.key = "text", .label = t("what"), .kind = bot::InputKind::multiline, .required = true, .hint = t("what_hint")});
  f.inputs.push_back({.key = "given", .label = t("where"), .required = true, .hint = t("where_hint")});
  f.inputs.push_back({.key = "who", .label = t("kept_by"), .required = true});
  bot::FormInput permission{
      .key = "permission", .label = t("permission"), .kind = bot::InputKind::single_choice, .required = true};
  for (const auto& p : evidence_permitters(ctx, inc))
    permission.choices.push_back({p, bot::markup::to_plain(ctx.name_of(p))});
  f.inputs.push_back(std::move(permission));
  f.inputs.push_back({.key = "minor",
                      .label = t("minor"),
                      .kind = bot::InputKind::single_choice,
                      .required = true,
                      .choices = {{"yes", ctx.text(me, "common.yes")}, {"no", ctx.text(me, "common.no")}}});
  f.inputs.push_back(step_choice(ctx, lang, "document"));
  for (auto& in : f.inputs) {
    if (auto v = values.find(in.key); v != values.end() && !v->second.empty()) in.initial = v->second;
    if (auto e = errors.find(in.key); e != errors.end()) in.error = e->second;
  }
  Message m;
  m.paragraph(t("intro"));
  m.form(std::move(f));
  m.fallback = ctx.text(me, "incident.evidence_form.title", {{"id", inc.id}});
  ctx.reply(std::move(m));
}

std::map<std::string, std::string> form_values(const Context& ctx, std::initializer_list<const char*> keys) {
  std::map<std::string, std::string> out;
  for (const char* k : keys) {
    auto it = ctx.event->values.find(k);
    out[k] = it == ctx.event->values.end() ? "" : trim(it->second);
  }
  return out;
}

void on_statement_form(Context& ctx, Incident inc) {
  const bot::Person& me = *ctx.actor;
  auto v = form_values(ctx, {"who", "given", "text", "step"});
  std::map<std::string, std::string> errors;
  for (const char* k : {"who", "given", "text"})
    if (v[k].empty()) errors[k] = ctx.text(me, "incident.statement_form.error_" + std::string(k));
  const std::string step = v["step"].empty() ? "statements" : step_id(ctx, v["step"]);
  if (!in_protocol(ctx, step)) errors["step"] = ctx.text(me, "incident.note_form.error_step");
  if (!errors.empty()) return show_statement_form(ctx, inc, v, errors);
  record_note(ctx, std::move(inc),
              {.kind = "statement", .step = step, .text = v["text"], .who = v["who"], .given = v["given"]});
}

void on_evidence_form(Context& ctx, Incident inc) {
  const bot::Person& me = *ctx.actor;
  auto v = form_values(ctx, {"text", "given", "who", "permission", "minor", "step"});
  const std::string minor = lower(v["minor"]);
  if (minor == "yes") {
    // Nothing that depicts a minor is documented by staff at all: law enforcement gathers it.
    Message m;
    m.paragraph(ctx.text(me, "incident.evidence_form.minor_refused"));
    ctx.reply(std::move(m));
    ctx.audit("refused:evidence_depicts_minor", inc.id, {{"act", "evidence"}});
    return;
  }
  std::map<std::string, std::string> errors;
  for (const char* k : {"text", "given", "who"})
    if (v[k].empty()) errors[k] = ctx.text(me, "incident.evidence_form.error_" + std::string(k));
  if (minor != "no") errors["minor"] = ctx.text(me, "incident.error.yes_no");
  const auto permitters = evidence_permitters(ctx, inc);
  if (std::find(permitters.begin(), permitters.end(), v["permission"]) == permitters.end())
    errors["permission"] = ctx.text(me, "incident.evidence_form.error_permission");
  const std::string step = v["step"].empty() ? "document" : step_id(ctx, v["step"]);
  if (!in_protocol(ctx, step)) errors["step"] = ctx.text(me, "incident.note_form.error_step");
  if (!errors.empty()) return show_evidence_form(ctx, inc, v, errors);
  record_note(ctx, std::move(inc),
              {.kind = "evidence",
               .step = step,
               .text = v["text"],
               .who = v["who"],
               .given = v["given"],
               .permission = v["permission"]});
}

}  // namespace

void note_command(Context& ctx, std::string_view text) {
  auto [id, rest] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::note, id);
  if (!inc) return;
  size_t space = rest.find_first_of(" \t\n");
  const std::string step = step_id(ctx, rest.substr(0, space));
  const std::string note = space == std::string::npos ? "" : trim(rest.substr(space + 1));
  if (!in_protocol(ctx, step)) {
    std::string steps;
    for (const auto& s : incident_protocol(ctx).steps) steps += (steps.empty() ? "" : ", ") + s.letter + " " + s.id;
    return refuse(ctx, "unknown_step", "unknown_step", inc->id,
                  {{"step", bot::markup::escape_short(rest.substr(0, space), 40)}, {"steps", steps}},
                  {{"act", "note"}});
  }
  if (note.empty()) return refuse(ctx, "note_empty", "note_empty", inc->id, {{"id", inc->id}}, {{"act", "note"}});
  record_note(ctx, std::move(*inc), {.kind = "note", .step = step, .text = note});
}

void statement_command(Context& ctx, std::string_view text) {
  auto [id, rest] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::note, id);
  if (!inc) return;
  show_statement_form(ctx, *inc, {}, {});
}

void evidence_command(Context& ctx, std::string_view text) {
  auto [id, rest] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::note, id);
  if (!inc) return;
  show_evidence_form(ctx, *inc, {}, {});
}

// --- the retaliation check-in (issue 22) ---

void on_retaliation_check_in(Context& ctx, const bot::Timer& timer) {
  auto inc = ctx.store.incident(timer.subject);
  if (!inc || inc->status != bot::IncidentStatus::closed) return;
  const std::string lang = ctx.lang_of(inc->reporter);
  Message m;
  m.header(ctx.text_in(lang, "incident.check_in.header", {{"id", inc->id}}));
  m.paragraph(ctx.text_in(lang, "incident.check_in.body", {{"id", inc->id}}));
  m.buttons(
      {{"incident_retaliation", ctx.text_in(lang, "incident.check_in.button"), inc->id, bot::ButtonStyle::danger}});
  m.context(ctx.text_in(lang, "incident.check_in.how", {{"id", inc->id}}));
  m.fallback = ctx.text_in(lang, "incident.check_in.fallback", {{"id", inc->id}});
  ctx.to_person(inc->reporter, std::move(m), inc->id);
  ctx.audit("retaliation_check_in", inc->id, {{"to", inc->reporter}});
}

// "I have experienced retaliation": only the reporter of the report may open one from it.
void on_retaliation_answer(Context& ctx, std::string_view id) {
  auto inc = ctx.store.incident(id);
  if (!inc || inc->reporter != ctx.actor->id) {
    refuse(ctx, "not_visible", inc ? "not_visible" : "unknown_incident", id,
           {{"id", bot::markup::escape_short(id, 40)}}, {{"act", "retaliation"}});
    return;
  }
  ctx.audit("retaliation_reported_from_check_in", inc->id, {});
  start_retaliation_report(ctx, inc->id);
}

std::optional<std::string> find_incident_id(std::string_view text) {
  static const std::regex id(R"((?:^|[^A-Za-z0-9])([Ii]-\d{1,9})(?![0-9]))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, id)) return std::nullopt;
  std::string out = m[1].str();
  out[0] = 'I';
  return out;
}

void show_incident(Context& ctx, std::string_view id) {
  auto inc = permitted(ctx, Act::show, id);
  if (!inc) return;
  const std::string& lang = ctx.actor->language;
  if (inc->is_investigator(ctx.actor->id)) return ctx.reply(incident_card(ctx, lang, *inc));
  ctx.reply(incident_reporter_view(ctx, lang, *inc));
}

void show_incident_list(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const std::string& lang = me.language;
  const size_t total = incident_protocol(ctx).steps.size();
  Message m;
  m.header(ctx.text(me, "incident.list.header"));
  auto mine = ctx.store.incidents_reported_by(me.id);
  std::string lines;
  for (auto it = mine.rbegin(); it != mine.rend(); ++it)
    lines += (lines.empty() ? "" : "\n") +
             ctx.text(me, "incident.list.line",
                      {{"id", it->id},
                       {"category", incident_category_label(ctx, lang, it->category)},
                       {"date", ctx.date_label(lang, it->filed_at)},
                       {"status", ctx.text(me, "incident.status." + std::string(bot::to_string(it->status)))}});
  m.paragraph(lines.empty() ? ctx.text(me, "incident.list.none") : lines);
  std::string assigned;
  for (const auto& inc : ctx.store.incidents_assigned_to(me.id)) {
    if (inc.status == bot::IncidentStatus::closed) continue;
    assigned += "\n" + ctx.text(me, "incident.list.assigned_line",
                                {{"id", inc.id},
                                 {"category", incident_category_label(ctx, lang, inc.category)},
                                 {"date", ctx.date_label(lang, inc.filed_at)},
                                 {"status", ctx.text(me, "incident.status." + std::string(bot::to_string(inc.status)))},
                                 {"done", std::to_string(steps_done(ctx, inc))},
                                 {"total", std::to_string(total)}});
  }
  if (!assigned.empty()) m.paragraph(ctx.text(me, "incident.list.assigned_header") + assigned);
  ctx.reply(std::move(m));
}

void step_command(Context& ctx, std::string_view text) {
  auto [id, rest] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::step, id);
  if (!inc) return;
  record_step(ctx, std::move(*inc), step_id(ctx, rest));
}

void close_command(Context& ctx, std::string_view text) {
  auto [id, outcome] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::close, id);
  if (!inc) return;
  if (outcome.empty()) return show_close_form(ctx, *inc, false);
  close_incident(ctx, std::move(*inc), outcome);
}

void on_incident_action(Context& ctx) {
  const std::string& value = ctx.event->action_value;
  if (ctx.event->action_id == "incident_retaliation")
    return on_retaliation_answer(ctx, find_incident_id(value).value_or(""));
  if (ctx.event->action_id == "incident_close") {
    auto inc = permitted(ctx, Act::close, find_incident_id(value).value_or(""));
    if (inc) show_close_form(ctx, *inc, false);
    return;
  }
  size_t colon = value.find(':');
  auto inc = permitted(ctx, Act::step, find_incident_id(value.substr(0, colon)).value_or(""));
  if (!inc) return;
  record_step(ctx, std::move(*inc), colon == std::string::npos ? "" : step_id(ctx, value.substr(colon + 1)));
}

void on_incident_form(Context& ctx) {
  if (ctx.event->form_id == "incident.report") return on_report_form(ctx);
  if (ctx.event->form_id == "incident.statement" || ctx.event->form_id == "incident.evidence") {
    auto inc = permitted(ctx, Act::note, ctx.event->form_context);
    if (!inc) return;
    if (ctx.event->form_id == "incident.statement") return on_statement_form(ctx, std::move(*inc));
    return on_evidence_form(ctx, std::move(*inc));
  }
  if (ctx.event->form_id != "incident.close") {
    Message m;
    m.paragraph(ctx.text(*ctx.actor, "command.unknown_action"));
    return ctx.reply(std::move(m));
  }
  auto inc = permitted(ctx, Act::close, ctx.event->form_context);
  if (!inc) return;
  auto it = ctx.event->values.find("outcome");
  std::string outcome = it == ctx.event->values.end() ? "" : trim(it->second);
  if (outcome.empty()) return show_close_form(ctx, *inc, true);
  close_incident(ctx, std::move(*inc), outcome);
}

void collect_incident_items(const Context& ctx, DigestBook& book) {
  const std::string total = std::to_string(incident_protocol(ctx).steps.size());
  for (const auto& inc : ctx.store.open_incidents()) {
    // Category and progress only: a digest is a summary, the report stays in its own thread.
    DigestItem item{.section = DigestSection::to_act,
                    .id = inc.id,
                    .line_key = "incident.digest.line",
                    .vars = {{"id", inc.id}, {"done", std::to_string(steps_done(ctx, inc))}, {"total", total}},
                    .keyed_vars = {{"category", "incident.category." + inc.category},
                                   {"status", "incident.status." + std::string(bot::to_string(inc.status))}}};
    for (const auto& who : inc.investigators) book.add(who, item);
  }
}

}  // namespace workflows
