#include "workflows/registry_accounts.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_authorizations.hpp"

namespace workflows {

using bot::AccountState;
using bot::Form;
using bot::FormInput;
using bot::InputKind;
using bot::Message;
using bot::OfficialAccount;

namespace {

using Errors = std::map<std::string, std::string>;

constexpr std::size_t kMaxHandle = 100;
constexpr std::size_t kMaxAddress = 300;

const std::map<std::string_view, std::string_view> kDefaultClauses = {
    {"registered", "lbusd-ethics-e#registry.1"},   {"credentials_held", "lbusd-ethics-e#registry.2"},
    {"export", "lbusd-ethics-e#registry.5"},       {"booster_registered", "lbusd-ethics-e#boosters.1"},
    {"booster_name", "lbusd-ethics-e#boosters.3"}, {"booster_content", "lbusd-ethics-e#boosters.4"},
    {"suspend", "lbusd-ethics-e#discipline.8"},
};

std::string value_of(const Context& ctx, const std::string& key) {
  auto it = ctx.event->values.find(key);
  return it == ctx.event->values.end() ? std::string() : trim(it->second);
}

std::string lang_of_actor(const Context& ctx) { return ctx.actor ? ctx.actor->language : ctx.config.default_language; }

bool principal_of(const Context& ctx, std::string_view site, std::string_view person) {
  const bot::Site* s = ctx.config.site(site);
  return s && std::find(s->principals.begin(), s->principals.end(), person) != s->principals.end();
}

// The owner, a monitor, a principal of the site or the superintendent's office.
bool may_manage(const Context& ctx, const OfficialAccount& a, std::string_view person) {
  return a.owner == person || std::find(a.monitors.begin(), a.monitors.end(), person) != a.monitors.end() ||
         principal_of(ctx, a.site, person) || ctx.config.is_decider(person);
}

std::string site_name(const Context& ctx, std::string_view lang, std::string_view site) {
  const bot::Site* s = ctx.config.site(site);
  return s ? bot::markup::escape(s->name) : ctx.text_in(lang, "registry.district_office");
}

std::string names(const Context& ctx, const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + ctx.name_of(id);
  return out;
}

std::string plain_name(const bot::DistrictConfig& config, std::string_view id) {
  const bot::Person* p = config.person(id);
  return p ? p->name : std::string(id);
}

// "Teresa Garcia, s.patel, spatel@…" → person ids; what matched nobody goes to `unknown`.
std::vector<std::string> resolve_people(const Context& ctx, std::string_view text, std::vector<std::string>& unknown) {
  std::vector<std::string> ids;
  std::string part;
  auto take = [&] {
    std::string p = trim(part);
    part.clear();
    while (!p.empty() && p.front() == '@') p.erase(0, 1);
    if (p.empty()) return;
    const std::string lp = lower(p);
    const bot::Person* found = ctx.config.person(p);
    if (!found) found = ctx.config.person_by_email(lp);
    if (!found)
      for (const auto& person : ctx.config.people)
        if (lower(person.name) == lp || lower(person.email) == lp) found = &person;
    if (!found) {
      unknown.push_back(p);
      return;
    }
    if (std::find(ids.begin(), ids.end(), found->id) == ids.end()) ids.push_back(found->id);
  };
  for (char c : text) {
    if (c == ',' || c == ';' || c == '\n')
      take();
    else
      part += c;
  }
  take();
  return ids;
}

std::string local_date(const Context& ctx, bot::TimePoint t) {
  return bot::DistrictCalendar::iso(ctx.services.calendar.local_day(t));
}

// The "the site holds them" confirmation every registration form asks for.
FormInput credentials_input(const Context& ctx, std::string_view lang, std::string_view site) {
  return {.key = "credentials",
          .label = ctx.text_in(lang, "registry.form.credentials"),
          .kind = InputKind::single_choice,
          .required = true,
          .choices = {{"yes", ctx.text_in(lang, "registry.form.credentials_yes",
                                          {{"site", bot::markup::to_plain(site_name(ctx, lang, site))}})}},
          .hint = ctx.text_in(lang, "registry.form.credentials_hint")};
}

std::vector<FormInput> account_inputs(const Context& ctx, std::string_view lang, std::string_view monitors_initial) {
  return {{.key = "handle",
           .label = ctx.text_in(lang, "registry.form.handle"),
           .required = true,
           .hint = ctx.text_in(lang, "registry.form.handle_hint"),
           .max_chars = kMaxHandle},
          {.key = "address",
           .label = ctx.text_in(lang, "registry.form.address"),
           .required = true,
           .hint = ctx.text_in(lang, "registry.form.address_hint"),
           .max_chars = kMaxAddress},
          {.key = "monitors",
           .label = ctx.text_in(lang, "registry.form.monitors"),
           .required = true,
           .initial = std::string(monitors_initial),
           .hint = ctx.text_in(lang, "registry.form.monitors_hint")}};
}

FormInput platform_input(const Context& ctx, std::string_view lang) {
  FormInput in{.key = "platform",
               .label = ctx.text_in(lang, "registry.form.platform"),
               .kind = InputKind::single_choice,
               .required = true};
  for (const auto& id : known_platforms()) in.choices.push_back({id, platform_label(id)});
  return in;
}

FormInput site_input(const Context& ctx, std::string_view lang, std::string_view initial, bool district) {
  FormInput in{.key = "site",
               .label = ctx.text_in(lang, "registry.form.site"),
               .kind = InputKind::single_choice,
               .required = true,
               .initial = std::string(initial)};
  for (const auto& s : ctx.config.sites) in.choices.push_back({s.id, s.name});
  if (district)
    in.choices.push_back({"district", bot::markup::to_plain(ctx.text_in(lang, "registry.district_office"))});
  return in;
}

// The message carrying a registry form, as first shown; nullopt when the context names nothing
// the form can be for.
std::optional<Message> registry_message(const Context& ctx, std::string_view lang, const std::string& form_id,
                                        const std::string& context) {
  Message m;
  if (form_id == "registry.register") {
    const size_t slash = context.find('/');
    if (slash == std::string::npos) return std::nullopt;
    auto r = ctx.store.request(context.substr(0, slash));
    if (!r || !r->decision) return std::nullopt;
    const std::string platform = context.substr(slash + 1);
    const std::string label = bot::markup::escape(platform_label(platform));
    m.header(
        bot::markup::to_plain(ctx.text_in(lang, "registry.register.header", {{"platform", label}, {"id", r->id}})));
    m.paragraph(ctx.text_in(lang, "registry.register.intro",
                            {{"platform", label}, {"id", r->id}, {"site", site_name(ctx, lang, r->site)}}));
    m.fields(terms_fields(ctx, lang, *r));
    quote_registry_clause(ctx, m, "registered");
    quote_registry_clause(ctx, m, "credentials_held");
    Form f{.form_id = form_id,
           .context = context,
           .title = bot::markup::to_plain(ctx.text_in(lang, "registry.register.title", {{"platform", label}})),
           .submit_label = ctx.text_in(lang, "registry.form.submit")};
    f.inputs = account_inputs(ctx, lang, plain_name(ctx.config, r->requester));
    f.inputs.push_back(credentials_input(ctx, lang, r->site));
    m.form(std::move(f));
  } else if (form_id == "registry.add") {
    const bool decider = ctx.actor && ctx.config.is_decider(ctx.actor->id);
    m.header(ctx.text_in(lang, "registry.add.header"));
    m.paragraph(ctx.text_in(lang, "registry.add.intro"));
    quote_registry_clause(ctx, m, "registered");
    Form f{.form_id = form_id,
           .title = ctx.text_in(lang, "registry.add.title"),
           .submit_label = ctx.text_in(lang, "registry.form.submit")};
    if (decider) f.inputs.push_back(site_input(ctx, lang, "", true));
    f.inputs.push_back(platform_input(ctx, lang));
    for (auto& in : account_inputs(ctx, lang, "")) f.inputs.push_back(std::move(in));
    f.inputs.push_back({.key = "owner",
                        .label = ctx.text_in(lang, "registry.form.owner"),
                        .required = true,
                        .hint = ctx.text_in(lang, "registry.form.owner_hint")});
    f.inputs.push_back(credentials_input(ctx, lang, decider ? "" : (ctx.actor ? ctx.actor->site : "")));
    m.form(std::move(f));
  } else if (form_id == "registry.booster") {
    m.header(ctx.text_in(lang, "registry.booster.header"));
    m.paragraph(ctx.text_in(lang, "registry.booster.intro"));
    quote_registry_clause(ctx, m, "booster_registered");
    quote_registry_clause(ctx, m, "booster_name");
    quote_registry_clause(ctx, m, "booster_content");
    Form f{.form_id = form_id,
           .title = ctx.text_in(lang, "registry.booster.title"),
           .submit_label = ctx.text_in(lang, "registry.form.submit")};
    f.inputs.push_back({.key = "group",
                        .label = ctx.text_in(lang, "registry.form.group"),
                        .required = true,
                        .hint = ctx.text_in(lang, "registry.form.group_hint"),
                        .max_chars = kMaxHandle});
    f.inputs.push_back(site_input(ctx, lang, ctx.actor ? ctx.actor->site : "", false));
    f.inputs.push_back(platform_input(ctx, lang));
    for (auto& in : account_inputs(ctx, lang, ctx.actor ? ctx.actor->name : "")) f.inputs.push_back(std::move(in));
    f.inputs.push_back({.key = "rules",
                        .label = ctx.text_in(lang, "registry.form.rules"),
                        .kind = InputKind::single_choice,
                        .required = true,
                        .choices = {{"yes", ctx.text_in(lang, "registry.form.rules_yes")}}});
    f.inputs.push_back(credentials_input(ctx, lang, ctx.actor ? ctx.actor->site : ""));
    m.form(std::move(f));
  } else if (form_id == "registry.monitor") {
    auto a = ctx.store.account(context);
    if (!a) return std::nullopt;
    m.paragraph(ctx.text_in(lang, "registry.monitor.intro", {{"account", account_label(*a)}}));
    Form f{.form_id = form_id,
           .context = context,
           .title = ctx.text_in(lang, "registry.monitor.title"),
           .submit_label = ctx.text_in(lang, "registry.form.submit")};
    f.inputs.push_back({.key = "monitors",
                        .label = ctx.text_in(lang, "registry.form.monitors"),
                        .required = true,
                        .hint = ctx.text_in(lang, "registry.form.monitors_hint")});
    m.form(std::move(f));
  } else {
    return std::nullopt;
  }
  m.fallback = ctx.text_in(lang, "request.form.fallback");
  return m;
}

// Sends the form back to the actor: what was typed (but `blank_key`), with an error per input.
void resend(Context& ctx, const Errors& errors, const std::string& blank_key = {}) {
  const std::string lang = lang_of_actor(ctx);
  auto m = registry_message(ctx, lang, ctx.event->form_id, ctx.event->form_context);
  if (!m) return;
  for (auto& b : m->blocks) {
    if (b.kind != bot::BlockKind::form || !b.form) continue;
    for (auto& in : b.form->inputs) {
      if (in.key == blank_key)
        in.initial.clear();
      else if (auto typed = ctx.event->values.find(in.key); typed != ctx.event->values.end())
        in.initial = trim(typed->second);
      if (auto e = errors.find(in.key); e != errors.end()) in.error = e->second;
    }
  }
  ctx.reply(std::move(*m));
}

void say(const Context& ctx, std::string_view key, const bot::PromptVars& vars = {}) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, key, vars));
  ctx.reply(std::move(m));
}

