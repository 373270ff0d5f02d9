#include "workflows/router.hpp"

#include "bot/model/markup.hpp"
#include "workflows/acknowledgement_workflow.hpp"
#include "workflows/ask_workflow.hpp"
#include "workflows/classroom_checklist.hpp"
#include "workflows/conversation.hpp"
#include "workflows/digest.hpp"
#include "workflows/incident_actions.hpp"
#include "workflows/incident_attachments.hpp"
#include "workflows/incident_report.hpp"
#include "workflows/platforms.hpp"
#include "workflows/records_command.hpp"
#include "workflows/registry_accounts.hpp"
#include "workflows/registry_authorizations.hpp"
#include "workflows/registry_renewal.hpp"
#include "workflows/registry_secrets.hpp"
#include "workflows/request_deadlines.hpp"
#include "workflows/request_decisions.hpp"
#include "workflows/request_intake.hpp"
#include "workflows/request_timers.hpp"
#include "workflows/request_views.hpp"
#include "workflows/startup.hpp"

namespace workflows {
namespace {

std::pair<std::string, std::string> split_first_word(std::string_view text) {
  std::string t = trim(text);
  size_t space = t.find_first_of(" \t\n");
  if (space == std::string::npos) return {lower(t), ""};
  return {lower(t.substr(0, space)), trim(t.substr(space + 1))};
}

void unknown_command(Context& ctx, const std::string& word) {
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, "command.unknown", {{"word", bot::markup::escape_short(word)}}));
  ctx.reply(std::move(m));
}

// The request of the thread the event happened in, if it is a request's.
std::string thread_request(const Context& ctx) {
  return !ctx.thread_key.empty() && ctx.store.request(ctx.thread_key) ? ctx.thread_key : std::string();
}

void route_act(Context& ctx, RequestAct act, const std::string& rest) {
  std::string id = find_request_id(rest).value_or(thread_request(ctx));
  std::string text = rest;
  if (auto named = find_request_id(rest)) {
    size_t at = lower(rest).find(lower(*named));
    text = trim(rest.substr(0, at) + rest.substr(at + named->size()));
  }
  if (id.empty()) return act_on_waiting_request(ctx, act, text);
  act_on_request(ctx, act, id, text, true);
}

}  // namespace

void run_command(Context& ctx, const std::string& text) {
  auto [word, rest] = split_first_word(text);
  if (word.empty() || word == "help" || word == "ayuda") return show_help(ctx);
  if ((word == "request" || word == "solicitud") && refused_as_associated(ctx)) return;
  if (word == "request" || word == "solicitud") return start_request(ctx, rest);
  if (word == "status" || word == "estado") return show_status(ctx);
  if (word == "queue") return show_queue(ctx);
  if (word == "ask" || word == "pregunta") return answer_question(ctx, rest);
  if (word == "report" || word == "reporte") return on_report_command(ctx, rest);
  if (auto act = request_act_from(word)) return route_act(ctx, *act, rest);
  if (word == "checklist" || word == "lista") return on_checklist_command(ctx, rest);
  if (word == "policy" || word == "política" || word == "politica") return on_policy_command(ctx, rest);
  if (word.starts_with("classroom.") || word.starts_with("acknowledgement.")) return on_typed_button(ctx, word, rest);
  if (word == "moderation" || word == "moderación" || word == "moderacion") return on_moderation_command(ctx, rest);
  if (word == "records" || word == "registros") return on_records_command(ctx, rest);
  if (word == "accounts" || word == "cuentas") return on_accounts_command(ctx, rest);
  if (word == "booster") return on_booster_command(ctx);
  if (word == "suspend" || word == "suspender") return on_authorization_act(ctx, "suspend", rest);
  if (word == "revoke" || word == "revocar") return on_authorization_act(ctx, "revoke", rest);
  if (word == "reinstate" || word == "restablecer") return on_authorization_act(ctx, "reinstate", rest);
  if (is_registry_action(word)) return registry_act(ctx, word, rest);
  unknown_command(ctx, word);
}

