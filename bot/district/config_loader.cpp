#include "bot/district/config_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include <date/date.h>
#include <date/tz.h>

#include "bot/district/config_yaml.hpp"
#include "bot/district/csv_rows.hpp"
#include "bot/district/secret_source.hpp"
#include "bot/model/text.hpp"
#include "bot/policy/policy_library.hpp"

namespace bot {
namespace {

// A district file is a few kilobytes; a people CSV of a large district a few megabytes.
constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;

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
  for (std::string_view word : {"token", "secret", "password"})
    if (key.find(word) != std::string_view::npos) return true;
  return false;
}

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string env_name_for(std::string_view adapter, std::string_view key) {
  std::string out = std::string(adapter) + "_" + std::string(key);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Short ids that people type (console --as, commands) and that go into place ids ("site:<id>").
bool is_id(std::string_view s, bool allow_at) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || (allow_at && c == '@');
  });
}

bool looks_like_email(std::string_view s) {
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos || has_space(s))
    return false;
  const auto domain = s.substr(at + 1);
  const auto dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

size_t characters(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// A value as a message shows it: at most 60 bytes (a mutated file may hold a megabyte in one).
std::string shown(std::string_view s) {
  constexpr size_t kMax = 60;
  if (s.size() <= kMax) return std::string(s);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(s.substr(0, cut)) + "…";
}

std::string quote_for_message(std::string_view s) { return "\"" + shown(s) + "\""; }

const std::vector<std::string_view> kPersonKeys = {"id",   "name",       "email", "language", "roles",
                                                   "site", "supervisor", "title", "handles"};
const std::vector<std::string_view> kRoles = {"employee",     "principal", "superintendent", "designee",
                                              "investigator", "it_admin",  "associated"};
const std::vector<std::string_view> kLanguages = {"en", "es"};

std::optional<Role> role_from(std::string_view s) {
  if (s == "employee") return Role::employee;
  if (s == "principal") return Role::principal;
  if (s == "superintendent") return Role::superintendent;
  if (s == "designee") return Role::designee;
  if (s == "investigator") return Role::investigator;
  if (s == "it_admin") return Role::it_admin;
  if (s == "associated") return Role::associated;
  return std::nullopt;
}

// Reads a whole file of at most kMaxFileBytes; an empty optional and `why` otherwise.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& why) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return why = "does not exist", std::nullopt;
  if (!std::filesystem::is_regular_file(path, ec)) return why = "is not a file (a folder?)", std::nullopt;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return why = "cannot be read (" + ec.message() + ")", std::nullopt;
  if (size > kMaxFileBytes) return why = "is larger than 16 MB", std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return why = "cannot be read (check its permissions)", std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return why = "cannot be read", std::nullopt;
  return text;
}

// The policy library of the last few files loaded, by their exact content. Building the index
// takes a while, and a test loads thousands of variants of one district; a changed file is a
// new entry. Bounded: the oldest entry goes.
class PolicyLibraryMemo {
 public:
  std::shared_ptr<const PolicyLibrary> load(const std::vector<PolicyDocumentRef>& docs, const PolicyVocabulary& vocab,
                                            std::string& error) {
    std::string key;
    for (const auto& d : docs) key += d.id + '\0' + d.file.string() + '\0' + contents(d.file) + '\0';
    for (const auto& f : {vocab.synonyms, vocab.spanish_terms, verdict_examples_path(docs, vocab)})
      key += f.string() + '\0' + contents(f) + '\0';
    {
      std::lock_guard lock(mutex_);
      for (const auto& [k, lib] : entries_)
        if (k == key) return lib;
    }
    auto loaded = PolicyLibrary::load(docs, vocab, error);
    if (!loaded) return nullptr;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(std::move(key), *loaded);
    return *loaded;
  }

 private:
  static constexpr size_t kEntries = 4;
  static std::string contents(const std::filesystem::path& p) {
    std::string why;
    return read_file(p, why).value_or("\x01unreadable");
  }
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::shared_ptr<const PolicyLibrary>>> entries_;
};

PolicyLibraryMemo& policy_memo() {
  static PolicyLibraryMemo memo;
  return memo;
}

// A scalar read from the file: absent, present but unusable (already reported), or its value.
struct Text {
  bool present = false;  // written, even if wrong
  bool ok = false;       // usable: value holds it, ${NAME} expanded
  bool unset = false;    // not ok only because a variable is not set
  std::string value;
  int line = 0;
};

struct TextRules {
  bool env_needed = true;  // an unset ${NAME} is an error (else the value is just not used)
  size_t max_chars = 200;
  bool multiline = false;
};

// Where a person was written: the district file or a row of the people CSV.
struct PersonSource {
  std::string file;
  int line = 0;
  std::map<std::string, int> key_lines;  // key → line (a CSV row: every key on the row)
  bool web_handle_default = false;       // handles.web was not written: it is the id
  int line_of(const std::string& key) const {
    auto it = key_lines.find(key);
    return it == key_lines.end() ? line : it->second;
  }
};

class Loader {
 public:
  Loader(std::filesystem::path file, std::string_view text, const PlatformList& platforms,
         const CountyConfig* county = nullptr)
      : file_(std::move(file)), text_(text), platforms_(platforms), county_(county) {
    for (const auto& p : platforms_) platform_names_.push_back(p.name);
    current_file_ = file_.string();
  }

  ConfigLoadResult run();
  CountyLoadResult run_county();  // the file is county.yaml

 private:
  void error(int line, std::string message) { errors_.push_back({current_file_, line, std::move(message)}); }
  void error_in(const std::string& file, int line, std::string message) {
    errors_.push_back({file, line, std::move(message)});
  }

  // Reports keys of a map that are not in `known`, with the closest known key.
  void check_keys(const YamlNode& node, const std::string& where, const std::vector<std::string_view>& known) {
    for (const auto& e : node.entries) {
      if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
      std::string msg = "unknown key '" + shown(e.key) + "' in " + where + ".";
      if (auto best = closest_key(e.key, known); !best.empty())
        msg += " Did you mean '" + best + "'?";
      else
        msg += " Known keys: " + join(known) + ".";
      error(e.key_line, std::move(msg));
    }
  }

  // A map section: true when `node` is one (unknown keys reported); false when absent or wrong.
  bool section(const YamlNode& node, const std::string& where, const std::vector<std::string_view>& known,
               std::string_view example) {
    if (node.empty()) return false;
    if (!node.is_map()) {
      error(node.line, where + " must be a map of 'key: value' entries, not " + std::string(node.kind_name()) +
                           ". Write it as " + std::string(example));
      return false;
    }
    check_keys(node, where, known);
    return true;
  }

  // A list: its items, or nullptr when absent or wrong (reported).
  const std::vector<YamlNode>* list(const YamlNode& node, const std::string& what, std::string_view example) {
    if (node.empty()) return nullptr;
    if (!node.is_list()) {
      error(node.line,
            what + " must be a list, not " + std::string(node.kind_name()) + ". Write it as " + std::string(example));
      return nullptr;
    }
    return &node.items;
  }

  struct Expansion {
    std::string value;
    std::vector<std::string> unset;
    std::string malformed;  // the first "${…" that is not ${NAME}
  };

  static Expansion expand(std::string_view raw) {
    Expansion out;
    size_t i = 0;
    while (i < raw.size()) {
      const size_t at = raw.find("${", i);
      if (at == std::string_view::npos) {
        out.value.append(raw.substr(i));
        break;
      }
      out.value.append(raw.substr(i, at - i));
      const size_t close = raw.find('}', at + 2);
      const std::string_view name =
          close == std::string_view::npos ? std::string_view{} : raw.substr(at + 2, close - at - 2);
      if (!is_env_name(name)) {
        if (out.malformed.empty())
          out.malformed = std::string(raw.substr(at, close == std::string_view::npos ? 20 : close - at + 1));
        out.value.append("${");
        i = at + 2;
        continue;
      }
      const std::string var(name);
      if (auto value = secret_value(var)) {
        out.value.append(*value);
      } else {
        out.unset.push_back(var);
        out.value.append(raw.substr(at, close - at + 1));
      }
      i = close + 1;
    }
    return out;
  }

  bool bad_text_line(int line) const {
    return std::find(bad_lines_.begin(), bad_lines_.end(), line) != bad_lines_.end();
  }

