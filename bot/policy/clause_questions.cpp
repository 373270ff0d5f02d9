#include "bot/policy/clause_questions.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace bot {
namespace {

constexpr std::string_view kVerdicts =
    "allowed, allowed_with_conditions, needs_approval, discouraged, prohibited, required, report or info";

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

PolicyParseError error_at(const std::filesystem::path& file, const YAML::Node& n, std::string message) {
  return PolicyParseError{file.string(), line_of(n), std::move(message)};
}

// A list of questions: each a line of text, or `{q: text, verdict: v}` for its own verdict.
boost::system::result<std::vector<ClauseQuestion>, PolicyParseError> read_questions(const std::filesystem::path& file,
                                                                                    const YAML::Node& list,
                                                                                    std::string_view key,
                                                                                    const std::string& id) {
  std::vector<ClauseQuestion> out;
  if (!list) return out;
  if (!list.IsSequence())
    return error_at(file, list, "`" + std::string(key) + "` of " + id + " must be a list of questions");
  for (const auto& q : list) {
    if (q.IsMap()) {
      const YAML::Node text = q["q"];
      const YAML::Node verdict = q["verdict"];
      if (!text || !text.IsScalar() || text.Scalar().empty() || q.size() != 2)
        return error_at(file, q, "a question of " + id + " with its own verdict is written {q: \"…\", verdict: …}");
      const auto v = verdict && verdict.IsScalar() ? verdict_from_string(verdict.Scalar()) : std::nullopt;
      if (!v || *v == Verdict::no_answer)
        return error_at(file, verdict ? verdict : q,
                        "the verdict of a question of " + id + " must be " + std::string(kVerdicts));
      out.push_back({text.Scalar(), *v});
      continue;
    }
    if (!q.IsScalar() || q.Scalar().empty())
      return error_at(file, q, "each question of " + id + " must be a line of text (quote it if it has `:` or `#`)");
    out.push_back({q.Scalar(), std::nullopt});
  }
  return out;
}

}  // namespace

std::filesystem::path clause_questions_path(const std::filesystem::path& document) {
  std::filesystem::path p = document;
  p.replace_extension(".questions.yaml");
  return p;
}

std::filesystem::path staff_questions_path(const std::filesystem::path& document) {
  std::filesystem::path p = document;
  p.replace_extension(".staff-questions.yaml");
  return p;
}

std::vector<std::filesystem::path> staff_questions_paths(const std::filesystem::path& document) {
  const std::string prefix = staff_questions_path(document).stem().string();  // "x.staff-questions"
  const std::filesystem::path folder = document.parent_path().empty() ? "." : document.parent_path();
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() >= prefix.size() + 5 && name.starts_with(prefix) && name.ends_with(".yaml") &&
        it->is_regular_file(ec))
      out.push_back(document.parent_path() / name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

boost::system::result<std::vector<ClauseQuestions>, PolicyParseError> read_clause_questions(
    const std::filesystem::path& file, const std::unordered_map<std::string, const Passage*>& passages_by_id,
    ClauseQuestionsFile kind) {
  const bool staff = kind == ClauseQuestionsFile::staff;
  std::vector<ClauseQuestions> out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return PolicyParseError{file.string(), 0, "cannot read the file: check that it is readable"};
  std::stringstream text;
  text << in.rdbuf();
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (!root.IsMap() || !root["clauses"] || !root["clauses"].IsSequence())
      return PolicyParseError{file.string(), 1,
                              "expected `clauses:` with a list of entries (see docs/policy-answers.md)"};
    for (const auto& entry : root["clauses"]) {
      if (!entry.IsMap())
        return error_at(file, entry,
                        staff ? "each entry of `clauses` needs `id` and `en` or `es`"
                              : "each entry of `clauses` needs `id`, `verdict`, `en` and `es`");
      for (const auto& kv : entry) {
        const std::string key = kv.first.Scalar();
        // A staff-questions file only adds questions: the clause's verdict and words are ruled in
        // one place, its questions file, so the two files can never disagree.
        if (staff && (key == "verdict" || key == "words"))
          return error_at(file, kv.first,
                          "`" + key +
                              "` belongs in the clause's questions file (x.questions.yaml), not beside "
                              "staff questions: remove it here");
        if (key != "id" && key != "verdict" && key != "words" && key != "en" && key != "es")
          return error_at(
              file, kv.first,
              "unknown key `" + key + "`: use " + (staff ? "id, en or es" : "id, verdict, words, en or es"));
      }
      ClauseQuestions c;
      const YAML::Node id = entry["id"];
      if (!id || !id.IsScalar())
        return error_at(file, entry, "this entry has no `id`: name the clause, e.g. model-bp#authorization.1");
      c.passage_id = id.Scalar();
      const auto passage = passages_by_id.find(c.passage_id);
      if (passage == passages_by_id.end())
        return error_at(file, id,
                        "no clause has the id `" + c.passage_id +
                            "`: copy it from `hallpass ask --json` or the document (docs/policy-format.md)");
      const YAML::Node verdict = entry["verdict"];
      const auto v = verdict && verdict.IsScalar() ? verdict_from_string(verdict.Scalar()) : std::nullopt;
      if (staff) {
        c.sets_verdict = false;
      } else if (!v || *v == Verdict::no_answer) {
        return error_at(file, verdict ? verdict : entry,
                        "`verdict` of " + c.passage_id + " must be " + std::string(kVerdicts));
      } else {
        c.verdict = *v;
      }
      if (const YAML::Node w = entry["words"]; w) {
        if (!w.IsScalar()) return error_at(file, w, "`words` of " + c.passage_id + " must be text");
        c.words = w.Scalar();
        if (!c.words.empty() && passage->second->text.find(c.words) == std::string::npos)
          return error_at(file, w,
                          "`words` of " + c.passage_id + " (\"" + c.words +
                              "\") do not stand in the clause: copy them character for character");
      }
      auto en = read_questions(file, entry["en"], "en", c.passage_id);
      if (!en) return en.error();
      auto es = read_questions(file, entry["es"], "es", c.passage_id);
      if (!es) return es.error();
      c.en = std::move(*en);
      c.es = std::move(*es);
      out.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    return PolicyParseError{file.string(), e.mark.line >= 0 ? e.mark.line + 1 : 0,
                            "not valid YAML (" + e.msg + "): fix the line, quoting text that has `:` or `#`"};
  }
  return out;
}

}  // namespace bot