namespace {

void route_command(Context& ctx) { run_command(ctx, ctx.event->text); }

void route_action(Context& ctx) {
  const auto& id = ctx.event->action_id;
  if ((id == "confirm" || id == "request_again") && refused_as_associated(ctx)) return;
  if (id == "confirm" || id == "change" || id == "cancel") return on_summary_action(ctx, id);
  if (id == "request_again") return restart_from(ctx, ctx.event->action_value);
  if (id == "incident_step" || id == "incident_close") return on_incident_action(ctx);
  if (id.starts_with("classroom.")) return on_classroom_action(ctx);
  if (id.starts_with("acknowledgement.")) return on_acknowledgement_action(ctx);
  if (id == "incident_retaliation") return on_incident_action(ctx);
  if (is_registry_action(id)) return on_registry_action(ctx);
  if (auto act = request_act_from(id)) {
    // A press without a value (Matrix's "!socialmedia endorse" typed in a thread) is the act on
    // the thread's request, as the same words typed as a command are.
    if (ctx.event->action_value.empty()) return route_act(ctx, *act, "");
    return act_on_request(ctx, *act, ctx.event->action_value, "", false);
  }
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, "command.unknown_action"));
  ctx.reply(std::move(m));
}

void route_form(Context& ctx) {
  const auto& form = ctx.event->form_id;
  if ((form == "request.platforms" || form == "request.objectives") && refused_as_associated(ctx)) return;
  if (form == "request.platforms") return on_platforms_form(ctx);
  if (form == "request.objectives") return on_objectives_form(ctx);
  if (form.starts_with("decision.") || form == "request.answer") return on_decision_form(ctx);
  if (form.starts_with("incident.")) return on_incident_form(ctx);
  if (form.starts_with("registry.")) return on_registry_form(ctx);
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, "command.unknown_action"));
  ctx.reply(std::move(m));
}

void route_message(Context& ctx) { on_message(ctx); }

}  // namespace

void route_event(Context& ctx) {
  // A pasted password is refused before anything else can keep or answer it.
  if (refuse_pasted_password(ctx)) return;
  // A file sent with a report is refused before anything else can keep or answer it.
  if (refuse_incident_attachment(ctx)) return;
  offer_policy_on_first_message(ctx);  // opt-in: classroom.acknowledgement_on_first_message
  switch (ctx.event->kind) {
    case bot::InboundKind::command: return route_command(ctx);
    case bot::InboundKind::action: return route_action(ctx);
    case bot::InboundKind::form_submission: return route_form(ctx);
    case bot::InboundKind::message: return route_message(ctx);
  }
}

void route_timer(Context& ctx, const bot::Timer& timer) {
  if (timer.kind == "overdue") return on_overdue_timer(ctx, timer);
  if (timer.kind == "warning") return on_warning_timer(ctx, timer);
  if (timer.kind == "escalation") return on_escalation_timer(ctx, timer);
  if (timer.kind == "digest") return on_digest_timer(ctx, timer);
  if (timer.kind.starts_with("classroom.")) return on_classroom_timer(ctx, timer);
  if (timer.kind == kRetaliationCheckIn) return on_retaliation_check_in(ctx, timer);
  if (timer.kind.starts_with("registry.")) return on_registry_timer(ctx, timer);
}

Context WorkflowRouter::context(const bot::Turn& t) const {
  return Context(services_, t.store, t.effects, t.now, t.event, t.actor, t.thread_key);
}

void WorkflowRouter::route_event(const bot::Turn& turn) {
  Context ctx = context(turn);
  workflows::route_event(ctx);
}

void WorkflowRouter::route_timer(const bot::Turn& turn, const bot::Timer& timer) {
  Context ctx = context(turn);
  workflows::route_timer(ctx, timer);
}

void WorkflowRouter::start_up(const bot::Turn& turn) {
  Context ctx = context(turn);
  on_startup(ctx);
}

}  // namespace workflows
