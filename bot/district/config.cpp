#include "bot/district/config.hpp"

#include <algorithm>

namespace bot {

bool Person::has_role(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

const Person* DistrictConfig::person(std::string_view id) const { return people_index.by_id(people, id); }

const Person* DistrictConfig::person_by_handle(std::string_view platform, std::string_view handle) const {
  return people_index.by_handle(people, platform, handle);
}

const Person* DistrictConfig::person_by_email(std::string_view email) const {
  return people_index.by_email(people, email);
}

const Site* DistrictConfig::site(std::string_view id) const {
  for (const auto& s : sites)
    if (s.id == id) return &s;
  return nullptr;
}

const Place* DistrictConfig::place(std::string_view id) const {
  if (id == "superintendent") return &superintendent_place;
  if (id.starts_with("site:"))
    if (const Site* s = site(id.substr(5))) return &s->approvals;
  return nullptr;
}

std::vector<std::string> DistrictConfig::deciders() const {
  std::vector<std::string> out;
  if (!superintendent.empty()) out.push_back(superintendent);
  for (const auto& d : designees)
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  return out;
}

bool DistrictConfig::is_decider(std::string_view person_id) const {
  return person_id == superintendent || std::find(designees.begin(), designees.end(), person_id) != designees.end();
}

}  // namespace bot
