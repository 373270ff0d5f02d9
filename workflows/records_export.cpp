#include "workflows/records_export.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <regex>
#include <set>

#include "bot/model/markup.hpp"
#include "bot/store/records_store.hpp"

namespace workflows {

using nlohmann::json;

namespace {

constexpr std::string_view kFormat = "hallpass-records-1";

bool is_request_id(std::string_view s) { return s.starts_with("R-"); }
bool is_incident_id(std::string_view s) { return s.starts_with("I-"); }

std::string lower_copy(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string iso(bot::TimePoint t) {
  const auto ms = bot::to_millis(t);
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string name_of(const bot::DistrictConfig& config, const std::string& id) {
  const bot::Person* p = config.person(id);
  return p ? p->name : id;
}

json plans_json(const std::vector<bot::PlatformPlan>& plans) {
  json out = json::array();
  for (const auto& p : plans) out.push_back({{"platform", p.platform}, {"objectives", p.objectives}});
  return out;
}

json request_json(const bot::DistrictConfig& config, const bot::Request& r) {
  json j = {{"id", r.id},
            {"requester", r.requester},
            {"requester_name", name_of(config, r.requester)},
            {"site", r.site},
            {"state", std::string(bot::to_string(r.state))},
            {"filed_at", iso(r.filed_at)},
            {"due_date", r.due_date},
            {"plans", plans_json(r.plans)},
            {"audience", r.audience},
            {"students_interact", r.students_interact},
            {"endorsed_by", r.endorsed_by},
            {"returned_by", r.returned_by},
            {"return_note", r.return_note},
            {"info_question", r.info_question},
            {"info_answer", r.info_answer},
            {"withdrawn_by", r.withdrawn_by}};
  if (r.decision)
    j["decision"] = {{"response", r.decision->response},
                     {"by", r.decision->by},
                     {"by_name", name_of(config, r.decision->by)},
                     {"at", iso(r.decision->at)},
                     {"explanation", r.decision->explanation},
                     {"conditions", r.decision->conditions},
                     {"authorized", plans_json(r.decision->authorized)}};
  return j;
}

json incident_json(const bot::DistrictConfig& config, const bot::Incident& i) {
  json j = bot::incident_to_json(i);
  j["id"] = i.id;
  j["reporter"] = i.reporter;
  j["reporter_name"] = name_of(config, i.reporter);
  j["status"] = std::string(bot::to_string(i.status));
  j["investigators"] = i.investigators;
  j["protocol"] = config.incident_protocol.citation;
  for (auto& s : j["steps"]) {
    if (const bot::ProtocolStep* p = config.incident_protocol.step(s.value("step", "")))
      s["policy"] = p->letter + ". " + p->text;
    s["at"] = iso(bot::from_millis(s.value("at", std::int64_t{0})));
  }
  for (auto& n : j["notes"]) n["at"] = iso(bot::from_millis(n.value("at", std::int64_t{0})));
  for (const char* t : {"closed_at", "filed_at"}) j[t] = iso(bot::from_millis(j.value(t, std::int64_t{0})));
  return j;
}

struct Redactor {
  std::set<std::string> fields;
  bool mask = true;
  json list = json::array();

  // Redacts `j` in place; `where` names it in the list. True when anything changed.
  bool apply(json& j, const std::string& where) {
    bool changed = false;
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string path = where + "." + it.key();
        if (fields.contains(it.key()) && !(it.value().is_string() && it.value().get<std::string>().empty())) {
          it.value() = "[redacted]";
          list.push_back({{"where", path}, {"kind", "field"}, {"field", it.key()}});
          changed = true;
        } else {
          changed = apply(it.value(), path) || changed;
        }
      }
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) changed = apply(j[i], where + "[" + std::to_string(i) + "]") || changed;
    } else if (j.is_string() && mask) {
      std::size_t emails = 0, phones = 0;
      std::string masked = mask_contacts(j.get<std::string>(), emails, phones);
      if (emails) list.push_back({{"where", where}, {"kind", "email"}, {"count", emails}});
      if (phones) list.push_back({{"where", where}, {"kind", "phone"}, {"count", phones}});
      if (emails || phones) {
        j = masked;
        changed = true;
      }
    }
    return changed;
  }
};

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}
std::string esc(const json& j) { return esc(j.is_string() ? j.get<std::string>() : j.dump()); }

}  // namespace

std::string mask_contacts(const std::string& text, std::size_t& emails, std::size_t& phones) {
  static const std::regex email(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})");
  static const std::regex phone(R"((\+?1[ .\-]?)?(\(\d{3}\)|\d{3})[ .\-]?\d{3}[ .\-]\d{4})");
  std::string out;
  emails += static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), email), {}));
  out = std::regex_replace(text, email, "[e-mail redacted]");
  std::string after;
  phones += static_cast<std::size_t>(std::distance(std::sregex_iterator(out.begin(), out.end(), phone), {}));
  after = std::regex_replace(out, phone, "[phone redacted]");
  return after;
}

