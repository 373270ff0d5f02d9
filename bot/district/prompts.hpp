#pragma once
// Every sentence a user reads, as templates in prompts/<lang>.yaml ("en", "es").
//
// Templates use {name} placeholders. Values are inserted as given: callers escape user text
// with markup::escape() first. A key missing in a language falls back to English; a key
// missing everywhere is a programming error caught by the prompts test.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bot {

using PromptVars = std::vector<std::pair<std::string_view, std::string>>;

class Prompts {
 public:
  // Loads every prompts/<lang>.yaml in the folder. Throws std::runtime_error naming file and line.
  static Prompts load(const std::filesystem::path& folder);

  // The template for key in lang, with vars substituted.
  std::string text(std::string_view lang, std::string_view key, const PromptVars& vars = {}) const;
  bool has(std::string_view lang, std::string_view key) const;
  std::vector<std::string> languages() const;
  std::vector<std::string> keys(std::string_view lang) const;

 private:
  using Table = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
  const Table& table() const;
  // Shared by copies: a county's thousand districts hold one set of templates, not a thousand.
  std::shared_ptr<const Table> by_lang_;
};

}  // namespace bot
