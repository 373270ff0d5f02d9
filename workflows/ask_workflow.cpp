#include "workflows/ask_workflow.hpp"

#include "bot/markup.hpp"
#include "workflows/platforms.hpp"

namespace workflows {

namespace {
constexpr size_t kQuotesInChat = 3;
}

bot::Message answer_message(const Context& ctx, std::string_view lang, const bot::PolicyAnswer& a) {
  bot::Message m;
  if (a.no_answer || a.passages.empty()) {
    std::string who = ctx.name_of(ctx.config.superintendent);
    if (ctx.actor)
      if (const bot::Site* s = ctx.config.site(ctx.actor->site); s && !s->principals.empty())
        who = ctx.name_of(s->principals.front());
    m.paragraph(ctx.text_in(lang, "ask.no_answer", {{"who", who}}));
    return m;
  }
  m.paragraph(ctx.text_in(lang, "ask.verdict." + std::string(bot::to_string(a.verdict)),
                          {{"words", bot::markup::escape(a.verdict_words)}}));
  for (size_t i = 0; i < a.passages.size() && i < kQuotesInChat; ++i)
    m.quote(a.passages[i].passage.text, a.passages[i].passage.citation);
  if (std::string next = ctx.text_in(lang, "ask.next." + std::string(bot::to_string(a.next_step))); !next.empty())
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
  auto answer = ctx.services.policy->answer(q);
  ctx.reply(answer_message(ctx, me.language, answer));
}

}  // namespace workflows
