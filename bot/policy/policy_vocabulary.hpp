#pragma once
// The domain vocabulary of the policy answers engine, kept as data: config/vocabulary.yaml (how
// staff say things → the words the policies use, stop words, the answer thresholds, the words
// that point to a next step) and config/spanish_terms.yaml (Spanish → English).
// Format and meaning: docs/policy-answers.md.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "bot/policy/policy_document_parser.hpp"

namespace bot {

// One entry of a word list: a word ("friend"), a prefix ("photo*") or a phrase ("friend request").
struct TermPattern {
  std::vector<std::string> words;  // lower-case, accents folded
  bool prefix = false;             // the last word matches any word that starts with it
};

// A group of words that mean one thing in a question ("friend", "follow", "add", "connect").
struct VocabularyConcept {
  std::string name;
  double weight = 1.0;                // how much matching it counts towards a passage's score
  std::vector<TermPattern> triggers;  // what staff type
  std::vector<TermPattern> search;    // what is looked for in the policies (`search`, else the triggers)
};

// Calibrated on the tuning questions (tests/fixtures/policy_questions.yaml).
struct AnswerThresholds {
  double min_score = 0;       // below this best score: no answer
  double min_coverage = 0;    // share of the question's weight the best passage must match
  double keep_ratio = 0;      // further passages must score at least this share of the best
  double coverage_power = 1;  // a passage's score is scaled by (its share of the question)^this
};

struct PolicyQueryVocabulary {
  std::set<std::string> stop_words;
  std::map<std::string, std::vector<std::string>> spelling;  // typo or shorthand → words
  // Phrases read as other words ("report card" → "grades", so a grade report is not a report
  // of misconduct): several words → words, the longest first.
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> phrase_spelling;
  std::vector<VocabularyConcept> concepts;
  std::vector<TermPattern> report_words;   // the question is about something to report
  std::vector<TermPattern> request_words;  // the question is about starting or using an account for school
  AnswerThresholds thresholds;
  double unknown_word_weight = 1.0;  // a question word no concept knows, searched as written
  // Passages under a heading with these words count this much (definitions describe words,
  // they rarely answer "can I …?").
  std::vector<std::pair<TermPattern, double>> section_weights;

  std::set<std::string> spanish_stop_words;
  std::vector<std::pair<TermPattern, std::vector<std::string>>> spanish_terms;  // → English words
};

// Loads and checks both files. Errors name the file, the line and what to do.
boost::system::result<PolicyQueryVocabulary, PolicyParseError> load_policy_vocabulary(
    const std::filesystem::path& synonyms, const std::filesystem::path& spanish_terms);

// Parses "photo*" / "friend request" into a pattern (folding case and accents).
TermPattern parse_term_pattern(std::string_view text);

// The length in words of the longest pattern matching `words` at `at`, or 0.
size_t match_length(const TermPattern& pattern, const std::vector<std::string>& words, size_t at);

}  // namespace bot
