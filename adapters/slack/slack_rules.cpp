#include "adapters/slack/slack_rules.hpp"

#include "adapters/common/id_forms.hpp"
#include "adapters/common/setting_checks.hpp"
#include "adapters/slack/slack_adapter.hpp"

namespace adapters::slack {

bot::PlatformRules rules() {
  bot::PlatformRules r;
  r.name = "slack";
  r.docs = "slack";
  r.check_settings = [](const bot::SettingMap& s) { return check_settings(s); };
  r.handle_problem = [](std::string_view v) -> std::string {
    if ((v.starts_with("U") || v.starts_with("W")) && v.size() >= 3 && upper_alnum(v)) return {};
    return "is not a Slack member id: those are U or W and capitals and digits, e.g. U0TGARCIA1 (in Slack: the "
           "person's profile → ⋮ → Copy member ID)";
  };
  r.address_problem = [](std::string_view v) -> std::string {
    if ((v.starts_with("C") || v.starts_with("G")) && v.size() >= 3 && upper_alnum(v)) return {};
    return "is not a Slack channel id: those are C or G and capitals and digits, e.g. C0LINCOLN1 (in Slack: the "
           "channel's name → About → Channel ID)";
  };
  // Only the HTTP mode listens; Socket Mode dials out.
  r.listen_port = [](const bot::SettingMap& s) -> std::optional<std::string> {
    if (settings::setting(s, "mode") != "http") return std::nullopt;
    return settings::setting(s, "port", "3000");
  };
  r.reaches_by_email = true;
  return r;
}

}  // namespace adapters::slack
