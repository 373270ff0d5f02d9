#include "bot/policy/policy_text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace bot {
namespace {

// Two-byte UTF-8 letters of Spanish (and a few neighbours) folded to ASCII.
struct Fold {
  unsigned char lead;
  unsigned char trail;
  char ascii;  // 0: not a letter (¿ ¡), a word break
};
constexpr std::array<Fold, 26> kFolds{{
    {0xC3, 0xA1, 'a'}, {0xC3, 0x81, 'a'}, {0xC3, 0xA9, 'e'}, {0xC3, 0x89, 'e'}, {0xC3, 0xAD, 'i'}, {0xC3, 0x8D, 'i'},
    {0xC3, 0xB3, 'o'}, {0xC3, 0x93, 'o'}, {0xC3, 0xBA, 'u'}, {0xC3, 0x9A, 'u'}, {0xC3, 0xBC, 'u'}, {0xC3, 0x9C, 'u'},
    {0xC3, 0xB1, 'n'}, {0xC3, 0x91, 'n'}, {0xC3, 0xA0, 'a'}, {0xC3, 0xA8, 'e'}, {0xC3, 0xB2, 'o'}, {0xC3, 0xA7, 'c'},
    {0xC3, 0xA2, 'a'}, {0xC3, 0xAA, 'e'}, {0xC3, 0xB4, 'o'}, {0xC3, 0xAF, 'i'}, {0xC3, 0xB6, 'o'}, {0xC3, 0xA4, 'a'},
    {0xC2, 0xBF, 0},   {0xC2, 0xA1, 0},
}};
// The marks that only Spanish uses among the two languages Hallpass reads.
constexpr std::array<std::pair<unsigned char, unsigned char>, 14> kSpanishMarks{{
    {0xC3, 0xA1},
    {0xC3, 0x81},
    {0xC3, 0xA9},
    {0xC3, 0x89},
    {0xC3, 0xAD},
    {0xC3, 0x8D},
    {0xC3, 0xB3},
    {0xC3, 0x93},
    {0xC3, 0xBA},
    {0xC3, 0x9A},
    {0xC3, 0xB1},
    {0xC3, 0x91},
    {0xC2, 0xBF},
    {0xC2, 0xA1},
}};

bool is_apostrophe_at(std::string_view s, size_t i, size_t& width) {
  if (s[i] == '\'') {
    width = 1;
    return true;
  }
  // U+2019 RIGHT SINGLE QUOTATION MARK, what phones type for an apostrophe.
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x99) {
    width = 3;
    return true;
  }
  return false;
}

std::string stem(std::string_view w) {
  std::string s(w);
  for (const std::string_view suffix : {"ing", "ed", "es", "s", "ly"}) {
    if (s.size() >= suffix.size() + 3 && s.ends_with(suffix)) {
      s.resize(s.size() - suffix.size());
      break;
    }
  }
  return s;
}

}  // namespace

std::vector<std::string> question_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  auto end_word = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      current += static_cast<char>(c - 'A' + 'a');
      ++i;
      continue;
    }
    size_t width = 0;
    if (!current.empty() && is_apostrophe_at(text, i, width)) {
      i += width;  // "kid's" → "kids": the apostrophe joins, it does not split
      continue;
    }
    if (i + 1 < text.size()) {
      const auto t = static_cast<unsigned char>(text[i + 1]);
      const auto fold =
          std::find_if(kFolds.begin(), kFolds.end(), [&](const Fold& f) { return f.lead == c && f.trail == t; });
      if (fold != kFolds.end()) {
        if (fold->ascii) {
          current += fold->ascii;
        } else {
          end_word();
        }
        i += 2;
        continue;
      }
    }
    end_word();
    ++i;
  }
  end_word();
  return words;
}

int spanish_mark_count(std::string_view text) {
  int count = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto t = static_cast<unsigned char>(text[i + 1]);
    if (std::find(kSpanishMarks.begin(), kSpanishMarks.end(), std::pair{c, t}) != kSpanishMarks.end()) {
      ++count;
      ++i;
    }
  }
  return count;
}

bool same_word_family(std::string_view a, std::string_view b) {
  const std::string sa = stem(a);
  const std::string sb = stem(b);
  if (sa == sb) return true;
  const std::string& shorter = sa.size() < sb.size() ? sa : sb;
  const std::string& longer = sa.size() < sb.size() ? sb : sa;
  return shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0;
}

}  // namespace bot
