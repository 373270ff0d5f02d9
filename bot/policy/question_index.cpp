#include "bot/policy/question_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace bot {
namespace {

// Questions are short: length matters less than in long documents.
constexpr double kK1 = 1.2;
constexpr double kB = 0.5;
// A clause that several of its questions match is more likely right than one that a single
// question matches by chance: its second-best question counts three quarters (0.25 before; by
// cross-validation by clause on the verdict examples, 0.5–1.0 find more right clauses).
constexpr double kSecondBestShare = 0.75;
// BM25 counts what a clause question shares with the asker's, not what it says besides: "can I
// share the fall festival flyer on my fb?" matched "can I share a candidate's campaign flyer on
// the school fb?" as well as a question without "campaign". A question scores less by the share of
// its own weight (IDF) the asker's words leave out; by cross-validation by clause on the verdict
// examples (0.15, 0.3, 0.5), 0.3 finds the most right clauses first and loses few in the top three.
constexpr double kOwnCoverage = 0.3;

}  // namespace

uint32_t QuestionIndex::add(uint32_t passage, std::vector<std::string> stems) {
  const auto text = static_cast<uint32_t>(texts_.size());
  texts_.push_back({passage, static_cast<uint32_t>(stems.size())});
  passage_count_ = std::max(passage_count_, passage + 1);
  std::map<std::string, uint16_t> counts;
  for (auto& s : stems)
    if (counts[s] < UINT16_MAX) ++counts[s];
  for (auto& [stem, count] : counts) postings_[stem].push_back({text, count});
  return text;
}

void QuestionIndex::finish() {
  double total = 0;
  for (const auto& t : texts_) total += t.length;
  average_length_ = texts_.empty() ? 1 : std::max(1.0, total / static_cast<double>(texts_.size()));
  const double n = static_cast<double>(texts_.size());
  for (const auto& [stem, postings] : postings_) {
    const double df = static_cast<double>(postings.size());
    const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
    idf_[stem] = idf;
    for (const Posting& p : postings) texts_[p.text].weight += idf;
  }
  unseen_idf_ = std::log(1 + (n + 0.5) / 0.5);
}

std::vector<QuestionMatch> QuestionIndex::search(const std::vector<std::string>& query_stems) const {
  // Each query word counts once, however often it is typed.
  const std::set<std::string> unique(query_stems.begin(), query_stems.end());
  double query_weight = 0;
  // Dense per-text accumulators with a list of the texts touched: a hash map per query costs more
  // than the scoring itself once the corpus has tens of thousands of questions.
  thread_local std::vector<double> score;
  thread_local std::vector<double> matched;
  thread_local std::vector<uint32_t> touched;
  score.assign(texts_.size(), 0.0);
  matched.assign(texts_.size(), 0.0);
  touched.clear();
  for (const auto& stem : unique) {
    const auto idf = idf_.find(stem);
    if (idf == idf_.end()) {
      query_weight += unseen_idf_;
      continue;
    }
    query_weight += idf->second;
    for (const Posting& p : postings_.at(stem)) {
      const Text& t = texts_[p.text];
      const double tf = p.count;
      const double norm = kK1 * (1 - kB + kB * t.length / average_length_);
      if (matched[p.text] == 0) touched.push_back(p.text);
      score[p.text] += idf->second * tf * (kK1 + 1) / (tf + norm);
      matched[p.text] += idf->second;
    }
  }
  // A passage scores by its best text (plus a share of its second best).
  struct Best {
    bool seen = false;
    double first = 0, second = 0, coverage = 0;
    uint32_t text = 0;
  };
  thread_local std::vector<Best> per_passage;
  thread_local std::vector<uint32_t> passages;
  per_passage.assign(passage_count_, Best{});
  passages.clear();
  for (const uint32_t text : touched) {
    if (texts_[text].weight > 0) score[text] *= 1 - kOwnCoverage + kOwnCoverage * matched[text] / texts_[text].weight;
    Best& b = per_passage[texts_[text].passage];
    if (!b.seen) {
      b.seen = true;
      passages.push_back(texts_[text].passage);
    }
    b.coverage = std::max(b.coverage, query_weight > 0 ? matched[text] / query_weight : 0);
    // Ties go to the earlier text, so the same question always gets the same answer.
    if (score[text] > b.first || (score[text] == b.first && text < b.text)) {
      b.second = b.first;
      b.first = score[text];
      b.text = text;
    } else {
      b.second = std::max(b.second, score[text]);
    }
  }
  std::vector<QuestionMatch> out;
  out.reserve(passages.size());
  for (const uint32_t passage : passages) {
    const Best& b = per_passage[passage];
    out.push_back({passage, b.first + kSecondBestShare * b.second, b.coverage, b.text});
  }
  return out;
}

}  // namespace bot
