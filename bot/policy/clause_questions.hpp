#pragma once
// The questions each clause answers, in staff words, in English and Spanish: data written from the
// clauses beside each policy document (`<document>.questions.yaml`, format in
// docs/policy-answers.md). Searched together with the clause text, so "add a mom on fb" finds
// "Avoid friending … parents" although the two share no word.
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/system/result.hpp>

#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_library.hpp"

namespace bot {

// One question in staff words; its own verdict where the asker's situation differs from the
// clause's typical one ("can I post student photos without asking?" under a consent clause).
struct ClauseQuestion {
  std::string text;
  std::optional<Verdict> verdict;  // empty: the clause's verdict
};

struct ClauseQuestions {
  std::string passage_id;
  Verdict verdict = Verdict::info;  // what the clause tells the typical asker
  std::string words;                // the clause's own words that carry the verdict (verbatim), may be empty
  std::vector<ClauseQuestion> en;   // questions in English
  std::vector<ClauseQuestion> es;   // questions in Spanish
  bool sets_verdict = true;         // false for a staff-questions entry: it adds questions, the clause's verdict stays
};

// Which file is read: the clause's own questions (`verdict` required, `words` allowed), or the
// questions a district's staff asked, gathered beside it (only `id`, `en`, `es`): those add
// questions and never change what the clause rules.
enum class ClauseQuestionsFile { clauses, staff };

// `policies/x.md` → `policies/x.questions.yaml`.
std::filesystem::path clause_questions_path(const std::filesystem::path& document);
// `policies/x.md` → `policies/x.staff-questions.yaml` (optional; see docs/policy-answers.md).
std::filesystem::path staff_questions_path(const std::filesystem::path& document);
// Every staff-questions file beside `policies/x.md`: `x.staff-questions.yaml` and any
// `x.staff-questions<anything>.yaml` (`x.staff-questions-3.yaml`, a second writer's batch), in name
// order, so a batch is added by dropping its file beside the document.
std::vector<std::filesystem::path> staff_questions_paths(const std::filesystem::path& document);

// Reads one questions file. A missing file is no error (an empty list): a district's own document
// may have none yet. Every id must name a passage in `passages_by_id`, every verdict must be one of
// the eight, and `words` must stand verbatim in the clause; errors name the file, line and fix.
boost::system::result<std::vector<ClauseQuestions>, PolicyParseError> read_clause_questions(
    const std::filesystem::path& file, const std::unordered_map<std::string, const Passage*>& passages_by_id,
    ClauseQuestionsFile kind = ClauseQuestionsFile::clauses);

}  // namespace bot
