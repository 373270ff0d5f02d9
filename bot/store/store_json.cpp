#include "bot/store/store_json.hpp"

#include <nlohmann/json.hpp>

#include "bot/model/message_json.hpp"

namespace bot {

using nlohmann::json;

json plans_to_json(const std::vector<PlatformPlan>& plans) {
  json out = json::array();
  for (const auto& p : plans) out.push_back({{"platform", p.platform}, {"objectives", p.objectives}});
  return out;
}

std::vector<PlatformPlan> plans_from_json(const json& j) {
  std::vector<PlatformPlan> out;
  for (const auto& p : j) out.push_back({p.at("platform").get<std::string>(), p.value("objectives", "")});
  return out;
}

json decision_to_json(const Decision& d) {
  return {{"response", d.response},     {"by", d.by},
          {"at", to_millis(d.at)},      {"explanation", d.explanation},
          {"conditions", d.conditions}, {"authorized", plans_to_json(d.authorized)}};
}

Decision decision_from_json(const json& j) {
  return {j.value("response", ""),    j.value("by", ""),         from_millis(j.value("at", std::int64_t{0})),
          j.value("explanation", ""), j.value("conditions", ""), plans_from_json(j.value("authorized", json::array()))};
}

json draft_to_json(const Draft& d) {
  json j = {
      {"person", d.person}, {"plans", plans_to_json(d.plans)}, {"audience", d.audience}, {"based_on", d.based_on}};
  if (d.students_interact) j["students_interact"] = *d.students_interact;
  return j;
}

Draft draft_from_json(const json& j) {
  Draft d{j.value("person", ""), plans_from_json(j.value("plans", json::array())),
          j.value("audience", std::vector<std::string>{}), std::nullopt, j.value("based_on", "")};
  if (j.contains("students_interact")) d.students_interact = j["students_interact"].get<bool>();
  return d;
}

json outbound_to_json(const Outbound& o) {
  const auto& r = o.to;
  return {{"to",
           {{"kind", static_cast<int>(r.kind)},
            {"person", r.person_id},
            {"place", r.place_id},
            {"platform", r.platform},
            {"channel", r.channel},
            {"thread_ref", r.thread_ref},
            {"only_user", r.only_user}}},
          {"message", message_to_json(o.message)},
          {"thread_key", o.thread_key},
          {"record_key", o.record_key},
          {"update_key", o.update_key},
          {"reply_context", o.reply_context}};
}

Outbound outbound_from_json(const json& j) {
  const auto& t = j.at("to");
  Outbound o;
  o.to = {static_cast<Recipient::Kind>(t.value("kind", 0)),
          t.value("person", ""),
          t.value("place", ""),
          t.value("platform", ""),
          t.value("channel", ""),
          t.value("thread_ref", ""),
          t.value("only_user", "")};
  o.message = message_from_json(j.at("message"));
  o.thread_key = j.value("thread_key", "");
  o.record_key = j.value("record_key", "");
  o.update_key = j.value("update_key", "");
  o.reply_context = j.value("reply_context", "");
  return o;
}

}  // namespace bot
