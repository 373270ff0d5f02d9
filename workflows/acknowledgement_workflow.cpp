#include "workflows/acknowledgement_workflow.hpp"

#include <algorithm>
#include <map>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/platforms.hpp"

namespace workflows {

using bot::Message;
using bot::PolicyAcknowledgement;

namespace {

// Passages per message of the full text: each is a quote block, and platforms cap a message's blocks.
constexpr size_t kPassagesPerMessage = 12;

const std::vector<std::pair<std::string_view, bot::Role>> kRoleNames = {{"employee", bot::Role::employee},
                                                                        {"principal", bot::Role::principal},
                                                                        {"superintendent", bot::Role::superintendent},
                                                                        {"designee", bot::Role::designee},
                                                                        {"investigator", bot::Role::investigator},
                                                                        {"it_admin", bot::Role::it_admin},
                                                                        {"associated", bot::Role::associated}};

// The document sent for acknowledgement: the configured one, else the first.
std::string policy_id(const Context& ctx) {
  if (!ctx.config.classroom.acknowledgement_policy.empty()) return ctx.config.classroom.acknowledgement_policy;
  return ctx.config.policies.empty() ? std::string() : ctx.config.policies.front().id;
}

bool may_send(const Context& ctx) {
  return ctx.actor && (ctx.config.is_decider(ctx.actor->id) || ctx.actor->has_role(bot::Role::it_admin));
}

void reply_text(const Context& ctx, std::string_view key, const bot::PromptVars& vars = {}) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, key, vars));
  ctx.reply(std::move(m));
}

Message summary_message(const Context& ctx, const bot::Person& who, const PolicyAcknowledgement& a, bool first) {
  const std::string& lang = who.language;
  Message m;
  m.header(ctx.text_in(lang, "acknowledgement.summary.header"));
  if (first) m.paragraph(ctx.text_in(lang, "acknowledgement.summary.first_message"));
  m.paragraph(ctx.text_in(lang, "acknowledgement.summary.body"));
  m.context(ctx.text_in(lang, "acknowledgement.summary.sent_by",
                        {{"by", a.sent_by == "hallpass" ? std::string("Hallpass") : ctx.name_of(a.sent_by)},
                         {"date", ctx.date_label(lang, a.sent_at)}}));
  m.buttons(
      {{"acknowledgement.full", ctx.text_in(lang, "acknowledgement.button.full"), a.policy, bot::ButtonStyle::normal},
       {"acknowledgement.ack", ctx.text_in(lang, "acknowledgement.button.ack"), a.policy, bot::ButtonStyle::primary}});
  m.fallback = ctx.text_in(lang, "acknowledgement.summary.fallback");
  return m;
}

// Records and sends the policy to one person; false when they have already read it.
bool send_to(const Context& ctx, const bot::Person& who, std::string_view by, bool first) {
  const std::string policy = policy_id(ctx);
  auto existing = ctx.store.policy_acknowledgement(who.id);
  if (existing && existing->acknowledged_at && existing->policy == policy) return false;
  PolicyAcknowledgement a{.person = who.id, .policy = policy, .sent_at = ctx.now, .sent_by = std::string(by)};
  ctx.store.save_policy_acknowledgement(a);
  ctx.to_person(who.id, summary_message(ctx, who, a, first));
  return true;
}

