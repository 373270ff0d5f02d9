#include "workflows/incident_report.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/sha256.hpp"
#include "workflows/incident_actions.hpp"
#include "workflows/incident_cards.hpp"
#include "workflows/incident_routing.hpp"
#include "workflows/platforms.hpp"

namespace workflows {

using bot::Form;
using bot::FormInput;
using bot::Incident;
using bot::InputKind;
using bot::Message;

namespace {

// A form left open longer than this no longer counts as a report being written.
constexpr auto kDraftLifetime = std::chrono::hours(24);

const std::vector<std::string> kInvolved = {"student", "employee", "associated", "unknown"};

bool is_category(std::string_view id) {
  const auto& c = bot::incident_categories();
  return std::find(c.begin(), c.end(), id) != c.end();
}

bool is_site(const Context& ctx, std::string_view id) { return id == kDistrictOffice || ctx.config.site(id); }

std::string value_of(const Context& ctx, const std::string& key) {
  auto it = ctx.event->values.find(key);
  return it == ctx.event->values.end() ? std::string() : trim(it->second);
}

std::string default_site(const Context& ctx) {
  return ctx.config.site(ctx.actor->site) ? ctx.actor->site : std::string(kDistrictOffice);
}

// The form, showing `values` as the initial answers and `errors` beside their inputs.
Form report_form(const Context& ctx, const std::map<std::string, std::string>& values,
                 const std::map<std::string, std::string>& errors) {
  const bot::Person& me = *ctx.actor;
  auto t = [&](std::string_view key) { return ctx.text(me, "incident.form." + std::string(key)); };
  Form f{.form_id = "incident.report", .title = t("title"), .submit_label = t("submit")};
  FormInput category{.key = "category", .label = t("category"), .kind = InputKind::single_choice, .required = true};
  for (const auto& c : bot::incident_categories())
    category.choices.push_back({c, bot::markup::to_plain(incident_category_label(ctx, me.language, c))});
  FormInput what{
      .key = "what", .label = t("what"), .kind = InputKind::multiline, .required = true, .hint = t("what_hint")};
  FormInput platform{.key = "platform", .label = t("platform"), .hint = t("platform_hint")};
  FormInput link{.key = "link", .label = t("link"), .hint = t("link_hint")};
  FormInput account{.key = "account", .label = t("account"), .hint = t("account_hint")};
  FormInput when{.key = "when", .label = t("when"), .hint = t("when_hint")};
  FormInput involved{.key = "involved", .label = t("involved"), .kind = InputKind::multi_choice, .required = true};
  for (const auto& who : kInvolved)
    involved.choices.push_back({who, bot::markup::to_plain(ctx.text(me, "incident.involved." + who))});
  FormInput against{.key = "against_administrator",
                    .label = t("against_administrator"),
                    .kind = InputKind::single_choice,
                    .required = true,
                    .choices = {{"yes", ctx.text(me, "common.yes")}, {"no", ctx.text(me, "common.no")}},
                    .hint = t("against_administrator_hint")};
  FormInput site{.key = "site",
                 .label = t("site"),
                 .kind = InputKind::single_choice,
                 .required = true,
                 .initial = default_site(ctx)};
  for (const auto& s : ctx.config.sites) site.choices.push_back({s.id, s.name});
  site.choices.push_back(
      {std::string(kDistrictOffice), bot::markup::to_plain(ctx.text(me, "incident.district_office"))});
  f.inputs = {category, what, platform, link, account, when, involved, against, site};
  // A retaliation report opened from the check-in names the report it follows (form context).
  if (auto r = values.find("related"); r != values.end() && !r->second.empty()) f.context = r->second;
  for (auto& in : f.inputs) {
    if (auto v = values.find(in.key); v != values.end() && !v->second.empty()) in.initial = v->second;
    if (auto e = errors.find(in.key); e != errors.end()) in.error = e->second;
  }
  return f;
}

void show_report_form(const Context& ctx, std::string_view intro_key, std::string_view category,
                      const std::map<std::string, std::string>& values,
                      const std::map<std::string, std::string>& errors) {
  const bot::Person& me = *ctx.actor;
  Message m;
  // Safety first: what to do now comes before any question.
  if (is_category(category)) add_incident_safety(ctx, me.language, category, false, m);
  m.paragraph(ctx.text(me, std::string(intro_key)));
  m.form(report_form(ctx, values, errors));
  m.fallback = ctx.text(me, "incident.form.fallback");
  ctx.reply(std::move(m));
}

void remember_draft(const Context& ctx, std::string category) {
  ctx.store.save_incident_draft({.person = ctx.actor->id, .category = std::move(category), .opened_at = ctx.now});
}

void cancel_report(Context& ctx) {
  Message m;
  if (live_incident_draft(ctx)) {
    ctx.store.delete_incident_draft(ctx.actor->id);
    m.paragraph(ctx.text(*ctx.actor, "incident.cancelled"));
  } else {
    m.paragraph(ctx.text(*ctx.actor, "incident.no_draft"));
  }
  ctx.reply(std::move(m));
}

void file_incident(Context& ctx, Incident inc) {
  const bot::Person& me = *ctx.actor;
  const bot::IncidentCategory* category = incident_category(ctx, inc.category);
  IncidentRouting routing = route_incident(ctx.config, me, inc.site, category, inc.against_administrator, inc.category,
                                           registered_account_monitors(ctx.store, inc.account));
  inc.id = ctx.store.next_incident_id();
  inc.reporter = me.id;
  inc.investigators = routing.investigators;
  inc.bypassed = routing.bypassed;
  inc.status = bot::IncidentStatus::open;
  inc.filed_at = ctx.now;
  ctx.store.save_incident(inc);
  ctx.store.delete_incident_draft(me.id);
  // The audit keeps who, when, where it went and a fingerprint of the account, not the account
  // itself: the report is read in one place only, and a changed report no longer matches.
  std::string account = inc.what + "\n" + inc.platform + "\n" + inc.link + "\n" + inc.when;
  if (!inc.account.empty()) account += "\n" + inc.account;
  nlohmann::json details = {{"category", inc.category},
                            {"site", inc.site},
                            {"involved", inc.involved},
                            {"against_administrator", inc.against_administrator},
                            {"investigators", inc.investigators},
                            {"bypassed", inc.bypassed},
                            {"account_sha256", bot::sha256_hex(account)}};
  if (!inc.related.empty()) details["related"] = inc.related;
  ctx.audit("filed", inc.id, details);

  for (const auto& who : inc.investigators)
    ctx.effects.send({.to = bot::Recipient::person(who),
                      .message = incident_card(ctx, ctx.lang_of(who), inc),
                      .thread_key = inc.id,
                      .record_key = incident_card_key(inc)});

  const std::string& lang = me.language;
  Message m;
  add_incident_safety(ctx, lang, inc.category, false, m);
  m.header(ctx.text(me, "incident.filed.header", {{"id", inc.id}}));
  std::string investigators;
  for (const auto& who : inc.investigators) investigators += (investigators.empty() ? "" : ", ") + ctx.name_of(who);
  m.paragraph(ctx.text(me, "incident.filed.assigned", {{"investigators", investigators}}));
  if (!inc.bypassed.empty()) {
    std::string bypassed;
    for (const auto& who : inc.bypassed) bypassed += (bypassed.empty() ? "" : ", ") + ctx.name_of(who);
    m.paragraph(ctx.text(me, "incident.filed.around", {{"bypassed", bypassed}}));
  }
  m.paragraph(ctx.text(me, "incident.filed.no_retaliation"));
  m.context(ctx.text(me, "incident.filed.footer", {{"id", inc.id}}));
  m.fallback = ctx.text(me, "incident.filed.fallback", {{"id", inc.id}});
  // Privately, in the report's own thread of the reporter's direct conversation.
  ctx.effects.send(
      {.to = bot::Recipient::person(me.id, ctx.event->platform), .message = std::move(m), .thread_key = inc.id});
}

}  // namespace

std::optional<bot::IncidentDraft> live_incident_draft(const Context& ctx) {
  if (!ctx.actor) return std::nullopt;
  auto d = ctx.store.incident_draft(ctx.actor->id);
  if (!d || ctx.now - d->opened_at > kDraftLifetime) return std::nullopt;
  return d;
}

void start_report(Context& ctx, std::string_view category) {
  std::string cat = is_category(category) ? std::string(category) : std::string();
  remember_draft(ctx, cat);
  show_report_form(ctx, "incident.form.intro", cat, {{"category", cat}}, {});
}

void start_retaliation_report(Context& ctx, std::string_view related) {
  remember_draft(ctx, "retaliation");
  show_report_form(ctx, "incident.form.intro", "retaliation",
                   {{"category", "retaliation"}, {"related", std::string(related)}}, {});
}

void on_report_command(Context& ctx, std::string_view rest) {
  std::string text = trim(rest);
  size_t space = text.find_first_of(" \t\n");
  std::string word = lower(text.substr(0, space));
  std::string tail = space == std::string::npos ? "" : trim(text.substr(space + 1));
  std::replace(word.begin(), word.end(), '-', '_');
  if (word.empty()) return start_report(ctx, "");
  if (is_category(word)) return start_report(ctx, word);
  if (word == "status" || word == "estado" || word == "list") return show_incident_list(ctx);
  if (word == "cancel" || word == "cancelar") return cancel_report(ctx);
  if (word == "step" || word == "paso") return step_command(ctx, tail);
  if (word == "close" || word == "cerrar") return close_command(ctx, tail);
  if (word == "note" || word == "nota") return note_command(ctx, tail);
  if (word == "statement" || word == "declaracion" || word == "declaración") return statement_command(ctx, tail);
  if (word == "evidence" || word == "evidencia") return evidence_command(ctx, tail);
  if (word == "show" || word == "view" || word == "ver") return show_incident(ctx, find_incident_id(tail).value_or(""));
  if (auto id = find_incident_id(text)) return show_incident(ctx, *id);
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "command.unknown", {{"word", bot::markup::escape_short(word)}}));
  ctx.reply(std::move(m));
}

