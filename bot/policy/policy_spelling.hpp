#pragma once
// Typo tolerance for staff questions: a word the documents, their clause questions and the
// vocabulary never use is read as the known word one edit away ("facebok" → "facebook",
// "permision" → "permission", "fotografias" → "fotografías" folded), so a typo costs no match.
// Built once at load from the words the library knows; read-only afterwards.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bot {

using RealWords = std::unordered_set<std::string>;

// The words of six letters or more of the given word lists (one word per line, as Debian's
// wamerican and wspanish give them), folded as a question's words are. Read once per process for
// the same lists and shared by every district's library (the two system lists hold 190,000 words,
// read in 30-40 ms, once). A missing list adds nothing.
std::shared_ptr<const RealWords> real_words(const std::vector<std::filesystem::path>& lists);

class PolicySpelling {
 public:
  PolicySpelling() = default;
  // The lookup points into the word counts: a copy would point into the original's.
  PolicySpelling(const PolicySpelling&) = delete;
  PolicySpelling& operator=(const PolicySpelling&) = delete;

  // Counts one use of a known word (lower case, accents folded, as question_words gives it).
  void add(const std::string& word);
  // Words of the language the library does not use ("export", "winter") are left as typed, never
  // read as the known word one letter away ("extort", "winner"): see real_words().
  void use_real_words(std::shared_ptr<const RealWords> words) { real_words_ = std::move(words); }
  // Builds the lookup; call once after the last add.
  void finish();

  // Each word as typed when it is known, a real word of the language, short, or a number;
  // otherwise the most used known word one edit away (a letter added, dropped, changed, or two
  // neighbours swapped), if any.
  std::vector<std::string> correct(const std::vector<std::string>& words) const;

 private:
  // The most used known word one edit away with the same first letter, or none.
  const std::string* known_neighbour(const std::string& word) const;

  std::unordered_map<std::string, uint32_t> counts_;
  std::shared_ptr<const RealWords> real_words_;  // words of the language, never corrected
  // Every known word with one letter dropped → the known words it comes from (the word itself
  // under its own key too).
  std::unordered_map<std::string, std::vector<const std::string*>> deletes_;
};

}  // namespace bot
