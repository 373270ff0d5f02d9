#include "workflows/registry_secrets.hpp"

#include <nlohmann/json.hpp>

#include "bot/model/secret_text.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_accounts.hpp"

namespace workflows {

bool refuse_pasted_password(Context& ctx) {
  if (!ctx.event || !ctx.actor) return false;
  const bot::Inbound& ev = *ctx.event;
  std::string field;
  bool found = false;
  if (ev.kind == bot::InboundKind::form_submission) {
    for (const auto& [key, value] : ev.values)
      if (bot::looks_like_password(value)) {
        field = key;
        found = true;
        break;
      }
  } else {
    found = bot::looks_like_password(ev.text);
  }
  if (!found) return false;

  // Deleted where it was written, where the platform lets the bot (the reference goes to the
  // dispatcher in memory only, never to the store).
  if (!ev.message_ref.empty())
    ctx.effects.send({.to = {.kind = bot::Recipient::Kind::reply,
                             .platform = ev.platform,
                             .channel = ev.place.channel,
                             .thread_ref = ev.place.thread_ref},
                      .delete_ref = ev.message_ref});
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, "registry.secret.refused"));
  quote_registry_clause(ctx, m, "credentials_held");
  m.context(ctx.text(*ctx.actor, ev.message_ref.empty() ? "registry.secret.delete_it" : "registry.secret.deleted"));
  ctx.reply(std::move(m));
  // Which field, never what was in it.
  ctx.audit("refused:password", ev.form_context,
            {{"where", ev.kind == bot::InboundKind::form_submission ? "form" : "message"},
             {"form", ev.form_id},
             {"field", field},
             {"deletion_requested", !ev.message_ref.empty()}});
  if (ev.kind == bot::InboundKind::form_submission && ev.form_id.starts_with("registry."))
    show_registry_form_again(ctx, field);
  return true;
}

}  // namespace workflows
