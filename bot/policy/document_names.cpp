#include "bot/policy/document_names.hpp"

#include <algorithm>
#include <cctype>

#include "bot/policy/policy_text.hpp"

namespace bot {
namespace {

bool is_capitals(std::string_view name) {
  return name.size() >= 2 && name.size() <= 3 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c) != 0; });
}

// The words of the text as typed, split where question_words() splits ASCII text.
std::vector<std::string> typed_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      word += c;
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// ASCII letters in lower case (names of two or three capitals are ASCII).
std::string folded_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

bool contains_run(const std::vector<std::string>& words, const std::vector<std::string>& run) {
  if (run.empty() || run.size() > words.size()) return false;
  return std::search(words.begin(), words.end(), run.begin(), run.end()) != words.end();
}

}  // namespace

void DocumentNames::add(const std::string& document, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const bool capitals = is_capitals(name);
    Name n{document, capitals ? std::vector<std::string>{name} : question_words(name), capitals,
           capitals ? "(" + folded_name(name) + ")" : std::string()};
    if (!n.words.empty()) names_.push_back(std::move(n));
  }
}

std::set<std::string> DocumentNames::named_in(std::string_view question) const {
  std::set<std::string> out;
  if (names_.empty()) return out;
  const std::vector<std::string> folded = question_words(question);
  const std::vector<std::string> typed = typed_words(question);
  const std::string lower = folded_name(std::string(question));
  for (const auto& n : names_) {
    if (contains_run(n.capitals ? typed : folded, n.words)) out.insert(n.document);
    // … or in any case when it stands alone in parentheses: "(la)" is a name, not an article.
    if (n.capitals && lower.find(n.in_parentheses) != std::string::npos) out.insert(n.document);
  }
  return out;
}

}  // namespace bot
