#pragma once
// The district's policy documents, indexed for quoting and for answering staff questions.
//
// Loaded once at start-up from the Markdown documents the district config names
// (config/policies/*.md; format in docs/policy-format.md). Read-only afterwards, so workflows
// may call it freely. Quotes are always the documents' verbatim text.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace bot {

struct Passage {
  std::string id;        // stable across builds: "<doc id>#<anchor>", e.g. "lausd-bul-5688.2#I.1"
  std::string doc;       // document id, e.g. "lausd-bul-5688.2"
  std::string title;     // document title
  std::string section;   // the heading the passage stands under
  std::string citation;  // "LAUSD BUL-5688.2, §I.1"
  std::string text;      // verbatim wording of the document
};

struct ScoredPassage {
  Passage passage;
  double score = 0;  // higher is better; comparable within one answer
};

// What the policy tells the asker, safety first: `report` whenever the situation must be reported,
// `info` when the question asks for a fact (how long, who, what happens), and never `allowed` when
// a quoted clause attaches a condition, consent or authorization, or forbids part of it.
enum class Verdict {
  allowed,                  // go ahead
  allowed_with_conditions,  // yes, within limits or with duties
  needs_approval,           // only with consent, permission or authorization first
  discouraged,              // avoid; "strongly discouraged"
  prohibited,               // must not
  required,                 // a duty
  report,                   // report it: the situation involves a threat, abuse, a minor's image…
  info,                     // a fact: how long, who decides, what happens
  no_answer,                // the policies do not cover this
};

// Why a question got no answer, or that it was not a question at all.
enum class Decline {
  none,         // answered
  off_subject,  // not about what the policies govern (parking, payroll, the wifi password)
  no_match,     // about the subject, but no clause matches at all
  unstated,     // asks for a number, a time or a frequency that no clause it matches states
  small_talk,   // "hi", "thanks", "help": not a policy question
};

// What a question is about, so the answer can point to the next step.
enum class NextStep { none, request, report, ask_principal };

// Everyday chat that is not a question, recognised whole ("hi", "thanks!", "help", "?").
enum class SmallTalk { none, greeting, thanks, help, bye };

struct PolicyAnswer {
  std::string question;
  std::string lang;  // the question's language: "en" or "es" (detected unless given)
  Verdict verdict = Verdict::no_answer;
  std::string verdict_words;  // the clause's own words that decide the verdict (verbatim)
  bool no_answer = true;
  Decline decline = Decline::no_match;
  SmallTalk small_talk = SmallTalk::none;
  bool closest_only = false;  // on the subject but matched weakly: the passages are the closest clauses
  NextStep next_step = NextStep::ask_principal;
  std::vector<ScoredPassage> passages;  // best first, at most 5
};

struct PolicyDocumentRef {
  std::string id;              // as named in the district config
  std::filesystem::path file;  // absolute, or relative to the config file's folder
};

struct PolicyVocabulary {
  std::filesystem::path synonyms;       // config/vocabulary.yaml
  std::filesystem::path spanish_terms;  // config/spanish_terms.yaml
  std::filesystem::path subject;        // config/policy_subject.yaml; empty: beside `synonyms`
  // Staff questions with their verdicts, which the verdict is learned from (verdict_model.hpp);
  // empty: verdict_examples.jsonl beside the first document. A missing file leaves the rules alone.
  std::filesystem::path verdict_examples;
};

// The verdict examples file the library reads: `vocabulary.verdict_examples`, or
// verdict_examples.jsonl in the folder of the first document.
std::filesystem::path verdict_examples_path(const std::vector<PolicyDocumentRef>& documents,
                                            const PolicyVocabulary& vocabulary);

class PolicyLibrary {
 public:
  // Parses the documents and builds the index. The error names the file, line and what to do.
  static boost::system::result<std::shared_ptr<const PolicyLibrary>> load(
      const std::vector<PolicyDocumentRef>& documents, const PolicyVocabulary& vocabulary, std::string& error);

  virtual ~PolicyLibrary() = default;

  // The passage with this id, or nullptr.
  virtual const Passage* find(std::string_view passage_id) const = 0;
  // Every passage, in document order.
  virtual const std::vector<Passage>& passages() const = 0;
  // Answers a question in the staff's own words. lang is "en" or "es" (the question's language
  // is detected when lang is empty).
  virtual PolicyAnswer answer(std::string_view question, std::string_view lang = {}) const = 0;
};

std::string_view to_string(Verdict v);  // "allowed", "allowed_with_conditions", …, "no_answer"
std::optional<Verdict> verdict_from_string(std::string_view name);  // the inverse; nullopt if unknown
std::string_view to_string(Decline d);                              // "none", "off_subject", "no_match", "small_talk"
std::string_view to_string(SmallTalk s);                            // "none", "greeting", "thanks", "help", "bye"
std::string_view to_string(NextStep s);                             // "none", "request", "report", "ask_principal"

}  // namespace bot
