#include "bot/config_loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include <date/tz.h>
#include <yaml-cpp/yaml.h>

namespace bot {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Names of keys whose values are secrets: they must come from the environment.
bool is_secret_key(std::string_view key) {
  for (std::string_view word : {"token", "secret", "password", "app_password", "client_secret"})
    if (key.find(word) != std::string_view::npos) return true;
  return false;
}

class Loader {
 public:
  explicit Loader(std::filesystem::path file) : file_(std::move(file)) {}

  ConfigLoadResult run();

 private:
  void error(const YAML::Node& at, std::string message) {
    errors_.push_back({file_.string(), at.IsDefined() ? at.Mark().line + 1 : 0, std::move(message)});
  }
  void error_line(int line, std::string message) {
    errors_.push_back({file_.string(), line, std::move(message)});
  }

  // Reports keys of `node` that are not in `known`, suggesting the closest known key.
  void check_keys(const YAML::Node& node, std::string_view where, std::initializer_list<std::string_view> known) {
    if (!node.IsMap()) return;
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      const std::string best = closest_key(key, std::vector<std::string_view>(known));
      std::string msg = "unknown key '" + key + "' in " + std::string(where) + ".";
      if (!best.empty()) msg += " Did you mean '" + best + "'?";
      else {
        msg += " Known keys:";
        for (auto k : known) msg += " " + std::string(k);
      }
      error(kv.first, msg);
    }
  }

  std::string text(const YAML::Node& node, std::string_view what, bool required = false) {
    if (!node.IsDefined() || node.IsNull()) {
      if (required) missing_.push_back(std::string(what));
      return {};
    }
    if (!node.IsScalar()) {
      error(node, std::string(what) + " must be a single value, not a list or map.");
      return {};
    }
    return expand(node, node.as<std::string>(), what);
  }

  // Expands ${NAME} from the environment; a missing variable is an error naming it.
  std::string expand(const YAML::Node& at, const std::string& value, std::string_view what) {
    static const std::regex ref(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
    std::string out;
    auto begin = std::sregex_iterator(value.begin(), value.end(), ref);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out += value.substr(last, it->position() - last);
      std::string name = (*it)[1];
      const char* env = std::getenv(name.c_str());
      if (!env || !*env) {
        if (check_env_)
          error(at, std::string(what) + " needs the environment variable " + name +
                        ", which is not set. Export it before starting Hallpass (see docs/configuration.md).");
      } else {
        out += env;
      }
      last = it->position() + it->length();
    }
    out += value.substr(last);
    return out;
  }

  std::vector<std::string> list(const YAML::Node& node, std::string_view what) {
    std::vector<std::string> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (node.IsScalar()) {
      error(node, std::string(what) + " must be a list, e.g. [a, b].");
      return out;
    }
    for (const auto& item : node) out.push_back(text(item, what));
    return out;
  }

  int integer(const YAML::Node& node, std::string_view what, int fallback, int lo, int hi) {
    if (!node.IsDefined() || node.IsNull()) return fallback;
    try {
      int v = node.as<int>();
      if (v < lo || v > hi) {
        error(node, std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ".");
        return fallback;
      }
      return v;
    } catch (const YAML::Exception&) {
      error(node, std::string(what) + " must be a whole number.");
      return fallback;
    }
  }

  bool boolean(const YAML::Node& node, std::string_view what, bool fallback) {
    if (!node.IsDefined() || node.IsNull()) return fallback;
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      error(node, std::string(what) + " must be true or false.");
      return fallback;
    }
  }

  PlatformAddresses addresses(const YAML::Node& node, std::string_view what) {
    PlatformAddresses out;
    check_keys(node, what, {"name", "slack", "teams", "matrix", "web"});
    // Channel addresses are not secrets; one that names an unset variable is simply left out, so
    // a platform that is not in use needs nothing set.
    check_env_ = false;
    for (std::string_view p : {"slack", "teams", "matrix", "web"})
      if (auto v = text(node[std::string(p)], std::string(what) + "." + std::string(p)); !v.empty())
        out[std::string(p)] = v;
    check_env_ = true;
    return out;
  }

  std::filesystem::path resolve(const std::string& rel) const {
    std::filesystem::path p(rel);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

  void load_district(const YAML::Node& n);
  void load_review(const YAML::Node& n);
  void load_people(const YAML::Node& n);
  void load_people_csv(const YAML::Node& at, const std::filesystem::path& csv);
  Person person_from(const YAML::Node& n);
  void load_sites(const YAML::Node& n);
  void load_superintendent(const YAML::Node& n);
  void load_policies(const YAML::Node& root);
  void load_incidents(const YAML::Node& n);
  void load_adapters(const YAML::Node& n);
  void check_references(const YAML::Node& root);

  std::filesystem::path file_;
  DistrictConfig config_;
  std::vector<ConfigError> errors_;
  std::vector<std::string> missing_;
  bool check_env_ = true;
  std::map<std::string, int> person_lines_;
};

