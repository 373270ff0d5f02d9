#pragma once
// The one-line verdict of an answer, read from the quoted clause's own words: "is strongly
// discouraged" → discouraged, "Never post … without the written, informed consent" →
// needs_approval, "is prohibited" → prohibited, "shall" → required, "may" → allowed.
#include <string>
#include <string_view>
#include <vector>

#include "bot/policy/policy_library.hpp"

namespace bot {

struct VerdictReading {
  Verdict verdict = Verdict::no_answer;
  std::string words;  // the deciding words exactly as the clause writes them; empty if none
};

// Reads the verdict of one clause. The sentence that shares most words with the question decides
// (a clause may forbid one thing and allow another); if it has no deciding words, the whole clause
// does. Returns no_answer when the clause has no deciding words at all.
VerdictReading read_verdict(std::string_view clause, const std::vector<std::string>& question_words);

// The sentence of the clause that forbids something ("Do not download or print images of minors
// …") and shares most words with the question, its words from the cue to the sentence's end;
// no_answer when no such sentence shares any. A clause may allow in general what one of its
// sentences forbids in the asker's case.
VerdictReading forbidding_sentence(std::string_view clause, const std::vector<std::string>& question_words);

// Whether the words set the rest of the policy aside for what they name ("Nothing in this policy is
// intended to or will be applied to improperly restrict …"): a savings clause.
bool sets_policy_aside(std::string_view words);

// Whether any sentence of the clause is a savings sentence (read once per clause, at load).
bool has_savings_sentence(std::string_view clause);

}  // namespace bot
