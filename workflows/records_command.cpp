#include "workflows/records_command.hpp"

#include <regex>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/records_export.hpp"

namespace workflows {

void on_records_command(Context& ctx, std::string_view rest) {
  const bot::Person& me = *ctx.actor;
  bot::Message m;
  if (!ctx.config.is_decider(me.id)) {
    m.paragraph(ctx.text(me, "records.command.not_office"));
    ctx.reply(std::move(m));
    ctx.audit("refused:not_records_office", "", {{"act", "records"}});
    return;
  }
  static const std::regex id(R"((?:^|\s)([Rr]-\d{1,9})(?![0-9]))");
  std::match_results<std::string_view::const_iterator> found;
  if (!std::regex_search(rest.begin(), rest.end(), found, id)) {
    m.paragraph(ctx.text(me, "records.command.usage"));
    return ctx.reply(std::move(m));
  }
  std::string request = found[1].str();
  request[0] = 'R';
  RecordsQuery q{.request = request, .actor = me.id, .lang = me.language};
  auto out = build_records_export(ctx.store, ctx.config, ctx.services.prompts, q, ctx.now);
  if (!out.refusal.empty()) {
    m.paragraph(bot::markup::escape(out.refusal));
    return ctx.reply(std::move(m));
  }
  m.paragraph(ctx.text(me, "records.command.summary",
                       {{"what", request},
                        {"requests", std::to_string(out.requests)},
                        {"actions", std::to_string(out.actions)},
                        {"redactions", std::to_string(out.redactions)},
                        {"seq", std::to_string(out.json["proof"]["head"]["seq"].get<std::int64_t>())},
                        {"args", "--request " + request}}));
  ctx.reply(std::move(m));
  ctx.audit("records_export_previewed", request, {{"actions", out.actions}});
}

}  // namespace workflows
