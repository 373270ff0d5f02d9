#pragma once
// BM25 over short texts that each stand for one passage: the questions a clause answers (and the
// clause itself). Words are stemmed per language; a passage scores by its best text. In memory,
// built once at start-up, read-only afterwards (safe to search from several threads).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace bot {

struct QuestionMatch {
  uint32_t passage = 0;
  // BM25 of the passage's best text, less by what the text says besides; plus a share of its second best.
  double score = 0;
  double coverage = 0;     // the share of the query's weight (IDF) its best-covering text contains, 0..1
  uint32_t best_text = 0;  // the id add() gave the passage's best text
};

class QuestionIndex {
 public:
  // Adds one text (already cut into stems) standing for `passage`; returns the text's id (0, 1, …).
  uint32_t add(uint32_t passage, std::vector<std::string> stems);
  // Computes the term statistics; call once after the last add.
  void finish();

  // Passages whose texts share a stem with the query, in no particular order (callers want the
  // best few and the best score; sorting tens of thousands would cost more than the search).
  std::vector<QuestionMatch> search(const std::vector<std::string>& query_stems) const;

 private:
  struct Text {
    uint32_t passage = 0;
    uint32_t length = 0;
    double weight = 0;  // the sum of its distinct stems' IDF
  };
  struct Posting {
    uint32_t text = 0;
    uint16_t count = 0;
  };
  std::vector<Text> texts_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::unordered_map<std::string, double> idf_;
  double average_length_ = 1;
  double unseen_idf_ = 0;       // a query word no text has: it counts towards the query's weight only
  uint32_t passage_count_ = 0;  // one more than the highest passage index added
};

}  // namespace bot