Role role_from(const std::string& s, bool& ok) {
  ok = true;
  if (s == "employee") return Role::employee;
  if (s == "principal") return Role::principal;
  if (s == "superintendent") return Role::superintendent;
  if (s == "designee") return Role::designee;
  if (s == "investigator") return Role::investigator;
  if (s == "it_admin") return Role::it_admin;
  ok = false;
  return Role::employee;
}

Person Loader::person_from(const YAML::Node& n) {
  check_keys(n, "a person", {"id", "name", "email", "language", "roles", "site", "supervisor", "title", "handles"});
  Person p;
  p.id = text(n["id"], "people[].id");
  if (p.id.empty()) error(n, "a person has no id. Give each person a short unique id, e.g. id: t.garcia");
  p.name = text(n["name"], "people[].name");
  if (p.name.empty()) error(n, "person '" + p.id + "' has no name.");
  p.email = text(n["email"], "people[].email");
  p.language = text(n["language"], "people[].language");
  if (p.language.empty()) p.language = "en";
  if (p.language != "en" && p.language != "es")
    error(n["language"], "language of '" + p.id + "' must be en or es.");
  for (const auto& r : list(n["roles"], "people[].roles")) {
    bool ok;
    Role role = role_from(r, ok);
    if (!ok)
      error(n["roles"], "unknown role '" + r + "' for '" + p.id +
                            "'. Roles: employee, principal, superintendent, designee, investigator, it_admin.");
    else
      p.roles.push_back(role);
  }
  if (p.roles.empty()) p.roles.push_back(Role::employee);
  p.site = text(n["site"], "people[].site");
  p.supervisor = text(n["supervisor"], "people[].supervisor");
  p.title = text(n["title"], "people[].title");
  if (n["handles"].IsDefined()) {
    check_keys(n["handles"], "handles of '" + p.id + "'", {"slack", "teams", "matrix", "web"});
    for (std::string_view plat : {"slack", "teams", "matrix", "web"})
      if (auto v = text(n["handles"][std::string(plat)], "handles"); !v.empty()) p.handles[std::string(plat)] = v;
  }
  // In the built-in web chat and the console, people are known by their id.
  if (!p.handles.contains("web")) p.handles["web"] = p.id;
  if (person_lines_.contains(p.id))
    error(n["id"], "person id '" + p.id + "' is used twice (first on line " +
                       std::to_string(person_lines_[p.id]) + "). Ids must be unique.");
  person_lines_[p.id] = n.Mark().line + 1;
  return p;
}

void Loader::load_district(const YAML::Node& n) {
  if (!n.IsDefined()) {
    error_line(1, "the 'district' section is missing. Start the file with:\ndistrict:\n  name: …\n  time_zone: America/Los_Angeles");
    return;
  }
  check_keys(n, "district", {"name", "time_zone", "language"});
  config_.name = text(n["name"], "district.name", true);
  config_.time_zone = text(n["time_zone"], "district.time_zone");
  if (config_.time_zone.empty()) config_.time_zone = "America/Los_Angeles";
  try {
    (void)date::locate_zone(config_.time_zone);
  } catch (const std::exception&) {
    error(n["time_zone"], "unknown time zone '" + config_.time_zone +
                              "'. Use an IANA name such as America/Los_Angeles.");
  }
  config_.default_language = text(n["language"], "district.language");
  if (config_.default_language.empty()) config_.default_language = "en";
}

