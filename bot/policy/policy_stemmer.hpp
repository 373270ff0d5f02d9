#pragma once
// Word stems for matching a question with the questions each clause answers: Snowball's English
// and Spanish stemmers (Debian's libstemmer), so "friending", "friended" and "friends" meet at
// "friend", and "publicar", "publico" and "publicaciones" at "public".
#include <string>
#include <string_view>

namespace bot {

// The stem of one lower-case, accent-folded word in "en" or "es" (anything else is read as
// English). Thread-safe: each thread keeps its own stemmers.
std::string stem_word(std::string_view word, std::string_view lang);

}  // namespace bot