void on_report_form(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  std::map<std::string, std::string> values;
  for (const char* key :
       {"category", "what", "platform", "link", "account", "when", "involved", "against_administrator", "site"})
    values[key] = value_of(ctx, key);
  values["related"] = find_incident_id(ctx.event->form_context).value_or("");
  std::map<std::string, std::string> errors;
  const std::string category = lower(values["category"]);
  if (!is_category(category))
    errors["category"] = category.empty()
                             ? ctx.text(me, "incident.error.category")
                             : ctx.text(me, "incident.error.unknown_choice", {{"name", bot::markup::escape(category)}});
  if (values["what"].empty()) errors["what"] = ctx.text(me, "incident.error.what");
  // The account's handle or address is what the superintendent's office acts on first.
  if (category == "hacked_account" && values["account"].empty())
    errors["account"] = ctx.text(me, "incident.error.account");
  const std::string& link = values["link"];
  if (!link.empty() && !link.starts_with("https://") && !link.starts_with("http://"))
    errors["link"] = ctx.text(me, "incident.error.link");
  std::vector<std::string> involved;
  for (const auto& who : split_choices(lower(values["involved"]))) {
    if (std::find(kInvolved.begin(), kInvolved.end(), who) == kInvolved.end())
      errors["involved"] = ctx.text(me, "incident.error.unknown_choice", {{"name", bot::markup::escape(who)}});
    else if (std::find(involved.begin(), involved.end(), who) == involved.end())
      involved.push_back(who);
  }
  if (involved.empty() && !errors.contains("involved")) errors["involved"] = ctx.text(me, "incident.error.involved");
  const std::string against = lower(values["against_administrator"]);
  if (against != "yes" && against != "no") errors["against_administrator"] = ctx.text(me, "incident.error.yes_no");
  std::string site = lower(values["site"]);
  if (site.empty()) site = default_site(ctx);
  if (!is_site(ctx, site)) errors["site"] = ctx.text(me, "incident.error.site");

  if (!errors.empty()) {
    // Still being written: a chosen category now governs what the reporter may send meanwhile.
    remember_draft(ctx, is_category(category) ? category : "");
    return show_report_form(ctx, "incident.form.fix", is_category(category) ? category : "", values, errors);
  }
  file_incident(ctx, Incident{.category = category,
                              .what = values["what"],
                              .platform = values["platform"],
                              .link = link,
                              .account = values["account"],
                              .related = category == "retaliation" ? values["related"] : "",
                              .when = values["when"],
                              .involved = involved,
                              .against_administrator = against == "yes",
                              .site = site});
}

}  // namespace workflows