void refuse(const Context& ctx, std::string_view reason, std::string_view subject, const bot::PromptVars& vars = {}) {
  say(ctx, "registry.refused." + std::string(reason), vars);
  ctx.audit("refused:registry." + std::string(reason), subject, nlohmann::json::object());
}

// The account's handle, address and monitors from the form; errors for what is wrong.
struct AccountFields {
  std::string handle, address;
  std::vector<std::string> monitors;
};

AccountFields read_account_fields(const Context& ctx, Errors& errors, bool monitors_required = true) {
  const std::string lang = lang_of_actor(ctx);
  AccountFields f;
  f.handle = value_of(ctx, "handle");
  f.address = value_of(ctx, "address");
  if (f.handle.empty())
    errors["handle"] = ctx.text_in(lang, "registry.error.handle");
  else if (f.handle.size() > kMaxHandle)
    errors["handle"] = ctx.text_in(lang, "registry.error.too_long", {{"max", std::to_string(kMaxHandle)}});
  const bool web = f.address.find('.') != std::string::npos && f.address.find(' ') == std::string::npos;
  if (f.address.empty() || !web)
    errors["address"] = ctx.text_in(lang, "registry.error.address");
  else if (f.address.size() > kMaxAddress)
    errors["address"] = ctx.text_in(lang, "registry.error.too_long", {{"max", std::to_string(kMaxAddress)}});
  std::vector<std::string> unknown;
  f.monitors = resolve_people(ctx, value_of(ctx, "monitors"), unknown);
  if (!unknown.empty())
    errors["monitors"] =
        ctx.text_in(lang, "registry.error.monitor_unknown",
                    {{"names", bot::markup::to_plain(bot::markup::escape_short(unknown.front(), 60))}});
  else if (f.monitors.empty() && monitors_required)
    errors["monitors"] = ctx.text_in(lang, "registry.error.monitors");
  return f;
}

