#pragma once
// Typo tolerance for staff questions: a word the documents, their clause questions and the
// vocabulary never use is read as the known word one edit away ("facebok" → "facebook",
// "permision" → "permission", "fotografias" → "fotografías" folded), so a typo costs no match.
// Built once at load from the words the library knows; read-only afterwards.
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bot {

class PolicySpelling {
 public:
  PolicySpelling() = default;
  // The lookup points into the word counts: a copy would point into the original's.
  PolicySpelling(const PolicySpelling&) = delete;
  PolicySpelling& operator=(const PolicySpelling&) = delete;

  // Counts one use of a known word (lower case, accents folded, as question_words gives it).
  void add(const std::string& word);
  // Reads a word list (one word per line, as Debian's wamerican and wspanish give it): a word of
  // the language the library does not use ("export", "winter") is left as typed, never read as
  // the known word one letter away ("extort", "winner"). A missing file adds nothing.
  // Call after finish(): only the list's words one edit from a known word are kept.
  void add_real_words(const std::filesystem::path& word_list);
  // Builds the lookup; call once after the last add.
  void finish();

  // Each word as typed when it is known, a real word of the language, short, or a number; otherwise the most used known
  // word one edit away (a letter added, dropped, changed, or two neighbours swapped), if any.
  std::vector<std::string> correct(const std::vector<std::string>& words) const;

 private:
  // The most used known word one edit away with the same first letter, or none.
  const std::string* known_neighbour(const std::string& word) const;

  std::unordered_map<std::string, uint32_t> counts_;
  std::unordered_set<std::string> real_words_;  // words of the language, never corrected
  // Every known word with one letter dropped → the known words it comes from (the word itself
  // under its own key too).
  std::unordered_map<std::string, std::vector<const std::string*>> deletes_;
};

}  // namespace bot