  Text text(const YamlNode& n, const std::string& what, TextRules rules = {}) {
    Text t;
    t.line = n.line;
    if (n.empty()) return t;
    t.present = true;
    if (!n.is_scalar()) {
      error(n.line, what + " must be a single value, not " + std::string(n.kind_name()) + ".");
      return t;
    }
    Expansion x = expand(n.text);
    if (!x.malformed.empty()) {
      error(n.line, what + ": " + quote_for_message(x.malformed) +
                        " is not a variable: write ${NAME} with a name of letters, digits and _, e.g. "
                        "${SLACK_BOT_TOKEN}.");
      return t;
    }
    if (!x.unset.empty()) {
      t.unset = true;
      if (rules.env_needed)
        for (const auto& v : x.unset)
          error(n.line, what + " needs the environment variable " + v + ", which is not set. Set it (or " + v +
                            "_FILE to a file holding it, or systemd's "
                            "LoadCredential=" +
                            v + ":FILE) before starting Hallpass; see docs/configuration.md.");
      return t;
    }
    if (!is_valid_utf8(x.value)) {
      // The line itself was already reported when its bytes are the problem.
      if (!bad_text_line(n.line))
        error(n.line,
              what + " is not UTF-8 text" +
                  std::string(n.text.find("${") != std::string::npos ? " (check the environment variable)" : "") +
                  ". Save the file as UTF-8.");
      return t;
    }
    if (auto c = first_control_character(x.value, rules.multiline); !c.empty()) {
      if (!bad_text_line(n.line)) error(n.line, what + " holds an invisible control character (" + c + "). Remove it.");
      return t;
    }
    if (const size_t n_chars = characters(x.value); n_chars > rules.max_chars) {
      error(n.line, what + " is " + std::to_string(n_chars) + " characters long; at most " +
                        std::to_string(rules.max_chars) + " are allowed.");
      return t;
    }
    t.ok = true;
    t.value = std::move(x.value);
    return t;
  }

  // A whole number from lo to hi; nullopt when absent or wrong (reported).
  std::optional<long long> integer(const YamlNode& n, const std::string& what, long long lo, long long hi) {
    Text t = text(n, what, {.max_chars = 40});
    if (!t.ok) return std::nullopt;
    long long v = 0;
    std::string_view s = t.value;
    if (s.starts_with("+")) s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) {
      error(n.line, what + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                        ", not " + quote_for_message(t.value) + ".");
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const YamlNode& n, const std::string& what) {
    Text t = text(n, what, {.max_chars = 40});
    if (!t.ok) return std::nullopt;
    const std::string v = lower(t.value);
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    error(n.line, what + " must be true or false, not " + quote_for_message(t.value) + ".");
    return std::nullopt;
  }

  // One of a few words; nullopt when absent or wrong (reported, with the closest word).
  std::optional<std::string> choice(const YamlNode& n, const std::string& what,
                                    const std::vector<std::string_view>& allowed) {
    Text t = text(n, what, {.max_chars = 40});
    if (!t.ok) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), t.value) != allowed.end()) return t.value;
    std::string msg = what + " must be one of " + join(allowed) + ", not " + quote_for_message(t.value) + ".";
    if (auto best = closest_key(t.value, allowed); !best.empty() && t.value.size() > 2)
      msg += " Did you mean '" + best + "'?";
    error(n.line, std::move(msg));
    return std::nullopt;
  }

  // An id that names a person or a site; empty when absent or wrong (reported). Written empty
  // (""), it is an error only when `required`.
  std::string id_text(const YamlNode& n, const std::string& what, bool person, bool required = false) {
    Text t = text(n, what, {.max_chars = 64});
    if (!t.ok) return {};
    if (trim(t.value, kAsciiSpace).empty()) {
      if (required) error(n.line, what + " is empty: write an id, e.g. " + (person ? "t.garcia" : "lincoln") + ".");
      return {};
    }
    if (!is_id(t.value, person)) {
      error(n.line,
            what + " " + quote_for_message(t.value) + " is not an id: ids are one word of letters, digits and . _ -" +
                std::string(person ? " @" : "") + " (at most 64), e.g. " + (person ? "t.garcia" : "lincoln") + ".");
      return {};
    }
    return t.value;
  }

  // A list of person ids with the line of each.
  std::vector<std::pair<std::string, int>> person_ids(const YamlNode& n, const std::string& what,
                                                      std::string_view example) {
    std::vector<std::pair<std::string, int>> out;
    if (const auto* items = list(n, what, example))
      for (const auto& item : *items)
        if (auto id = id_text(item, "an id in " + what, true, true); !id.empty()) out.emplace_back(id, item.line);
    return out;
  }

  const PlatformRules* platform(std::string_view name) const {
    for (const auto& p : platforms_)
      if (p.name == name) return &p;
    return nullptr;
  }

  bool platform_active(std::string_view name) const {
    // The web chat's handles and addresses are used by hallpass demo and console even when
    // adapters.web is off, so they must always be usable.
    const PlatformRules* p = platform(name);
    return (p && p->built_in) || enabled_.contains(std::string(name));
  }

  // The keys a section may hold: `first`, then every platform's name.
  std::vector<std::string_view> with_platforms(std::vector<std::string_view> first) const {
    first.insert(first.end(), platform_names_.begin(), platform_names_.end());
    return first;
  }

  std::filesystem::path resolve(const std::string& rel) const {
    std::filesystem::path p(rel);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

  Place place(const YamlNode& n, const std::string& id, const std::string& default_name, const std::string& what,
              std::string_view example);
  void load_adapters(const YamlNode& root);
  void use_county_adapters(const YamlNode& root);  // a district file of a county folder
  void load_workspaces(const YamlNode& root);
  void sort_errors();
  void load_district(const YamlNode& root);
  void load_review(const YamlNode& root);
  void load_digest(const YamlNode& root);
  void load_registry(const YamlNode& root);
  void load_people(const YamlNode& root);
  void load_people_csv(const YamlNode& at, const std::filesystem::path& csv);
  void load_person(const YamlNode& n, PersonSource src);
  void load_sites(const YamlNode& root);
  void load_superintendent(const YamlNode& root);
  void load_policies(const YamlNode& root);
  void load_incidents(const YamlNode& root);
  void load_classroom(const YamlNode& root);
  void load_incident_protocol(const YamlNode& n);  // issue 22
  void load_records(const YamlNode& root);         // issue 22
  void check_directory();
  void check_references();
  void check_reachable();
  void load_policy_library();

  std::filesystem::path file_;
  std::string_view text_;
  const PlatformList& platforms_;
  const CountyConfig* county_ = nullptr;  // set for a district file of a county folder
  std::vector<std::string_view> platform_names_;
  std::string current_file_;  // the file errors() names: the district file, or the people CSV
  DistrictConfig config_;
  std::vector<ConfigError> errors_;
  std::vector<int> bad_lines_;
  int root_line_ = 1;
  std::set<std::string> enabled_;             // enabled adapters
  std::vector<PersonSource> person_sources_;  // parallel to config_.people
  struct Reference {
    std::string person;
    std::string file;
    int line;
    std::string role;  // "principal of site 'lincoln'"
    bool must_receive;
  };
  std::vector<Reference> person_refs_;
  std::map<std::string, int> site_lines_;   // site id → line
  std::map<std::string, int> place_lines_;  // place id → line
  std::set<std::string> malformed_places_;
  int adapters_line_ = 1;
  std::map<std::string, int> clause_lines_;
  int policies_line_ = 0;
  bool policies_ok_ = true;  // every document and vocabulary file exists: the library can be loaded
  std::shared_ptr<const PolicyLibrary> library_;
};

Place Loader::place(const YamlNode& n, const std::string& id, const std::string& default_name, const std::string& what,
                    std::string_view example) {
  Place p;
  p.id = id;
  p.name = default_name;
  place_lines_[id] = n.line;
  if (!section(n, what, with_platforms({"name"}), example)) {
    malformed_places_.insert(id);  // missing or not a map: reported, not also as unreachable
    return p;
  }
  if (Text name = text(n["name"], what + ".name"); name.ok && !trim(name.value, kAsciiSpace).empty())
    p.name = name.value;
  for (const PlatformRules& platform : platforms_) {
    const std::string& key = platform.name;
    const YamlNode& v = n[key];
    // A channel of a platform that is not in use need not be set.
    Text t = text(v, what + "." + key, {.env_needed = platform_active(key), .max_chars = 200});
    if (!t.ok) continue;
    if (auto problem = platform.address_problem && !t.value.empty() ? platform.address_problem(t.value) : std::string();
        !problem.empty()) {
      error(v.line, what + ": " + key + ": " + quote_for_message(t.value) + " " + problem + ".");
      continue;
    }
    if (!t.value.empty()) p.addresses[key] = t.value;
  }
  return p;
}