RecordsExport build_records_export(bot::DomainStore& store, const bot::DistrictConfig& config,
                                   const bot::Prompts& prompts, const RecordsQuery& q, bot::TimePoint now) {
  RecordsExport out;
  auto t = [&](std::string_view key, const bot::PromptVars& vars = {}) {
    return bot::markup::to_plain(prompts.text(q.lang, "records." + std::string(key), vars));
  };
  const bool wants_incidents = q.include_incidents || !q.incident.empty();
  if (!q.incident.empty() && !q.include_incidents) {
    out.refusal = t("refusal.on_purpose");
    return out;
  }
  if (wants_incidents && !config.person(q.actor)) {
    out.refusal = t("refusal.who");
    return out;
  }

  // Every row of the log once: an export is an occasional office task, not a hot path.
  const bot::AuditHead head = store.audit_head();
  const auto all = store.audit_rows(1, head.seq);

  // The versions of a request: a request filed again after it was returned names the one it
  // replaces (`based_on` in its "filed" row); both directions are followed.
  std::map<std::string, std::string> based_on;
  for (const auto& a : all)
    if (a.action == "filed" && is_request_id(a.subject)) {
      auto d = json::parse(a.details, nullptr, false);
      if (d.is_object() && d.contains("based_on") && d["based_on"].is_string() &&
          !d["based_on"].get<std::string>().empty())
        based_on[a.subject] = d["based_on"].get<std::string>();
    }

  std::set<std::string> subjects;
  if (!q.request.empty()) {
    if (!store.request(q.request)) {
      out.refusal = t("refusal.no_request", {{"id", q.request}});
      return out;
    }
    std::set<std::string> family{q.request};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [later, earlier] : based_on)
        if (family.contains(later) != family.contains(earlier)) {
          family.insert(later);
          family.insert(earlier);
          grew = true;
        }
    }
    subjects = family;
  }
  if (!q.incident.empty()) subjects.insert(q.incident);
  if (q.from || q.to)
    for (const auto& a : all)
      if ((!q.from || a.at >= *q.from) && (!q.to || a.at < *q.to) && !a.subject.empty()) subjects.insert(a.subject);
  if (!q.account.empty()) {
    const std::string needle = lower_copy(q.account);
    for (const auto& a : all) {
      if (!is_request_id(a.subject) || subjects.contains(a.subject)) continue;
      if (auto r = store.request(a.subject)) {
        for (const auto& p : r->plans)
          if (lower_copy(p.platform + " " + p.objectives).find(needle) != std::string::npos) subjects.insert(r->id);
      }
    }
    if (wants_incidents)
      for (const auto& a : all)
        if (is_incident_id(a.subject))
          if (auto i = store.incident(a.subject); i && lower_copy(i->account).find(needle) != std::string::npos)
            subjects.insert(i->id);
  }

  // Reports only on purpose, and only those the exporter investigates.
  json requests = json::array(), incidents = json::array();
  std::set<std::string> kept;
  for (const auto& s : subjects) {
    if (is_request_id(s)) {
      if (auto r = store.request(s)) {
        requests.push_back(request_json(config, *r));
        kept.insert(s);
      }
    } else if (is_incident_id(s) && wants_incidents) {
      auto i = store.incident(s);
      if (!i) continue;
      if (!i->is_investigator(q.actor)) {
        if (s == q.incident) {
          out.refusal = t("refusal.not_investigator", {{"id", s}});
          return out;
        }
        continue;
      }
      incidents.push_back(incident_json(config, *i));
      kept.insert(s);
    }
  }
  if (kept.empty()) {
    out.refusal = t("refusal.nothing");
    return out;
  }

  // The versions of each request, in filing order, as they were filed (from the audit log).
  std::map<std::string, json> versions;
  Redactor redactor{.fields = {q.redact_fields.begin(), q.redact_fields.end()}, .mask = q.mask_contacts};
  json actions = json::array();
  std::map<std::int64_t, std::string> original_details;
  std::int64_t first_seq = 0;
  for (const auto& a : all) {
    if (!kept.contains(a.subject)) continue;
    if (first_seq == 0) first_seq = a.seq;
    original_details[a.seq] = a.details;
    json details = json::parse(a.details, nullptr, false);
    if (details.is_discarded()) details = a.details;
    json row = {{"seq", a.seq},
                {"at", iso(a.at)},
                {"at_ms", bot::to_millis(a.at)},
                {"actor", a.actor},
                {"actor_name", a.actor == "hallpass" ? std::string("Hallpass") : name_of(config, a.actor)},
                {"action", a.action},
                {"subject", a.subject},
                {"source", a.source},
                {"details", details},
                {"hash", a.hash}};
    if (a.action == "filed" && is_request_id(a.subject))
      versions[a.subject] = {{"id", a.subject}, {"filed_at", iso(a.at)}, {"as_filed", details}};
    actions.push_back(std::move(row));
  }
  for (auto& r : requests) {
    json chain = json::array();
    // Oldest first: walk back to the first version, then forward.
    std::string first = r["id"];
    while (based_on.contains(first) && kept.contains(based_on[first])) first = based_on[first];
    for (std::string at = first;;) {
      if (versions.contains(at)) chain.push_back(versions[at]);
      std::string next;
      for (const auto& [later, earlier] : based_on)
        if (earlier == at) next = later;
      if (next.empty() || !kept.contains(next)) break;
      at = next;
    }
    r["versions"] = chain;
  }

  // Redaction before anything leaves: records first, then each action's details. A redacted
  // row's text no longer gives its hash; it keeps its place in the chain (its hash and links).
  for (size_t i = 0; i < requests.size(); ++i) redactor.apply(requests[i], "requests[" + std::to_string(i) + "]");
  for (size_t i = 0; i < incidents.size(); ++i) redactor.apply(incidents[i], "incidents[" + std::to_string(i) + "]");
  for (size_t i = 0; i < actions.size(); ++i) {
    json& row = actions[i];
    const std::string& original = original_details[row["seq"].get<std::int64_t>()];
    const bool changed =
        redactor.apply(row["details"], "actions[#" + std::to_string(row["seq"].get<std::int64_t>()) + "].details");
    row["redacted"] = changed;
    if (!changed) row["details_text"] = original;  // the exact bytes the hash covers
  }

  json links = json::array();
  for (const auto& l : store.audit_links(first_seq))
    links.push_back({{"seq", l.seq}, {"prev_hash", l.prev_hash}, {"hash", l.hash}});

  out.requests = requests.size();
  out.incidents = incidents.size();
  out.actions = actions.size();
  out.redactions = redactor.list.size();
  json query = {{"request", q.request},
                {"incident", q.incident},
                {"from", q.from ? iso(*q.from) : ""},
                {"to", q.to ? iso(*q.to) : ""},
                {"account", q.account},
                {"include_incidents", q.include_incidents},
                {"redact_fields", q.redact_fields},
                {"mask_contacts", q.mask_contacts}};
  out.json = {{"format", kFormat},
              {"district", config.name},
              {"exported_at", iso(now)},
              {"exported_by", q.actor},
              {"query", query},
              {"requests", requests},
              {"incidents", incidents},
              {"actions", actions},
              {"redactions", redactor.list},
              {"proof",
               {{"algorithm", head.hash.starts_with("hmac-") ? "hmac-sha256" : "sha256"},
                {"head", {{"seq", head.seq}, {"hash", head.hash}}},
                {"links", links}}}};

  // The readable copy: the same content, headed in the reader's language.
  std::string h = "<!DOCTYPE html>\n<html lang=\"" + esc(q.lang) + "\"><head><meta charset=\"utf-8\"><title>" +
                  esc(t("title", {{"district", config.name}})) +
                  "</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:"
                  "collapse}td,th{border:1px solid #999;padding:4px;vertical-align:top}code{font-size:80%}</style>"
                  "</head><body>\n";
  h += "<h1>" + esc(t("title", {{"district", config.name}})) + "</h1>\n<p>" +
       esc(t("exported", {{"at", iso(now)}, {"by", q.actor.empty() ? "-" : name_of(config, q.actor)}})) + "</p>\n";
  for (const auto& r : requests) {
    h += "<h2>" + esc(t("request", {{"id", r["id"]}, {"name", r["requester_name"]}})) + "</h2>\n<p>" +
         esc(t("state", {{"state", r["state"]}, {"filed", r["filed_at"]}})) + "</p>\n";
    for (const auto& v : r["versions"])
      h += "<h3>" + esc(t("version", {{"id", v["id"]}, {"filed", v["filed_at"]}})) + "</h3><pre>" +
           esc(v["as_filed"].dump(2)) + "</pre>\n";
    if (r.contains("decision"))
      h += "<h3>" + esc(t("decision")) + "</h3><pre>" + esc(r["decision"].dump(2)) + "</pre>\n";
  }
  for (const auto& i : incidents)
    h += "<h2>" + esc(t("incident", {{"id", i["id"]}})) + "</h2><pre>" + esc(i.dump(2)) + "</pre>\n";
  h += "<h2>" + esc(t("actions")) + "</h2>\n<table><tr><th>#</th><th>" + esc(t("when")) + "</th><th>" + esc(t("who")) +
       "</th><th>" + esc(t("what")) + "</th><th>" + esc(t("message")) + "</th><th>" + esc(t("details")) +
       "</th></tr>\n";
  for (const auto& a : actions)
    h += "<tr><td>" + std::to_string(a["seq"].get<std::int64_t>()) + "</td><td>" + esc(a["at"]) + "</td><td>" +
         esc(a["actor_name"]) + "</td><td>" +
         esc(a["action"].get<std::string>() + " " + a["subject"].get<std::string>()) + "</td><td>" + esc(a["source"]) +
         "</td><td><pre>" + esc(a["details"].dump(1)) + "</pre></td></tr>\n";
  h += "</table>\n<h2>" + esc(t("redactions")) + "</h2>\n";
  if (redactor.list.empty())
    h += "<p>" + esc(t("no_redactions")) + "</p>\n";
  else {
    h += "<ul>\n";
    for (const auto& r : redactor.list)
      h += "<li>" + esc(r["where"].get<std::string>() + ": " + r["kind"].get<std::string>()) + "</li>\n";
    h += "</ul>\n";
  }
  h += "<h2>" + esc(t("proof")) + "</h2>\n<p>" +
       esc(t("proof_text", {{"seq", std::to_string(head.seq)}, {"hash", head.hash}})) + "</p>\n</body></html>\n";
  out.html = std::move(h);
  return out;
}

