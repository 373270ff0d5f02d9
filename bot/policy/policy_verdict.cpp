#include "bot/policy/policy_verdict.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "bot/model/text.hpp"
#include "bot/policy/policy_text.hpp"

namespace bot {
namespace {

// A cue is a phrase of the clause that decides the verdict. With `until`, the deciding words run
// from the phrase to the first of those words ("Nothing in this policy … restrict"). The entry
// with `exception` stands for a prohibition with a consent exception (see exception_cue).
struct Cue {
  std::string_view phrase;
  Verdict verdict;
  std::array<std::string_view, 2> until{};
  bool exception = false;
};

// In priority order: the first cue found in the sentence decides, wherever it stands. Negated and
// hedged prohibitions come before the bare words they contain ("may be prohibited by the site
// administrator" follows "is strongly discouraged" and must not turn it into a prohibition).
constexpr Cue kCues[] = {
    {"nothing in this", Verdict::allowed, {"restrict", "prohibits"}},
    {"is not a matter of concern", Verdict::allowed},
    {"is never acceptable", Verdict::prohibited},
    {"strongly discouraged", Verdict::discouraged},
    {"", Verdict::needs_approval, {}, true},
    {"should never", Verdict::prohibited},
    {"shall never", Verdict::prohibited},
    {"never", Verdict::prohibited},
    {"is prohibited", Verdict::prohibited},
    {"are prohibited", Verdict::prohibited},
    {"prohibits", Verdict::prohibited},
    {"prohibited", Verdict::prohibited},
    {"shall not", Verdict::prohibited},
    {"must not", Verdict::prohibited},
    {"may not", Verdict::prohibited},
    {"cannot", Verdict::prohibited},
    {"do not", Verdict::prohibited},
    {"will not tolerate", Verdict::prohibited},
    {"not authorized", Verdict::prohibited},
    {"subject to discipline", Verdict::prohibited},
    {"disciplinary action", Verdict::prohibited},
    {"subject to law enforcement", Verdict::prohibited},
    {"referral to law enforcement", Verdict::prohibited},
    {"should not", Verdict::discouraged},
    {"avoid", Verdict::discouraged},
    {"discouraged", Verdict::discouraged},
    {"must receive authorization", Verdict::needs_approval},
    {"written request", Verdict::needs_approval},
    {"authorization", Verdict::needs_approval},
    {"approval", Verdict::needs_approval},
    {"must be approved", Verdict::needs_approval},
    {"approved by", Verdict::needs_approval},
    {"consent", Verdict::needs_approval},
    {"permission", Verdict::needs_approval},
    {"shall", Verdict::required},
    {"must", Verdict::required},
    {"are expected to", Verdict::required},
    {"is expected to", Verdict::required},
    {"are required", Verdict::required},
    {"is required", Verdict::required},
    {"it is recommended", Verdict::required},
    {"it is advisable", Verdict::required},
    {"should", Verdict::required},
    {"consider", Verdict::required},
    {"be especially cautious", Verdict::required},
    {"be cognizant", Verdict::required},
    {"be thoughtful", Verdict::required},
    {"are authorized", Verdict::allowed},
    {"is authorized", Verdict::allowed},
    {"may", Verdict::allowed},
    {"can", Verdict::allowed},
};

// "Never post … without the written, informed consent of …": a prohibition with an exception that
// needs someone's consent is a question of approval, and the exception is what the reader must do.
constexpr std::string_view kProhibitions[] = {"never",   "shall not",  "must not",
                                              "may not", "prohibited", "not authorized"};
constexpr std::string_view kExceptions[] = {"without", "unless"};
constexpr std::string_view kApprovals[] = {"consent", "permission", "authorization", "approval"};
// An exception further than this from its approval word is about something else.
constexpr size_t kExceptionReach = 90;

bool is_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Position of a whole-word occurrence of `phrase` in `lower` at or after `from`.
size_t find_words(std::string_view lower, std::string_view phrase, size_t from = 0) {
  for (size_t at = lower.find(phrase, from); at != std::string_view::npos; at = lower.find(phrase, at + 1)) {
    const bool left = at == 0 || !is_word_char(lower[at - 1]);
    const size_t end = at + phrase.size();
    const bool right = end >= lower.size() || !is_word_char(lower[end]);
    if (left && right) return at;
  }
  return std::string_view::npos;
}

struct Span {
  size_t begin;
  size_t end;
};

std::optional<std::pair<Verdict, Span>> exception_cue(std::string_view lower) {
  size_t prohibition = std::string_view::npos;
  for (const auto p : kProhibitions) prohibition = std::min(prohibition, find_words(lower, p));
  if (prohibition == std::string_view::npos) return std::nullopt;
  for (const auto e : kExceptions) {
    const size_t at = find_words(lower, e, prohibition);
    if (at == std::string_view::npos) continue;
    for (const auto a : kApprovals) {
      const size_t approval = find_words(lower, a, at);
      if (approval != std::string_view::npos && approval - at <= kExceptionReach) {
        return std::pair{Verdict::needs_approval, Span{at, approval + a.size()}};
      }
    }
  }
  return std::nullopt;
}

std::optional<std::pair<Verdict, Span>> first_cue(std::string_view text) {
  const std::string lower = bot::lower(text);
  for (const Cue& cue : kCues) {
    if (cue.exception) {
      if (auto e = exception_cue(lower)) return e;
      continue;
    }
    const size_t at = find_words(lower, cue.phrase);
    if (at == std::string_view::npos) continue;
    size_t end = at + cue.phrase.size();
    if (!cue.until[0].empty()) {
      size_t stop = std::string::npos;
      for (const auto u : cue.until) {
        if (!u.empty()) stop = std::min(stop, find_words(lower, u, end));
      }
      if (stop == std::string::npos) continue;
      const size_t word_end = lower.find_first_of(" ,.;", stop);
      end = word_end == std::string::npos ? lower.size() : word_end;
    }
    return std::pair{cue.verdict, Span{at, end}};
  }
  return std::nullopt;
}

// Sentences as [begin, end) offsets; a sentence ends at . ; ? ! followed by a space.
std::vector<Span> sentences(std::string_view text) {
  std::vector<Span> out;
  size_t begin = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if ((c == '.' || c == ';' || c == '?' || c == '!') && text[i + 1] == ' ') {
      out.push_back({begin, i + 1});
      begin = i + 2;
    }
  }
  if (begin < text.size()) out.push_back({begin, text.size()});
  return out;
}

int shared_words(std::string_view sentence, const std::vector<std::string>& question) {
  const auto words = question_words(sentence);
  int shared = 0;
  for (const auto& q : question) {
    for (const auto& w : words) {
      if (same_word_family(q, w)) {
        ++shared;
        break;
      }
    }
  }
  return shared;
}

}  // namespace

