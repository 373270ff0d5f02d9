#pragma once
// Clauses to quote for a topic rather than a question: the incident-report workflow quotes what
// the policies say about a category ("threats law enforcement threat assessment").
#include <cstddef>
#include <string_view>
#include <vector>

#include "bot/policy/policy_library.hpp"

namespace bot {

// At most `max` passages about the topic, best first; empty when nothing clears the answer
// threshold (the same guarantee as PolicyLibrary::answer: never an unrelated quote). The topic is
// read as English.
std::vector<ScoredPassage> quotes_for_topic(const PolicyLibrary& library, std::string_view query, size_t max);

}  // namespace bot
