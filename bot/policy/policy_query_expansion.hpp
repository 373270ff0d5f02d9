#pragma once
// Turns a question in the staff's own words (English or Spanish) into the concepts to look for
// in the policies, using the vocabulary files. Pure; no index access.
#include <string>
#include <string_view>
#include <vector>

#include "bot/policy/policy_library.hpp"
#include "bot/policy/policy_vocabulary.hpp"

namespace bot {

struct QueryConcept {
  std::string name;  // the vocabulary concept, or the word itself when no concept knows it
  double weight = 1.0;
  std::vector<TermPattern> search;  // what to look for in the passages
};

struct ExpandedQuery {
  std::string lang;                        // "en" or "es"
  std::vector<std::string> english_words;  // the question in English words, stop words kept
  std::vector<QueryConcept> concepts;      // each at most once, in question order
  NextStep next_step = NextStep::ask_principal;
};

// "es" when the question's Spanish stop words and accents outweigh its English stop words.
std::string detect_language(std::string_view question, const PolicyQueryVocabulary& vocabulary);

// Expands the question. lang "en" or "es"; empty means detect it.
ExpandedQuery expand_question(std::string_view question, std::string_view lang,
                              const PolicyQueryVocabulary& vocabulary);

// Chat shorthand and typos fixed ("fb" → "facebook"), as the vocabulary's `spelling` says.
std::vector<std::string> fix_spelling(const std::vector<std::string>& words, const PolicyQueryVocabulary& vocabulary);

// The FTS5 MATCH expression for one term: the quoted word or phrase, with `*` for a prefix.
std::string fts_expression(const TermPattern& term);

}  // namespace bot
