#include "bot/question_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace bot {
namespace {

// Questions are short: length matters less than in long documents.
constexpr double kK1 = 1.2;
constexpr double kB = 0.5;
// A clause that several of its questions match is a little more likely right than one that a
// single question matches by chance.
constexpr double kSecondBestShare = 0.25;

}  // namespace

void QuestionIndex::add(uint32_t passage, std::vector<std::string> stems) {
  const auto text = static_cast<uint32_t>(texts_.size());
  texts_.push_back({passage, static_cast<uint32_t>(stems.size())});
  std::map<std::string, uint16_t> counts;
  for (auto& s : stems)
    if (counts[s] < UINT16_MAX) ++counts[s];
  for (auto& [stem, count] : counts) postings_[stem].push_back({text, count});
}

void QuestionIndex::finish() {
  double total = 0;
  for (const auto& t : texts_) total += t.length;
  average_length_ = texts_.empty() ? 1 : std::max(1.0, total / static_cast<double>(texts_.size()));
  const double n = static_cast<double>(texts_.size());
  for (const auto& [stem, postings] : postings_) {
    const double df = static_cast<double>(postings.size());
    idf_[stem] = std::log(1 + (n - df + 0.5) / (df + 0.5));
  }
  unseen_idf_ = std::log(1 + (n + 0.5) / 0.5);
}

std::vector<QuestionMatch> QuestionIndex::search(const std::vector<std::string>& query_stems) const {
  // Each query word counts once, however often it is typed.
  const std::set<std::string> unique(query_stems.begin(), query_stems.end());
  double query_weight = 0;
  std::unordered_map<uint32_t, std::pair<double, double>> per_text;  // text → (score, matched IDF)
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
      auto& [score, matched] = per_text[p.text];
      score += idf->second * tf * (kK1 + 1) / (tf + norm);
      matched += idf->second;
    }
  }
  // A passage scores by its best text (plus a share of its second best).
  struct Best {
    double first = 0, second = 0, coverage = 0;
  };
  std::unordered_map<uint32_t, Best> per_passage;
  for (const auto& [text, sm] : per_text) {
    Best& b = per_passage[texts_[text].passage];
    const double coverage = query_weight > 0 ? sm.second / query_weight : 0;
    if (sm.first > b.first) {
      b.second = b.first;
      b.first = sm.first;
      b.coverage = std::max(b.coverage, coverage);
    } else {
      b.second = std::max(b.second, sm.first);
      b.coverage = std::max(b.coverage, coverage);
    }
  }
  std::vector<QuestionMatch> out;
  out.reserve(per_passage.size());
  for (const auto& [passage, b] : per_passage)
    out.push_back({passage, b.first + kSecondBestShare * b.second, b.coverage});
  std::sort(out.begin(), out.end(), [](const QuestionMatch& x, const QuestionMatch& y) {
    return x.score != y.score ? x.score > y.score : x.passage < y.passage;
  });
  return out;
}

}  // namespace bot
