#pragma once
// Which of the loaded documents a question names: "we're in Long Beach", "¿en LAUSD a quién
// llamo?", "under the model policy". Staff of a county or a union ask about one district's rules
// among several; the clauses of the district they name come first.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bot {

class DocumentNames {
 public:
  // `names` are what staff call the document or its district (front matter `called`). A name of
  // two or three capitals ("LA") is matched only as typed in capitals, or alone in parentheses
  // ("(la)"): "la" is a Spanish word.
  void add(const std::string& document, const std::vector<std::string>& names);

  // The documents the question names; empty when it names none.
  std::set<std::string> named_in(std::string_view question) const;

 private:
  struct Name {
    std::string document;
    std::vector<std::string> words;  // as question_words() folds them, or the capitals as written
    bool capitals = false;
    std::string in_parentheses;  // for capitals: "(la)", matched in the question in lower case
  };
  std::vector<Name> names_;
};

}  // namespace bot
