#include "adapters/teams/teams_rules.hpp"

#include "adapters/common/id_forms.hpp"
#include "adapters/common/setting_checks.hpp"
#include "adapters/teams/teams_adapter.hpp"

namespace adapters::teams {

bot::PlatformRules rules() {
  bot::PlatformRules r;
  r.name = "teams";
  r.docs = "teams";
  r.check_settings = [](const bot::SettingMap& s) { return check_settings(s); };
  r.handle_problem = [](std::string_view v) -> std::string {
    if (v.starts_with("29:") && v.size() > 3 && !has_space(v)) return {};
    return "is not a Teams user id: those start with 29: (see docs/teams.md, \"The directory\")";
  };
  r.address_problem = [](std::string_view v) -> std::string {
    if (v.starts_with("19:") && v.size() > 3 && !has_space(v)) return {};
    return "is not a Teams channel id: those start with 19: and end with @thread.tacv2 (see docs/teams.md)";
  };
  r.listen_port = [](const bot::SettingMap& s) -> std::optional<std::string> {
    return settings::setting(s, "port", "3978");
  };
  r.reaches_by_email = true;
  return r;
}

}  // namespace adapters::teams