void check_credentials(const Context& ctx, Errors& errors) {
  if (value_of(ctx, "credentials") != "yes")
    errors["credentials"] = ctx.text_in(lang_of_actor(ctx), "registry.error.credentials");
}

nlohmann::json account_details(const OfficialAccount& a) {
  return {{"kind", a.kind},         {"request", a.request_id},
          {"platform", a.platform}, {"handle", a.handle},
          {"address", a.address},   {"site", a.site},
          {"owner", a.owner},       {"monitors", a.monitors},
          {"group", a.group},       {"credentials", "held by the site"}};
}

// A site's approvals place, or the superintendent's for the district office.
std::string place_of(const OfficialAccount& a) { return a.site.empty() ? "superintendent" : "site:" + a.site; }

void tell_place(const Context& ctx, const OfficialAccount& a, std::string_view key, const bot::PromptVars& vars) {
  const std::string place = place_of(a);
  Message m;
  m.paragraph(ctx.text_in(ctx.place_lang(place), key, vars));
  ctx.to_place(place, std::move(m), "");
}

void tell_person(const Context& ctx, std::string_view person, std::string_view key, const bot::PromptVars& vars) {
  Message m;
  m.paragraph(ctx.text_in(ctx.lang_of(person), key, vars));
  ctx.to_person(person, std::move(m));
}

// The next authorized platform of r without an account, if any.
std::optional<std::string> next_unregistered(const Context& ctx, const bot::Request& r) {
  if (!r.decision) return std::nullopt;
  auto accounts = ctx.store.accounts_of_request(r.id);
  for (const auto& p : r.decision->authorized) {
    const bool done = std::any_of(accounts.begin(), accounts.end(), [&](const OfficialAccount& a) {
      return a.platform == p.platform && a.state != AccountState::closed;
    });
    if (!done) return p.platform;
  }
  return std::nullopt;
}

