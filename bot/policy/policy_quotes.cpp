#include "bot/policy/policy_quotes.hpp"

namespace bot {

std::vector<ScoredPassage> quotes_for_topic(const PolicyLibrary& library, std::string_view query, size_t max) {
  PolicyAnswer a = library.answer(query, "en");
  if (a.no_answer) return {};
  if (a.passages.size() > max) a.passages.resize(max);
  return std::move(a.passages);
}

}  // namespace bot
