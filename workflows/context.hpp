#pragma once
// What a workflow sees: the event (or timer), the acting person, the district's configuration,
// prompts, calendar and policy library, the domain's repositories inside the open transaction
// (bot/store/domain_store.hpp, never the delivery machinery), and the effects it produces.
// Workflows do no I/O: everything they say goes out through `effects`.
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "bot/district/config.hpp"
#include "bot/district/district.hpp"
#include "bot/district/district_calendar.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/effects.hpp"
#include "bot/model/inbound.hpp"
#include "bot/policy/policy_library.hpp"
#include "bot/store/domain_store.hpp"

namespace workflows {

// Read-only services, loaded once at start-up.
struct Services {
  const bot::DistrictConfig& config;
  const bot::Prompts& prompts;
  const bot::DistrictCalendar& calendar;
  const bot::PolicyLibrary* policy;  // null when the district names no policy documents
};

// The services of a loaded district (which must outlive them).
inline Services services_of(const bot::District& d) { return {d.config, d.prompts, *d.calendar, d.policy.get()}; }

class Context {
 public:
  Context(const Services& services, bot::DomainStore& store, bot::Effects& effects, bot::TimePoint now,
          const bot::Inbound* event, const bot::Person* actor, std::string thread_key);

  const Services& services;
  const bot::DistrictConfig& config;
  bot::DomainStore& store;
  bot::Effects& effects;
  const bot::TimePoint now;
  const bot::Inbound* event;     // null for timers
  const bot::Person* actor;      // null for timers
  const std::string thread_key;  // the domain thread the event happened in ("R-1001"), if any

  // Prompt text in a person's language (the district's language for shared places); for the actor,
  // the version written for the platform they wrote on (talk.variants.<platform>.<key>), if any.
  std::string text(const bot::Person& who, std::string_view key, const bot::PromptVars& vars = {}) const;
  std::string text_in(std::string_view lang, std::string_view key, const bot::PromptVars& vars = {}) const;
  // The language of a shared place ("site:lincoln", "superintendent"): that of the people who act
  // there (the site's principals; the superintendent and designees) when they share one, else the
  // district's. Empty: the district's.
  std::string place_lang(std::string_view place_id = {}) const;
  std::string lang_of(std::string_view person_id) const;

  // A person's display name, escaped for markup; the id itself when unknown.
  std::string name_of(std::string_view person_id) const;
  // "Tue Dec 1" in the language.
  std::string date_label(std::string_view lang, std::string_view iso_date) const;
  std::string date_label(std::string_view lang, bot::TimePoint t) const;
  // "5 days left, due Tue Dec 1" / "due today, Tue Dec 1" / "overdue: was due Tue Dec 1".
  std::string window_label(std::string_view lang, std::string_view due_iso) const;

  // Records an action in the audit log, with the platform message that caused it.
  void audit(std::string_view action, std::string_view subject, const nlohmann::json& details) const;

  // To the actor: privately where the event happened (their DM, or only-you in a channel).
  // record_key remembers the message so a later reply with the same update_key replaces it.
  void reply(bot::Message m, std::string record_key = {}, std::string update_key = {}) const;
  // To everyone in the place where the event happened (the thread, if it was in one).
  void reply_public(bot::Message m) const;
  void to_person(std::string_view person_id, bot::Message m, std::string thread_key = {}) const;
  void to_place(std::string_view place_id, bot::Message m, std::string thread_key, std::string record_key = {},
                std::string update_key = {}) const;
};

}  // namespace workflows
