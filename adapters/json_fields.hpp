#pragma once
// Reading fields of platform JSON (Slack payloads, Teams activities, Matrix events) that may be
// missing or of another type, without exceptions: a protocol layer decides itself which absent
// field is an error.
#include <nlohmann/json.hpp>
#include <string>

namespace adapters::json_fields {

// A string member, or "" when absent, of another type, or j is not an object.
inline std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A member of any type, or null when absent or j is not an object.
inline const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

}  // namespace adapters::json_fields
