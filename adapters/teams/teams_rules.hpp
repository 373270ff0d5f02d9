#pragma once
// How the config loader judges the Teams section, handles and channels (bot/district/platform_rules.hpp).
#include "bot/district/platform_rules.hpp"

namespace adapters::teams {

bot::PlatformRules rules();

}  // namespace adapters::teams