void Loader::load_review(const YAML::Node& n) {
  if (!n.IsDefined()) return;
  check_keys(n, "review", {"days", "counting", "holidays", "more_info_pauses_clock", "warn_days_before",
                           "principal_escalation_days"});
  auto& r = config_.review;
  r.days = integer(n["days"], "review.days", 7, 1, 60);
  std::string counting = text(n["counting"], "review.counting");
  if (counting.empty() || counting == "calendar") r.counting = DayCounting::calendar;
  else if (counting == "school") r.counting = DayCounting::school;
  else error(n["counting"], "review.counting must be 'calendar' or 'school'.");
  static const std::regex iso(R"(\d{4}-\d{2}-\d{2})");
  for (const auto& h : n["holidays"]) {
    std::string d = text(h, "review.holidays");
    if (!std::regex_match(d, iso)) error(h, "holiday '" + d + "' must be a date written 2026-11-26.");
    else r.holidays.push_back(d);
  }
  r.more_info_pauses_clock = boolean(n["more_info_pauses_clock"], "review.more_info_pauses_clock", false);
  r.warn_days_before = integer(n["warn_days_before"], "review.warn_days_before", 2, 0, 30);
  r.principal_escalation_days = integer(n["principal_escalation_days"], "review.principal_escalation_days", 2, 1, 30);
}

// Splits one CSV line, honouring double quotes.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') out.push_back(cur), cur.clear();
    else if (c != '\r') cur += c;
  }
  out.push_back(cur);
  return out;
}

void Loader::load_people_csv(const YAML::Node& at, const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) {
    error(at, "cannot read the people file " + csv.string() + ". Check the path (relative to the config file).");
    return;
  }
  std::string line;
  std::getline(in, line);
  auto header = split_csv(line);
  static const std::set<std::string> known = {"id", "name", "email", "language", "roles", "site",
                                              "supervisor", "title", "slack", "teams", "matrix", "web"};
  for (const auto& h : header)
    if (!known.contains(h))
      errors_.push_back({csv.string(), 1, "unknown column '" + h + "'. Columns: id,name,email,language,roles,site,supervisor,title,slack,teams,matrix,web"});
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" ,\r") == std::string::npos) continue;
    auto cells = split_csv(line);
    YAML::Node n;
    YAML::Node handles;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      const auto& h = header[i];
      if (cells[i].empty()) continue;
      if (h == "roles") {
        YAML::Node roles;
        std::string r;
        for (char c : cells[i] + ";")
          if (c == ';') { if (!r.empty()) roles.push_back(r); r.clear(); } else if (c != ' ') r += c;
        n["roles"] = roles;
      } else if (h == "slack" || h == "teams" || h == "matrix" || h == "web") handles[h] = cells[i];
      else n[h] = cells[i];
    }
    if (handles.size()) n["handles"] = handles;
    size_t before = errors_.size();
    Person p = person_from(n);
    // Errors about a CSV row point at the CSV file and row, not at the YAML file.
    for (size_t i = before; i < errors_.size(); ++i) errors_[i].file = csv.string(), errors_[i].line = line_no;
    person_lines_[p.id] = line_no;
    config_.people.push_back(std::move(p));
  }
}

void Loader::load_people(const YAML::Node& root) {
  const YAML::Node& n = root["people"];
  if (n.IsDefined()) {
    if (!n.IsSequence()) error(n, "people must be a list of persons (each starting with '- id: …').");
    else
      for (const auto& item : n) config_.people.push_back(person_from(item));
  }
  if (auto csv = text(root["people_csv"], "people_csv"); !csv.empty()) load_people_csv(root["people_csv"], resolve(csv));
  if (config_.people.empty() && !n.IsDefined() && !root["people_csv"].IsDefined())
    error_line(0, "no people: add a 'people:' list or a 'people_csv:' file.");
}

void Loader::load_sites(const YAML::Node& n) {
  if (!n.IsDefined()) return;
  std::set<std::string> ids;
  for (const auto& s : n) {
    check_keys(s, "a site", {"id", "name", "principals", "approvals"});
    Site site;
    site.id = text(s["id"], "sites[].id");
    if (site.id.empty()) error(s, "a site has no id. Give each site a short id, e.g. id: lincoln");
    if (!ids.insert(site.id).second) error(s["id"], "site id '" + site.id + "' is used twice.");
    site.name = text(s["name"], "sites[].name");
    if (site.name.empty()) site.name = site.id;
    site.principals = list(s["principals"], "sites[].principals");
    if (site.principals.empty())
      error(s, "site '" + site.id + "' has no principals. Name at least one: principals: [person id]");
    site.approvals.id = "site:" + site.id;
    site.approvals.name = text(s["approvals"]["name"], "approvals.name");
    if (site.approvals.name.empty()) site.approvals.name = site.name + " approvals";
    if (!s["approvals"].IsDefined())
      error(s, "site '" + site.id + "' has no approvals place. Add approvals: { web: \"#" + site.id + "-approvals\" } and the channel of each platform.");
    else
      site.approvals.addresses = addresses(s["approvals"], "approvals of site '" + site.id + "'");
    config_.sites.push_back(std::move(site));
  }
}