void show_full_text(const Context& ctx) {
  const std::string policy = policy_id(ctx);
  const std::string& lang = ctx.actor->language;
  std::vector<const bot::Passage*> passages;
  if (ctx.services.policy)
    for (const auto& p : ctx.services.policy->passages())
      if (p.doc == policy) passages.push_back(&p);
  if (passages.empty()) return reply_text(ctx, "acknowledgement.no_policy");
  const size_t parts = (passages.size() + kPassagesPerMessage - 1) / kPassagesPerMessage;
  for (size_t part = 0; part < parts; ++part) {
    Message m;
    const bot::Passage& first = *passages[part * kPassagesPerMessage];
    std::string citation = first.citation.substr(0, first.citation.find(','));
    m.header(ctx.text_in(lang, "acknowledgement.full.header",
                         {{"title", bot::markup::escape(first.title)},
                          {"citation", bot::markup::escape(citation)},
                          {"part", std::to_string(part + 1)},
                          {"parts", std::to_string(parts)}}));
    if (part == 0) m.context(ctx.text_in(lang, "acknowledgement.full.official"));
    for (size_t i = part * kPassagesPerMessage; i < passages.size() && i < (part + 1) * kPassagesPerMessage; ++i)
      m.quote(passages[i]->text, passages[i]->citation);
    if (part + 1 == parts)
      m.buttons({{"acknowledgement.ack", ctx.text_in(lang, "acknowledgement.button.ack"), policy,
                  bot::ButtonStyle::primary}});
    ctx.reply(std::move(m));
  }
}

void acknowledge(const Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const std::string policy = policy_id(ctx);
  if (policy.empty()) return reply_text(ctx, "acknowledgement.no_policy");
  auto a = ctx.store.policy_acknowledgement(me.id).value_or(
      PolicyAcknowledgement{.person = me.id, .policy = policy, .sent_at = ctx.now, .sent_by = me.id});
  if (a.acknowledged_at && a.policy == policy)
    return reply_text(ctx, "acknowledgement.already", {{"date", ctx.date_label(me.language, *a.acknowledged_at)}});
  a.policy = policy;
  a.acknowledged_at = ctx.now;
  ctx.store.save_policy_acknowledgement(a);
  ctx.audit("policy.acknowledged", "policy:" + policy, {{"person", me.id}});
  reply_text(ctx, "acknowledgement.thanks", {{"date", ctx.date_label(me.language, ctx.now)}});
}

std::string site_list(const Context& ctx) {
  std::string out;
  for (const auto& s : ctx.config.sites) out += (out.empty() ? "" : ", ") + s.id;
  return out;
}

void send_policy(Context& ctx, std::string_view args) {
  if (!may_send(ctx)) {
    ctx.audit("refused:policy_send", "policy", nlohmann::json::object());
    return reply_text(ctx, "acknowledgement.send.not_allowed");
  }
  if (policy_id(ctx).empty()) return reply_text(ctx, "acknowledgement.no_policy");
  const bot::Person& me = *ctx.actor;
  std::string text = lower(trim(args));
  std::string kind = text.substr(0, text.find(' '));
  std::string value = kind.size() < text.size() ? trim(text.substr(kind.size())) : "";
  std::vector<const bot::Person*> to;
  std::string who;
  if (kind == "all" || kind == "todos") {
    for (const auto& p : ctx.config.people) to.push_back(&p);
    who = ctx.text(me, "acknowledgement.send.who_all");
  } else if ((kind == "site" || kind == "escuela") && !value.empty()) {
    const bot::Site* s = ctx.config.site(value);
    if (!s)
      return reply_text(ctx, "acknowledgement.send.unknown_site",
                        {{"site", bot::markup::escape_short(value, 40)}, {"sites", site_list(ctx)}});
    for (const auto& p : ctx.config.people)
      if (p.site == s->id) to.push_back(&p);
    who = ctx.text(me, "acknowledgement.send.who_site", {{"site", bot::markup::escape(s->name)}});
  } else if ((kind == "role" || kind == "rol") && !value.empty()) {
    auto it = std::find_if(kRoleNames.begin(), kRoleNames.end(), [&](const auto& r) { return r.first == value; });
    if (it == kRoleNames.end()) {
      std::string roles;
      for (const auto& r : kRoleNames) roles += (roles.empty() ? "" : ", ") + std::string(r.first);
      return reply_text(ctx, "acknowledgement.send.unknown_role",
                        {{"role", bot::markup::escape_short(value, 40)}, {"roles", roles}});
    }
    for (const auto& p : ctx.config.people)
      if (p.has_role(it->second)) to.push_back(&p);
    who = ctx.text(me, "acknowledgement.send.who_role", {{"role", std::string(it->first)}});
  } else {
    return reply_text(ctx, "acknowledgement.send.usage");
  }
  int sent = 0, already = 0;
  for (const bot::Person* p : to) {
    if (send_to(ctx, *p, me.id, false))
      ++sent;
    else
      ++already;
  }
  ctx.audit("policy.sent", "policy:" + policy_id(ctx), {{"to", text}, {"sent", sent}, {"already", already}});
  if (sent == 0) return reply_text(ctx, "acknowledgement.send.nobody");
  reply_text(ctx, "acknowledgement.send.done",
             {{"n", std::to_string(sent)}, {"who", who}, {"already", std::to_string(already)}});
}

