#include "bot/policy/policy_query_expansion.hpp"

#include <algorithm>

#include "bot/policy/policy_text.hpp"

namespace bot {
namespace {

// Spanish-only marks (á, ñ, ¿) are stronger evidence than a shared-looking stop word.
constexpr int kSpanishMarkWeight = 2;

std::vector<std::string> translate_spanish(const std::vector<std::string>& words, const PolicyQueryVocabulary& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size();) {
    size_t best_len = 0;
    const std::vector<std::string>* best = nullptr;
    for (const auto& [pattern, english] : v.spanish_terms) {
      const size_t len = match_length(pattern, words, i);
      // Longest match wins; among equal lengths an exact word beats a prefix.
      if (len > best_len || (len == best_len && len > 0 && best && !pattern.prefix)) {
        best_len = len;
        best = &english;
      }
    }
    if (best) {
      out.insert(out.end(), best->begin(), best->end());
      i += best_len;
      continue;
    }
    // Untranslated words pass through: brand names ("facebook") and words both languages share.
    if (!v.spanish_stop_words.contains(words[i])) out.push_back(words[i]);
    ++i;
  }
  return out;
}

bool any_match(const std::vector<TermPattern>& patterns, const std::vector<std::string>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    for (const auto& p : patterns) {
      if (match_length(p, words, i) > 0) return true;
    }
  }
  return false;
}

void quote_into(std::string& out, const std::string& phrase) {
  out += '"';
  for (const char c : phrase) {
    if (c == '"') out += '"';  // FTS5 escapes a quote inside a string by doubling it
    out += c;
  }
  out += '"';
}

}  // namespace

std::vector<std::string> fix_spelling(const std::vector<std::string>& words, const PolicyQueryVocabulary& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size();) {
    const auto phrase = std::find_if(v.phrase_spelling.begin(), v.phrase_spelling.end(), [&](const auto& p) {
      return i + p.first.size() <= words.size() && std::equal(p.first.begin(), p.first.end(), words.begin() + i);
    });
    if (phrase != v.phrase_spelling.end()) {
      out.insert(out.end(), phrase->second.begin(), phrase->second.end());
      i += phrase->first.size();
    } else if (auto it = v.spelling.find(words[i]); it != v.spelling.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      ++i;
    } else {
      out.push_back(words[i++]);
    }
  }
  return out;
}

std::string detect_language(std::string_view question, const PolicyQueryVocabulary& v) {
  const auto words = question_words(question);
  int es = kSpanishMarkWeight * spanish_mark_count(question);
  int en = 0;
  for (const auto& w : words) {
    if (v.spanish_stop_words.contains(w)) ++es;
    if (v.stop_words.contains(w)) ++en;
  }
  return es > en ? "es" : "en";
}

ExpandedQuery expand_question(std::string_view question, std::string_view lang, const PolicyQueryVocabulary& v) {
  ExpandedQuery q;
  q.lang = lang.empty() ? detect_language(question, v) : std::string(lang);
  auto words = question_words(question);
  if (q.lang == "es") words = translate_spanish(words, v);
  words = fix_spelling(words, v);
  q.english_words = words;

  auto add_concept = [&q](QueryConcept c) {
    const auto same = [&c](const QueryConcept& o) { return o.name == c.name; };
    if (std::none_of(q.concepts.begin(), q.concepts.end(), same)) q.concepts.push_back(std::move(c));
  };
  for (size_t i = 0; i < words.size();) {
    // The longest trigger wins, so "friend request" is one concept and not also "request".
    // A word may belong to several concepts ("complain" about a post is both a complaint and
    // a rude comment); every concept whose trigger is that longest match counts.
    size_t best_len = 0;
    for (const auto& c : v.concepts) {
      for (const auto& t : c.triggers) best_len = std::max(best_len, match_length(t, words, i));
    }
    if (best_len > 0) {
      for (const auto& c : v.concepts) {
        const bool hit = std::any_of(c.triggers.begin(), c.triggers.end(),
                                     [&](const TermPattern& t) { return match_length(t, words, i) == best_len; });
        if (hit) add_concept(QueryConcept{c.name, c.weight, c.search});
      }
      i += best_len;
      continue;
    }
    if (!v.stop_words.contains(words[i]) && words[i].size() > 1) {
      add_concept(QueryConcept{words[i], v.unknown_word_weight, {TermPattern{{words[i]}, false}}});
    }
    ++i;
  }

  if (any_match(v.report_words, words)) {
    q.next_step = NextStep::report;
  } else if (any_match(v.request_words, words)) {
    q.next_step = NextStep::request;
  } else {
    q.next_step = NextStep::ask_principal;
  }
  return q;
}

std::string fts_expression(const TermPattern& term) {
  std::string phrase;
  for (const auto& w : term.words) {
    if (!phrase.empty()) phrase += ' ';
    phrase += w;
  }
  std::string out;
  quote_into(out, phrase);
  if (term.prefix) out += '*';
  return out;
}

}  // namespace bot
