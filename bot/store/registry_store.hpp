#pragma once
// The registry of official accounts (LBUSD Code of Ethics §E, "Official School Social Media
// Accounts Registry" and "Registry and Protocols for Affiliated Partners/Booster Clubs") and the
// terms of each authorization (audience, conditions, end date, suspended or revoked).
//
// The registry records THAT the credentials are on file with the site administrator, who said so
// and when: never a username or password. Nothing here has a field that could hold one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"

namespace bot {

enum class AccountState {
  active,       // registered and in the registry
  pending_ack,  // a booster club's account waiting for the principal's acknowledgement
  closed,       // left the registry (closed_at, closed_by)
};

inline std::string_view to_string(AccountState s) {
  switch (s) {
    case AccountState::active: return "active";
    case AccountState::pending_ack: return "pending_ack";
    case AccountState::closed: return "closed";
  }
  return "active";
}

inline std::optional<AccountState> account_state_from(std::string_view s) {
  for (auto st : {AccountState::active, AccountState::pending_ack, AccountState::closed})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

struct OfficialAccount {
  std::string id;                     // "A-1001"
  std::string kind;                   // "official" (an authorized request or added by a principal) or "booster"
  std::string request_id;             // the authorization it was registered under; empty when added or a booster's
  std::string platform;               // "instagram", …
  std::string handle;                 // the account's name or handle as it appears on the platform
  std::string address;                // its web address
  std::string site;                   // site id; empty for the district office
  std::string owner;                  // person id: who answers for it (requester, sponsor, or named by the principal)
  std::vector<std::string> monitors;  // person ids of the staff running/monitoring it
  std::string group;                  // booster club / parent group name (kind "booster")
  AccountState state = AccountState::active;
  std::string registered_by;
  TimePoint registered_at{};
  std::string credentials_confirmed_by;  // who confirmed the site holds the username and password
  TimePoint credentials_confirmed_at{};
  std::string acknowledged_by;  // booster: the principal who acknowledged it
  TimePoint acknowledged_at{};
  std::string confirmed_year;  // the school year of the last renewal confirmation ("2026")
  std::string renewal_asked;   // the school year the owner was asked for and has not answered
  TimePoint renewal_asked_at{};
  std::string closed_by;
  TimePoint closed_at{};
  std::string closed_note;
};

// What an authorization allows beyond the decision record: the narrowed audience, the end date,
// and whether the superintendent or a designee suspended or revoked it (with the explanation).
struct AuthorizationTerms {
  std::string request_id;
  std::vector<std::string> audience;  // empty: as requested
  std::string end_date;               // local date "2027-06-15"; empty: no end date
  std::string state = "active";       // "active", "suspended", "revoked"
  std::string state_by;
  TimePoint state_at{};
  std::string explanation;  // why it was suspended or revoked
};

// The registry's repository. The store keeps accounts in `official_accounts` and terms in
// `authorization_terms` (migration "registry").
class RegistryRepository {
 public:
  virtual ~RegistryRepository() = default;
  virtual std::string next_account_id() = 0;
  virtual void save_account(const OfficialAccount& a) = 0;
  virtual std::optional<OfficialAccount> account(std::string_view id) = 0;
  // Every account not closed, oldest first; `site` empty: all sites.
  virtual std::vector<OfficialAccount> registered_accounts(std::string_view site) = 0;
  // Accounts of a request (closed ones too), oldest first.
  virtual std::vector<OfficialAccount> accounts_of_request(std::string_view request_id) = 0;
  // For incident routing (issue 22): the registered (not closed) accounts whose handle or address
  // matches (case-insensitive, "@" ignored), each with its monitors.
  virtual std::vector<OfficialAccount> accounts_by_handle(std::string_view handle) = 0;
  // For incident routing (issue 22): the registered accounts on one platform at one site.
  virtual std::vector<OfficialAccount> accounts_by_platform_site(std::string_view platform, std::string_view site) = 0;

  virtual std::optional<AuthorizationTerms> authorization_terms(std::string_view request_id) = 0;
  virtual void save_authorization_terms(const AuthorizationTerms& t) = 0;
};

}  // namespace bot