void Loader::load_superintendent(const YAML::Node& n) {
  if (!n.IsDefined()) {
    error_line(0, "the 'superintendent' section is missing: name the superintendent (person), designees and place.");
    return;
  }
  check_keys(n, "superintendent", {"person", "designees", "place"});
  config_.superintendent = text(n["person"], "superintendent.person", true);
  config_.designees = list(n["designees"], "superintendent.designees");
  config_.superintendent_place.id = "superintendent";
  config_.superintendent_place.name = text(n["place"]["name"], "superintendent.place.name");
  if (config_.superintendent_place.name.empty()) config_.superintendent_place.name = "Superintendent's office";
  if (!n["place"].IsDefined())
    error(n, "superintendent has no place. Add place: { web: \"#superintendent\" } and the channel of each platform.");
  else
    config_.superintendent_place.addresses = addresses(n["place"], "superintendent.place");
}

void Loader::load_policies(const YAML::Node& root) {
  for (const auto& p : root["policies"]) {
    check_keys(p, "a policy", {"id", "file"});
    PolicyDocumentRef ref{text(p["id"], "policies[].id"), resolve(text(p["file"], "policies[].file"))};
    if (ref.id.empty()) error(p, "a policy has no id.");
    if (!std::filesystem::exists(ref.file))
      error(p["file"], "policy file " + ref.file.string() + " does not exist. Paths are relative to the config file.");
    config_.policies.push_back(std::move(ref));
  }
  const YAML::Node& v = root["vocabulary"];
  check_keys(v, "vocabulary", {"synonyms", "spanish"});
  std::string syn = text(v["synonyms"], "vocabulary.synonyms");
  std::string es = text(v["spanish"], "vocabulary.spanish");
  config_.vocabulary.synonyms = resolve(syn.empty() ? "vocabulary.yaml" : syn);
  config_.vocabulary.spanish_terms = resolve(es.empty() ? "spanish_terms.yaml" : es);
  const YAML::Node& c = root["clauses"];
  if (c.IsDefined()) {
    check_keys(c, "clauses", {"explanation_required", "four_responses", "written_request", "review_window"});
    for (const auto& kv : c) config_.clauses[kv.first.as<std::string>()] = text(kv.second, "clauses");
  }
}

void Loader::load_incidents(const YAML::Node& n) {
  if (!n.IsDefined()) return;
  check_keys(n, "incidents", {"categories"});
  static const std::set<std::string> known = {"threat", "harassment", "minor_images", "child_abuse",
                                              "confidential", "logo", "other"};
  for (const auto& kv : n["categories"]) {
    IncidentCategory cat;
    cat.id = kv.first.as<std::string>();
    if (!known.contains(cat.id))
      error(kv.first, "unknown incident category '" + cat.id +
                          "'. Categories: threat, harassment, minor_images, child_abuse, confidential, logo, other.");
    check_keys(kv.second, "incident category '" + cat.id + "'", {"contacts", "notify", "policy_query"});
    for (const auto& a : kv.second["contacts"]) {
      check_keys(a, "a contact", {"name", "phone", "note"});
      cat.contacts.push_back({text(a["name"], "contacts[].name"), text(a["phone"], "contacts[].phone"),
                              text(a["note"], "contacts[].note")});
    }
    cat.notify = list(kv.second["notify"], "notify");
    cat.policy_query = text(kv.second["policy_query"], "policy_query");
    config_.incident_categories.push_back(std::move(cat));
  }
}

void Loader::load_adapters(const YAML::Node& n) {
  if (!n.IsDefined()) return;
  check_keys(n, "adapters", {"web", "slack", "teams", "matrix"});
  for (const auto& kv : n) {
    std::string name = kv.first.as<std::string>();
    AdapterSettings a;
    a.line = kv.first.Mark().line + 1;
    for (const auto& s : kv.second) {
      std::string key = s.first.as<std::string>();
      a.lines[key] = s.first.Mark().line + 1;
      if (key == "enabled") {
        a.enabled = boolean(s.second, "adapters." + name + ".enabled", false);
        continue;
      }
      std::string raw = s.second.IsScalar() ? s.second.as<std::string>() : "";
      if (is_secret_key(key) && !raw.empty() && raw.find("${") == std::string::npos)
        error(s.second, "adapters." + name + "." + key +
                            " is a secret and must not be written in the file. Write ${" +
                            [&] { std::string e = name + "_" + key; for (auto& c : e) c = std::toupper(c); return e; }() +
                            "} and set that environment variable.");
      // Secrets of adapters that are off need not be set.
      bool enabled = kv.second["enabled"].IsDefined() && kv.second["enabled"].as<bool>(false);
      check_env_ = enabled;
      a.settings[key] = text(s.second, "adapters." + name + "." + key);
      check_env_ = true;
    }
    config_.adapter_order.push_back(name);
    config_.adapters[name] = std::move(a);
  }
}