void show_report(const Context& ctx, std::string_view args) {
  const bot::Person& me = *ctx.actor;
  const bool central = may_send(ctx);
  if (!central && !me.has_role(bot::Role::principal)) {
    ctx.audit("refused:policy_report", "policy", nlohmann::json::object());
    return reply_text(ctx, "acknowledgement.report.not_allowed");
  }
  std::string site = lower(trim(args));
  if (!site.empty() && !ctx.config.site(site))
    return reply_text(ctx, "acknowledgement.report.unknown_site",
                      {{"site", bot::markup::escape_short(site, 40)}, {"sites", site_list(ctx)}});
  // A principal sees their own site only.
  if (!central) {
    if (!site.empty() && site != me.site) return reply_text(ctx, "acknowledgement.report.not_allowed");
    site = me.site;
  }
  const auto rows = acknowledgement_rows(ctx.config, ctx.store.policy_acknowledgements(), site);
  const std::string& lang = me.language;
  // One message per site, in the directory's order.
  std::vector<std::string> sites;
  for (const auto& r : rows)
    if (std::find(sites.begin(), sites.end(), r.site) == sites.end()) sites.push_back(r.site);
  for (const auto& s : sites) {
    std::string lines;
    int n = 0, done = 0;
    for (const auto& r : rows) {
      if (r.site != s) continue;
      ++n;
      const std::string name = bot::markup::escape(r.person->name);
      std::string line;
      if (r.record && r.record->acknowledged_at) {
        ++done;
        line = ctx.text_in(lang, "acknowledgement.report.done_line",
                           {{"name", name}, {"date", ctx.date_label(lang, *r.record->acknowledged_at)}});
      } else if (r.record) {
        line = ctx.text_in(lang, "acknowledgement.report.pending_line",
                           {{"name", name}, {"date", ctx.date_label(lang, r.record->sent_at)}});
      } else {
        line = ctx.text_in(lang, "acknowledgement.report.not_sent_line", {{"name", name}});
      }
      lines += (lines.empty() ? "" : "\n") + line;
    }
    const bot::Site* site_p = ctx.config.site(s);
    Message m;
    m.header(ctx.text_in(
        lang, "acknowledgement.report.header",
        {{"site", site_p ? bot::markup::escape(site_p->name) : ctx.text_in(lang, "acknowledgement.report.central")}}));
    m.paragraph(
        ctx.text_in(lang, "acknowledgement.report.counts", {{"done", std::to_string(done)}, {"n", std::to_string(n)}}));
    m.paragraph(std::move(lines));
    m.context(ctx.text_in(lang, "acknowledgement.report.export", {{"site_id", s.empty() ? "''" : s}}));
    ctx.reply(std::move(m));
  }
}