void show_register_form(const Context& ctx, const bot::Request& r, const std::string& platform, bool as_reply) {
  const std::string lang = ctx.lang_of(r.requester);
  auto m = registry_message(ctx, lang, "registry.register", r.id + "/" + platform);
  if (!m) return;
  if (as_reply)
    ctx.reply(std::move(*m));
  else
    ctx.to_person(r.requester, std::move(*m));
}

void on_register_form(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const std::string& context = ctx.event->form_context;
  const size_t slash = context.find('/');
  auto r = slash == std::string::npos ? std::nullopt : ctx.store.request(context.substr(0, slash));
  if (!r || !r->decision) return refuse(ctx, "unknown", context);
  const std::string platform = context.substr(slash + 1);
  if (r->requester != me.id) return refuse(ctx, "not_requester", r->id, {{"id", r->id}});
  if (!authorization_in_force(ctx, *r)) return refuse(ctx, "not_in_force", r->id, {{"id", r->id}});
  const auto& kept = r->decision->authorized;
  if (std::none_of(kept.begin(), kept.end(), [&](const bot::PlatformPlan& p) { return p.platform == platform; }))
    return refuse(ctx, "not_authorized_platform", r->id,
                  {{"id", r->id}, {"platform", bot::markup::escape(platform_label(platform))}});
  for (const auto& a : ctx.store.accounts_of_request(r->id))
    if (a.platform == platform && a.state != AccountState::closed)
      return say(ctx, "registry.register.already", {{"account", account_label(a)}});
  Errors errors;
  AccountFields f = read_account_fields(ctx, errors);
  check_credentials(ctx, errors);
  if (!errors.empty()) return resend(ctx, errors);

  OfficialAccount a{.id = ctx.store.next_account_id(),
                    .kind = "official",
                    .request_id = r->id,
                    .platform = platform,
                    .handle = f.handle,
                    .address = f.address,
                    .site = r->site,
                    .owner = r->requester,
                    .monitors = f.monitors,
                    .state = AccountState::active,
                    .registered_by = me.id,
                    .registered_at = ctx.now,
                    .credentials_confirmed_by = me.id,
                    .credentials_confirmed_at = ctx.now,
                    .confirmed_year = school_year_of(ctx, ctx.now)};
  ctx.store.save_account(a);
  ctx.audit("account.registered", a.id, account_details(a));
  const std::string label = account_label(a);
  say(ctx, "registry.register.done",
      {{"account", label},
       {"monitors", names(ctx, a.monitors)},
       {"site", site_name(ctx, me.language, a.site)},
       {"date", ctx.date_label(me.language, ctx.now)}});
  tell_place(ctx, a, "registry.register.to_site",
             {{"account", label},
              {"owner", ctx.name_of(a.owner)},
              {"id", r->id},
              {"monitors", names(ctx, a.monitors)},
              {"address", bot::markup::escape(a.address)}});
  if (auto next = next_unregistered(ctx, *r)) show_register_form(ctx, *r, *next, true);
}

void on_add_form(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const bool decider = ctx.config.is_decider(me.id);
  if (!decider && !me.has_role(bot::Role::principal)) return refuse(ctx, "not_principal", "");
  std::string site = decider ? value_of(ctx, "site") : me.site;
  if (site == "district") site.clear();
  Errors errors;
  const std::string lang = me.language;
  if (decider && !site.empty() && !ctx.config.site(site)) errors["site"] = ctx.text_in(lang, "registry.error.site");
  if (!decider && !principal_of(ctx, site, me.id)) return refuse(ctx, "not_principal", "");
  const std::string platform = value_of(ctx, "platform");
  if (platform.empty()) errors["platform"] = ctx.text_in(lang, "registry.error.platform");
  AccountFields f = read_account_fields(ctx, errors);
  std::vector<std::string> unknown;
  auto owners = resolve_people(ctx, value_of(ctx, "owner"), unknown);
  if (owners.size() != 1 || !unknown.empty()) errors["owner"] = ctx.text_in(lang, "registry.error.owner");
  check_credentials(ctx, errors);
  if (!errors.empty()) return resend(ctx, errors);
  OfficialAccount a{.id = ctx.store.next_account_id(),
                    .kind = "official",
                    .platform = platform,
                    .handle = f.handle,
                    .address = f.address,
                    .site = site,
                    .owner = owners.front(),
                    .monitors = f.monitors,
                    .state = AccountState::active,
                    .registered_by = me.id,
                    .registered_at = ctx.now,
                    .credentials_confirmed_by = me.id,
                    .credentials_confirmed_at = ctx.now,
                    .confirmed_year = school_year_of(ctx, ctx.now)};
  ctx.store.save_account(a);
  ctx.audit("account.added", a.id, account_details(a));
  say(ctx, "registry.add.done", {{"account", account_label(a)}, {"owner", ctx.name_of(a.owner)}});
  if (a.owner != me.id)
    tell_person(ctx, a.owner, "registry.add.to_owner",
                {{"account", account_label(a)}, {"by", ctx.name_of(me.id)}, {"monitors", names(ctx, a.monitors)}});
}

