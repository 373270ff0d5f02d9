#include "bot/policy_library.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>
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
// Search terms whose hits are kept: the vocabulary's terms recur in question after question. The
// cap bounds memory when staff type many words the vocabulary does not know.
constexpr size_t kMaxCachedTerms = 4096;

using Hits = std::vector<std::pair<uint32_t, double>>;  // passage index, BM25 score

class LoadedPolicyLibrary final : public PolicyLibrary {
 public:
  LoadedPolicyLibrary(std::vector<Passage> passages, PolicyQueryVocabulary vocabulary)
      : passages_(std::move(passages)), vocabulary_(std::move(vocabulary)), index_(passages_) {
    for (size_t i = 0; i < passages_.size(); ++i) {
      by_id_.emplace(passages_[i].id, i);
      section_factor_.push_back(section_factor(passages_[i].section));
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

    const std::vector<Ranked> ranked = rank(q);
    if (ranked.empty()) return a;
    const AnswerThresholds& th = vocabulary_.thresholds;
    // The question is answered when its best passage covers enough of it and scores high enough.
    const auto best = std::find_if(ranked.begin(), ranked.end(),
                                   [&](const Ranked& r) { return r.coverage >= th.min_coverage; });
    if (best == ranked.end() || best->score < th.min_score) return a;
    // Every quoted passage must clear the answer threshold on its own, so a weak second quote is
    // dropped rather than shown as if it applied.
    const double floor = std::max(th.min_score, th.keep_ratio * best->score);
    a.passages.push_back(ScoredPassage{passages_[best->index], best->score});
    for (auto it = ranked.begin(); it != ranked.end() && a.passages.size() < kMaxPassages; ++it) {
      if (it == best) continue;
      if (it->score < floor) break;
      a.passages.push_back(ScoredPassage{passages_[it->index], it->score});
    }
    std::stable_sort(a.passages.begin(), a.passages.end(),
                     [](const ScoredPassage& x, const ScoredPassage& y) { return x.score > y.score; });
    a.no_answer = false;
    decide_verdict(q, a);
    return a;
  }

 private:
  struct Ranked {
    uint32_t index = 0;
    double score = 0;     // BM25 per concept, weighted, scaled by coverage
    double coverage = 0;  // the share of the question's concept weight the passage matches
  };

  double section_factor(const std::string& section) const {
    const auto heading = question_words(section);
    for (const auto& [pattern, weight] : vocabulary_.section_weights) {
      for (size_t at = 0; at < heading.size(); ++at) {
        if (match_length(pattern, heading, at) > 0) return weight;
      }
    }
    return 1.0;
  }

  std::shared_ptr<const Hits> hits(const TermPattern& term) const {
    const std::string expression = fts_expression(term);
    {
      std::lock_guard lock(cache_mutex_);
      if (auto it = cache_.find(expression); it != cache_.end()) return it->second;
    }
    auto found = std::make_shared<Hits>();
    for (const auto& [index, score] : index_.search(expression)) found->emplace_back(static_cast<uint32_t>(index), score);
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() < kMaxCachedTerms) cache_.emplace(expression, found);
    return found;
  }

  // Passages that match any concept, best first (ties in document order), with the share of the
  // question each covers.
  std::vector<Ranked> rank(const ExpandedQuery& q) const {
    const size_t n = passages_.size();
    std::vector<double> score(n, 0.0);
    std::vector<double> matched(n, 0.0);
    std::vector<double> best(n, -1.0);
    std::vector<char> seen(n, 0);
    std::vector<uint32_t> touched;
    std::vector<uint32_t> in_concept;
    double question_weight = 0;
    for (const auto& c : q.concepts) {
      question_weight += c.weight;
      // A concept counts once per passage, by its best term: synonyms say the same thing, so a
      // clause that uses two of them ("photographs and videos") is no more about it than one.
      for (const auto& term : c.search) {
        for (const auto& [index, s] : *hits(term)) {
          if (best[index] < 0) in_concept.push_back(index);
          best[index] = std::max(best[index], s);
        }
      }
      for (const uint32_t index : in_concept) {
        if (!seen[index]) {
          seen[index] = 1;
          touched.push_back(index);
        }
        score[index] += c.weight * best[index] * section_factor_[index];
        matched[index] += c.weight;
        best[index] = -1.0;
      }
      in_concept.clear();
    }
    std::vector<Ranked> ranked;
    if (question_weight <= 0) return ranked;
    const double power = vocabulary_.thresholds.coverage_power;
    for (const uint32_t index : touched) {
      const double coverage = matched[index] / question_weight;
      // A clause that matches more of what the question is about beats one that matches a single
      // rare word very well: the score is scaled by the share of the question it covers.
      ranked.push_back(Ranked{index, score[index] * std::pow(coverage, power), coverage});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
      return x.score != y.score ? x.score > y.score : x.index < y.index;
    });
    return ranked;
  }

  void decide_verdict(const ExpandedQuery& q, PolicyAnswer& a) const {
    std::vector<std::string> words;
    for (const auto& w : q.english_words) {
      if (!vocabulary_.stop_words.contains(w)) words.push_back(w);
    }
    for (const auto& c : q.concepts) {
      for (const auto& term : c.search) words.insert(words.end(), term.words.begin(), term.words.end());
    }
    for (const auto& sp : a.passages) {
      VerdictReading r = read_verdict(sp.passage.text, words);
      if (r.verdict != Verdict::no_answer) {
        a.verdict = r.verdict;
        a.verdict_words = std::move(r.words);
        return;
      }
    }
    // Quoted clauses that only define or describe ("Blogs are …") neither allow nor forbid; the
    // quote is the answer and the verdict says only that nothing restricts it.
    a.verdict = Verdict::allowed;
  }

  std::vector<Passage> passages_;
  std::unordered_map<std::string, size_t> by_id_;
  std::vector<double> section_factor_;  // per passage, from vocabulary_.section_weights
  PolicyQueryVocabulary vocabulary_;
  PolicyIndex index_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Hits>> cache_;
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
