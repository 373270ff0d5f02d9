#include "bot/policy/policy_stemmer.hpp"

#include <memory>

#include <libstemmer.h>

namespace bot {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

// A Snowball stemmer keeps a buffer between calls, so one per thread and language.
sb_stemmer* stemmer_for(std::string_view lang) {
  thread_local StemmerPtr english{sb_stemmer_new("english", "UTF_8")};
  thread_local StemmerPtr spanish{sb_stemmer_new("spanish", "UTF_8")};
  return lang == "es" ? spanish.get() : english.get();
}

}  // namespace

std::string stem_word(std::string_view word, std::string_view lang) {
  sb_stemmer* s = stemmer_for(lang);
  // Very long "words" are not words; stemming them gains nothing and costs time.
  if (!s || word.empty() || word.size() > 64) return std::string(word);
  const sb_symbol* out =
      sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) return std::string(word);  // out of memory inside the stemmer: the word as typed
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(s)));
}

}  // namespace bot
