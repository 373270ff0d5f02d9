#pragma once
// How the config loader judges the Slack section, handles and channels (bot/district/platform_rules.hpp).
#include "bot/district/platform_rules.hpp"

namespace adapters::slack {

bot::PlatformRules rules();

}  // namespace adapters::slack
