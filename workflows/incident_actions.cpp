#include "workflows/incident_actions.hpp"

#include <regex>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/incident_cards.hpp"
#include "workflows/incident_report.hpp"
#include "workflows/platforms.hpp"

namespace workflows {

using bot::Incident;
using bot::Message;

namespace {

enum class Act { show, step, close };

std::string_view act_name(Act a) {
  switch (a) {
    case Act::show: return "show";
    case Act::step: return "step";
    case Act::close: return "close";
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

// "investigate", "criminal-complaint", "Criminal complaint" or the policy's letter "C" → the step id.
std::string step_id(std::string_view word) {
  std::string w = lower(trim(word));
  for (char& c : w)
    if (c == '-' || c == ' ') c = '_';
  const auto& steps = bot::incident_steps();
  if (w.size() == 1 && w[0] >= 'a' && w[0] < 'a' + static_cast<char>(steps.size())) return steps[w[0] - 'a'];
  return w;
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
  if (!bot::is_incident_step(step)) {
    std::string steps;
    for (const auto& s : bot::incident_steps()) steps += (steps.empty() ? "" : ", ") + s;
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
  ctx.audit("step_recorded", inc.id, {{"step", step}, {"status", bot::to_string(inc.status)}});
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
  for (const auto& s : bot::incident_steps())
    if (!inc.step(s)) open_steps.push_back(s);
  inc.status = bot::IncidentStatus::closed;
  inc.outcome = outcome;
  inc.closed_by = me.id;
  inc.closed_at = ctx.now;
  ctx.store.save_incident(inc);
  ctx.audit("closed", inc.id, {{"outcome", outcome}, {"steps_not_recorded", open_steps}});
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

}  // namespace

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
  const size_t total = bot::incident_steps().size();
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
                                 {"done", std::to_string(inc.steps.size())},
                                 {"total", std::to_string(total)}});
  }
  if (!assigned.empty()) m.paragraph(ctx.text(me, "incident.list.assigned_header") + assigned);
  ctx.reply(std::move(m));
}

void step_command(Context& ctx, std::string_view text) {
  auto [id, rest] = split_id(ctx, text);
  auto inc = permitted(ctx, Act::step, id);
  if (!inc) return;
  record_step(ctx, std::move(*inc), step_id(rest));
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
  if (ctx.event->action_id == "incident_close") {
    auto inc = permitted(ctx, Act::close, find_incident_id(value).value_or(""));
    if (inc) show_close_form(ctx, *inc, false);
    return;
  }
  size_t colon = value.find(':');
  auto inc = permitted(ctx, Act::step, find_incident_id(value.substr(0, colon)).value_or(""));
  if (!inc) return;
  record_step(ctx, std::move(*inc), colon == std::string::npos ? "" : step_id(value.substr(colon + 1)));
}

void on_incident_form(Context& ctx) {
  if (ctx.event->form_id == "incident.report") return on_report_form(ctx);
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
  const std::string total = std::to_string(bot::incident_steps().size());
  for (const auto& inc : ctx.store.open_incidents()) {
    // Category and progress only: a digest is a summary, the report stays in its own thread.
    DigestItem item{.section = DigestSection::to_act,
                    .id = inc.id,
                    .line_key = "incident.digest.line",
                    .vars = {{"id", inc.id}, {"done", std::to_string(inc.steps.size())}, {"total", total}},
                    .keyed_vars = {{"category", "incident.category." + inc.category},
                                   {"status", "incident.status." + std::string(bot::to_string(inc.status))}}};
    for (const auto& who : inc.investigators) book.add(who, item);
  }
}

}  // namespace workflows