void Loader::load_adapters(const YamlNode& root) {
  const YamlNode& n = root["adapters"];
  adapters_line_ = root.key_line("adapters");
  const auto& platforms = platform_names_;
  if (!section(n, "adapters", platforms, "adapters:\n  web: { enabled: true, port: 8080, listen: 127.0.0.1 }")) return;
  struct Listener {
    std::string adapter;
    long port;
    int line;
  };
  std::vector<Listener> listeners;
  for (const auto& e : n.entries) {
    if (std::find(platforms.begin(), platforms.end(), e.key) == platforms.end()) continue;  // reported above
    const std::string where = "adapters." + e.key;
    const PlatformRules& rules = *platform(e.key);
    const std::string& docs = rules.docs;
    const YamlNode& s = e.value;
    AdapterSettings a;
    a.line = e.key_line;
    if (!s.empty() && !s.is_map()) {
      error(s.line, where + " must be a map such as { enabled: true, … }, not " + std::string(s.kind_name()) +
                        " (see docs/" + docs + ".md).");
      continue;
    }
    a.enabled = boolean(s["enabled"], where + ".enabled").value_or(false);
    SettingMap checked;              // what the adapter's check sees
    std::set<std::string> unusable;  // already reported, or waiting for a variable
    for (const auto& kv : s.entries) {
      a.lines[kv.key] = kv.key_line;
      if (kv.key == "enabled") continue;
      const std::string what = where + "." + kv.key;
      if (kv.value.empty()) continue;  // `key:` alone: the default
      if (!kv.value.is_scalar()) {
        error(kv.value.line, what + " must be a single value, not " + std::string(kv.value.kind_name()) + ".");
        unusable.insert(kv.key);
        continue;
      }
      const std::string& raw = kv.value.text;
      if (is_secret_key(kv.key)) {
        const std::string var = env_name_for(e.key, kv.key);
        if (raw.find("${") == std::string::npos) {
          error(kv.value.line, what + " is a secret and must not be written in the file. Write " + kv.key + ": \"${" +
                                   var + "}\" and set that environment variable.");
          unusable.insert(kv.key);
          continue;
        }
        if (!(raw.starts_with("${") && raw.ends_with("}") && is_env_name(raw.substr(2, raw.size() - 3)))) {
          error(kv.value.line, what + ": a secret must be the whole ${NAME}, with nothing before or after it. Write " +
                                   kv.key + ": \"${" + var +
                                   "}\" and put the whole value in that environment variable.");
          unusable.insert(kv.key);
          continue;
        }
        a.secret_names[kv.key] = raw.substr(2, raw.size() - 3);
      }
      Text t = text(kv.value, what, {.env_needed = a.enabled, .max_chars = 4096});
      if (!t.ok) {
        unusable.insert(kv.key);
        // Present, only not usable: the adapter's check must not also call it missing.
        checked[kv.key] = raw;
        continue;
      }
      a.settings[kv.key] = t.value;
      checked[kv.key] = t.value;
    }
    const auto problems = rules.check_settings ? rules.check_settings(checked) : std::vector<SettingProblem>{};
    for (const auto& p : problems) {
      if (unusable.contains(p.key) && !p.unknown_key) continue;
      // An adapter that is off needs nothing, but what is written must still be right.
      if (!a.enabled && !a.lines.contains(p.key)) continue;
      const auto line = a.lines.find(p.key);
      error(line != a.lines.end() ? line->second : a.line, p.message + " (see docs/" + docs + ".md)");
    }
    if (a.enabled) {
      enabled_.insert(e.key);
      if (auto listen = rules.listen_port ? rules.listen_port(a.settings) : std::nullopt) {
        const std::string& port = *listen;
        long value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec == std::errc() && end == port.data() + port.size() && value > 0)
          listeners.push_back({e.key, value, a.lines.contains("port") ? a.lines["port"] : a.line});
      }
    }
    config_.adapter_order.push_back(e.key);
    config_.adapters[e.key] = std::move(a);
  }
  for (size_t i = 0; i < listeners.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (listeners[i].port == listeners[j].port)
        error(listeners[i].line, "adapters." + listeners[i].adapter + " would listen on port " +
                                     std::to_string(listeners[i].port) + ", which adapters." + listeners[j].adapter +
                                     " (line " + std::to_string(listeners[j].line) +
                                     ") already uses. Give each adapter its own port.");
}

void Loader::load_district(const YamlNode& root) {
  const YamlNode& n = root["district"];
  if (n.empty()) {
    error(root.key_line("district"),
          "the 'district' section is missing or empty. Start the file with:\ndistrict:\n  name: …\n  time_zone: "
          "America/Los_Angeles");
    return;
  }
  if (!section(n, "district", {"name", "time_zone", "language"}, "district:\n  name: …\n  time_zone: …")) return;
  Text name = text(n["name"], "district.name");
  if (!name.present)
    error(root.key_line("district"),
          "district.name is missing: write the district's name, e.g. name: Sierra Vista Unified School District");
  else if (name.ok && trim(name.value, kAsciiSpace).empty())
    error(name.line, "district.name is empty: write the district's name; people see it in every digest.");
  else if (name.ok)
    config_.name = name.value;
  if (Text tz = text(n["time_zone"], "district.time_zone", {.max_chars = 64}); tz.ok) {
    try {
      (void)date::locate_zone(tz.value);
      config_.time_zone = tz.value;
    } catch (const std::exception&) {
      error(tz.line, "unknown time zone " + quote_for_message(tz.value) +
                         ". Use an IANA name such as America/Los_Angeles or America/New_York.");
    }
  }
  if (auto lang = choice(n["language"], "district.language", kLanguages)) config_.default_language = *lang;
}

void Loader::load_review(const YamlNode& root) {
  const YamlNode& n = root["review"];
  if (!section(
          n, "review",
          {"days", "counting", "holidays", "more_info_pauses_clock", "warn_days_before", "principal_escalation_days"},
          "review:\n  days: 7\n  counting: calendar"))
    return;
  auto& r = config_.review;
  r.days = static_cast<int>(integer(n["days"], "review.days", 1, 60).value_or(7));
  if (auto counting = choice(n["counting"], "review.counting", {"calendar", "school"}))
    r.counting = *counting == "school" ? DayCounting::school : DayCounting::calendar;
  if (const auto* items = list(n["holidays"], "review.holidays", "holidays: [2026-11-26, 2026-12-25]")) {
    std::map<std::string, int> seen;
    for (const auto& h : *items) {
      Text d = text(h, "a holiday in review.holidays", {.max_chars = 20});
      if (!d.ok) continue;
      int y = 0;
      unsigned m = 0, day = 0;
      const bool shape = d.value.size() == 10 && d.value[4] == '-' && d.value[7] == '-' &&
                         std::all_of(d.value.begin(), d.value.end(),
                                     [](char c) { return c == '-' || std::isdigit(static_cast<unsigned char>(c)); });
      if (shape) {
        y = std::stoi(d.value.substr(0, 4));
        m = static_cast<unsigned>(std::stoi(d.value.substr(5, 2)));
        day = static_cast<unsigned>(std::stoi(d.value.substr(8, 2)));
      }
      if (!shape || !date::year_month_day{date::year{y}, date::month{m}, date::day{day}}.ok()) {
        error(h.line, "holiday " + quote_for_message(d.value) +
                          " is not a date of the calendar. Write it as year-month-day, e.g. 2026-11-26.");
        continue;
      }
      if (y < 2000 || y > 2100) {
        error(h.line, "holiday " + d.value + " is not in a year Hallpass will run in (2000 to 2100). Check the year.");
        continue;
      }
      if (auto [it, added] = seen.emplace(d.value, h.line); !added) {
        error(h.line, "holiday " + d.value + " is listed twice (first on line " + std::to_string(it->second) +
                          "). Remove one.");
        continue;
      }
      r.holidays.push_back(d.value);
    }
  }
  if (auto v = boolean(n["more_info_pauses_clock"], "review.more_info_pauses_clock")) r.more_info_pauses_clock = *v;
  if (auto v = integer(n["warn_days_before"], "review.warn_days_before", 0, 30)) {
    if (*v >= r.days)
      error(n["warn_days_before"].line, "review.warn_days_before (" + std::to_string(*v) +
                                            ") must be less than review.days (" + std::to_string(r.days) +
                                            "): the warning would come before the request. Use 0 for no warning.");
    else
      r.warn_days_before = static_cast<int>(*v);
  }
  if (auto v = integer(n["principal_escalation_days"], "review.principal_escalation_days", 0, 30)) {
    if (*v >= r.days)
      error(n["principal_escalation_days"].line,
            "review.principal_escalation_days (" + std::to_string(*v) + ") must be less than review.days (" +
                std::to_string(r.days) +
                "): the superintendent would hear of the request only once the window has "
                "closed. Use 0 to never escalate.");
    else
      r.principal_escalation_days = static_cast<int>(*v);
  }
}

void Loader::load_digest(const YamlNode& root) {
  const YamlNode& d = root["digest"];
  if (!section(d, "digest", {"time", "catch_up_hours"}, "digest:\n  time: \"19:00\"")) return;
  if (Text t = text(d["time"], "digest.time", {.max_chars = 10}); t.ok) {
    const std::string& s = t.value;
    const bool ok = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
                    std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[3])) &&
                    std::isdigit(static_cast<unsigned char>(s[4])) && std::stoi(s.substr(0, 2)) < 24 &&
                    std::stoi(s.substr(3, 2)) < 60;
    if (!ok)
      error(t.line, "digest.time must be a 24-hour time like \"19:00\" (quoted), not " + quote_for_message(s) + ".");
    else
      config_.digest.time = s;
  }
  if (auto v = integer(d["catch_up_hours"], "digest.catch_up_hours", 0, 23))
    config_.digest.catch_up_hours = static_cast<int>(*v);
}