VerdictReading read_verdict(std::string_view clause, const std::vector<std::string>& question) {
  struct Reading {
    int shared = 0;
    Verdict verdict = Verdict::no_answer;
    std::string_view words;
  };
  std::vector<Reading> readings;
  for (const auto& s : sentences(clause)) {
    const std::string_view sentence = clause.substr(s.begin, s.end - s.begin);
    Reading r{shared_words(sentence, question)};
    if (auto cue = first_cue(sentence)) {
      r.verdict = cue->first;
      r.words = sentence.substr(cue->second.begin, cue->second.end - cue->second.begin);
    }
    readings.push_back(r);
  }
  // The sentence that shares most words with the question decides …
  const Reading* best = nullptr;
  for (const auto& r : readings) {
    if (r.verdict != Verdict::no_answer && (!best || r.shared > best->shared)) best = &r;
  }
  if (!best) return {};
  // … unless it allows what another sentence about the question restricts ("may be used only on
  // official sites. Any other use … is prohibited unless …"): Hallpass errs on the side of caution.
  // A savings sentence ("Nothing in this regulation … prohibits employees from …") sets the other
  // sentences aside for what it names.
  if (best->verdict == Verdict::allowed && !sets_policy_aside(best->words)) {
    const Reading* restriction = nullptr;
    for (const auto& r : readings) {
      const bool restricts =
          r.verdict == Verdict::prohibited || r.verdict == Verdict::discouraged || r.verdict == Verdict::needs_approval;
      if (restricts && r.shared > 0 && (!restriction || r.shared > restriction->shared)) restriction = &r;
    }
    if (restriction) best = restriction;
  }
  return {best->verdict, std::string(best->words)};
}

VerdictReading forbidding_sentence(std::string_view clause, const std::vector<std::string>& question) {
  VerdictReading found;
  int most = 0;
  for (const auto& s : sentences(clause)) {
    const std::string_view sentence = clause.substr(s.begin, s.end - s.begin);
    const auto cue = first_cue(sentence);
    if (!cue || cue->first != Verdict::prohibited) continue;
    const int shared = shared_words(sentence, question);
    if (shared > most) {
      most = shared;
      // The words from the cue to the sentence's end, without its closing stop or bold marks: what
      // is forbidden, not only that it is. (The cue opens on a letter, so only the end is trimmed.)
      found = {Verdict::prohibited, trim(sentence.substr(cue->second.begin), " .*")};
    }
  }
  return found;
}

bool sets_policy_aside(std::string_view words) {
  // The cues that open the list are the ones by which a sentence leaves a matter to the employee:
  // a savings sentence and what the policy declares none of its concern.
  static_assert(kCues[0].phrase == "nothing in this" && kCues[1].phrase == "is not a matter of concern",
                "the cues that set the policy aside open the list");
  const auto cue = first_cue(words);
  if (!cue) return false;
  const std::string lower = bot::lower(words);
  return std::any_of(kCues, kCues + 2, [&](const Cue& aside) {
    return cue->first == aside.verdict && find_words(lower, aside.phrase) == cue->second.begin;
  });
}

bool has_savings_sentence(std::string_view clause) {
  const auto all = sentences(clause);
  return std::any_of(all.begin(), all.end(),
                     [&](const Span& s) { return sets_policy_aside(clause.substr(s.begin, s.end - s.begin)); });
}

}  // namespace bot
