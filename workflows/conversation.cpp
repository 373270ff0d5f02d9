#include "workflows/conversation.hpp"

#include <tuple>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/ask_workflow.hpp"
#include "workflows/platforms.hpp"
#include "workflows/request_cards.hpp"
#include "workflows/router.hpp"

namespace workflows {

using bot::Message;
using bot::Request;
using bot::RequestState;

namespace {

constexpr std::string_view kCommandWord = "socialmedia";

std::pair<std::string, std::string> first_word(std::string_view text) {
  std::string t = trim(text);
  size_t space = t.find_first_of(" \t\r\n");
  if (space == std::string::npos) return {lower(t), ""};
  return {lower(t.substr(0, space)), trim(t.substr(space + 1))};
}

// "@Hallpass …" (as typed on the web chat, or left by a platform that does not strip the mention).
std::optional<std::string> after_mention(std::string_view text) {
  std::string t = trim(text);
  if (!lower(t).starts_with("@hallpass")) return std::nullopt;
  std::string rest = t.substr(9);
  if (!rest.empty() && rest.front() == ':') rest.erase(0, 1);
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\n' && rest.front() != '\t') return std::nullopt;
  return trim(rest);
}

// What the actor may type in this request's thread now, one line each.
std::string thread_words(const Context& ctx, const Request& r) {
  const bot::Person& me = *ctx.actor;
  std::string lines;
  const auto add = [&](std::string_view key) {
    lines += (lines.empty() ? "- " : "\n- ") + ctx.text(me, "talk.thread_words." + std::string(key));
  };
  if (r.requester == me.id) {
    if (r.state == RequestState::needs_info) add("answer");
    add("requester");
  } else {
    if (may_do(ctx, RequestAct::endorse, r)) add("site");
    if (may_do(ctx, RequestAct::authorize, r)) add("decide");
  }
  add("anyone");
  return lines;
}

// Something addressed to Hallpass in a request's thread that is not one of its words: small talk
// gets its short answer, a policy question its quotes; anything else the words this thread takes.
void clarify_in_thread(Context& ctx, const Request& r, const std::string& text) {
  if (ctx.services.policy && !text.empty()) {
    const bot::PolicyAnswer a = ctx.services.policy->answer(text);
    const bool question = text.back() == '?' && !a.no_answer && !a.passages.empty();
    if (a.small_talk != bot::SmallTalk::none || question) return answer_question(ctx, text);
  }
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "talk.thread_unclear", {{"id", r.id}}));
  m.paragraph(thread_words(ctx, r));
  ctx.reply(std::move(m));
}

void on_request_thread(Context& ctx, const Understanding& u) {
  const Request& r = *u.request;
  const bool requester = r.requester == ctx.actor->id;
  const auto act = request_act_from(u.word);
  const bool requester_word = act == RequestAct::withdraw || act == RequestAct::answer || u.word == "status" ||
                              u.word == "estado" || u.word == "help" || u.word == "ayuda";
  // The requester's reply while a question waits for them is their answer ("thanks" is not).
  if (requester && r.state == RequestState::needs_info && !requester_word && !u.text.empty() &&
      !(ctx.services.policy && ctx.services.policy->answer(u.text).small_talk != bot::SmallTalk::none))
    return act_on_request(ctx, RequestAct::answer, r.id, u.text, true);
  if (act) {
    // Other people's talk that happens to start with one of the words is not for Hallpass.
    if (!u.addressed && !may_do(ctx, *act, r)) return;
    return act_on_request(ctx, *act, r.id, u.rest, true);
  }
  const bool participant = requester || may_do(ctx, RequestAct::endorse, r) || may_do(ctx, RequestAct::authorize, r);
  if (is_command_word(u.word) && (u.addressed || (participant && u.rest.empty()))) return run_command(ctx, u.text);
  if (u.addressed) return clarify_in_thread(ctx, r, u.text);
}

// Nothing understood: a question back, never silence, never a quote picked at random.
void unclear(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  Message m;
  m.paragraph(ctx.text(me, "talk.unclear"));
  const auto waiting = awaiting(ctx, RequestAct::answer);
  if (waiting.size() == 1) m.context(ctx.text(me, "talk.unclear_answer", {{"id", waiting.front().id}}));
  ctx.reply(std::move(m));
}

