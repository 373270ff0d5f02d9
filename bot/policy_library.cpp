#include "bot/policy_library.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include <SQLiteCpp/Exception.h>

#include "bot/policy_document_parser.hpp"
#include "bot/policy_index.hpp"
#include "bot/policy_query_expansion.hpp"
#include "bot/policy_text.hpp"
#include "bot/policy_verdict.hpp"
#include "bot/policy_vocabulary.hpp"

namespace bot {
namespace {

constexpr size_t kMaxPassages = 5;

class LoadedPolicyLibrary final : public PolicyLibrary {
 public:
  LoadedPolicyLibrary(std::vector<Passage> passages, PolicyQueryVocabulary vocabulary)
      : passages_(std::move(passages)), vocabulary_(std::move(vocabulary)), index_(passages_) {
    for (size_t i = 0; i < passages_.size(); ++i) {
      by_id_.emplace(passages_[i].id, i);
      double factor = 1.0;
      const auto heading = question_words(passages_[i].section);
      for (const auto& [pattern, weight] : vocabulary_.section_weights) {
        for (size_t at = 0; at < heading.size(); ++at) {
          if (match_length(pattern, heading, at) > 0) {
            factor = weight;
            break;
          }
        }
      }
      section_factor_.push_back(factor);
    }
  }

  const Passage* find(std::string_view passage_id) const override {
    const auto it = by_id_.find(std::string(passage_id));
    return it == by_id_.end() ? nullptr : &passages_[it->second];
  }

  const std::vector<Passage>& passages() const override { return passages_; }

  PolicyAnswer answer(std::string_view question, std::string_view lang) const override {
    PolicyAnswer a;
    a.question = std::string(question);
    const ExpandedQuery q = expand_question(question, lang, vocabulary_);
    a.next_step = q.next_step;

    struct Tally {
      double score = 0;
      double matched_weight = 0;  // the weight of the question's concepts this passage matches
    };
    std::unordered_map<size_t, Tally> tallies;
    double question_weight = 0;
    for (const auto& c : q.concepts) {
      question_weight += c.weight;
      // A concept counts once per passage, by its best term: synonyms say the same thing, so a
      // clause that uses two of them ("photographs and videos") is no more about it than one.
      std::unordered_map<size_t, double> best;
      for (const auto& term : c.search) {
        for (const auto& [index, score] : index_.search(fts_expression(term))) {
          double& b = best[index];
          b = std::max(b, score);
        }
      }
      for (const auto& [index, score] : best) {
        Tally& t = tallies[index];
        t.score += c.weight * score * section_factor_[index];
        t.matched_weight += c.weight;
      }
    }
    if (tallies.empty() || question_weight <= 0) return a;

    const AnswerThresholds& th = vocabulary_.thresholds;
    // A clause that matches more of what the question is about beats one that matches a single
    // rare word very well: the score is scaled by the share of the question it covers.
    for (auto& [index, tally] : tallies) {
      tally.score *= std::pow(tally.matched_weight / question_weight, th.coverage_power);
    }
    std::vector<std::pair<size_t, Tally>> ranked(tallies.begin(), tallies.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
      return x.second.score != y.second.score ? x.second.score > y.second.score : x.first < y.first;
    });
    // The question is answered when its best passage covers enough of it and scores high enough.
    const auto best = std::find_if(ranked.begin(), ranked.end(), [&](const auto& r) {
      return r.second.matched_weight / question_weight >= th.min_coverage;
    });
    if (best == ranked.end() || best->second.score < th.min_score) return a;
    // Every quoted passage must clear the answer threshold on its own, so a weak second quote is
    // dropped rather than shown as if it applied.
    const double floor = std::max(th.min_score, th.keep_ratio * best->second.score);
    a.passages.push_back(ScoredPassage{passages_[best->first], best->second.score});
    for (auto it = ranked.begin(); it != ranked.end() && a.passages.size() < kMaxPassages; ++it) {
      if (it == best) continue;
      if (it->second.score < floor) break;
      a.passages.push_back(ScoredPassage{passages_[it->first], it->second.score});
    }
    std::stable_sort(a.passages.begin(), a.passages.end(),
                     [](const ScoredPassage& x, const ScoredPassage& y) { return x.score > y.score; });

