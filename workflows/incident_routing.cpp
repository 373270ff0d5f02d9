#include "workflows/incident_routing.hpp"

#include <algorithm>

namespace workflows {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void add(std::vector<std::string>& v, std::string_view s) {
  if (!s.empty() && !contains(v, s)) v.emplace_back(s);
}

// The reporter's own administrators: the principals of their site and their supervisor.
std::vector<std::string> own_administrators(const bot::DistrictConfig& config, const bot::Person& reporter) {
  std::vector<std::string> out;
  if (const bot::Site* s = config.site(reporter.site))
    for (const auto& p : s->principals)
      if (p != reporter.id) add(out, p);
  if (reporter.supervisor != reporter.id) add(out, reporter.supervisor);
  return out;
}

// Who responds in place of `person`: the first supervisor up the directory who is not one of
// the `excluded`; the superintendent where the directory names none; the designees when the
// superintendent is excluded (the directory should then name the superintendent's supervisor).
std::vector<std::string> responder_for(const bot::DistrictConfig& config, const std::string& person,
                                       const std::vector<std::string>& excluded) {
  std::string at = person;
  for (size_t hops = 0; hops <= config.people.size(); ++hops) {
    const bot::Person* p = config.person(at);
    std::string up = p && !p->supervisor.empty() ? p->supervisor : "";
    if (up.empty() && at != config.superintendent) up = config.superintendent;
    if (up.empty()) break;
    if (!contains(excluded, up)) return {up};
    at = up;
  }
  std::vector<std::string> out;
  for (const auto& d : config.designees)
    if (!contains(excluded, d)) out.push_back(d);
  return out;
}

}  // namespace

std::vector<std::string> site_administrators(const bot::DistrictConfig& config, const bot::Person& reporter,
                                             std::string_view site) {
  if (const bot::Site* s = config.site(site); s && !s->principals.empty()) return s->principals;
  if (!reporter.supervisor.empty() && reporter.supervisor != reporter.id) return {reporter.supervisor};
  return {config.superintendent};
}

std::vector<std::string> registered_account_monitors(bot::DomainStore& store, std::string_view account) {
  std::vector<std::string> out;
  if (account.empty()) return out;
  for (const auto& a : store.accounts_by_handle(account)) {
    for (const auto& m : a.monitors) add(out, m);
    if (!a.owner.empty()) add(out, a.owner);
  }
  return out;
}

IncidentRouting route_incident(const bot::DistrictConfig& config, const bot::Person& reporter, std::string_view site,
                               const bot::IncidentCategory* category, bool against_administrator,
                               std::string_view category_id, const std::vector<std::string>& account_monitors) {
  IncidentRouting out;
  if (against_administrator) out.bypassed = own_administrators(config, reporter);
  const auto& accused = out.bypassed;
  for (const auto& a : site_administrators(config, reporter, site))
    if (!contains(accused, a)) add(out.investigators, a);
  // "That person's supervisor shall respond to the complaint", whichever site it concerns.
  for (const auto& a : accused)
    for (const auto& r : responder_for(config, a, accused)) add(out.investigators, r);
  if (category)
    for (const auto& n : category->notify)
      if (!contains(accused, n)) add(out.investigators, n);
  if (category_id == "hacked_account") {
    for (const auto& d : config.deciders())
      if (!contains(accused, d)) add(out.investigators, d);
    for (const auto& m : account_monitors)
      if (!contains(accused, m)) add(out.investigators, m);
  }
  if (category_id == "child_abuse")
    for (const auto& hr : config.human_resources)
      if (!contains(accused, hr)) add(out.investigators, hr);
  if (out.investigators.empty())
    for (const auto& r : responder_for(config, reporter.id, accused)) add(out.investigators, r);
  return out;
}

}  // namespace workflows
