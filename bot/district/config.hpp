#pragma once
// The district configuration: one YAML file per district (config/*.yaml), loaded and validated
// by bot/district/config_loader.hpp. Plain data; read-only after start-up.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/district/people_index.hpp"
#include "bot/model/incident.hpp"
#include "bot/policy/policy_library.hpp"

namespace bot {

// Where a conversation happens, per platform: {"slack": "C0123", "web": "#lincoln-approvals"}.
using PlatformAddresses = std::map<std::string, std::string>;

struct Place {
  std::string id;    // "site:lincoln", "superintendent"
  std::string name;  // "Lincoln Elementary approvals"
  PlatformAddresses addresses;
};

struct Site {
  std::string id;                       // "lincoln"
  std::string name;                     // "Lincoln Elementary School"
  std::vector<std::string> principals;  // person ids
  Place approvals;
};

// associated: volunteers, walk-on coaches, contractors (issue 21): they ask, report and acknowledge.
enum class Role { employee, principal, superintendent, designee, investigator, it_admin, associated };

struct Person {
  std::string id;    // "t.garcia"
  std::string name;  // "Teresa Garcia"
  std::string email;
  std::string language = "en";  // "en" or "es"
  std::vector<Role> roles;
  std::string site;           // site id, empty for central office
  std::string supervisor;     // person id, may be empty
  std::string title;          // "Teacher, grade 4"
  PlatformAddresses handles;  // platform user ids: slack U…, teams 29:…, matrix @…, web = person id

  bool has_role(Role r) const;
};

enum class DayCounting { calendar, school };

struct ReviewWindow {
  int days = 7;
  DayCounting counting = DayCounting::calendar;
  std::vector<std::string> holidays;  // ISO dates "2026-11-26", in the district's time zone
  bool more_info_pauses_clock = false;
  int warn_days_before = 2;           // warning this many days before the window closes
  int principal_escalation_days = 2;  // a principal who has not acted by then: also to the superintendent
};

struct DigestSettings {
  std::string time = "19:00";  // local time in the district's time zone
  int catch_up_hours = 6;      // a digest missed by less than this is sent late, once
};

// The registry of official accounts (issue 20): when the school year starts and its renewal runs.
struct RegistrySettings {
  std::string renewal_date = "08-15";  // month-day the owners are asked to confirm each account
  int escalate_after_days = 7;         // unconfirmed this long after the ask: in the superintendent's summary
};

struct Agency {
  std::string name;
  std::string phone;
  std::string note;
};

// What the incident category asks of the reporter and who is told.
struct IncidentCategory {
  std::string id;  // "threat", "harassment", "minor_images", "child_abuse", "confidential", "logo", "other"
  std::vector<Agency> contacts;
  std::vector<std::string> notify;  // person ids told beside the site administrator
  std::string policy_query;         // words that find the clauses that apply
};

// Classroom use, moderation reminders, the policy's acknowledgement, associated persons (issue 21).
struct ClassroomSettings {
  std::string moderation_reminder = "morning";  // "morning": a DM at moderation_time; "digest": in the digest
  std::string moderation_time = "07:30";        // local time of the morning reminder
  std::vector<unsigned> moderation_days = {1, 2, 3, 4, 5};  // weekdays, 0 = Sunday … 6 = Saturday
  bool associated_may_request = false;                      // associated persons may request District accounts
  std::string acknowledgement_policy;                       // document id sent for acknowledgement; empty: the first
  bool acknowledgement_on_first_message = false;  // a person never sent the policy gets it on their first message
};

struct AdapterSettings {
  bool enabled = false;
  std::map<std::string, std::string> settings;  // values after ${ENV} expansion
  int line = 0;                                 // where the adapter's section starts (1-based)
  std::map<std::string, int> lines;             // setting → its line, for adapters' own checks
  // Secret setting → the NAME of its ${NAME}: an adapter refused a rotated token reads it again
  // from its source (bot/district/secret_source.hpp) instead of failing until a restart.
  std::map<std::string, std::string> secret_names;
};

struct DistrictConfig {
  std::filesystem::path file;  // where it was loaded from
  std::string name;
  std::string time_zone = "America/Los_Angeles";
  std::string default_language = "en";
  std::vector<Site> sites;
  std::string superintendent;          // person id
  std::vector<std::string> designees;  // person ids
  Place superintendent_place;
  std::vector<Person> people;
  std::filesystem::path people_csv;  // people_csv: as resolved from the file's folder; empty when none
  ReviewWindow review;
  DigestSettings digest;
  RegistrySettings registry;
  std::vector<PolicyDocumentRef> policies;
  PolicyVocabulary vocabulary;
  std::map<std::string, std::string> clauses;  // role → passage id, e.g. "explanation_required"
  std::vector<IncidentCategory> incident_categories;
  ClassroomSettings classroom;
  // --- incidents (issue 22) ---
  IncidentProtocol incident_protocol = lausd_protocol();  // incidents.protocol (+ protocol_steps)
  std::vector<std::string> human_resources;  // incidents.human_resources: told of every abuse report (LBUSD §E)
  int retaliation_check_in_days = 14;        // incidents.retaliation_check_in_days; 0: no check-in
  int retention_days = 30;                   // records.operational_days: operational rows kept this long
  std::vector<std::string> adapter_order;    // adapters in the order the file names them
  std::map<std::string, AdapterSettings> adapters;
  // --- a district of a county folder (hallpass run --districts, issue 23) ---
  // workspaces: where the district is found on each platform: platform → Slack team ids, Teams
  // tenant ids, Matrix room ids, each with its line (two districts claiming one are refused).
  struct WorkspaceEntry {
    std::string id;
    int line = 0;
  };
  std::map<std::string, std::vector<WorkspaceEntry>> workspaces;

  const Person* person(std::string_view id) const;
  const Person* person_by_handle(std::string_view platform, std::string_view handle) const;
  const Person* person_by_email(std::string_view email) const;
  const Site* site(std::string_view id) const;
  const Place* place(std::string_view id) const;      // "site:<id>" or "superintendent"
  bool is_decider(std::string_view person_id) const;  // superintendent or designee
  std::vector<std::string> deciders() const;          // the superintendent, then the designees

  // What person, person_by_handle and person_by_email look in; kept public so the config stays
  // plain data that code and tests build field by field.
  PeopleIndex people_index;
};

}  // namespace bot