    a.no_answer = false;
    std::vector<std::string> verdict_words;
    for (const auto& w : q.english_words) {
      if (!vocabulary_.stop_words.contains(w)) verdict_words.push_back(w);
    }
    for (const auto& c : q.concepts) {
      for (const auto& term : c.search) verdict_words.insert(verdict_words.end(), term.words.begin(), term.words.end());
    }
    for (const auto& sp : a.passages) {
      VerdictReading r = read_verdict(sp.passage.text, verdict_words);
      if (r.verdict != Verdict::no_answer) {
        a.verdict = r.verdict;
        a.verdict_words = std::move(r.words);
        return a;
      }
    }
    // Quoted clauses that only define or describe ("Blogs are …") neither allow nor forbid; the
    // quote is the answer and the verdict says only that nothing restricts it.
    a.verdict = Verdict::allowed;
    return a;
  }

 private:
  std::vector<Passage> passages_;
  std::unordered_map<std::string, size_t> by_id_;
  std::vector<double> section_factor_;  // per passage, from vocabulary_.section_weights
  PolicyQueryVocabulary vocabulary_;
  PolicyIndex index_;
};

}  // namespace

boost::system::result<std::shared_ptr<const PolicyLibrary>> PolicyLibrary::load(
    const std::vector<PolicyDocumentRef>& documents, const PolicyVocabulary& vocabulary,
    std::string& error) {
  const auto invalid = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  if (documents.empty()) {
    error = "no policy documents: list them under `policies:` in the district config";
    return invalid;
  }
  std::vector<Passage> passages;
  std::set<std::string> seen;
  for (const auto& ref : documents) {
    auto doc = read_policy_document(ref.file);
    if (!doc) {
      error = doc.error().to_string();
      return invalid;
    }
    if (!ref.id.empty() && doc->id != ref.id) {
      error = PolicyParseError{ref.file.string(), 2,
                               "the document's id is `" + doc->id + "` but the district config names it `" +
                                   ref.id + "`: make the two the same"}
                  .to_string();
      return invalid;
    }
    if (!seen.insert(doc->id).second) {
      error = PolicyParseError{ref.file.string(), 2,
                               "another document already has the id `" + doc->id + "`: ids must be unique"}
                  .to_string();
      return invalid;
    }
    std::move(doc->passages.begin(), doc->passages.end(), std::back_inserter(passages));
  }
  auto vocab = load_policy_vocabulary(vocabulary.synonyms, vocabulary.spanish_terms);
  if (!vocab) {
    error = vocab.error().to_string();
    return invalid;
  }
  try {
    return std::shared_ptr<const PolicyLibrary>(
        std::make_shared<LoadedPolicyLibrary>(std::move(passages), std::move(*vocab)));
  } catch (const SQLite::Exception& e) {
    error = std::string("cannot build the policy index (") + e.what() +
            "): Hallpass needs SQLite with FTS5 (Debian 12's libsqlite3 has it)";
    return boost::system::errc::make_error_code(boost::system::errc::not_supported);
  }
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::prohibited: return "prohibited";
    case Verdict::strongly_discouraged: return "strongly_discouraged";
    case Verdict::needs_approval: return "needs_approval";
    case Verdict::required: return "required";
    case Verdict::allowed: return "allowed";
    case Verdict::no_answer: return "no_answer";
  }
  return "no_answer";
}

std::string_view to_string(NextStep s) {
  switch (s) {
    case NextStep::none: return "none";
    case NextStep::request: return "request";
    case NextStep::report: return "report";
    case NextStep::ask_principal: return "ask_principal";
  }
  return "none";
}

}  // namespace bot