RecordsProofCheck check_records_proof(const json& exported, const std::string& key) {
  RecordsProofCheck c;
  auto fail = [&c](std::string why) {
    c.ok = false;
    c.problem = std::move(why);
    return c;
  };
  try {
    if (exported.value("format", "") != kFormat) return fail("not a Hallpass records export");
    const json& proof = exported.at("proof");
    std::map<std::int64_t, std::pair<std::string, std::string>> links;
    std::string prev;
    std::int64_t last = 0;
    for (const auto& l : proof.at("links")) {
      const std::int64_t seq = l.at("seq").get<std::int64_t>();
      const std::string p = l.at("prev_hash"), h = l.at("hash");
      if (last != 0 && (seq != last + 1 || p != prev))
        return fail("the chain breaks at row #" + std::to_string(seq) + ": it does not follow row #" +
                    std::to_string(last));
      links[seq] = {p, h};
      prev = h;
      last = seq;
    }
    const json& head = proof.at("head");
    c.head_seq = head.at("seq").get<std::int64_t>();
    if (last != c.head_seq || prev != head.at("hash").get<std::string>())
      return fail("the links do not end at the head recorded at export (row #" + std::to_string(c.head_seq) + ")");
    for (const auto& a : exported.at("actions")) {
      const std::int64_t seq = a.at("seq").get<std::int64_t>();
      auto link = links.find(seq);
      if (link == links.end()) return fail("row #" + std::to_string(seq) + " is not in the proof's chain");
      if (a.at("hash").get<std::string>() != link->second.second)
        return fail("row #" + std::to_string(seq) + " has another hash than its place in the chain");
      if (a.value("redacted", false)) {
        ++c.rows_linked;
        continue;
      }
      bot::AuditEntry e{.seq = seq,
                        .at = {},
                        .actor = a.at("actor"),
                        .action = a.at("action"),
                        .subject = a.at("subject"),
                        .details = a.at("details_text"),
                        .source = a.at("source")};
      // The time as the log holds it: whole milliseconds, from the ISO text (seconds) is not
      // enough, so the row carries them.
      e.at = bot::from_millis(a.at("at_ms").get<std::int64_t>());
      // What a reader sees must be what the hash covers.
      if (a.at("at").get<std::string>() != iso(e.at) || json::parse(e.details, nullptr, false) != a.at("details"))
        return fail("row #" + std::to_string(seq) +
                    " was altered: what it shows differs from the text its hash covers");
      const std::string& stored = link->second.second;
      if (stored.starts_with("hmac-") && key.empty())
        return fail("row #" + std::to_string(seq) + " is keyed: set HALLPASS_AUDIT_KEY to check it");
      if (bot::audit_row_hash(stored.starts_with("hmac-") ? key : "", link->second.first, e) != stored)
        return fail("row #" + std::to_string(seq) + " was altered: its text does not give its hash");
      ++c.rows_recomputed;
    }
  } catch (const std::exception& e) {
    return fail(std::string("the export is incomplete or malformed (") + e.what() + ")");
  }
  return c;
}

}  // namespace workflows
