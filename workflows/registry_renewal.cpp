#include "workflows/registry_renewal.hpp"

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/registry_accounts.hpp"
#include "workflows/registry_authorizations.hpp"

namespace workflows {

using bot::Message;
using bot::OfficialAccount;

namespace {

constexpr std::string_view kRenewalTime = "08:00";

// The renewal date on or after today (today's if its time has not passed).
std::string next_renewal(const Context& ctx) {
  const auto& cal = ctx.services.calendar;
  int year = static_cast<int>(cal.local_day(ctx.now).year());
  for (;; ++year) {
    std::string day = std::to_string(year) + "-" + ctx.config.registry.renewal_date;
    if (cal.at_local(bot::DistrictCalendar::parse_iso(day), kRenewalTime) >= ctx.now) return day;
  }
}

std::string next_year_of(std::string_view day) {
  return std::to_string(std::stoi(std::string(day.substr(0, 4))) + 1) + std::string(day.substr(4));
}

void ask_owner(Context& ctx, OfficialAccount& a, const std::string& year) {
  a.renewal_asked = year;
  a.renewal_asked_at = ctx.now;
  ctx.store.save_account(a);
  ctx.audit("account.renewal_asked", a.id, {{"year", year}, {"owner", a.owner}});
  const std::string lang = ctx.lang_of(a.owner);
  const bot::Site* s = ctx.config.site(a.site);
  std::string monitors;
  for (const auto& m : a.monitors) monitors += (monitors.empty() ? "" : ", ") + ctx.name_of(m);
  Message m;
  m.header(ctx.text_in(lang, "registry.renewal.header", {{"year", year}}));
  m.paragraph(ctx.text_in(lang, "registry.renewal.ask",
                          {{"account", account_label(a)},
                           {"address", bot::markup::escape(a.address)},
                           {"monitors", monitors},
                           {"site", s ? bot::markup::escape(s->name) : ctx.text_in(lang, "registry.district_office")},
                           {"year", year}}));
  quote_registry_clause(ctx, m, "registered");
  m.buttons({{"account_active", ctx.text_in(lang, "registry.renewal.active"), a.id, bot::ButtonStyle::primary},
             {"account_monitor", ctx.text_in(lang, "registry.renewal.monitor"), a.id},
             {"account_closed", ctx.text_in(lang, "registry.renewal.closed"), a.id, bot::ButtonStyle::danger}});
  m.context(ctx.text_in(lang, "registry.renewal.how", {{"id", a.id}}));
  ctx.to_person(a.owner, std::move(m));
}

void on_renewal_timer(Context& ctx, const bot::Timer& timer) {
  ctx.effects.schedule(
      {"registry.renewal", next_year_of(timer.subject),
       ctx.services.calendar.at_local(bot::DistrictCalendar::parse_iso(next_year_of(timer.subject)), kRenewalTime)});
  const std::string year = school_year_of(ctx, ctx.now);
  int asked = 0;
  for (auto& a : ctx.store.registered_accounts("")) {
    if (a.state != bot::AccountState::active || a.confirmed_year == year) continue;
    ask_owner(ctx, a, year);
    ++asked;
  }
  ctx.audit("registry.renewal_started", "registry", {{"year", year}, {"asked", asked}});
}

// Unanswered since before tonight's day began: asked at least one night ago.
bool unconfirmed_since(const Context& ctx, const OfficialAccount& a, int days) {
  if (a.renewal_asked.empty()) return false;
  const auto& cal = ctx.services.calendar;
  const auto asked = date::sys_days{cal.local_day(a.renewal_asked_at)};
  const auto today = date::sys_days{cal.local_day(ctx.now)};
  return (today - asked).count() >= days;
}

}  // namespace

void schedule_registry_timers(Context& ctx) {
  const std::string day = next_renewal(ctx);
  ctx.effects.schedule(
      {"registry.renewal", day, ctx.services.calendar.at_local(bot::DistrictCalendar::parse_iso(day), kRenewalTime)});
}

void on_registry_timer(Context& ctx, const bot::Timer& timer) {
  if (timer.kind == "registry.renewal") on_renewal_timer(ctx, timer);
}

void collect_renewal_items(const Context& ctx, DigestBook& book) {
  for (const auto& a : ctx.store.registered_accounts("")) {
    if (!unconfirmed_since(ctx, a, 1)) continue;
    DigestItem item{.section = DigestSection::to_act,
                    .id = a.id,
                    .line_key = "registry.digest.unconfirmed",
                    .vars = {{"account", account_label(a)},
                             {"owner", ctx.name_of(a.owner)},
                             {"year", a.renewal_asked},
                             {"asked", ctx.date_label(ctx.config.default_language, a.renewal_asked_at)}}};
    if (const bot::Site* s = ctx.config.site(a.site))
      for (const auto& p : s->principals) book.add(p, item);
    else
      for (const auto& d : ctx.config.deciders()) book.add(d, item);
  }
}

void send_registry_summary(Context& ctx, std::string_view night) {
  const std::string lang = ctx.place_lang("superintendent");
  std::string lines;
  int n = 0;
  for (const auto& a : ctx.store.registered_accounts("")) {
    if (!unconfirmed_since(ctx, a, ctx.config.registry.escalate_after_days)) continue;
    const bot::Site* s = ctx.config.site(a.site);
    lines += (n++ ? "\n- " : "- ") +
             ctx.text_in(lang, "registry.summary.line",
                         {{"account", account_label(a)},
                          {"owner", ctx.name_of(a.owner)},
                          {"site", s ? bot::markup::escape(s->name) : ctx.text_in(lang, "registry.district_office")},
                          {"asked", ctx.date_label(lang, a.renewal_asked_at)}});
  }
  if (n == 0) return;
  Message m;
  m.header(ctx.text_in(lang, "registry.summary.header", {{"date", ctx.date_label(lang, night)}}));
  m.paragraph(
      ctx.text_in(lang, "registry.summary.intro",
                  {{"n", std::to_string(n)}, {"days", std::to_string(ctx.config.registry.escalate_after_days)}}));
  m.paragraph(lines);
  ctx.to_place("superintendent", std::move(m), "");
}

}  // namespace workflows
