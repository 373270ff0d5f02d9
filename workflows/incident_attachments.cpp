#include "workflows/incident_attachments.hpp"

#include <nlohmann/json.hpp>

#include "workflows/incident_report.hpp"

namespace workflows {

bool refuse_incident_attachment(Context& ctx) {
  const bot::Inbound& ev = *ctx.event;
  if (!ev.has_attachment || !ctx.actor) return false;
  std::string subject, category;
  if (auto inc = ctx.thread_key.empty() ? std::nullopt : ctx.store.incident(ctx.thread_key)) {
    subject = inc->id;
    category = inc->category;
  } else if (auto draft = live_incident_draft(ctx)) {
    category = draft->category;
  } else {
    return false;
  }
  // Deleted where it was sent. The reference travels in memory only (see Bot), never to the store.
  if (!ev.attachment_ref.empty())
    ctx.effects.send({.to = {.kind = bot::Recipient::Kind::reply,
                             .platform = ev.platform,
                             .channel = ev.place.channel,
                             .thread_ref = ev.place.thread_ref},
                      .delete_ref = ev.attachment_ref});
  // A report whose category is not chosen yet may be about images of minors: the stricter words.
  const bool minors = category.empty() || category == "minor_images";
  // Where the platform cannot delete the person's file (Slack), the reply says so and asks them to.
  const std::string key = std::string(minors ? "incident.attachment.minor_images" : "incident.attachment.report") +
                          (ev.attachment_ref.empty() ? "_delete_it" : "");
  bot::Message m;
  m.paragraph(ctx.text(*ctx.actor, key));
  ctx.reply(std::move(m));
  ctx.audit("refused:attachment", subject,
            {{"category", category}, {"deletion_requested", !ev.attachment_ref.empty()}});
  return true;
}

}  // namespace workflows