std::string local_iso(const Context& ctx, bot::TimePoint t) {
  return date::format("%FT%R", date::make_zoned(ctx.config.time_zone, std::chrono::floor<std::chrono::minutes>(t)));
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos && !s.starts_with('=') && !s.starts_with('+') &&
      !s.starts_with('-') && !s.starts_with('@'))
    return std::string(s);
  // Quoted; a leading formula character is neutralised so a spreadsheet shows it as text.
  std::string out = "\"";
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) out += '\'';
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void on_policy_command(Context& ctx, std::string_view rest) {
  std::string text = trim(rest);
  std::string word = lower(text.substr(0, text.find(' ')));
  std::string args = word.size() < text.size() ? trim(text.substr(word.size())) : "";
  if (word == "send" || word == "enviar") return send_policy(ctx, args);
  if (word == "report" || word == "informe") return show_report(ctx, args);
  if (word == "full" || word == "text" || word == "completa" || word == "texto") return show_full_text(ctx);
  if (word == "read" || word == "ack" || word == "leída" || word == "leida" || word == "acknowledge")
    return acknowledge(ctx);
  if (!word.empty()) return reply_text(ctx, "acknowledgement.usage");
  // "policy": the summary, as it was sent.
  if (policy_id(ctx).empty()) return reply_text(ctx, "acknowledgement.no_policy");
  auto a = ctx.store.policy_acknowledgement(ctx.actor->id)
               .value_or(PolicyAcknowledgement{
                   .person = ctx.actor->id, .policy = policy_id(ctx), .sent_at = ctx.now, .sent_by = "hallpass"});
  ctx.reply(summary_message(ctx, *ctx.actor, a, false));
}

void on_acknowledgement_action(Context& ctx) {
  if (ctx.event->action_id == "acknowledgement.full") return show_full_text(ctx);
  if (ctx.event->action_id == "acknowledgement.ack") return acknowledge(ctx);
}

void offer_policy_on_first_message(Context& ctx) {
  if (!ctx.config.classroom.acknowledgement_on_first_message || !ctx.actor || policy_id(ctx).empty()) return;
  if (ctx.store.policy_acknowledgement(ctx.actor->id)) return;
  send_to(ctx, *ctx.actor, "hallpass", true);
  ctx.audit("policy.sent", "policy:" + policy_id(ctx), {{"to", ctx.actor->id}, {"first_message", true}});
}

void collect_acknowledgement_items(const Context& ctx, DigestBook& book) {
  for (const auto& a : ctx.store.policy_acknowledgements()) {
    if (a.acknowledged_at) continue;
    const bot::Person* p = ctx.config.person(a.person);
    if (!p) continue;
    book.add(a.person, {.section = DigestSection::to_act,
                        .id = "policy",
                        .line_key = "acknowledgement.digest_line",
                        .vars = {{"date", ctx.date_label(p->language, a.sent_at)}}});
  }
}

std::vector<AcknowledgementRow> acknowledgement_rows(const bot::DistrictConfig& config,
                                                     const std::vector<PolicyAcknowledgement>& records,
                                                     std::string_view site) {
  std::vector<AcknowledgementRow> out;
  // By id and by site, once: a district's directory has thousands of people.
  std::map<std::string_view, const PolicyAcknowledgement*> by_person;
  for (const auto& r : records) by_person[r.person] = &r;
  std::map<std::string_view, size_t> site_order;
  for (size_t i = 0; i < config.sites.size(); ++i) site_order[config.sites[i].id] = i;
  const auto order = [&](const std::string& id) {
    auto it = site_order.find(id);
    return it == site_order.end() ? config.sites.size() : it->second;  // central office last
  };
  for (const auto& p : config.people) {
    if (!site.empty() && p.site != site) continue;
    AcknowledgementRow row{.site = p.site, .person = &p};
    if (auto it = by_person.find(p.id); it != by_person.end()) row.record = *it->second;
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [&](const AcknowledgementRow& a, const AcknowledgementRow& b) {
    if (order(a.site) != order(b.site)) return order(a.site) < order(b.site);
    return a.person->name < b.person->name;
  });
  return out;
}

std::string acknowledgement_csv(const Context& ctx, std::string_view site) {
  std::string out = "site,person,name,title,sent_at,acknowledged_at\n";
  for (const auto& r : acknowledgement_rows(ctx.config, ctx.store.policy_acknowledgements(), site)) {
    out += csv_field(r.site) + "," + csv_field(r.person->id) + "," + csv_field(r.person->name) + "," +
           csv_field(r.person->title) + "," + (r.record ? local_iso(ctx, r.record->sent_at) : "") + "," +
           (r.record && r.record->acknowledged_at ? local_iso(ctx, *r.record->acknowledged_at) : "") + "\n";
  }
  return out;
}

}  // namespace workflows
