#pragma once
// The district file's YAML as a plain tree with a line on every node, built once by yaml-cpp and
// then read without exceptions. yaml-cpp throws on a wrong type, a missing node's Mark(), a
// non-scalar key...; the config loader reads this tree instead, so no input can reach
// std::terminate. Also the checks that belong to the text itself: UTF-8, control characters,
// duplicate keys, size and nesting.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bot {

struct ConfigError;

struct YamlNode {
  enum class Kind { missing, null, scalar, list, map };
  struct Entry;

  Kind kind = Kind::missing;
  int line = 0;                 // 1-based; 0 for a missing node
  std::string text;             // a scalar's value
  bool quoted = false;          // the scalar was written in quotes: always text, never a number or true/false
  std::vector<YamlNode> items;  // a list's items
  std::vector<Entry> entries;   // a map's entries, in file order (keys are scalars, unique)

  bool missing() const { return kind == Kind::missing; }
  // Absent or written empty (`key:` or `key: ~`): both mean "use the default".
  bool empty() const { return kind == Kind::missing || kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_list() const { return kind == Kind::list; }
  bool is_map() const { return kind == Kind::map; }
  // The value under `key` in a map, or a missing node (also when this is not a map).
  const YamlNode& operator[](std::string_view key) const;
  // The line of the key `key` in a map, else this node's line.
  int key_line(std::string_view key) const;
  // "a list", "a map", "text": for messages.
  std::string_view kind_name() const;
};

struct YamlNode::Entry {
  std::string key;
  int key_line = 0;
  YamlNode value;
};

struct YamlDocument {
  YamlNode root;
  std::vector<int> bad_text_lines;  // lines already reported for bytes that are not UTF-8 text
};

// Parses `text` (the content of `file`, for messages). Problems are appended to `errors`; the
// tree holds what could be read (a missing root when the YAML itself is broken). Never throws
// on any input except std::bad_alloc.
YamlDocument parse_config_yaml(std::string_view text, const std::filesystem::path& file,
                               std::vector<ConfigError>& errors);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);
// The first character of `s` that a person cannot see or type in a name (C0/C1 controls other
// than tab and newline, DEL), as "U+0000"; empty when there is none. `s` must be valid UTF-8.
std::string first_control_character(std::string_view s, bool allow_newlines);

}  // namespace bot
