#include "workflows/incident_cards.hpp"

#include "bot/model/markup.hpp"
#include "bot/policy/policy_quotes.hpp"

namespace workflows {

using bot::Incident;
using bot::Message;

namespace {

constexpr size_t kPolicyQuotes = 3;

std::string names(const Context& ctx, const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + ctx.name_of(id);
  return out;
}

std::string or_not_given(const Context& ctx, std::string_view lang, const std::string& user_text) {
  return user_text.empty() ? ctx.text_in(lang, "incident.card.not_given") : bot::markup::escape(user_text);
}

std::string where_markup(const Context& ctx, std::string_view lang, const Incident& i) {
  // The link is shown as text, not made a link: for some categories nobody should open it casually.
  std::string where;
  if (!i.platform.empty()) where = bot::markup::escape(i.platform);
  if (!i.link.empty()) where += (where.empty() ? "" : " — ") + bot::markup::escape(i.link);
  return where.empty() ? ctx.text_in(lang, "incident.card.not_given") : where;
}

std::string involved_markup(const Context& ctx, std::string_view lang, const Incident& i) {
  std::string out;
  for (const auto& who : i.involved) out += (out.empty() ? "" : ", ") + ctx.text_in(lang, "incident.involved." + who);
  return out.empty() ? ctx.text_in(lang, "incident.card.not_given") : out;
}

std::vector<bot::Field> fact_fields(const Context& ctx, std::string_view lang, const Incident& i) {
  return {{ctx.text_in(lang, "incident.card.reporter"), ctx.name_of(i.reporter)},
          {ctx.text_in(lang, "incident.card.filed"), incident_time_label(ctx, lang, i.filed_at)},
          {ctx.text_in(lang, "incident.card.site"), incident_site_label(ctx, lang, i.site)},
          {ctx.text_in(lang, "incident.card.what"), or_not_given(ctx, lang, i.what)},
          {ctx.text_in(lang, "incident.card.where"), where_markup(ctx, lang, i)},
          {ctx.text_in(lang, "incident.card.account"), or_not_given(ctx, lang, i.account)},
          {ctx.text_in(lang, "incident.card.when"), or_not_given(ctx, lang, i.when)},
          {ctx.text_in(lang, "incident.card.involved"), involved_markup(ctx, lang, i)}};
}

// One note, statement or evidence entry as a line of the checklist.
std::string note_line(const Context& ctx, std::string_view lang, const bot::IncidentNote& n) {
  return ctx.text_in(lang, "incident.card.note_" + n.kind,
                     {{"text", bot::markup::escape(n.text)},
                      {"who", bot::markup::escape(n.who)},
                      {"given", bot::markup::escape(n.given)},
                      {"permission", ctx.name_of(n.permission)},
                      {"by", ctx.name_of(n.by)},
                      {"when", incident_time_label(ctx, lang, n.at)}});
}

std::string checklist_markup(const Context& ctx, std::string_view lang, const Incident& i) {
  const auto& protocol = incident_protocol(ctx);
  size_t done_count = 0;
  for (const auto& s : protocol.steps)
    if (i.step(s.id)) ++done_count;
  std::string out =
      ctx.text_in(lang, "incident.card.checklist",
                  {{"done", std::to_string(done_count)}, {"total", std::to_string(protocol.steps.size())}});
  out += " " + ctx.text_in(lang, "incident.card.protocol", {{"citation", bot::markup::escape(protocol.citation)}});
  for (const auto& s : protocol.steps) {
    std::string label = incident_step_label(ctx, lang, s.id);
    if (const bot::IncidentStep* done = i.step(s.id))
      out += "\n" +
             ctx.text_in(
                 lang, "incident.card.step_done",
                 {{"step", label}, {"by", ctx.name_of(done->by)}, {"when", incident_time_label(ctx, lang, done->at)}});
    else
      out += "\n" + ctx.text_in(lang, "incident.card.step_open", {{"step", label}});
    out += "\n" + ctx.text_in(lang, "incident.card.step_policy", {{"policy", incident_step_policy(ctx, s.id)}});
    for (const auto& n : i.notes)
      if (n.step == s.id) out += "\n" + note_line(ctx, lang, n);
  }
  for (const auto& n : i.notes)
    if (!protocol.step(n.step) || protocol.step(n.step)->id != n.step) out += "\n" + note_line(ctx, lang, n);
  return out;
}

}  // namespace

const bot::IncidentCategory* incident_category(const Context& ctx, std::string_view id) {
  for (const auto& c : ctx.config.incident_categories)
    if (c.id == id) return &c;
  return nullptr;
}

std::string incident_category_label(const Context& ctx, std::string_view lang, std::string_view id) {
  return ctx.text_in(lang, "incident.category." + std::string(id));
}

std::string incident_site_label(const Context& ctx, std::string_view lang, std::string_view site) {
  if (const bot::Site* s = ctx.config.site(site)) return bot::markup::escape(s->name);
  return ctx.text_in(lang, "incident.district_office");
}

std::string incident_step_label(const Context& ctx, std::string_view lang, std::string_view step) {
  // A step of the district's own list that Hallpass has no words for is named by the policy's text.
  if (!bot::is_incident_step(step))
    if (const bot::ProtocolStep* s = incident_protocol(ctx).step(step); s && s->id == step)
      return bot::markup::escape(s->letter + ". " + s->text);
  return ctx.text_in(lang, "incident.step." + std::string(step));
}

const bot::IncidentProtocol& incident_protocol(const Context& ctx) { return ctx.config.incident_protocol; }

std::string incident_step_policy(const Context& ctx, std::string_view step) {
  const bot::ProtocolStep* s = incident_protocol(ctx).step(step);
  if (!s || s->id != step) return {};
  return bot::markup::escape(s->letter + ". " + s->text);
}

std::string incident_time_label(const Context& ctx, std::string_view lang, bot::TimePoint t) {
  return ctx.date_label(lang, t) + " " + ctx.services.calendar.local_hh_mm(t);
}

std::string incident_card_key(const Incident& i) { return i.id + "/card"; }

void add_incident_safety(const Context& ctx, std::string_view lang, std::string_view category, bool for_investigators,
                         Message& m) {
  const std::string cat(category);
  if (for_investigators) {
    m.paragraph(ctx.text_in(lang, "incident.card.guidance") + "\n" + ctx.text_in(lang, "incident.admin." + cat));
  } else {
    m.header(ctx.text_in(lang, "incident.safety.header"));
    m.paragraph(ctx.text_in(lang, "incident.safety." + cat));
  }
  const bot::IncidentCategory* c = incident_category(ctx, category);
  if (!c || c->contacts.empty()) return;
  std::string lines = ctx.text_in(lang, "incident.safety.contacts");
  for (const auto& a : c->contacts)
    lines += "\n" + ctx.text_in(lang, a.note.empty() ? "incident.safety.contact" : "incident.safety.contact_note",
                                {{"name", bot::markup::escape(a.name)},
                                 {"phone", bot::markup::escape(a.phone)},
                                 {"note", bot::markup::escape(a.note)}});
  m.paragraph(lines);
}

Message incident_card(const Context& ctx, std::string_view lang, const Incident& i) {
  Message m;
  m.header(ctx.text_in(lang, "incident.card.header",
                       {{"id", i.id}, {"category", incident_category_label(ctx, lang, i.category)}}));
  m.context(ctx.text_in(lang, "incident.card.confidential"));
  auto fields = fact_fields(ctx, lang, i);
  fields.push_back({ctx.text_in(lang, "incident.card.against_administrator"),
                    i.against_administrator
                        ? ctx.text_in(lang, "incident.card.against_yes", {{"bypassed", names(ctx, i.bypassed)}})
                        : ctx.text_in(lang, "common.no")});
  fields.push_back({ctx.text_in(lang, "incident.card.investigators"), names(ctx, i.investigators)});
  fields.push_back({ctx.text_in(lang, "incident.card.status"),
                    ctx.text_in(lang, "incident.status." + std::string(bot::to_string(i.status)))});
  if (i.status == bot::IncidentStatus::closed) {
    fields.push_back({ctx.text_in(lang, "incident.card.closed_by"),
                      ctx.name_of(i.closed_by) + ", " + incident_time_label(ctx, lang, i.closed_at)});
    fields.push_back({ctx.text_in(lang, "incident.card.outcome"), bot::markup::escape(i.outcome)});
  }
  m.fields(std::move(fields));
  add_incident_safety(ctx, lang, i.category, true, m);
  // The rule beside the facts: the clauses the district's policies give for this category.
  if (const bot::IncidentCategory* c = incident_category(ctx, i.category);
      c && ctx.services.policy && !c->policy_query.empty()) {
    auto quotes = bot::quotes_for_topic(*ctx.services.policy, c->policy_query, kPolicyQuotes);
    if (!quotes.empty()) m.paragraph(ctx.text_in(lang, "incident.card.policy"));
    for (const auto& q : quotes) m.quote(q.passage.text, q.passage.citation);
  }
  m.paragraph(checklist_markup(ctx, lang, i));
  if (i.status != bot::IncidentStatus::closed) {
    std::vector<bot::Button> buttons;
    for (const auto& s : incident_protocol(ctx).steps)
      if (!i.step(s.id))
        buttons.push_back({"incident_step",
                           s.letter + ". " + bot::markup::to_plain(incident_step_label(ctx, lang, s.id)),
                           i.id + ":" + s.id});
    buttons.push_back({"incident_close", ctx.text_in(lang, "incident.card.close"), i.id, bot::ButtonStyle::danger});
    m.buttons(std::move(buttons));
    m.context(ctx.text_in(lang, "incident.card.how", {{"id", i.id}}));
  }
  // Notifications can show on a locked phone: the fallback names the report, not its content.
  m.fallback = ctx.text_in(lang, "incident.card.fallback", {{"id", i.id}});
  return m;
}

Message incident_reporter_view(const Context& ctx, std::string_view lang, const Incident& i) {
  Message m;
  m.header(ctx.text_in(lang, "incident.card.header",
                       {{"id", i.id}, {"category", incident_category_label(ctx, lang, i.category)}}));
  auto fields = fact_fields(ctx, lang, i);
  fields.push_back({ctx.text_in(lang, "incident.card.investigators"), names(ctx, i.investigators)});
  fields.push_back({ctx.text_in(lang, "incident.card.status"),
                    ctx.text_in(lang, "incident.status." + std::string(bot::to_string(i.status)))});
  m.fields(std::move(fields));
  m.context(ctx.text_in(lang, "incident.view.reporter_note"));
  return m;
}

}  // namespace workflows
