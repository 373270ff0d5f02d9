#pragma once
// Text helpers the adapters share. The general ones (trim, lower) live in bot/model/text.hpp,
// because the config loader and the policy parser need them too; they are re-exported here so an
// adapter includes one header.
#include <map>
#include <string>
#include <string_view>

#include "bot/model/text.hpp"

namespace adapters::text {

using bot::kAsciiSpace;
using bot::kSpace;
using bot::lower;
using bot::trim;
using bot::trim_view;

// Reads "key=value; other=value" (a form typed as text: Matrix's `!socialmedia form …`, the
// console's `@form …`) into `values`. Pieces are split at ';'; a piece with an '=' gives a key
// (before the first '=') and a value, both trimmed of `space`; a later key replaces an earlier
// one; a piece without '=' is skipped.
void read_pairs(std::string_view text, std::map<std::string, std::string>& values, std::string_view space = kSpace);

}  // namespace adapters::text
