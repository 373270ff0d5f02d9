#pragma once
// A full-text index of passages: SQLite FTS5 (BM25, porter stemming) in a private in-memory
// database built at start-up. Not the product's store.
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "bot/policy/policy_library.hpp"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace bot {

class PolicyIndex {
 public:
  // Indexes each passage's text and its section heading (the heading counts less).
  // Throws SQLite::Exception if SQLite lacks FTS5.
  explicit PolicyIndex(const std::vector<Passage>& passages);
  ~PolicyIndex();
  PolicyIndex(const PolicyIndex&) = delete;
  PolicyIndex& operator=(const PolicyIndex&) = delete;

  // Passages matching an FTS5 expression, as (index into the passages, BM25 score); higher
  // scores are better. Thread-safe.
  std::vector<std::pair<size_t, double>> search(const std::string& fts_expression) const;

 private:
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<SQLite::Statement> query_;
  mutable std::mutex mutex_;  // one prepared statement serves every caller
};

}  // namespace bot