// A booster's account name may not use the school's name (Boosters 3): the site's name's first
// word ("Lincoln") in the handle or the group name is sent back with the clause.
bool uses_school_name(const Context& ctx, std::string_view site, std::string_view handle) {
  const bot::Site* s = ctx.config.site(site);
  if (!s) return false;
  std::string word = lower(s->name.substr(0, s->name.find(' ')));
  return word.size() >= 3 && lower(handle).find(word) != std::string::npos;
}

Message booster_card(const Context& ctx, const OfficialAccount& a) {
  const std::string lang = ctx.place_lang(place_of(a));
  Message m;
  m.header(bot::markup::to_plain(
      ctx.text_in(lang, "registry.booster.card_header", {{"group", bot::markup::escape(a.group)}})));
  m.fields({{ctx.text_in(lang, "registry.field.account"), account_label(a)},
            {ctx.text_in(lang, "registry.field.address"), bot::markup::escape(a.address)},
            {ctx.text_in(lang, "registry.field.sponsor"), ctx.name_of(a.owner)},
            {ctx.text_in(lang, "registry.field.monitors"), names(ctx, a.monitors)}});
  quote_registry_clause(ctx, m, "booster_name");
  quote_registry_clause(ctx, m, "booster_content");
  if (a.state == AccountState::pending_ack) {
    m.paragraph(ctx.text_in(lang, "registry.booster.card_ask"));
    m.buttons({{"booster_ack", ctx.text_in(lang, "registry.booster.ack_button"), a.id, bot::ButtonStyle::primary}});
  } else {
    m.context(ctx.text_in(lang, "registry.booster.card_acknowledged",
                          {{"by", ctx.name_of(a.acknowledged_by)}, {"date", ctx.date_label(lang, a.acknowledged_at)}}));
  }
  return m;
}

void on_booster_form(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const std::string lang = me.language;
  Errors errors;
  const std::string group = value_of(ctx, "group");
  const std::string site = value_of(ctx, "site");
  const std::string platform = value_of(ctx, "platform");
  if (group.empty()) errors["group"] = ctx.text_in(lang, "registry.error.group");
  if (!ctx.config.site(site)) errors["site"] = ctx.text_in(lang, "registry.error.site");
  if (platform.empty()) errors["platform"] = ctx.text_in(lang, "registry.error.platform");
  AccountFields f = read_account_fields(ctx, errors);
  const bool school_name = !f.handle.empty() && errors.find("handle") == errors.end() &&
                           (uses_school_name(ctx, site, f.handle) || uses_school_name(ctx, site, group));
  if (school_name) errors["handle"] = ctx.text_in(lang, "registry.error.school_name");
  if (value_of(ctx, "rules") != "yes") errors["rules"] = ctx.text_in(lang, "registry.error.rules");
  check_credentials(ctx, errors);
  if (!errors.empty()) {
    if (school_name) {
      Message why;
      why.paragraph(ctx.text(me, "registry.booster.school_name"));
      quote_registry_clause(ctx, why, "booster_name");
      ctx.reply(std::move(why));
    }
    return resend(ctx, errors);
  }
  OfficialAccount a{.id = ctx.store.next_account_id(),
                    .kind = "booster",
                    .platform = platform,
                    .handle = f.handle,
                    .address = f.address,
                    .site = site,
                    .owner = me.id,
                    .monitors = f.monitors,
                    .group = group,
                    .state = AccountState::pending_ack,
                    .registered_by = me.id,
                    .registered_at = ctx.now,
                    .credentials_confirmed_by = me.id,
                    .credentials_confirmed_at = ctx.now,
                    .confirmed_year = school_year_of(ctx, ctx.now)};
  ctx.store.save_account(a);
  ctx.audit("account.booster_registered", a.id, account_details(a));
  say(ctx, "registry.booster.done", {{"account", account_label(a)}, {"site", site_name(ctx, lang, site)}});
  ctx.to_place(place_of(a), booster_card(ctx, a), "", "booster/" + a.id);
}

void on_monitor_form(Context& ctx) {
  auto a = ctx.store.account(ctx.event->form_context);
  if (!a || a->state == AccountState::closed) return refuse(ctx, "unknown", ctx.event->form_context);
  if (!may_manage(ctx, *a, ctx.actor->id)) return refuse(ctx, "not_manager", a->id, {{"account", account_label(*a)}});
  Errors errors;
  std::vector<std::string> unknown;
  auto monitors = resolve_people(ctx, value_of(ctx, "monitors"), unknown);
  if (!unknown.empty() || monitors.empty())
    errors["monitors"] = ctx.text_in(lang_of_actor(ctx), "registry.error.monitors");
  if (!errors.empty()) return resend(ctx, errors);
  const auto before = a->monitors;
  a->monitors = monitors;
  const bool renewal = !a->renewal_asked.empty();
  if (renewal) {
    a->confirmed_year = a->renewal_asked;
    a->renewal_asked.clear();
  }
  ctx.store.save_account(*a);
  ctx.audit("account.monitors_changed", a->id, {{"before", before}, {"after", monitors}, {"renewal", renewal}});
  say(ctx, "registry.monitor.done", {{"account", account_label(*a)}, {"monitors", names(ctx, monitors)}});
  tell_place(ctx, *a, "registry.monitor.to_site",
             {{"account", account_label(*a)}, {"by", ctx.name_of(ctx.actor->id)}, {"monitors", names(ctx, monitors)}});
}

