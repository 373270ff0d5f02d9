#pragma once
// Typo tolerance for staff questions: a word the documents, their clause questions and the
// vocabulary never use is read as the known word one edit away ("facebok" → "facebook",
// "permision" → "permission", "fotografias" → "fotografías" folded), so a typo costs no match.
// Built once at load from the words the library knows; read-only afterwards.
#include <cstdint>
#include <string>
#include <unordered_map>
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
  // Builds the lookup; call once after the last add.
  void finish();

  // Each word as typed when it is known, short, or a number; otherwise the most used known word
  // one edit away (a letter added, dropped, changed, or two neighbours swapped), if any.
  std::vector<std::string> correct(const std::vector<std::string>& words) const;

 private:
  std::unordered_map<std::string, uint32_t> counts_;
  // Every known word with one letter dropped → the known words it comes from (the word itself
  // under its own key too).
  std::unordered_map<std::string, std::vector<const std::string*>> deletes_;
};

}  // namespace bot
