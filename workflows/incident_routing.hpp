#pragma once
// Who investigates an incident report: the administrators of the site concerned, plus the people
// the category names (`incidents.categories.<id>.notify`). When the allegation is against the
// reporter's own administrator, that administrator is left out and their supervisor responds
// instead (LAUSD BUL-5688.2 §V; Standard SD AR 1114 §IV). Pure: reads only the configuration.
#include <string>
#include <string_view>
#include <vector>

#include "bot/district/config.hpp"
#include "bot/store/domain_store.hpp"

namespace workflows {

// The site id that stands for the district office in forms and reports.
inline constexpr std::string_view kDistrictOffice = "district";

struct IncidentRouting {
  std::vector<std::string> investigators;  // person ids, never empty for a valid directory
  std::vector<std::string> bypassed;       // the administrators the allegation is against
};

// The administrators responsible for a site: its principals; for the district office (or a site
// without principals) the reporter's supervisor, else the superintendent.
std::vector<std::string> site_administrators(const bot::DistrictConfig& config, const bot::Person& reporter,
                                             std::string_view site);

// `category_id` and `account` (issue 22) add who the policies name for a category whatever its
// notify list says: a hacked or misused official account goes to the superintendent's office
// ("report any security problem or misuse to the Superintendent or designee", LBUSD §E 14) and the
// account's registered monitors; suspected child abuse to the Human Resources officer ("immediately
// notify the appropriate authorities and the Human Resources officer or designee", LBUSD §E).
IncidentRouting route_incident(const bot::DistrictConfig& config, const bot::Person& reporter, std::string_view site,
                               const bot::IncidentCategory* category, bool against_administrator,
                               std::string_view category_id = {},
                               const std::vector<std::string>& account_monitors = {});

// Who the registry (issue 20) names for an official account, by handle or address as the
// reporter gave it ("@" and case ignored): its monitors and its owner, for every registered,
// not closed account that matches. Empty when none does.
std::vector<std::string> registered_account_monitors(bot::DomainStore& store, std::string_view account);

}  // namespace workflows