void close_account(Context& ctx, OfficialAccount a, const std::string& note) {
  a.state = AccountState::closed;
  a.closed_by = ctx.actor->id;
  a.closed_at = ctx.now;
  a.closed_note = note;
  a.renewal_asked.clear();
  ctx.store.save_account(a);
  ctx.audit("account.closed", a.id, {{"note", note}, {"date", local_date(ctx, ctx.now)}});
  const bot::PromptVars vars = {{"account", account_label(a)},
                                {"by", ctx.name_of(ctx.actor->id)},
                                {"date", ctx.date_label(ctx.lang_of(a.owner), ctx.now)}};
  say(ctx, "registry.close.done", vars);
  tell_place(ctx, a, "registry.close.to_site",
             {{"account", account_label(a)},
              {"by", ctx.name_of(ctx.actor->id)},
              {"date", ctx.date_label(ctx.place_lang(place_of(a)), ctx.now)}});
  if (a.owner != ctx.actor->id) tell_person(ctx, a.owner, "registry.close.to_owner", vars);
}

void confirm_active(Context& ctx, OfficialAccount a) {
  if (a.renewal_asked.empty()) return say(ctx, "registry.renewal.nothing", {{"account", account_label(a)}});
  a.confirmed_year = a.renewal_asked;
  a.renewal_asked.clear();
  ctx.store.save_account(a);
  ctx.audit("account.renewed", a.id, {{"year", a.confirmed_year}});
  say(ctx, "registry.renewal.confirmed", {{"account", account_label(a)}, {"year", a.confirmed_year}});
}

void acknowledge_booster(Context& ctx, OfficialAccount a) {
  if (!principal_of(ctx, a.site, ctx.actor->id))
    return refuse(ctx, "not_site_principal", a.id, {{"site", site_name(ctx, ctx.actor->language, a.site)}});
  if (a.state != AccountState::pending_ack)
    return say(ctx, "registry.booster.already", {{"account", account_label(a)}});
  a.state = AccountState::active;
  a.acknowledged_by = ctx.actor->id;
  a.acknowledged_at = ctx.now;
  ctx.store.save_account(a);
  ctx.audit("account.acknowledged", a.id, {{"group", a.group}});
  ctx.to_place(place_of(a), booster_card(ctx, a), "", "", "booster/" + a.id);
  tell_person(ctx, a.owner, "registry.booster.acknowledged",
              {{"account", account_label(a)}, {"by", ctx.name_of(ctx.actor->id)}});
}

// Which accounts the actor sees: the superintendent's office all, a principal the site's, anyone
// else those they own or monitor.
std::vector<OfficialAccount> visible_accounts(const Context& ctx, std::string& scope_key) {
  const bot::Person& me = *ctx.actor;
  if (ctx.config.is_decider(me.id)) {
    scope_key = "registry.list.scope_all";
    return ctx.store.registered_accounts("");
  }
  if (me.has_role(bot::Role::principal) && principal_of(ctx, me.site, me.id)) {
    scope_key = "registry.list.scope_site";
    return ctx.store.registered_accounts(me.site);
  }
  scope_key = "registry.list.scope_own";
  std::vector<OfficialAccount> mine;
  for (auto& a : ctx.store.registered_accounts(""))
    if (a.owner == me.id || std::find(a.monitors.begin(), a.monitors.end(), me.id) != a.monitors.end())
      mine.push_back(std::move(a));
  return mine;
}

std::string account_line(const Context& ctx, std::string_view lang, const OfficialAccount& a) {
  std::string line = ctx.text_in(lang, "registry.list.line",
                                 {{"account", account_label(a)},
                                  {"address", bot::markup::escape(a.address)},
                                  {"site", site_name(ctx, lang, a.site)},
                                  {"owner", ctx.name_of(a.owner)},
                                  {"monitors", names(ctx, a.monitors)},
                                  {"confirmed_by", ctx.name_of(a.credentials_confirmed_by)},
                                  {"confirmed_on", ctx.date_label(lang, a.credentials_confirmed_at)}});
  if (a.kind == "booster")
    line += ctx.text_in(lang, "registry.list.booster", {{"group", bot::markup::escape(a.group)}});
  if (a.state == AccountState::pending_ack) line += ctx.text_in(lang, "registry.list.pending_ack");
  if (!a.renewal_asked.empty())
    line += ctx.text_in(lang, "registry.list.renewal_waiting", {{"date", ctx.date_label(lang, a.renewal_asked_at)}});
  else if (!a.confirmed_year.empty())
    line += ctx.text_in(lang, "registry.list.confirmed", {{"year", a.confirmed_year}});
  return line;
}