// registry: (issue 20) the yearly renewal of official accounts.
void Loader::load_registry(const YamlNode& root) {
  const YamlNode& r = root["registry"];
  if (!section(r, "registry", {"renewal_date", "escalate_after_days"}, "registry:\n  renewal_date: \"08-15\"")) return;
  if (Text t = text(r["renewal_date"], "registry.renewal_date", {.max_chars = 10}); t.ok) {
    const std::string& s = t.value;
    const auto digits = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(s[i])) != 0; };
    const bool shape = s.size() == 5 && s[2] == '-' && digits(0) && digits(1) && digits(3) && digits(4);
    const int month = shape ? std::stoi(s.substr(0, 2)) : 0, day = shape ? std::stoi(s.substr(3, 2)) : 0;
    if (!shape || month < 1 || month > 12 || day < 1 || day > 28)
      error(t.line,
            "registry.renewal_date must be the month and day the school year's renewal starts, like \"08-15\" "
            "(quoted; day 1 to 28, so every year has it), not " +
                quote_for_message(s) + ".");
    else
      config_.registry.renewal_date = s;
  }
  if (auto v = integer(r["escalate_after_days"], "registry.escalate_after_days", 1, 60))
    config_.registry.escalate_after_days = static_cast<int>(*v);
}

void Loader::load_person(const YamlNode& n, PersonSource src) {
  if (!n.is_map()) {
    error(n.line, "each person must be a map such as { id: t.garcia, name: Teresa Garcia, email: … }, not " +
                      std::string(n.kind_name()) + ".");
    return;
  }
  check_keys(n, "a person", kPersonKeys);
  for (const auto& e : n.entries) src.key_lines[e.key] = e.key_line;
  Person p;
  const YamlNode& id_node = n["id"];
  if (id_node.empty()) {
    error(n.line, "a person has no id. Give each person a short unique id, e.g. id: t.garcia");
    return;
  }
  p.id = id_text(id_node, "person id", true, true);
  if (p.id.empty()) return;
  const std::string who = "person '" + p.id + "'";
  Text name = text(n["name"], "the name of " + who);
  if (!name.present)
    error(n.line, who + " has no name. Add name: and the name people know them by.");
  else if (name.ok && trim(name.value, kAsciiSpace).empty())
    error(name.line, who + " has an empty name. Write the name people know them by.");
  else if (name.ok)
    p.name = name.value;
  if (Text email = text(n["email"], "the email of " + who); email.ok && !email.value.empty()) {
    if (!looks_like_email(email.value))
      error(email.line, "the email of " + who + " " + quote_for_message(email.value) +
                            " is not an e-mail address (name@domain). Correct it or leave it out.");
    else
      p.email = email.value;
  }
  if (auto lang = choice(n["language"], "the language of " + who, kLanguages)) p.language = *lang;
  if (const auto* roles = list(n["roles"], "the roles of " + who, "roles: [employee]")) {
    for (const auto& r : *roles) {
      Text t = text(r, "a role of " + who, {.max_chars = 40});
      if (!t.ok) continue;
      if (auto role = role_from(t.value)) {
        if (!p.has_role(*role)) p.roles.push_back(*role);
      } else {
        std::string msg =
            "unknown role " + quote_for_message(t.value) + " for " + who + ". Roles: " + join(kRoles) + ".";
        if (auto best = closest_key(t.value, kRoles); !best.empty()) msg += " Did you mean '" + best + "'?";
        error(r.line, std::move(msg));
      }
    }
  }
  if (p.roles.empty()) p.roles.push_back(Role::employee);
  p.site = id_text(n["site"], "the site of " + who, false);
  p.supervisor = id_text(n["supervisor"], "the supervisor of " + who, true);
  if (Text t = text(n["title"], "the title of " + who); t.ok) p.title = t.value;
  const YamlNode& handles = n["handles"];
  if (section(handles, "the handles of " + who, platform_names_,
              "handles: { slack: U0TGARCIA1, matrix: \"@tgarcia:example.org\" }")) {
    for (const auto& e : handles.entries) {
      const PlatformRules* rules = platform(e.key);
      if (!rules) continue;
      Text t =
          text(e.value, "handles." + e.key + " of " + who, {.env_needed = platform_active(e.key), .max_chars = 200});
      if (!t.ok || t.value.empty()) continue;
      if (auto problem = rules->handle_problem ? rules->handle_problem(t.value) : std::string(); !problem.empty()) {
        error(e.value.line,
              "the handles of " + who + ": " + e.key + ": " + quote_for_message(t.value) + " " + problem + ".");
        continue;
      }
      p.handles[e.key] = t.value;
      src.key_lines["handles." + e.key] = e.value.line;
    }
  }
  // In the built-in web chat and the console, people are known by their id.
  for (const auto& platform : platforms_)
    if (platform.built_in && !p.handles.contains(platform.name)) {
      p.handles[platform.name] = p.id;
      src.web_handle_default = true;
    }
  config_.people.push_back(std::move(p));
  person_sources_.push_back(std::move(src));
}

void Loader::load_people_csv(const YamlNode& at, const std::filesystem::path& csv) {
  config_.people_csv = csv;
  std::string why;
  auto content = read_file(csv, why);
  if (!content) {
    error(at.line, "the people file " + csv.string() + " " + why + ". Check the path (relative to the config file).");
    return;
  }
  const std::string file = csv.string();
  const CsvTable table = read_csv(*content);
  if (!table.error.empty() || table.rows.empty()) {
    error_in(file, 1,
             table.rows.empty() ? "the file is empty: the first line must name the columns."
                                : "the file could not be read: " + table.error + ".");
    return;
  }
  auto header = table.rows.front().cells;
  const std::vector<std::string_view> known =
      with_platforms({"id", "name", "email", "language", "roles", "site", "supervisor", "title"});
  for (auto& h : header) {
    h = trim(h, kAsciiSpace);
    if (std::find(known.begin(), known.end(), h) == known.end()) {
      std::string msg = "unknown column " + quote_for_message(h) + ".";
      if (auto best = closest_key(h, known); !best.empty()) msg += " Did you mean '" + best + "'?";
      error_in(file, 1, msg + " Columns: " + join(known) + " (the first line names them).");
    }
  }
  if (std::find(header.begin(), header.end(), "id") == header.end())
    error_in(file, 1,
             "the first line must name the columns, with id among them: "
             "id,name,email,language,roles,site,supervisor,title,slack,teams,matrix,web");
  const std::string saved = current_file_;
  current_file_ = file;
  const std::string separator = table.separator == '\t' ? "tab" : std::string("\"") + table.separator + "\"";
  for (size_t r = 1; r < table.rows.size(); ++r) {
    const int line_no = table.rows[r].line;
    const auto& cells = table.rows[r].cells;
    if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return trim(c, kAsciiSpace).empty(); }))
      continue;
    if (!std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return is_valid_utf8(c); })) {
      error(line_no, "this row is not UTF-8 text. Save the CSV as \"CSV UTF-8\" (Excel: Save as → CSV UTF-8).");
      continue;
    }
    if (cells.size() > header.size())
      error(line_no, "this row has " + std::to_string(cells.size()) + " cells but the first line names " +
                         std::to_string(header.size()) + " columns (separated by " + separator + "). A value with a " +
                         separator + " needs \"quotes\".");
    // The row as the map a person is written as in YAML, every value on this row's line.
    YamlNode n;
    n.kind = YamlNode::Kind::map;
    n.line = line_no;
    YamlNode handles;
    handles.kind = YamlNode::Kind::map;
    handles.line = line_no;
    const auto scalar = [&](std::string v) {
      YamlNode s;
      s.kind = YamlNode::Kind::scalar;
      s.line = line_no;
      s.quoted = true;
      s.text = std::move(v);
      return s;
    };
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      const auto& h = header[i];
      // A line break typed inside a cell (Alt+Enter in Excel) is a space in a one-line value.
      std::string joined;
      for (size_t k = 0; k < cells[i].size(); ++k) {
        const char c = cells[i][k];
        if (c == '\r' && k + 1 < cells[i].size() && cells[i][k + 1] == '\n') continue;
        joined += c == '\r' || c == '\n' ? ' ' : c;
      }
      const std::string cell = trim(joined, kAsciiSpace);
      if (cell.empty() || std::find(known.begin(), known.end(), h) == known.end()) continue;
      if (h == "roles") {
        YamlNode roles;
        roles.kind = YamlNode::Kind::list;
        roles.line = line_no;
        std::string r;
        // Roles are separated by ";" or ",", whichever the CSV's own separator leaves free.
        for (char c : cell + ";")
          if (c == ';' || c == ',') {
            if (!r.empty()) roles.items.push_back(scalar(r));
            r.clear();
          } else if (c != ' ')
            r += c;
        n.entries.push_back({h, line_no, std::move(roles)});
      } else if (platform(h)) {
        handles.entries.push_back({h, line_no, scalar(cell)});
      } else if (n[h].missing()) {
        n.entries.push_back({h, line_no, scalar(cell)});
      }
    }
    if (!handles.entries.empty()) n.entries.push_back({"handles", line_no, std::move(handles)});
    load_person(n, {file, line_no, {}, false});
  }
  current_file_ = saved;
}

void Loader::load_people(const YamlNode& root) {
  const YamlNode& n = root["people"];
  if (const auto* items = list(n, "people", "people:\n  - { id: t.garcia, name: Teresa Garcia, email: … }"))
    for (const auto& item : *items) load_person(item, {current_file_, item.line, {}, false});
  if (Text csv = text(root["people_csv"], "people_csv", {.max_chars = 1000}); csv.ok && !csv.value.empty())
    load_people_csv(root["people_csv"], resolve(csv.value));
  if (n.empty() && root["people_csv"].empty())
    error(root.key_line("people"), "no people: add a 'people:' list or a 'people_csv:' file.");
}

