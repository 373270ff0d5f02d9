#include "workflows/context.hpp"

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"

namespace workflows {

using bot::Message;
using bot::Outbound;
using bot::Recipient;

Context::Context(const Services& s, bot::DomainStore& st, bot::Effects& fx, bot::TimePoint n, const bot::Inbound* ev,
                 const bot::Person* a, std::string tk)
    : services(s), config(s.config), store(st), effects(fx), now(n), event(ev), actor(a), thread_key(std::move(tk)) {}

std::string Context::text(const bot::Person& who, std::string_view key, const bot::PromptVars& vars) const {
  // The actor reads it where they wrote: that platform's own version, when it has one.
  if (event && actor && who.id == actor->id) {
    const std::string variant = "talk.variants." + event->platform + "." + std::string(key);
    if (services.prompts.has("en", variant)) return services.prompts.text(who.language, variant, vars);
  }
  return services.prompts.text(who.language, key, vars);
}

std::string Context::text_in(std::string_view lang, std::string_view key, const bot::PromptVars& vars) const {
  return services.prompts.text(lang, key, vars);
}

std::string Context::lang_of(std::string_view person_id) const {
  const bot::Person* p = config.person(person_id);
  return p ? p->language : config.default_language;
}

std::string Context::place_lang(std::string_view place_id) const {
  std::string shared;
  bool mixed = false;
  const auto acts_there = [&](const bot::Person& p) {
    if (place_id == "superintendent") return p.id == config.superintendent || p.has_role(bot::Role::designee);
    return place_id.starts_with("site:") && p.site == place_id.substr(5) && p.has_role(bot::Role::principal);
  };
  for (const auto& p : config.people) {
    if (!acts_there(p)) continue;
    if (shared.empty())
      shared = p.language;
    else if (shared != p.language)
      mixed = true;
  }
  return shared.empty() || mixed ? config.default_language : shared;
}

std::string Context::name_of(std::string_view person_id) const {
  const bot::Person* p = config.person(person_id);
  return bot::markup::escape(p ? p->name : person_id);
}

std::string Context::date_label(std::string_view lang, std::string_view iso_date) const {
  auto d = bot::DistrictCalendar::parse_iso(iso_date);
  unsigned wd = date::weekday{date::sys_days{d}}.c_encoding();
  unsigned m = static_cast<unsigned>(d.month());
  return text_in(lang, "dates.short",
                 {{"weekday", text_in(lang, "dates.weekday_" + std::to_string(wd))},
                  {"month", text_in(lang, "dates.month_" + std::to_string(m))},
                  {"day", std::to_string(static_cast<unsigned>(d.day()))}});
}

std::string Context::date_label(std::string_view lang, bot::TimePoint t) const {
  return date_label(lang, bot::DistrictCalendar::iso(services.calendar.local_day(t)));
}

std::string Context::window_label(std::string_view lang, std::string_view due_iso) const {
  int left = services.calendar.days_left(now, due_iso);
  std::string due = date_label(lang, due_iso);
  if (now >= services.calendar.deadline(due_iso)) return text_in(lang, "window.overdue", {{"due", due}});
  if (left <= 0) return text_in(lang, "window.today", {{"due", due}});
  if (left == 1) return text_in(lang, "window.one_day", {{"due", due}});
  return text_in(lang, "window.days", {{"n", std::to_string(left)}, {"due", due}});
}

void Context::audit(std::string_view action, std::string_view subject, const nlohmann::json& details) const {
  std::string source;
  if (event) source = event->platform + ":" + event->event_id;
  store.append_audit({.at = now,
                      .actor = actor ? actor->id : "hallpass",
                      .action = std::string(action),
                      .subject = std::string(subject),
                      .details = details.dump(),
                      .source = source});
}

void Context::reply(Message m, std::string record_key, std::string update_key) const {
  if (!event) return;
  Outbound o;
  if (event->place.direct && actor) {
    o.to = Recipient::person(actor->id, event->platform);
    o.thread_key = thread_key;
  } else {
    o.to = {.kind = Recipient::Kind::reply,
            .platform = event->platform,
            .channel = event->place.channel,
            .thread_ref = event->place.thread_ref,
            .only_user = event->actor};
  }
  o.message = std::move(m);
  o.reply_context = event->reply_context;
  o.record_key = std::move(record_key);
  o.update_key = std::move(update_key);
  effects.send(std::move(o));
}

void Context::reply_public(Message m) const {
  if (!event) return;
  if (event->place.direct) return reply(std::move(m));
  Outbound o;
  o.to = {.kind = Recipient::Kind::reply,
          .platform = event->platform,
          .channel = event->place.channel,
          .thread_ref = event->place.thread_ref};
  o.message = std::move(m);
  effects.send(std::move(o));
}

void Context::to_person(std::string_view person_id, Message m, std::string tk) const {
  effects.send({.to = Recipient::person(std::string(person_id)), .message = std::move(m), .thread_key = std::move(tk)});
}

void Context::to_place(std::string_view place_id, Message m, std::string tk, std::string record_key,
                       std::string update_key) const {
  effects.send({.to = Recipient::place(std::string(place_id)),
                .message = std::move(m),
                .thread_key = std::move(tk),
                .record_key = std::move(record_key),
                .update_key = std::move(update_key)});
}

}  // namespace workflows
