#include "workflows/ask_workflow.hpp"

#include "bot/model/markup.hpp"
#include "bot/model/metrics.hpp"
#include "workflows/classroom_checklist.hpp"
#include "workflows/platforms.hpp"
#include "workflows/request_views.hpp"

namespace workflows {

namespace {
constexpr size_t kQuotesInChat = 3;

// Whom to ask or tell: the asker's principal, else the superintendent.
std::string who_to_ask(const Context& ctx) {
  if (ctx.actor)
    if (const bot::Site* s = ctx.config.site(ctx.actor->site); s && !s->principals.empty())
      return ctx.name_of(s->principals.front());
  return ctx.name_of(ctx.config.superintendent);
}
}  // namespace

bot::Message answer_message(const Context& ctx, std::string_view lang, const bot::PolicyAnswer& a) {
  bot::Message m;
  const std::string who = who_to_ask(ctx);
  if (a.no_answer || a.passages.empty()) {
    const char* key = a.decline == bot::Decline::off_subject ? "ask.off_subject"
                      : a.decline == bot::Decline::unstated  ? "ask.unstated"
                                                             : "ask.no_answer";
    m.paragraph(ctx.text_in(lang, key, {{"who", who}}));
    return m;
  }
  const std::string verdict(bot::to_string(a.verdict));
  if (a.verdict_words.empty() || a.verdict == bot::Verdict::info)
    m.paragraph(ctx.text_in(lang, "ask.verdict_plain." + verdict));
  else
    m.paragraph(ctx.text_in(lang, "ask.verdict." + verdict, {{"words", bot::markup::escape(a.verdict_words)}}));
  if (a.closest_only) m.context(ctx.text_in(lang, "ask.closest"));
  // The documents are in English: a Spanish answer says that the quotes are the official text.
  if (lang == "es") m.context(ctx.text_in(lang, "ask.official_text"));
  for (size_t i = 0; i < a.passages.size() && i < kQuotesInChat; ++i)
    m.quote(a.passages[i].passage.text, a.passages[i].passage.citation);
  if (std::string next = ctx.text_in(lang, "ask.next." + std::string(bot::to_string(a.next_step)), {{"who", who}});
      !next.empty())
    m.context(std::move(next));
  m.fallback = ctx.text_in(lang, "ask.fallback", {{"citation", a.passages.front().passage.citation}});
  return m;
}

void answer_question(Context& ctx, std::string_view question) {
  const bot::Person& me = *ctx.actor;
  std::string q = trim(question);
  bot::Message m;
  if (q.empty()) {
    m.paragraph(ctx.text(me, "ask.empty"));
    return ctx.reply(std::move(m));
  }
  if (!ctx.services.policy) {
    m.paragraph(ctx.text(me, "ask.no_policies"));
    return ctx.reply(std::move(m));
  }
  const bot::PolicyAnswer answer = ctx.services.policy->answer(q);
  // The answer is in the language of the question, whatever the person's usual language.
  const std::string& lang = answer.lang.empty() ? me.language : answer.lang;
  switch (answer.small_talk) {
    case bot::SmallTalk::help: return show_help(ctx);
    case bot::SmallTalk::greeting:
    case bot::SmallTalk::thanks:
    case bot::SmallTalk::bye:
      m.paragraph(ctx.text_in(lang, "ask.small_talk." + std::string(bot::to_string(answer.small_talk)),
                              {{"name", bot::markup::escape(me.name)}}));
      return ctx.reply(std::move(m));
    case bot::SmallTalk::none: break;
  }
  const bool declined = answer.no_answer || answer.passages.empty();
  bot::metrics::count("hallpass_policy_answers_total",
                      {{"verdict", declined ? std::string_view("no_answer") : bot::to_string(answer.verdict)}});
  bot::Message reply = answer_message(ctx, lang, answer);
  if (!declined) add_consent_step(ctx, q, lang, reply);  // students' photos, video, names or work
  ctx.reply(std::move(reply));
}

}  // namespace workflows