void Loader::load_sites(const YamlNode& root) {
  const auto* items =
      list(root["sites"], "sites",
           "sites:\n  - { id: lincoln, name: …, principals: [r.alvarez], approvals: { web: \"#lincoln-approvals\" } }");
  if (!items) return;
  for (const auto& s : *items) {
    if (!s.is_map()) {
      error(s.line,
            "each site must be a map such as { id: lincoln, name: …, principals: [r.alvarez], approvals: { web: "
            "\"#lincoln-approvals\" } }, not " +
                std::string(s.kind_name()) + ".");
      continue;
    }
    check_keys(s, "a site", {"id", "name", "principals", "approvals"});
    Site site;
    if (s["id"].empty()) {
      error(s.line, "a site has no id. Give each site a short id, e.g. id: lincoln");
      continue;
    }
    site.id = id_text(s["id"], "site id", false, true);
    if (site.id.empty()) continue;
    const std::string which = "site '" + site.id + "'";
    if (auto [it, added] = site_lines_.emplace(site.id, s["id"].line); !added) {
      error(s["id"].line, "site id '" + site.id + "' is used twice (first on line " + std::to_string(it->second) +
                              "). Ids must be unique.");
      continue;
    }
    if (Text name = text(s["name"], "the name of " + which); name.ok && !trim(name.value, kAsciiSpace).empty())
      site.name = name.value;
    else
      site.name = site.id;
    const auto principals = person_ids(s["principals"], "the principals of " + which, "principals: [r.alvarez]");
    for (const auto& [id, line] : principals) {
      site.principals.push_back(id);
      person_refs_.push_back({id, current_file_, line, "principal of " + which, true});
    }
    if (s["principals"].empty() || (s["principals"].is_list() && s["principals"].items.empty()))
      error(s.line, which + " has no principals. Name at least one: principals: [person id]");
    const std::string example = "approvals: { web: \"#" + site.id + "-approvals\" } (and the channel of each platform)";
    if (s["approvals"].empty()) error(s.line, which + " has no approvals place. Add " + example + ".");
    site.approvals =
        place(s["approvals"], "site:" + site.id, site.name + " approvals", "the approvals of " + which, example);
    config_.sites.push_back(std::move(site));
  }
}

void Loader::load_superintendent(const YamlNode& root) {
  const YamlNode& n = root["superintendent"];
  const std::string example =
      "superintendent:\n  person: m.okafor\n  designees: [d.lee]\n  place: { web: \"#superintendent\" }";
  if (n.empty()) {
    error(
        root.key_line("superintendent"),
        "the 'superintendent' section is missing: name the superintendent (person), designees and place:\n" + example);
    return;
  }
  if (!section(n, "superintendent", {"person", "designees", "place"}, example)) return;
  const int at = root.key_line("superintendent");
  if (n["person"].empty())
    error(at, "superintendent.person is missing: write the superintendent's person id, e.g. person: m.okafor");
  config_.superintendent = id_text(n["person"], "superintendent.person", true, true);
  if (!config_.superintendent.empty())
    person_refs_.push_back({config_.superintendent, current_file_, n["person"].line, "the superintendent", true});
  for (const auto& [id, line] : person_ids(n["designees"], "superintendent.designees", "designees: [d.lee]")) {
    config_.designees.push_back(id);
    person_refs_.push_back({id, current_file_, line, "a designee of the superintendent", true});
  }
  const std::string place_example = "place: { web: \"#superintendent\" } (and the channel of each platform)";
  if (n["place"].empty()) error(at, "superintendent has no place. Add " + place_example + ".");
  config_.superintendent_place =
      place(n["place"], "superintendent", "Superintendent's office", "superintendent.place", place_example);
}

void Loader::load_policies(const YamlNode& root) {
  const YamlNode& n = root["policies"];
  policies_line_ = root.key_line("policies");
  if (n.empty()) {
    error(policies_line_,
          "no policies: list the district's policy documents, e.g.\npolicies:\n  - { id: model-bp, file: "
          "policies/model-bp.md }");
    policies_ok_ = false;
  }
  std::map<std::string, int> ids;
  if (const auto* items = list(n, "policies", "policies:\n  - { id: model-bp, file: policies/model-bp.md }")) {
    for (const auto& p : *items) {
      if (!p.is_map()) {
        error(p.line, "each policy must be a map such as { id: model-bp, file: policies/model-bp.md }, not " +
                          std::string(p.kind_name()) + ".");
        policies_ok_ = false;
        continue;
      }
      check_keys(p, "a policy", {"id", "file"});
      Text id = text(p["id"], "policies: id", {.max_chars = 64});
      Text file = text(p["file"], "policies: file", {.max_chars = 1000});
      if (!id.present || (id.ok && trim(id.value, kAsciiSpace).empty()))
        error(id.present ? id.line : p.line,
              "a policy has no id: write the id of its document (its front matter's id:).");
      if (!file.present || (file.ok && trim(file.value, kAsciiSpace).empty()))
        error(file.present ? file.line : p.line,
              "a policy has no file: write file: policies/<name>.md (relative to this file).");
      if (!id.ok || !file.ok || trim(id.value, kAsciiSpace).empty() || trim(file.value, kAsciiSpace).empty()) {
        policies_ok_ = false;
        continue;
      }
      if (auto [it, added] = ids.emplace(id.value, id.line); !added) {
        error(id.line,
              "policy id '" + id.value + "' is used twice (first on line " + std::to_string(it->second) + ").");
        policies_ok_ = false;
        continue;
      }
      PolicyDocumentRef ref{id.value, resolve(file.value)};
      std::error_code ec;
      if (!std::filesystem::is_regular_file(ref.file, ec)) {
        error(file.line,
              "policy file " + ref.file.string() + " does not exist. Paths are relative to the config file.");
        policies_ok_ = false;
        continue;
      }
      config_.policies.push_back(std::move(ref));
    }
  }
  if (n.is_list() && n.items.empty()) {
    error(n.line, "policies is an empty list: list the district's policy documents.");
    policies_ok_ = false;
  }

  const YamlNode& v = root["vocabulary"];
  section(v, "vocabulary", {"synonyms", "spanish", "subject", "verdict_examples"},
          "vocabulary: { synonyms: vocabulary.yaml, spanish: spanish_terms.yaml }");
  const auto vocabulary_file = [&](const char* key, const char* fallback, const char* what) {
    const YamlNode& node = v.is_map() ? v[key] : v;
    Text t = v.is_map() ? text(node, std::string("vocabulary.") + key, {.max_chars = 1000}) : Text{};
    if (t.present && !t.ok) {
      policies_ok_ = false;
      return std::filesystem::path();
    }
    const bool given = t.ok && !t.value.empty();
    auto path = resolve(given ? t.value : fallback);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      const int line = given ? t.line : !v.missing() ? v.line : policies_line_;
      error(line, std::string("the ") + what + " " + path.string() + " does not exist" +
                      (given ? ""
                             : " (vocabulary." + std::string(key) +
                                   " is not set, so it is looked for next to the config file)") +
                      ". Copy it from Hallpass's config/ folder or name yours: vocabulary: { " + key + ": … }.");
      policies_ok_ = false;
    }
    return path;
  };
  config_.vocabulary.synonyms = vocabulary_file("synonyms", "vocabulary.yaml", "synonym list");
  config_.vocabulary.spanish_terms = vocabulary_file("spanish", "spanish_terms.yaml", "Spanish term list");
  config_.vocabulary.subject = vocabulary_file("subject", "policy_subject.yaml", "policy subject list");
  // Optional: staff questions with their verdicts, to learn the verdict from (docs/policy-answers.md).
  if (v.is_map() && !v["verdict_examples"].missing())
    config_.vocabulary.verdict_examples = vocabulary_file("verdict_examples", "", "verdict examples file");

  const YamlNode& c = root["clauses"];
  if (section(c, "clauses", {"explanation_required", "four_responses", "written_request", "review_window"},
              "clauses:\n  explanation_required: \"model-bp#authorization.4\"")) {
    for (const auto& e : c.entries) {
      Text t = text(e.value, "clauses." + e.key, {.max_chars = 200});
      if (!t.ok || t.value.empty()) continue;
      config_.clauses[e.key] = t.value;
      clause_lines_[e.key] = t.line;
    }
  }
}