bool approver(const Context& ctx) {
  return ctx.actor->has_role(bot::Role::principal) || ctx.config.is_decider(ctx.actor->id);
}

}  // namespace

std::optional<std::string> after_command_word(std::string_view text) {
  std::string t = trim(text);
  if (auto rest = after_mention(t)) t = *rest;
  std::string_view v = t;
  if (v.starts_with('/') || v.starts_with('!')) v.remove_prefix(1);
  if (v.size() < kCommandWord.size() || lower(v.substr(0, kCommandWord.size())) != kCommandWord) return std::nullopt;
  std::string_view rest = v.substr(kCommandWord.size());
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\n' && rest.front() != '\t') return std::nullopt;
  return trim(rest);
}

bool is_command_word(std::string_view word) {
  static const char* const kWords[] = {"help",  "ayuda", "request",  "solicitud", "status", "estado",
                                       "queue", "ask",   "pregunta", "report",    "reporte"};
  for (const char* w : kWords)
    if (word == w) return true;
  return request_act_from(word).has_value();
}

Understanding understand(const Context& ctx) {
  const bot::Inbound& ev = *ctx.event;
  Understanding u;
  u.addressed = ev.place.direct || ev.mentions_bot;
  u.text = trim(ev.text);
  if (auto rest = after_command_word(u.text)) {
    u.text = *rest;
    u.addressed = true;
  } else if (auto named = after_mention(u.text)) {
    u.text = *named;
    u.addressed = true;
  }
  std::tie(u.word, u.rest) = first_word(u.text);
  if (!ctx.thread_key.empty()) u.request = ctx.store.request(ctx.thread_key);
  return u;
}

void on_message(Context& ctx) {
  if (!ctx.actor) return;
  const Understanding u = understand(ctx);
  if (u.request) return on_request_thread(ctx, u);
  if (!u.addressed) return;  // other talk in channels is not for Hallpass
  const auto act = request_act_from(u.word);
  // Without the command word, an act's word starts a command only for whom it is meant: a
  // teacher's "return to school…" is a question, a principal's "endorse" is not.
  const bool act_command = act && (act == RequestAct::answer || act == RequestAct::withdraw || approver(ctx) ||
                                   find_request_id(u.rest).has_value());
  if (is_command_word(u.word) && (!act || act_command)) return run_command(ctx, u.text);
  if (u.text.empty()) return run_command(ctx, "help");
  if (ctx.services.policy) {
    const bot::PolicyAnswer a = ctx.services.policy->answer(u.text);
    // A question outside the policy is told so; words that are neither a question nor a
    // command ("blorp", an answer typed outside its thread) get a question back.
    const bool asked = u.text.back() == '?';
    if (a.small_talk == bot::SmallTalk::none && a.no_answer &&
        (a.decline == bot::Decline::no_match || (a.decline == bot::Decline::off_subject && !asked)))
      return unclear(ctx);
  }
  answer_question(ctx, u.text);
}

void act_on_waiting_request(Context& ctx, RequestAct act, const std::string& text) {
  const bot::Person& me = *ctx.actor;
  const std::string word(act_word(act));
  const auto waiting = awaiting(ctx, act);
  if (waiting.size() == 1) {
    const Request& r = waiting.front();
    Message m;
    m.paragraph(ctx.text(me, "talk.acting_on",
                         {{"id", r.id},
                          {"requester", ctx.name_of(r.requester)},
                          {"platforms", platform_names_markup(r.plans)},
                          {"act", word}}));
    ctx.reply(std::move(m));
    return act_on_request(ctx, act, r.id, text, true);
  }
  Message m;
  if (waiting.empty()) {
    m.paragraph(ctx.text(me, "talk.nothing_waiting", {{"act", word}}));
  } else {
    m.paragraph(ctx.text(me, "talk.which_request", {{"act", word}, {"first", waiting.front().id}}));
    std::string lines;
    for (const auto& r : waiting)
      lines += (lines.empty() ? "- " : "\n- ") + ctx.text(me, "talk.which_line",
                                                          {{"id", r.id},
                                                           {"requester", ctx.name_of(r.requester)},
                                                           {"platforms", platform_names_markup(r.plans)}});
    m.paragraph(lines);
  }
  ctx.reply(std::move(m));
  ctx.audit("refused:which_request", "", {{"act", word}, {"waiting", waiting.size()}});
}

}  // namespace workflows