void Loader::check_references(const YAML::Node& root) {
  auto line_of = [&](const std::string& id) { return person_lines_.contains(id) ? person_lines_[id] : 0; };
  for (const auto& p : config_.people) {
    if (!p.site.empty() && !config_.site(p.site))
      error_line(line_of(p.id), "person '" + p.id + "' names site '" + p.site + "', which is not in sites.");
    if (!p.supervisor.empty() && !config_.person(p.supervisor))
      error_line(line_of(p.id), "person '" + p.id + "' names supervisor '" + p.supervisor + "', who is not in people.");
  }
  const YAML::Node& sites = root["sites"];
  for (size_t i = 0; i < config_.sites.size(); ++i)
    for (const auto& pr : config_.sites[i].principals)
      if (!config_.person(pr))
        error(sites[i]["principals"], "principal '" + pr + "' of site '" + config_.sites[i].id + "' is not in people.");
  const YAML::Node& sup = root["superintendent"];
  if (!config_.superintendent.empty() && !config_.person(config_.superintendent))
    error(sup["person"], "superintendent '" + config_.superintendent + "' is not in people.");
  for (const auto& d : config_.designees)
    if (!config_.person(d)) error(sup["designees"], "designee '" + d + "' is not in people.");
  for (const auto& c : config_.incident_categories)
    for (const auto& id : c.notify)
      if (!config_.person(id)) error(root["incidents"], "incident category '" + c.id + "' notifies '" + id + "', who is not in people.");
}

ConfigLoadResult Loader::run() {
  config_.file = file_;
  YAML::Node root;
  try {
    root = YAML::LoadFile(file_.string());
  } catch (const YAML::BadFile&) {
    return {std::nullopt, {{file_.string(), 0, "cannot read the file. Check the path and permissions."}}};
  } catch (const YAML::Exception& e) {
    return {std::nullopt, {{file_.string(), e.mark.line + 1, "this is not valid YAML: " + e.msg +
                                                                 ". Check indentation and quoting on this line."}}};
  }
  if (!root.IsMap()) return {std::nullopt, {{file_.string(), 1, "the file must be a YAML map starting with 'district:'."}}};
  check_keys(root, "the file", {"district", "review", "digest", "superintendent", "sites", "people", "people_csv",
                                "policies", "vocabulary", "clauses", "incidents", "adapters"});
  load_district(root["district"]);
  load_review(root["review"]);
  if (const auto& d = root["digest"]; d.IsDefined()) {
    check_keys(d, "digest", {"time", "catch_up_hours"});
    std::string t = text(d["time"], "digest.time");
    static const std::regex hhmm(R"(([01]\d|2[0-3]):[0-5]\d)");
    if (!t.empty() && !std::regex_match(t, hhmm)) error(d["time"], "digest.time must be a 24-hour time like \"19:00\" (quoted).");
    else if (!t.empty()) config_.digest.time = t;
    config_.digest.catch_up_hours = integer(d["catch_up_hours"], "digest.catch_up_hours", 6, 0, 23);
  }
  load_people(root);
  load_sites(root["sites"]);
  load_superintendent(root["superintendent"]);
  load_policies(root);
  load_incidents(root["incidents"]);
  load_adapters(root["adapters"]);
  for (const auto& m : missing_) error_line(0, m + " is required.");
  if (errors_.empty()) check_references(root);
  std::sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return a.file != b.file ? a.file < b.file : a.line < b.line;
  });
  if (!errors_.empty()) return {std::nullopt, std::move(errors_)};
  return {std::move(config_), {}};
}

}  // namespace

std::string ConfigError::to_string() const {
  return file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + message;
}

ConfigLoadResult load_district_config(const std::filesystem::path& file) { return Loader(file).run(); }

std::string closest_key(std::string_view key, const std::vector<std::string_view>& known) {
  std::string_view best;
  size_t best_d = 99;
  for (auto k : known)
    if (size_t d = edit_distance(key, k); d < best_d) best_d = d, best = k;
  return best_d <= 3 ? std::string(best) : std::string();
}

}  // namespace bot