// --- classroom (issue 21) ---
void Loader::load_classroom(const YamlNode& root) {
  const YamlNode& c = root["classroom"];
  if (!section(c, "classroom",
               {"moderation_reminder", "moderation_time", "moderation_days", "associated_may_request",
                "acknowledgement_policy", "acknowledgement_on_first_message"},
               "classroom:\n  moderation_reminder: morning"))
    return;
  ClassroomSettings& k = config_.classroom;
  if (auto v = choice(c["moderation_reminder"], "classroom.moderation_reminder", {"morning", "digest"}))
    k.moderation_reminder = *v;
  if (Text t = text(c["moderation_time"], "classroom.moderation_time", {.max_chars = 10}); t.ok) {
    const std::string& s = t.value;
    const bool ok = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
                    std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[3])) &&
                    std::isdigit(static_cast<unsigned char>(s[4])) && std::stoi(s.substr(0, 2)) < 24 &&
                    std::stoi(s.substr(3, 2)) < 60;
    if (!ok)
      error(t.line, "classroom.moderation_time must be a 24-hour time like \"07:30\" (quoted), not " +
                        quote_for_message(s) + ".");
    else
      k.moderation_time = s;
  }
  static const std::vector<std::string_view> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  if (const auto* days = list(c["moderation_days"], "classroom.moderation_days", "moderation_days: [mon, tue, wed]")) {
    std::vector<unsigned> chosen;
    for (const auto& d : *days) {
      Text t = text(d, "a day of classroom.moderation_days", {.max_chars = 20});
      if (!t.ok) continue;
      const std::string w = lower(t.value).substr(0, 3);
      auto it = std::find(kDays.begin(), kDays.end(), w);
      if (it == kDays.end()) {
        error(d.line, "classroom.moderation_days: " + quote_for_message(t.value) +
                          " is not a day. Write days as mon, tue, wed, thu, fri, sat, sun.");
        continue;
      }
      unsigned n = static_cast<unsigned>(it - kDays.begin());
      if (std::find(chosen.begin(), chosen.end(), n) == chosen.end()) chosen.push_back(n);
    }
    if (chosen.empty() && days->empty())
      error(c["moderation_days"].line,
            "classroom.moderation_days is empty: name at least one day (comments are monitored daily), "
            "e.g. [mon, tue, wed, thu, fri].");
    else
      k.moderation_days = chosen;
  }
  if (auto v = boolean(c["associated_may_request"], "classroom.associated_may_request")) k.associated_may_request = *v;
  if (Text t = text(c["acknowledgement_policy"], "classroom.acknowledgement_policy", {.max_chars = 100}); t.ok) {
    const bool known = std::any_of(config_.policies.begin(), config_.policies.end(),
                                   [&](const PolicyDocumentRef& d) { return d.id == t.value; });
    if (!known)
      error(t.line, "classroom.acknowledgement_policy names " + quote_for_message(t.value) +
                        ", which is not one of the documents under policies:. Write one of their ids.");
    else
      k.acknowledgement_policy = t.value;
  }
  if (auto v = boolean(c["acknowledgement_on_first_message"], "classroom.acknowledgement_on_first_message"))
    k.acknowledgement_on_first_message = *v;
}

void Loader::load_incidents(const YamlNode& root) {
  const YamlNode& n = root["incidents"];
  if (!section(n, "incidents",
               {"categories", "protocol", "protocol_steps", "human_resources", "retaliation_check_in_days"},
               "incidents:\n  categories:\n    threat: { notify: [d.lee] }"))
    return;
  load_incident_protocol(n);
  static const std::vector<std::string_view> known = {"threat",       "harassment", "minor_images",   "child_abuse",
                                                      "confidential", "logo",       "hacked_account", "impersonation",
                                                      "retaliation",  "other"};
  const YamlNode& cats = n["categories"];
  if (!section(cats, "incidents.categories", known, "categories:\n    threat: { notify: [d.lee] }")) return;
  for (const auto& e : cats.entries) {
    if (std::find(known.begin(), known.end(), e.key) == known.end()) continue;  // reported by section()
    IncidentCategory cat;
    cat.id = e.key;
    const std::string which = "incident category '" + cat.id + "'";
    if (section(e.value, which, {"contacts", "notify", "policy_query"},
                "threat:\n      contacts: [{ name: …, phone: … }]\n      notify: [d.lee]\n      policy_query: …")) {
      if (const auto* contacts = list(e.value["contacts"], "the contacts of " + which,
                                      "contacts:\n        - { name: School Police, phone: \"(555) 010-4100\" }")) {
        for (const auto& a : *contacts) {
          if (!a.is_map()) {
            error(a.line, "each contact of " + which + " must be a map such as { name: …, phone: …, note: … }, not " +
                              std::string(a.kind_name()) + ".");
            continue;
          }
          check_keys(a, "a contact", {"name", "phone", "note"});
          Agency agency;
          Text name = text(a["name"], "the name of a contact of " + which);
          if (!name.present || (name.ok && trim(name.value, kAsciiSpace).empty()))
            error(a.line, "a contact of " + which + " has no name: the reporter needs to know whom they call.");
          if (name.ok) agency.name = name.value;
          if (Text t = text(a["phone"], "the phone of a contact of " + which, {.max_chars = 60}); t.ok)
            agency.phone = t.value;
          if (Text t = text(a["note"], "the note of a contact of " + which, {.max_chars = 1000}); t.ok)
            agency.note = t.value;
          cat.contacts.push_back(std::move(agency));
        }
      }
      for (const auto& [id, line] : person_ids(e.value["notify"], "the notify list of " + which, "notify: [d.lee]")) {
        cat.notify.push_back(id);
        person_refs_.push_back({id, current_file_, line, "notified of " + which + " reports", true});
      }
      if (Text t = text(e.value["policy_query"], "the policy_query of " + which, {.max_chars = 500}); t.ok)
        cat.policy_query = t.value;
    }
    config_.incident_categories.push_back(std::move(cat));
  }
}

// --- incidents (issue 22) ---
// The district's complaint protocol, the Human Resources officer told of abuse reports, and the
// days after closing when the reporter is asked about retaliation.
void Loader::load_incident_protocol(const YamlNode& n) {
  static const std::vector<std::string_view> protocols = {"lausd-bul-5688.2", "standard-sd-ar-1114", "own"};
  const std::string chosen =
      n["protocol"].empty() ? "lausd-bul-5688.2" : choice(n["protocol"], "incidents.protocol", protocols).value_or("");
  const YamlNode& own = n["protocol_steps"];
  if (chosen == "standard-sd-ar-1114") config_.incident_protocol = ar1114_protocol();
  if (chosen != "own" && !own.empty())
    error(own.line, "incidents.protocol_steps is read only with 'protocol: own'. Remove it, or write protocol: own.");
  if (chosen == "own") {
    IncidentProtocol p{.id = "own", .citation = config_.name};
    const auto* items = list(own, "incidents.protocol_steps",
                             "protocol_steps:\n    - { id: safety, letter: \"1\", text: \"Secure the site.\" }");
    if (!items || items->empty())
      error(n["protocol"].line,
            "'protocol: own' needs incidents.protocol_steps, the district's steps in order, e.g.\n"
            "  protocol_steps:\n    - { id: safety, letter: \"1\", text: \"Secure the site.\" }");
    if (items)
      for (const auto& item : *items) {
        if (!item.is_map()) {
          error(item.line,
                "each step of incidents.protocol_steps must be a map such as { id: …, letter: …, text: … }.");
          continue;
        }
        check_keys(item, "a protocol step", {"id", "letter", "text"});
        ProtocolStep step;
        step.id = id_text(item["id"], "the id of a protocol step", false, true);
        if (Text t = text(item["letter"], "the letter of a protocol step", {.max_chars = 4}); t.ok)
          step.letter = t.value;
        if (Text t = text(item["text"], "the text of a protocol step", {.max_chars = 1000}); t.ok) step.text = t.value;
        if (step.letter.empty() || step.text.empty())
          error(item.line, "a protocol step needs its letter and its text as the district's policy words them.");
        if (!step.id.empty() && p.step(step.id))
          error(item.line, "the protocol step '" + step.id + "' is listed twice: each step once.");
        if (!step.id.empty()) p.steps.push_back(std::move(step));
      }
    config_.incident_protocol = std::move(p);
  }
  for (const auto& [id, line] :
       person_ids(n["human_resources"], "incidents.human_resources", "human_resources: [g.ramos]")) {
    config_.human_resources.push_back(id);
    person_refs_.push_back({id, current_file_, line, "the Human Resources officer told of abuse reports", true});
  }
  if (auto v = integer(n["retaliation_check_in_days"], "incidents.retaliation_check_in_days", 0, 365))
    config_.retaliation_check_in_days = static_cast<int>(*v);
}

// How long the operational rows are kept (docs/records.md); the records themselves are never pruned.
void Loader::load_records(const YamlNode& root) {
  const YamlNode& n = root["records"];
  if (!section(n, "records", {"operational_days"}, "records:\n  operational_days: 30")) return;
  if (auto v = integer(n["operational_days"], "records.operational_days", 7, 3650))
    config_.retention_days = static_cast<int>(*v);
}

