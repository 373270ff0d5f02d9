#include "bot/policy/policy_spelling.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <string_view>

#include "bot/policy/policy_text.hpp"

namespace bot {
namespace {

// Shorter words are too often another real word one letter away ("post" / "host", "cards" /
// "cares"): a word the documents never use is more often a real word than a typo.
constexpr size_t kMinLength = 6;

bool one_edit(const std::string& a, const std::string& b) {
  if (a == b) return false;
  const size_t la = a.size(), lb = b.size();
  if (la == lb) {
    size_t first = la, diffs = 0;
    for (size_t i = 0; i < la; ++i)
      if (a[i] != b[i]) {
        if (++diffs == 1) first = i;
      }
    if (diffs == 1) return true;
    // Two neighbours swapped.
    return diffs == 2 && first + 1 < la && a[first] == b[first + 1] && a[first + 1] == b[first] &&
           a.compare(first + 2, std::string::npos, b, first + 2, std::string::npos) == 0;
  }
  const std::string& longer = la > lb ? a : b;
  const std::string& shorter = la > lb ? b : a;
  if (longer.size() != shorter.size() + 1) return false;
  size_t i = 0;
  while (i < shorter.size() && shorter[i] == longer[i]) ++i;
  return longer.compare(i + 1, std::string::npos, shorter, i, std::string::npos) == 0;
}

bool has_digit(const std::string& w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A Spanish infinitive or gerund with its pronouns attached ("tomarle", "mandarles",
// "enviándoselo" folded to "enviandoselo") is a word no list holds whole, not a typo: read as a
// typo, "tomarle" (take her) became "tocarle" (touch her), a report.
bool verb_with_pronoun(const std::string& w) {
  static const std::vector<std::string> kPronouns = {"selos", "selas", "selo", "sela", "les", "los", "las",
                                                     "nos",   "le",    "la",   "lo",   "me",  "te",  "se"};
  static const std::vector<std::string> kVerbEndings = {"ar", "er", "ir", "ando", "iendo"};
  for (const auto& pronoun : kPronouns) {
    if (!w.ends_with(pronoun)) continue;
    const std::string_view verb(w.data(), w.size() - pronoun.size());
    for (const auto& ending : kVerbEndings)
      if (verb.size() >= ending.size() + 2 && verb.ends_with(ending)) return true;
  }
  return false;
}

}  // namespace

void PolicySpelling::add(const std::string& word) {
  if (!word.empty()) ++counts_[word];
}

std::shared_ptr<const RealWords> real_words(const std::vector<std::filesystem::path>& lists) {
  static std::mutex mutex;
  static std::map<std::vector<std::filesystem::path>, std::shared_ptr<const RealWords>> read;
  const std::lock_guard lock(mutex);
  auto& words = read[lists];
  if (words) return words;
  auto fresh = std::make_shared<RealWords>();
  for (const auto& list : lists) {
    std::ifstream in(list);
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() < kMinLength) continue;
      // Most lines are plain lower-case words, kept as they are without the folding below.
      const bool plain = std::all_of(line.begin(), line.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      if (plain) {
        fresh->insert(line);
        continue;
      }
      // Capitals and accents are folded as a question's words are; "Abbey's" is two words, left out.
      std::vector<std::string> folded = question_words(line);
      if (folded.size() == 1 && folded.front().size() >= kMinLength) fresh->insert(std::move(folded.front()));
    }
  }
  words = std::move(fresh);
  return words;
}

void PolicySpelling::finish() {
  for (const auto& [word, count] : counts_) {
    if (word.size() + 1 < kMinLength || has_digit(word)) continue;
    deletes_[word].push_back(&word);
    for (size_t i = 0; i < word.size(); ++i) {
      std::string d = word;
      d.erase(i, 1);
      deletes_[d].push_back(&word);
    }
  }
}

const std::string* PolicySpelling::known_neighbour(const std::string& w) const {
  // Candidates share a one-letter deletion with the word (or are it minus a letter).
  const std::string* best = nullptr;
  uint32_t best_count = 0;
  const auto consider = [&](const std::string& key) {
    const auto it = deletes_.find(key);
    if (it == deletes_.end()) return;
    for (const std::string* known : it->second) {
      // Typos rarely touch the first letter; real words one letter apart often differ there
      // ("kinder" / "tinder", "fights" / "rights").
      if ((*known)[0] != w[0] || !one_edit(w, *known)) continue;
      const uint32_t c = counts_.at(*known);
      // The most used candidate; ties to the first in alphabetical order, so answers never vary.
      if (c > best_count || (c == best_count && best && *known < *best)) {
        best = known;
        best_count = c;
      }
    }
  };
  consider(w);
  for (size_t i = 0; i < w.size(); ++i) {
    std::string d = w;
    d.erase(i, 1);
    consider(d);
  }
  return best;
}

std::vector<std::string> PolicySpelling::correct(const std::vector<std::string>& words) const {
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) {
    const bool as_typed = w.size() < kMinLength || w.size() > 40 || has_digit(w) || counts_.contains(w) ||
                          (real_words_ && real_words_->contains(w)) || verb_with_pronoun(w);
    const std::string* neighbour = as_typed ? nullptr : known_neighbour(w);
    out.push_back(neighbour ? *neighbour : w);
  }
  return out;
}

}  // namespace bot
