#pragma once
// The built-in platforms' config rules, for tests that load a district file without the app (the
// sanitizer build links no network code). The product's list is app::adapter_registry().
#include "adapters/matrix/matrix_rules.hpp"
#include "adapters/slack/slack_rules.hpp"
#include "adapters/teams/teams_rules.hpp"
#include "adapters/webchat/webchat_rules.hpp"

namespace test_support {

inline const bot::PlatformList& platform_rules() {
  static const bot::PlatformList rules{adapters::webchat::rules(), adapters::slack::rules(), adapters::teams::rules(),
                                       adapters::matrix::rules()};
  return rules;
}

}  // namespace test_support
