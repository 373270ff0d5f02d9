#pragma once
// How the config loader judges the web chat section, handles and channels (bot/district/platform_rules.hpp).
#include "bot/district/platform_rules.hpp"

namespace adapters::webchat {

bot::PlatformRules rules();

}  // namespace adapters::webchat
