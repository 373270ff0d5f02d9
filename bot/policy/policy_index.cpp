#include "bot/policy/policy_index.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace bot {
namespace {

// BM25 column weights: the words of the clause itself, then its heading ("Communication with
// Parents/Guardians …"), which says what the clause is about but is shared by its neighbours.
constexpr double kTextWeight = 1.0;
constexpr double kSectionWeight = 0.4;

}  // namespace

PolicyIndex::PolicyIndex(const std::vector<Passage>& passages)
    : db_(std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)) {
  db_->exec(
      "CREATE VIRTUAL TABLE passage USING fts5(text, section, "
      "tokenize = 'porter unicode61 remove_diacritics 2')");
  SQLite::Transaction tx(*db_);
  SQLite::Statement insert(*db_, "INSERT INTO passage(rowid, text, section) VALUES (?, ?, ?)");
  for (size_t i = 0; i < passages.size(); ++i) {
    insert.bind(1, static_cast<int64_t>(i));
    insert.bind(2, passages[i].text);
    insert.bind(3, passages[i].section);
    insert.exec();
    insert.reset();
  }
  tx.commit();
  query_ = std::make_unique<SQLite::Statement>(*db_, "SELECT rowid, bm25(passage, " + std::to_string(kTextWeight) +
                                                         ", " + std::to_string(kSectionWeight) +
                                                         ") FROM passage WHERE passage MATCH ?");
}

PolicyIndex::~PolicyIndex() = default;

std::vector<std::pair<size_t, double>> PolicyIndex::search(const std::string& fts_expression) const {
  std::vector<std::pair<size_t, double>> hits;
  if (fts_expression.empty()) return hits;
  std::lock_guard lock(mutex_);
  query_->reset();
  query_->bind(1, fts_expression);
  while (query_->executeStep()) {
    // FTS5's bm25() is negative, more negative is better.
    hits.emplace_back(static_cast<size_t>(query_->getColumn(0).getInt64()), -query_->getColumn(1).getDouble());
  }
  query_->reset();
  return hits;
}

}  // namespace bot