// One id, e-mail and handle per person: the directory decides who someone is, so two people
// with one handle would let one act as the other.
void Loader::check_directory() {
  std::map<std::string, size_t> ids, emails;
  std::map<std::pair<std::string, std::string>, size_t> handles;
  const auto where = [&](size_t i) {
    const auto& s = person_sources_[i];
    return s.file == file_.string() ? "line " + std::to_string(s.line) : s.file + " line " + std::to_string(s.line);
  };
  for (size_t i = 0; i < config_.people.size(); ++i) {
    const Person& p = config_.people[i];
    const PersonSource& src = person_sources_[i];
    if (auto [it, added] = ids.emplace(p.id, i); !added) {
      error_in(src.file, src.line_of("id"),
               "person id '" + p.id + "' is used twice (first on " + where(it->second) + "). Ids must be unique.");
      continue;
    }
    if (!p.email.empty())
      if (auto [it, added] = emails.emplace(lower(p.email), i); !added)
        error_in(src.file, src.line_of("email"),
                 "the email " + p.email + " of person '" + p.id + "' is also the email of person '" +
                     config_.people[it->second].id + "' (" + where(it->second) +
                     "). Hallpass knows people by "
                     "their e-mail on Slack and Teams: each person needs their own.");
    for (const auto& [platform, handle] : p.handles) {
      auto [it, added] = handles.emplace(std::make_pair(platform, handle), i);
      if (added) continue;
      const size_t j = it->second;
      const PlatformRules* rules = this->platform(platform);
      const bool built_in = rules && rules->built_in;
      const bool mine_default = built_in && src.web_handle_default;
      const bool other_default = built_in && person_sources_[j].web_handle_default;
      if (mine_default || other_default) {
        // One of the two wrote handles.web; the other's is their id by default.
        const size_t wrote = mine_default ? j : i;
        const size_t owner = mine_default ? i : j;
        const Person& w = config_.people[wrote];
        const Person& o = config_.people[owner];
        error_in(person_sources_[wrote].file, person_sources_[wrote].line_of("handles.web"),
                 "handles.web '" + handle + "' of person '" + w.id + "' is the id of person '" + o.id + "' (" +
                     where(owner) +
                     "), and everyone's id is their web handle unless handles.web says otherwise: "
                     "whoever uses the web chat or the console as " +
                     o.id + " would act as " + w.id + ". Remove handles.web of '" + w.id +
                     "' or give a handle nobody else has.");
      } else {
        error_in(src.file, src.line_of("handles." + platform),
                 "the " + platform + " handle '" + handle + "' of person '" + p.id +
                     "' is also the handle of person '" + config_.people[j].id + "' (" + where(j) +
                     "). A handle names one person, or one could act as "
                     "the other: correct one of the two.");
      }
    }
  }
}

void Loader::check_references() {
  std::map<std::string, const Person*> by_id;
  for (const auto& p : config_.people) by_id.emplace(p.id, &p);
  const auto person = [&](const std::string& id) -> const Person* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  for (size_t i = 0; i < config_.people.size(); ++i) {
    const Person& p = config_.people[i];
    const PersonSource& src = person_sources_[i];
    if (!p.site.empty() && !config_.site(p.site))
      error_in(src.file, src.line_of("site"),
               "person '" + p.id + "' names site '" + p.site + "', which is not in sites.");
    if (p.supervisor == p.id)
      error_in(src.file, src.line_of("supervisor"),
               "person '" + p.id + "' is their own supervisor. Name the person they report to.");
    else if (!p.supervisor.empty() && !person(p.supervisor))
      error_in(src.file, src.line_of("supervisor"),
               "person '" + p.id + "' names supervisor '" + p.supervisor + "', who is not in people.");
  }
  // Supervisors that go round in a circle: a complaint against one of them would find no one
  // above to respond. Each circle is reported once, at the person with the smallest id in it.
  for (size_t i = 0; i < config_.people.size(); ++i) {
    const Person& start = config_.people[i];
    std::vector<std::string> chain{start.id};
    std::set<std::string> seen{start.id};
    for (const Person* at = &start; at && !at->supervisor.empty() && at->supervisor != at->id;
         at = person(at->supervisor)) {
      if (at->supervisor == start.id) {
        if (*std::min_element(chain.begin(), chain.end()) == start.id) {
          std::string circle;
          for (const auto& id : chain) circle += id + " → ";
          error_in(person_sources_[i].file, person_sources_[i].line_of("supervisor"),
                   "the supervisors go round in a circle: " + circle + start.id +
                       ". The chain must end with someone who has no supervisor (the superintendent).");
        }
        break;
      }
      if (!seen.insert(at->supervisor).second) break;  // a circle above, not through this person
      chain.push_back(at->supervisor);
    }
  }
  for (const auto& r : person_refs_)
    if (!person(r.person))
      error_in(r.file, r.line, "'" + r.person + "', " + r.role + ", is not in people. Add them, or correct the id.");
}

// Every place and every person who must receive something needs a platform that is on.
void Loader::check_reachable() {
  if (enabled_.empty()) {
    error(adapters_line_,
          "no adapter is enabled: set enabled: true on at least one under adapters: (web: the "
          "built-in web chat; slack, teams, matrix: see docs/<platform>.md).");
    return;
  }
  std::vector<std::string_view> on(enabled_.begin(), enabled_.end());
  const auto place_reachable = [&](const Place& p) {
    if (malformed_places_.contains(p.id)) return;
    if (std::any_of(enabled_.begin(), enabled_.end(), [&](const auto& e) { return p.addresses.contains(e); })) return;
    const auto line = place_lines_.find(p.id);
    const std::string what =
        p.id == "superintendent" ? "superintendent.place" : "the approvals of site '" + p.id.substr(5) + "'";
    error(line != place_lines_.end() && line->second > 0 ? line->second : root_line_,
          what + " has no address on an enabled platform (enabled: " + join(on) +
              "), so nothing sent there can "
              "arrive. Add the channel of each enabled platform, e.g. " +
              (enabled_.contains("web") ? "web: \"#channel\"" : *enabled_.begin() + ": …") + ".");
  };
  for (const auto& s : config_.sites) place_reachable(s.approvals);
  if (!config_.superintendent.empty()) place_reachable(config_.superintendent_place);
  const bool by_email = std::any_of(platforms_.begin(), platforms_.end(), [&](const PlatformRules& p) {
    return p.reaches_by_email && enabled_.contains(p.name);
  });
  std::set<std::string> told;
  for (const auto& r : person_refs_) {
    const Person* p = config_.person(r.person);
    if (!p || !r.must_receive || told.contains(p->id)) continue;
    const bool handle =
        std::any_of(enabled_.begin(), enabled_.end(), [&](const auto& e) { return p->handles.contains(e); });
    if (handle || (by_email && !p->email.empty())) continue;
    told.insert(p->id);
    error_in(r.file, r.line,
             "'" + p->id + "', " + r.role + ", cannot be reached on any enabled platform (" + join(on) +
                 "): give them a handle there" + std::string(by_email ? " or an email" : "") + ".");
  }
}

void Loader::load_policy_library() {
  if (!policies_ok_ || config_.policies.empty()) return;
  std::string error_text;
  library_ = policy_memo().load(config_.policies, config_.vocabulary, error_text);
  if (!library_) {
    // "file:line: message" (or "file: message") from the policy parser: the file is a document,
    // a vocabulary file or a file beside a document, which exists.
    std::string file = file_.string();
    int line = policies_line_;
    std::string message = error_text;
    for (size_t colon = error_text.find(':'); colon != std::string::npos; colon = error_text.find(':', colon + 1)) {
      std::error_code ec;
      const std::string prefix = error_text.substr(0, colon);
      if (prefix.empty() || !std::filesystem::is_regular_file(prefix, ec)) continue;
      std::string_view rest = std::string_view(error_text).substr(colon + 1);
      int n = 0;
      auto [end, parsed] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
      file = prefix;
      line = 0;
      if (parsed == std::errc() && end < rest.data() + rest.size() && *end == ':') {
        line = n;
        rest = rest.substr(static_cast<size_t>(end - rest.data()) + 1);
      }
      message = trim(rest, kAsciiSpace);
      break;
    }
    error_in(file, line, message);
    return;
  }
  std::vector<std::string_view> ids;
  for (const auto& p : library_->passages()) ids.push_back(p.id);
  for (const auto& [role, id] : config_.clauses) {
    if (library_->find(id)) continue;
    std::string msg = "clauses." + role + " names the passage '" + id + "', which is in none of the policy documents.";
    if (auto best = closest_key(id, ids); !best.empty()) msg += " Did you mean '" + best + "'?";
    msg +=
        " Passage ids are <document id>#<anchor>, from the document's own numbering and headings "
        "(docs/policy-format.md).";
    error(clause_lines_[role], std::move(msg));
  }
}