void show_accounts(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  std::string scope;
  auto accounts = visible_accounts(ctx, scope);
  Message m;
  m.header(ctx.text(me, "registry.list.header"));
  m.context(ctx.text(me, scope, {{"site", site_name(ctx, me.language, me.site)}}));
  if (accounts.empty()) {
    m.paragraph(ctx.text(me, "registry.list.none"));
  } else {
    std::string lines;
    for (const auto& a : accounts) lines += (lines.empty() ? "- " : "\n- ") + account_line(ctx, me.language, a);
    m.paragraph(lines);
  }
  m.context(ctx.text(me, "registry.list.footer"));
  ctx.audit("registry.listed", "registry", {{"count", accounts.size()}});
  ctx.reply(std::move(m));
}

void export_accounts(Context& ctx) {
  const bot::Person& me = *ctx.actor;
  const bool decider = ctx.config.is_decider(me.id);
  if (!decider && !(me.has_role(bot::Role::principal) && principal_of(ctx, me.site, me.id)))
    return refuse(ctx, "export_who", "registry");
  auto accounts = exportable_accounts(ctx.store, decider ? "" : me.site);
  Message m;
  m.header(bot::markup::to_plain(
      ctx.text(me, "registry.export.header",
               {{"scope", decider ? ctx.text(me, "registry.export.all") : site_name(ctx, me.language, me.site)},
                {"date", ctx.date_label(me.language, ctx.now)}})));
  quote_registry_clause(ctx, m, "export");
  m.paragraph(ctx.text(me, "registry.export.table_intro", {{"n", std::to_string(accounts.size())}}));
  if (!accounts.empty()) m.paragraph(registry_table(ctx, me.language, accounts));
  m.paragraph(ctx.text(me, "registry.export.csv_intro"));
  std::string csv = registry_csv(ctx.config, ctx.services.calendar, accounts);
  std::string csv_markup;
  size_t start = 0;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    if (end == std::string::npos) end = csv.size();
    csv_markup += (csv_markup.empty() ? "" : "\n") + bot::markup::escape(csv.substr(start, end - start));
    start = end + 1;
  }
  m.paragraph(csv_markup);
  m.context(ctx.text(me, "registry.export.footer"));
  ctx.audit("registry.exported", "registry", {{"count", accounts.size()}, {"site", decider ? "" : me.site}});
  ctx.reply(std::move(m));
}

void show_pending_registrations(Context& ctx) {
  for (const auto& r : ctx.store.requests_of(ctx.actor->id))
    if (authorization_in_force(ctx, r))
      if (auto next = next_unregistered(ctx, r)) return show_register_form(ctx, r, *next, true);
  say(ctx, "registry.register.none");
}

