#pragma once
// The one-word verdict learned from examples: staff questions with the verdicts a careful reader
// accepts (config/policies/verdict_examples.jsonl, a file a district extends with its own). A
// multinomial logistic regression over features of the asker's question (its words, how it opens,
// what it asks) and of the clause that answers it (the rule reading of its words, its verdict in
// the questions file), trained at load in milliseconds. Deterministic: the same examples in the
// same order give the same weights. Rules first and last: the library keeps `report` for a
// situation to report and never turns a restricted answer into `allowed` (policy_library.cpp).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/system/result.hpp>

#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_library.hpp"

namespace bot {

// One line of the examples file.
struct VerdictExample {
  std::string question;
  std::string lang;  // "en", "es", or empty: detected
  bool unanswerable = false;
  std::vector<Verdict> verdicts;  // the acceptable verdicts; empty when unanswerable
  int line = 0;                   // in the file, for messages
};

// Reads a JSON-lines file: one object a line with `question`, and `verdict` (a list of the eight
// verdicts, or one) unless `unanswerable` is true; `lang` is optional; other fields (`expect`,
// `id`, `topic`) are ignored. A missing file is no error (no examples: the verdict is read by
// rules alone). Errors name the file, the line and what to do.
boost::system::result<std::vector<VerdictExample>, PolicyParseError> read_verdict_examples(
    const std::filesystem::path& file);

// The verdicts the model chooses among (every one but no_answer), in Verdict order.
inline constexpr size_t kVerdictClasses = 8;

class VerdictModel {
 public:
  using Features = std::vector<std::string>;

  // Trains on examples with their features (one list per example) and acceptable verdicts: the
  // loss is the negative log of the probability of any acceptable verdict. No examples: an empty
  // model.
  static VerdictModel train(const std::vector<Features>& features, const std::vector<std::vector<Verdict>>& labels);

  bool empty() const { return weights_.empty(); }
  // The probability of each verdict (index = Verdict's value). Features unseen in training count
  // for nothing.
  std::array<double, kVerdictClasses> probabilities(const Features& features) const;
  Verdict predict(const Features& features) const;

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::array<double, kVerdictClasses>> weights_;  // per feature id
};

}  // namespace bot