ConfigLoadResult Loader::run() {
  config_.file = file_;
  auto doc = parse_config_yaml(text_, file_, errors_);
  bad_lines_ = doc.bad_text_lines;
  const YamlNode& root = doc.root;
  const bool blank = trim(text_, kAsciiSpace).empty();
  if (root.empty() && errors_.empty())
    error(blank ? 0 : 1, "the file is empty. Start from config/sample-district.yaml (see docs/configuration.md).");
  if (!root.empty() && !root.is_map())
    error(root.line > 0 ? root.line : 1, "the file must be a map of sections starting with 'district:', not " +
                                             std::string(root.kind_name()) +
                                             ". Start from config/sample-district.yaml.");
  if (root.is_map()) {
    root_line_ = root.entries.empty() ? 1 : root.entries.front().key_line;
    std::vector<std::string_view> known = {"district",  "review",     "digest",    "superintendent", "sites",
                                           "people",    "people_csv", "policies",  "vocabulary",     "clauses",
                                           "incidents", "adapters",   "classroom", "records",        "registry"};
    if (county_) known.push_back("workspaces");
    check_keys(root, "the file", known);
    // Adapters first: whether a platform's variables must be set depends on whether it is on.
    if (county_) {
      use_county_adapters(root);
      load_workspaces(root);
    } else {
      load_adapters(root);
    }
    load_district(root);
    load_review(root);
    load_digest(root);
    load_registry(root);
    load_people(root);
    load_sites(root);
    load_superintendent(root);
    load_policies(root);
    load_incidents(root);
    load_classroom(root);
    load_records(root);  // issue 22
    check_directory();
    check_references();
    check_reachable();
    load_policy_library();
  }
  sort_errors();
  if (!errors_.empty()) return {std::nullopt, std::move(errors_), nullptr};
  return {std::move(config_), {}, std::move(library_)};
}

void Loader::sort_errors() {
  // The district file's problems first, in line order; then other files' (the CSV, policies).
  const std::string main = file_.string();
  std::stable_sort(errors_.begin(), errors_.end(), [&](const ConfigError& a, const ConfigError& b) {
    if ((a.file == main) != (b.file == main)) return a.file == main;
    return a.file != b.file ? a.file < b.file : a.line < b.line;
  });
  errors_.erase(std::unique(errors_.begin(), errors_.end(),
                            [](const ConfigError& a, const ConfigError& b) {
                              return a.file == b.file && a.line == b.line && a.message == b.message;
                            }),
                errors_.end());
}

void Loader::use_county_adapters(const YamlNode& root) {
  if (!root["adapters"].missing())
    error(root.key_line("adapters"), "adapters: in a county folder the platforms are set in county.yaml (" +
                                         county_->file.string() +
                                         "). Remove this section; say where the district is found under "
                                         "workspaces: (slack: [team ids], teams: [tenant ids], matrix: [rooms]).");
  adapters_line_ = root_line_;
  config_.adapters = county_->adapters;
  config_.adapter_order = county_->adapter_order;
  for (const auto& [name, a] : config_.adapters)
    if (a.enabled) enabled_.insert(name);
}

void Loader::load_workspaces(const YamlNode& root) {
  const YamlNode& n = root["workspaces"];
  std::vector<std::string_view> known;
  for (const auto& p : platforms_)
    if (!p.built_in) known.push_back(p.name);
  const std::string_view example = "workspaces:\n  slack: [T0AAA1]";
  if (!section(n, "workspaces", known, example)) return;
  for (const auto& e : n.entries) {
    if (std::find(known.begin(), known.end(), e.key) == known.end()) continue;  // reported above
    const std::string what = "workspaces." + e.key;
    const auto* items = list(e.value, what, "workspaces:\n  " + e.key + ": [id, id]");
    if (!items) continue;
    auto& ids = config_.workspaces[e.key];
    for (const auto& item : *items) {
      Text t = text(item, "an id in " + what, {.max_chars = 200});
      if (!t.ok) continue;
      const std::string id(trim(t.value, kAsciiSpace));
      if (id.empty() || id.find_first_of(" \t\n") != std::string::npos) {
        error(item.line, what + ": " + quote_for_message(t.value) +
                             " is not an id: write the platform's id without spaces (a Slack team id T…, a "
                             "Microsoft 365 tenant id, a Matrix room !room:server).");
        continue;
      }
      if (std::any_of(ids.begin(), ids.end(), [&](const auto& w) { return w.id == id; })) {
        error(item.line, what + " lists " + quote_for_message(id) + " twice: write it once.");
        continue;
      }
      ids.push_back({id, item.line});
    }
  }
}

CountyLoadResult Loader::run_county() {
  auto doc = parse_config_yaml(text_, file_, errors_);
  bad_lines_ = doc.bad_text_lines;
  const YamlNode& root = doc.root;
  CountyConfig county;
  county.file = file_;
  if (root.empty() && errors_.empty())
    error(trim(text_, kAsciiSpace).empty() ? 0 : 1,
          "county.yaml is empty. Write county: { name: … } and the platforms under adapters: (docs/scale-out.md).");
  if (!root.empty() && !root.is_map())
    error(root.line > 0 ? root.line : 1,
          "county.yaml must be a map with 'county:' and 'adapters:', not " + std::string(root.kind_name()) + ".");
  if (root.is_map()) {
    root_line_ = root.entries.empty() ? 1 : root.entries.front().key_line;
    check_keys(root, "county.yaml", {"county", "adapters"});
    if (section(root["county"], "county", {"name"}, "county: { name: Sierra County Office of Education }"))
      if (Text name = text(root["county"]["name"], "county.name"); name.ok)
        county.name = std::string(trim(name.value, kAsciiSpace));
    load_adapters(root);
    if (auto web = config_.adapters.find("web"); web != config_.adapters.end() && web->second.enabled)
      error(web->second.line,
            "adapters.web: the built-in web chat has no sign-in and serves one district, so a county folder "
            "cannot use it. Remove it from county.yaml; enable slack, teams or matrix.");
    if (enabled_.empty() && root["adapters"].is_map())
      error(adapters_line_, "no adapter is enabled in county.yaml: set enabled: true on slack, teams or matrix.");
    if (root["adapters"].empty())
      error(root_line_,
            "county.yaml has no adapters: section: set the platforms the districts share there, e.g.\n"
            "adapters:\n  slack: { enabled: true, mode: http, … } (docs/scale-out.md).");
  }
  sort_errors();
  if (!errors_.empty()) return {std::nullopt, std::move(errors_)};
  county.adapter_order = std::move(config_.adapter_order);
  county.adapters = std::move(config_.adapters);
  return {std::move(county), {}};
}

}  // namespace

std::string ConfigError::to_string() const {
  return file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + message;
}

ConfigLoadResult load_district_config_text(std::string_view text, const std::filesystem::path& file,
                                           const PlatformList& platforms) {
  // Nothing in the loader is meant to throw; should a library it calls do so on some input, the
  // file is refused with that, never std::terminate.
  try {
    return Loader(file, text, platforms).run();
  } catch (const std::bad_alloc&) {
    return {std::nullopt, {{file.string(), 0, "not enough memory to check this file."}}, nullptr};
  } catch (const std::exception& e) {
    return {
        std::nullopt,
        {{file.string(), 0, std::string("internal error while checking this file (please report it): ") + e.what()}},
        nullptr};
  }
}

namespace {

template <typename Result>
Result refused_with(const std::filesystem::path& file, std::string message) {
  Result r;
  r.errors.push_back({file.string(), 0, std::move(message)});
  return r;
}

// As load_district_config_text: nothing is meant to throw; if a library does, the file is refused.
template <typename Result, typename Run>
Result run_guarded(const std::filesystem::path& file, Run run) {
  try {
    return run();
  } catch (const std::bad_alloc&) {
    return refused_with<Result>(file, "not enough memory to check this file.");
  } catch (const std::exception& e) {
    return refused_with<Result>(file,
                                std::string("internal error while checking this file (please report it): ") + e.what());
  }
}

template <typename Result, typename Run>
Result load_guarded(const std::filesystem::path& file, Run run) {
  std::string why;
  auto text = read_file(file, why);
  if (!text) return refused_with<Result>(file, "this file " + why + ". Check the path and permissions.");
  return run_guarded<Result>(file, [&] { return run(*text); });
}

}  // namespace

CountyLoadResult load_county_config(const std::filesystem::path& file, const PlatformList& platforms) {
  return load_guarded<CountyLoadResult>(
      file, [&](const std::string& text) { return Loader(file, text, platforms).run_county(); });
}

ConfigLoadResult load_county_district_config(const std::filesystem::path& file, const CountyConfig& county,
                                             const PlatformList& platforms) {
  return load_guarded<ConfigLoadResult>(
      file, [&](const std::string& text) { return Loader(file, text, platforms, &county).run(); });
}

CountyLoadResult load_county_config_text(std::string_view text, const std::filesystem::path& file,
                                         const PlatformList& platforms) {
  return run_guarded<CountyLoadResult>(file, [&] { return Loader(file, text, platforms).run_county(); });
}

ConfigLoadResult load_county_district_config_text(std::string_view text, const std::filesystem::path& file,
                                                  const CountyConfig& county, const PlatformList& platforms) {
  return run_guarded<ConfigLoadResult>(file, [&] { return Loader(file, text, platforms, &county).run(); });
}

ConfigLoadResult load_district_config(const std::filesystem::path& file, const PlatformList& platforms) {
  std::string why;
  auto text = read_file(file, why);
  if (!text)
    return {
        std::nullopt, {{file.string(), 0, "this config file " + why + ". Check the path and permissions."}}, nullptr};
  return load_district_config_text(*text, file, platforms);
}

std::string closest_key(std::string_view key, const std::vector<std::string_view>& known) {
  std::string_view best;
  size_t best_d = 99;
  for (auto k : known)
    if (size_t d = edit_distance(key, k); d < best_d) best_d = d, best = k;
  return best_d <= 3 ? std::string(best) : std::string();
}

}  // namespace bot