std::string csv_cell(std::string_view v) {
  std::string s(v);
  // A spreadsheet must not run a cell as a formula.
  if (!s.empty() && (s.front() == '=' || s.front() == '+' || s.front() == '-')) s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void quote_registry_clause(const Context& ctx, Message& m, std::string_view which) {
  if (!ctx.services.policy) return;
  std::string id;
  if (auto it = ctx.config.clauses.find("registry_" + std::string(which)); it != ctx.config.clauses.end())
    id = it->second;
  else if (auto d = kDefaultClauses.find(which); d != kDefaultClauses.end())
    id = std::string(d->second);
  if (const bot::Passage* p = ctx.services.policy->find(id)) m.quote(p->text, p->citation);
}

std::string account_label(const OfficialAccount& a) {
  return "**" + bot::markup::escape(platform_label(a.platform)) + " " + bot::markup::escape(a.handle) + "** (" + a.id +
         ")";
}

std::string school_year_of(const Context& ctx, bot::TimePoint t) {
  auto day = ctx.services.calendar.local_day(t);
  const std::string& md = ctx.config.registry.renewal_date;
  int year = static_cast<int>(day.year());
  auto start = bot::DistrictCalendar::parse_iso(std::to_string(year) + "-" + md);
  if (day < start) --year;
  const std::string next = std::to_string((year + 1) % 100);
  return std::to_string(year) + "–" + (next.size() < 2 ? "0" + next : next);
}

void ask_to_register(Context& ctx, const bot::Request& r) {
  if (!authorization_in_force(ctx, r)) return;
  if (auto next = next_unregistered(ctx, r)) show_register_form(ctx, r, *next, false);
}

void on_accounts_command(Context& ctx, const std::string& rest) {
  std::string word = lower(rest.substr(0, rest.find(' ')));
  std::string tail = rest.find(' ') == std::string::npos ? "" : trim(rest.substr(rest.find(' ') + 1));
  if (word.empty() || word == "list" || word == "lista") return show_accounts(ctx);
  if (word == "export" || word == "exportar") return export_accounts(ctx);
  if (word == "register" || word == "registrar") return show_pending_registrations(ctx);
  if (word == "add" || word == "agregar") {
    const bot::Person& me = *ctx.actor;
    if (!ctx.config.is_decider(me.id) && !(me.has_role(bot::Role::principal) && principal_of(ctx, me.site, me.id)))
      return refuse(ctx, "not_principal", "");
    if (auto m = registry_message(ctx, me.language, "registry.add", "")) ctx.reply(std::move(*m));
    return;
  }
  if (word == "close" || word == "cerrar") {
    std::string id = lower(tail.substr(0, tail.find(' ')));
    if (!id.empty()) id[0] = 'A';
    auto a = ctx.store.account(id);
    if (!a || a->state == AccountState::closed)
      return refuse(ctx, "unknown", "", {{"id", bot::markup::escape_short(tail, 40)}});
    if (!may_manage(ctx, *a, ctx.actor->id)) return refuse(ctx, "not_manager", a->id, {{"account", account_label(*a)}});
    std::string note = tail.find(' ') == std::string::npos ? "" : trim(tail.substr(tail.find(' ') + 1));
    return close_account(ctx, std::move(*a), note);
  }
  say(ctx, "registry.help");
}

void on_booster_command(Context& ctx) {
  if (auto m = registry_message(ctx, ctx.actor->language, "registry.booster", "")) ctx.reply(std::move(*m));
}

void on_registry_form(Context& ctx) {
  const std::string& form = ctx.event->form_id;
  if (form == "registry.register") return on_register_form(ctx);
  if (form == "registry.add") return on_add_form(ctx);
  if (form == "registry.booster") return on_booster_form(ctx);
  if (form == "registry.monitor") return on_monitor_form(ctx);
  say(ctx, "command.unknown_action");
}

bool is_registry_action(std::string_view id) {
  return id == "account_active" || id == "account_monitor" || id == "account_closed" || id == "booster_ack" ||
         id == "register_account";
}

void on_registry_action(Context& ctx) { registry_act(ctx, ctx.event->action_id, trim(ctx.event->action_value)); }

void registry_act(Context& ctx, const std::string& id, const std::string& value) {
  if (id == "register_account") return show_pending_registrations(ctx);
  std::string account_id = lower(value);
  if (!account_id.empty()) account_id[0] = 'A';
  auto a = ctx.store.account(account_id);
  if (!a || a->state == AccountState::closed)
    return refuse(ctx, "unknown", "", {{"id", bot::markup::escape_short(value, 40)}});
  if (id == "booster_ack") return acknowledge_booster(ctx, std::move(*a));
  if (!may_manage(ctx, *a, ctx.actor->id)) return refuse(ctx, "not_manager", a->id, {{"account", account_label(*a)}});
  if (id == "account_active") return confirm_active(ctx, std::move(*a));
  if (id == "account_closed") return close_account(ctx, std::move(*a), "");
  if (id == "account_monitor")
    if (auto m = registry_message(ctx, ctx.actor->language, "registry.monitor", a->id)) ctx.reply(std::move(*m));
}

void show_registry_form_again(Context& ctx, const std::string& blank_key) { resend(ctx, {}, blank_key); }

std::vector<OfficialAccount> exportable_accounts(bot::RegistryRepository& store, std::string_view site) {
  std::vector<OfficialAccount> out;
  for (auto& a : store.registered_accounts(site))
    if (a.state == AccountState::active) out.push_back(std::move(a));
  return out;
}

std::string registry_csv(const bot::DistrictConfig& config, const bot::DistrictCalendar& calendar,
                         const std::vector<OfficialAccount>& accounts) {
  std::string out =
      "account,site,platform,name_or_handle,address,owner,monitors,kind,group,registered_on,"
      "held_at_site_confirmed_by,school_year_confirmed\n";
  for (const auto& a : accounts) {
    const bot::Site* s = config.site(a.site);
    std::string monitors;
    for (const auto& m : a.monitors) monitors += (monitors.empty() ? "" : "; ") + plain_name(config, m);
    std::vector<std::string> cells = {a.id,
                                      s ? s->name : "District office",
                                      platform_label(a.platform),
                                      a.handle,
                                      a.address,
                                      plain_name(config, a.owner),
                                      monitors,
                                      a.kind,
                                      a.group,
                                      bot::DistrictCalendar::iso(calendar.local_day(a.registered_at)),
                                      plain_name(config, a.credentials_confirmed_by),
                                      a.confirmed_year};
    std::string row;
    for (const auto& c : cells) row += (row.empty() ? "" : ",") + csv_cell(c);
    out += row + "\n";
  }
  return out;
}

std::string registry_table(const Context& ctx, std::string_view lang, const std::vector<OfficialAccount>& accounts) {
  std::string out = "**" + ctx.text_in(lang, "registry.table.columns") + "**";
  for (const auto& a : accounts) {
    out += "\n- " + ctx.text_in(lang, "registry.table.row",
                                {{"id", a.id},
                                 {"site", site_name(ctx, lang, a.site)},
                                 {"platform", bot::markup::escape(platform_label(a.platform))},
                                 {"handle", bot::markup::escape(a.handle)},
                                 {"address", bot::markup::escape(a.address)},
                                 {"owner", ctx.name_of(a.owner)},
                                 {"monitors", names(ctx, a.monitors)},
                                 {"year", a.confirmed_year.empty() ? "—" : a.confirmed_year}});
  }
  return out;
}

}  // namespace workflows
