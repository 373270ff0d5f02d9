#pragma once
// Text helpers shared by the policy answers engine: how a question is cut into words, and how a
// word of a question is compared with a word of a clause.
#include <string>
#include <string_view>
#include <vector>

namespace bot {

// Lower-cases, folds Spanish accents (á→a, ñ→n, ü→u), drops apostrophes inside words
// ("students'" → "students", "i'm" → "im") and splits on everything that is not a letter or digit.
std::vector<std::string> question_words(std::string_view text);

// How many characters of the text are Spanish-only marks: á é í ó ú ñ ü ¿ ¡ (either case).
int spanish_mark_count(std::string_view text);

// A crude English stem for comparing question words with clause words ("friending" ≈ "friend",
// "photographs" ≈ "photos"): true when the stems are equal or one is a prefix of the other and
// the shorter has at least four letters.
bool same_word_family(std::string_view a, std::string_view b);

}  // namespace bot
