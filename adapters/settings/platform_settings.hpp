#pragma once
// Which platforms the district file may enable under adapters:, and each one's settings check,
// so the config loader can judge every section without knowing any adapter.
#include <string_view>
#include <vector>

#include "adapters/settings/setting_checks.hpp"

namespace adapters::settings {

// "web", "slack", "teams", "matrix": the sections adapters: may hold, in the documented order.
const std::vector<std::string_view>& platforms();

// Every problem of adapters.<platform>'s settings (values after ${NAME} expansion; `enabled` is
// the loader's): unknown keys with the one probably meant, then the platform's own checks.
// Empty for a platform that is not in platforms().
std::vector<SettingProblem> check_platform_settings(std::string_view platform, const Settings& settings);

}  // namespace adapters::settings
