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

// Reads a form typed as text (Matrix's `!socialmedia form …`, the console's `@form …`) into
// `values`: "key=value; other=value" on one line, or one key=value per line, or both. A field
// starts at the beginning, after a ';' or at a line start, where a key (a letter or digit, then
// letters, digits, blanks, '_', '.', '-') and '=' follow; anywhere else ';' and line ends belong
// to the value, so "objectives.instagram=Share news; remind families" keeps its whole value and a
// value may run over several lines. "\;" is always a ';' of the value (for a value whose ';' is
// followed by something like "key="). Keys and values are trimmed of `space`; a later key
// replaces an earlier one; text before the first key is skipped.
void read_pairs(std::string_view text, std::map<std::string, std::string>& values, std::string_view space = kSpace);

}  // namespace adapters::text
