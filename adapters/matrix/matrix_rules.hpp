#pragma once
// How the config loader judges the Matrix section, handles and channels (bot/district/platform_rules.hpp).
#include "bot/district/platform_rules.hpp"

namespace adapters::matrix {

bot::PlatformRules rules();

}  // namespace adapters::matrix
