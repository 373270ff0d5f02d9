#include "bot/policy/policy_library.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <list>
#include <mutex>
#include <set>
#include <unordered_map>

#include <SQLiteCpp/Exception.h>

#include "bot/policy/clause_questions.hpp"
#include "bot/policy/document_names.hpp"
#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_index.hpp"
#include "bot/policy/policy_query_expansion.hpp"
#include "bot/policy/policy_spelling.hpp"
#include "bot/policy/policy_stemmer.hpp"
#include "bot/policy/policy_subject.hpp"
#include "bot/policy/policy_text.hpp"
#include "bot/policy/policy_verdict.hpp"
#include "bot/policy/policy_vocabulary.hpp"
#include "bot/policy/question_index.hpp"
#include "bot/policy/verdict_model.hpp"

namespace bot {
namespace {

constexpr size_t kMaxPassages = 5;
// The quoted clauses whose verdicts are read: the best three.
constexpr size_t kVerdictClauses = 3;
// Search terms whose hits are kept: the vocabulary's terms recur in question after question. The
// least recently used term is dropped past the cap, which bounds memory when staff type many words
// the vocabulary does not know.
constexpr size_t kMaxCachedTerms = 4096;
// Questions longer than this are cut before they are read: a policy question is a sentence or two,
// and every word costs a search.
constexpr size_t kMaxQuestionWords = 80;
// How much the clause text (through the vocabulary's concepts) counts against the questions each
// clause answers, once both are scaled to their best passage. 0.3 until the clause questions grew
// to 6,390: at 0.2 cross-validation by clause hit@1 0.706 → 0.713, verdict 0.754 → 0.761 (tune part
// hit@1 −1, hit@3 +1, verdict −1; 0.25 and 0.35 measured too).
constexpr double kClauseTextShare = 0.2;
// … and for a Spanish question, which reaches the English clause text only through the Spanish
// terms' translations: its own words weigh more in the Spanish clause questions (measured by
// cross-validation by clause on the verdict examples: Spanish hit@1 0.53 → 0.59 at 0.1).
constexpr double kClauseTextShareEs = 0.1;
// A question that names a district ("we're in Long Beach") weighs the other documents' clauses by
// this share: they may still be the only ones that answer.
constexpr double kOtherDocumentShare = 0.5;
// Further passages must score at least this share of the best.
constexpr double kKeepRatio = 0.55;
// A clause scoring within this share of the best matches as well as far as the scores can tell.
constexpr double kTieRatio = 0.95;
// A clause that leads the next by this much is clearly the best even when it matches weakly.
constexpr double kClearLead = 0.8;
// The best match is strong when its clause question holds this share of the question's weight.
constexpr double kStrongCoverage = 0.6;
// The system's word lists (Debian's wamerican and wspanish, installed by scripts/install-deps.sh):
// a real word the policies never use is not a typo of one they do. Without them, every unknown
// word of six letters or more may be read as its known neighbour.
constexpr const char* kRealWordLists[] = {"/usr/share/dict/american-english", "/usr/share/dict/spanish"};
// Words that name no thing a clause could time: what every question on the subject says, and the
// words of asking for a number ("how many days does it take …").
const std::set<std::string> kNamesNothingTimed = {"social", "media", "district", "school", "online", "days",
                                                  "day",    "long",  "many",     "much",   "often",  "time",
                                                  "have",   "get",   "take",     "does"};
// Words too common in questions to tell one clause from another; everything else is weighed by
// how rare it is among the clause questions.
const std::set<std::string> kQuestionFillers = {
    "i",   "a",  "an", "the", "to",    "is", "it",  "my",  "me", "do",  "can",  "of",  "and", "or",
    "for", "in", "on", "yo",  "el",    "la", "los", "las", "un", "una", "de",   "del", "que", "en",
    "y",   "o",  "mi", "mis", "puedo", "es", "se",  "lo",  "al", "por", "para", "con"};

using Hits = std::vector<std::pair<uint32_t, double>>;  // passage index, BM25 score

// What a clause tells the typical asker, from its questions file (or read from its words).
struct ClauseVerdict {
  Verdict verdict = Verdict::no_answer;
  std::string words;
};

// The words by which a clause limits itself to minors ("under the age of eighteen"), verbatim, or
// none: they are what leaves an adult former student outside the clause.
std::string age_limit_words(std::string_view text) {
  constexpr std::string_view kLimit = "under the age of ";
  const size_t at = text.find(kLimit);
  if (at == std::string_view::npos) return {};
  size_t end = at + kLimit.size();
  while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
  return std::string(text.substr(at, end - at));
}

// Verdicts that attach something to a "yes": a quoted clause with one of these keeps the answer
// from being a plain `allowed`.
bool restricts(Verdict v) {
  return v == Verdict::allowed_with_conditions || v == Verdict::needs_approval || v == Verdict::discouraged ||
         v == Verdict::prohibited || v == Verdict::required;
}

// How cautious a verdict is, for choosing among clauses that match equally well.
int caution(Verdict v) {
  switch (v) {
    case Verdict::report: return 7;
    case Verdict::prohibited: return 6;
    case Verdict::needs_approval: return 5;
    case Verdict::discouraged: return 4;
    case Verdict::required: return 3;
    case Verdict::allowed_with_conditions: return 2;
    case Verdict::allowed: return 1;
    default: return 0;
  }
}

class TermCache {
 public:
  std::shared_ptr<const Hits> find(const std::string& key) {
    std::lock_guard lock(mutex_);
    const auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }
  void put(const std::string& key, std::shared_ptr<const Hits> hits) {
    std::lock_guard lock(mutex_);
    if (map_.contains(key)) return;
    order_.push_front(key);
    map_.emplace(key, std::make_pair(std::move(hits), order_.begin()));
    if (map_.size() > kMaxCachedTerms) {
      map_.erase(order_.back());
      order_.pop_back();
    }
  }

 private:
  std::mutex mutex_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, std::pair<std::shared_ptr<const Hits>, std::list<std::string>::iterator>> map_;
};

// What the verdict rules read of one clause question: its own verdict, if it carries one, and for
// such a question what it asks and whether it would act without the approval (`bypass`).
struct QuestionReading {
  std::optional<Verdict> verdict;
  AskerAct act = AskerAct::none;
  bool bypasses_approval = false;  // read only where the own verdict is `prohibited`
};

class LoadedPolicyLibrary final : public PolicyLibrary {
 public:
  LoadedPolicyLibrary(std::vector<Passage> passages, PolicyQueryVocabulary vocabulary, PolicySubject subject,
                      const std::vector<ClauseQuestions>& questions, const std::vector<VerdictExample>& examples,
                      DocumentNames names)
      : passages_(std::move(passages)),
        vocabulary_(std::move(vocabulary)),
        subject_(std::move(subject)),
        index_(passages_),
        clause_verdicts_(passages_.size()),
        names_(std::move(names)) {
    for (size_t i = 0; i < passages_.size(); ++i) {
      by_id_.emplace(passages_[i].id, i);
      section_factor_.push_back(section_factor(passages_[i].section));
      has_savings_.push_back(has_savings_sentence(passages_[i].text));
      const std::vector<std::string> text_words = question_words(passages_[i].text);
      states_amount_.push_back(states_amount(subject_, text_words));
      std::set<std::string> content;
      for (const auto& w : text_words)
        if (w.size() >= 3 && !vocabulary_.stop_words.contains(w)) content.insert(stem_word(w, "en"));
      content_stems_.push_back(std::move(content));
    }
    for (const auto& c : questions) {
      const auto at = static_cast<uint32_t>(by_id_.at(c.passage_id));
      if (c.sets_verdict) clause_verdicts_[at] = {c.verdict, c.words};
      for (const auto& q : c.en) {
        english_.add(at, stems(question_words(q.text), "en"));
        english_questions_.push_back(q.verdict ? read_question(q.text, *q.verdict) : QuestionReading{});
      }
      for (const auto& q : c.es) {
        spanish_.add(at, stems(question_words(q.text), "es"));
        spanish_questions_.push_back(q.verdict ? read_question(q.text, *q.verdict) : QuestionReading{});
      }
    }
    // The clause's own words stand for it too, so a clause without questions can still be found.
    for (size_t i = 0; i < passages_.size(); ++i) {
      english_.add(static_cast<uint32_t>(i), stems(question_words(passages_[i].text), "en"));
      english_questions_.push_back(QuestionReading{});
    }
    english_.finish();
    spanish_.finish();
    learn_spanish_terms(questions);
    learn_spelling(questions);
    learn_verdicts(examples);
  }

  const Passage* find(std::string_view passage_id) const override {
    const auto it = by_id_.find(std::string(passage_id));
    return it == by_id_.end() ? nullptr : &passages_[it->second];
  }

  const std::vector<Passage>& passages() const override { return passages_; }

  PolicyAnswer answer(std::string_view question, std::string_view lang) const override {
    PolicyAnswer a;
    if (const auto inputs = answer_by_rules(question, lang, a); inputs && !model_.empty()) learned_verdict(*inputs, a);
    return a;
  }

 private:
  struct Candidate {
    uint32_t index = 0;
    double score = 0;          // clause text and clause questions, each scaled to its best, combined
    bool strong = false;       // a clause question holds most of the question, or the clause text covers it well
    QuestionReading question;  // the clause question that matched best: its own verdict, what it asks
  };

  // What the learned verdict reads: the features of the question and its clauses, and the quoted
  // clauses' verdicts (for the safety rules and the verdict's words).
  struct VerdictInputs {
    VerdictModel::Features features;
    std::vector<ClauseVerdict> quoted;
    bool approval_had = false;  // approval_is_had: "approval first" is already done
  };

  // "We have the signed release from mom and the principal signed off, ok to post it?", "can I post
  // reminders on our approved class page?": the approval a clause asks for is had, so what remains
  // are its conditions ("yes, with conditions", not "approval first"). Only for one who asks leave
  // or tells; "do I have to …?" is still answered by the duty.
  static bool approval_is_had(const SubjectReading& reading) {
    return reading.has_approval && (reading.act == AskerAct::permission || reading.act == AskerAct::none);
  }

  // The answer with the verdict read by rules. Returns what the learned verdict needs, or nothing
  // when the rules settle it alone (no answer, small talk, a situation to report).
  std::optional<VerdictInputs> answer_by_rules(std::string_view question, std::string_view lang,
                                               PolicyAnswer& a) const {
    a.question = std::string(question);
    std::vector<std::string> words = question_words(question);
    if (words.size() > kMaxQuestionWords) words.resize(kMaxQuestionWords);
    // A typo costs no match: a word nothing the library knows uses is read as the known word one
    // edit away.
    words = spelling_.correct(words);
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    a.lang = lang.empty() ? detect_language(question, vocabulary_) : std::string(lang);
    if (a.lang != "es") a.lang = "en";

    const std::vector<std::string> fixed = fix_spelling(words, vocabulary_);
    const MessageParts parts = split_parts(
        question, [this](std::string_view part) { return fix_spelling(question_words(part), vocabulary_).size(); });
    const std::vector<size_t>& starts = parts.starts;
    SubjectReading reading = read_subject(subject_, fixed, starts, parts.told);
    if (reading.small_talk != SmallTalk::none) {
      a.decline = Decline::small_talk;
      a.small_talk = reading.small_talk;
      if (lang.empty() && !reading.small_talk_lang.empty()) a.lang = reading.small_talk_lang;
      return std::nullopt;
    }

    const ExpandedQuery q = expand_question(text, a.lang, vocabulary_);
    // A Spanish question is on the subject when its English words are too: the lexicon knows more
    // ways to say a thing than the Spanish subject list names ("mi feis", "el grupo de whats"),
    // unless its own words name what the policies never govern ("el internet de la escuela").
    if (a.lang == "es" && !reading.on_subject && !reading.outside) {
      const SubjectReading english = read_subject(subject_, q.english_words, {0});
      reading.on_subject = english.on_subject;
      reading.report = reading.report || english.report;
    }
    a.next_step = reading.report ? NextStep::report : q.next_step;
    // "Nothing threatening, just rude": the threat the vocabulary saw is the one the asker denies.
    if (!reading.report && reading.denies_report && a.next_step == NextStep::report)
      a.next_step = NextStep::ask_principal;
    const std::vector<Candidate> ranked = rank(q, fixed, a.lang, names_.named_in(question));
    const bool strong = !ranked.empty() && ranked.front().strong;
    // Declined by subject, not by score: a question about what the policies govern gets the
    // closest clauses even when they match weakly; one about parking or payroll gets none.
    if (!reading.on_subject) {
      a.decline = Decline::off_subject;
      return std::nullopt;
    }
    if (ranked.empty()) {
      a.decline = Decline::no_match;
      return std::nullopt;
    }
    for (const Candidate& c : ranked) {
      if (a.passages.size() >= kMaxPassages || c.score < kKeepRatio * ranked.front().score) break;
      a.passages.push_back(ScoredPassage{passages_[c.index], c.score});
    }
    // "How many PD hours do we get for the digital citizenship training?": a number, a time or a
    // frequency is answered only by a clause that states one. When the best clause does not, the
    // policies do not say it, and the asker is told whom to ask (a situation to report is answered
    // whatever it asks). Reading the best three instead answered the same on the folds, and let a
    // third clause matched only by its questions' "cuánto tiempo" answer for it.
    // On a weak match, a clause's number answers only a question that names something the clause
    // speaks of: "how long is a coach locked out of the team page after a parent complains?" matched
    // "The Superintendent shall have 7 to review the request" and was told seven. Declining every
    // weakly matched number instead cost the folds eight questions about the superintendent's seven
    // days; those name the superintendent or the request.
    const auto top_states_asked_amount = [&] {
      const uint32_t top = ranked.front().index;
      return states_amount_[top] && (strong || names_what_clause_says(a.lang == "es" ? q.english_words : fixed, top));
    };
    if (reading.asks_amount && !reading.report && !top_states_asked_amount()) {
      a.passages.clear();
      a.decline = Decline::unstated;
      return std::nullopt;
    }
    // A savings clause matched strongly and clearly best ("Nothing in this policy is intended to …
    // restrict employees' rights to engage in concerted activity"), or a clause whose savings
    // sentence is the one the question is about, answers alone: the conditions of the other clauses
    // are what it sets aside for what is asked. Matched only weakly, it answers alone only when it
    // leads clearly and the question names the terms of employment it saves (`work_terms`: "can we
    // talk about our salaries … in a teachers-only facebook group?"): alone it answers a plain yes,
    // and "coworker got written up, can I post about it in our private teacher discord?" is not
    // the concerted activity it saves (the clauses on confidential personnel matters are quoted
    // beside it). Requiring a strong match alone had cost the salaries question and one fold
    // question their `allowed`; naming the terms gave both back, nothing lost.
    const double second = a.passages.size() > 1 ? ranked[1].score / ranked.front().score : 0;
    const uint32_t top = ranked.front().index;
    // A clause whose listed words set the policy aside holds a savings sentence (the words are
    // checked verbatim against the text at load), so has_savings_ is the whole test here.
    const bool saves_what_is_named = reading.names_work_terms && second < kClearLead;
    if (a.passages.size() > 1 && ((strong && second < kTieRatio) || saves_what_is_named) && has_savings_[top] &&
        !reading.speaks_for_district &&
        sets_policy_aside(verdict_of(top, reading_words(q), reading.speaks_for_district).words))
      a.passages.resize(1);
    a.no_answer = false;
    a.decline = Decline::none;
    a.closest_only = !strong;
    DecidedVerdict decided = decide_verdict(q, reading, ranked, a);
    if (decided.settled) return std::nullopt;
    VerdictInputs inputs{verdict_features(q, reading, ranked, decided.quoted, a), std::move(decided.quoted),
                         approval_is_had(reading)};
    return inputs;
  }

  // What a clause question with its own verdict asks, read as an asker's question is, and, when
  // that verdict is `prohibited`, whether it would act without the approval ("… without asking
  // anyone?"; read for those alone, which keeps the load short).
  QuestionReading read_question(std::string_view text, Verdict own) const {
    const std::vector<std::string> fixed = fix_spelling(question_words(text), vocabulary_);
    const MessageParts parts = split_parts(
        text, [this](std::string_view part) { return fix_spelling(question_words(part), vocabulary_).size(); });
    return {own, read_asker_act(subject_, fixed, parts.starts, parts.told),
            own == Verdict::prohibited && names_bypass(subject_, fixed)};
  }

  // Whether the question names a thing the clause's own text speaks of (English words, stemmed).
  bool names_what_clause_says(const std::vector<std::string>& english_words, size_t clause) const {
    return std::any_of(english_words.begin(), english_words.end(), [&](const std::string& w) {
      return w.size() >= 3 && !vocabulary_.stop_words.contains(w) && !kNamesNothingTimed.contains(w) &&
             content_stems_[clause].contains(stem_word(w, "en"));
    });
  }

  std::vector<std::string> stems(const std::vector<std::string>& words, std::string_view lang) const {
    std::vector<std::string> out;
    for (const auto& w : fix_spelling(words, vocabulary_))
      if (!kQuestionFillers.contains(w)) out.push_back(stem_word(w, lang));
    return out;
  }

  double section_factor(const std::string& section) const {
    const auto heading = question_words(section);
    for (const auto& [pattern, weight] : vocabulary_.section_weights) {
      for (size_t at = 0; at < heading.size(); ++at) {
        if (match_length(pattern, heading, at) > 0) return weight;
      }
    }
    return 1.0;
  }

  std::shared_ptr<const Hits> hits(const TermPattern& term) const {
    const std::string expression = fts_expression(term);
    if (auto cached = cache_.find(expression)) return cached;
    auto found = std::make_shared<Hits>();
    for (const auto& [index, score] : index_.search(expression))
      found->emplace_back(static_cast<uint32_t>(index), score);
    cache_.put(expression, found);
    return found;
  }

  struct TextScore {
    double score = 0;
    double coverage = 0;
  };

  // Passages by the clause text, through the vocabulary's concepts: BM25 per concept, weighted,
  // scaled by the share of the question the passage covers.
  std::vector<TextScore> rank_by_text(const ExpandedQuery& q) const {
    const size_t n = passages_.size();
    std::vector<TextScore> out(n);
    std::vector<double> matched(n, 0.0);
    std::vector<double> best(n, -1.0);
    std::vector<uint32_t> in_concept;
    double question_weight = 0;
    for (const auto& c : q.concepts) {
      question_weight += c.weight;
      // A concept counts once per passage, by its best term: synonyms say the same thing.
      for (const auto& term : c.search) {
        const std::shared_ptr<const Hits> found = hits(term);  // held: the cache may drop it meanwhile
        for (const auto& [index, s] : *found) {
          if (best[index] < 0) in_concept.push_back(index);
          best[index] = std::max(best[index], s);
        }
      }
      for (const uint32_t index : in_concept) {
        out[index].score += c.weight * best[index] * section_factor_[index];
        matched[index] += c.weight;
        best[index] = -1.0;
      }
      in_concept.clear();
    }
    if (question_weight <= 0) return out;
    const double power = vocabulary_.thresholds.coverage_power;
    for (size_t i = 0; i < n; ++i) {
      out[i].coverage = matched[i] / question_weight;
      out[i].score *= std::pow(out[i].coverage, power);
    }
    return out;
  }

  std::vector<Candidate> rank(const ExpandedQuery& q, const std::vector<std::string>& fixed, const std::string& lang,
                              const std::set<std::string>& named) const {
    const size_t n = passages_.size();
    const std::vector<TextScore> by_text = rank_by_text(q);
    std::vector<double> by_question(n, 0.0);
    std::vector<double> coverage(n, 0.0);
    std::vector<QuestionReading> best_question(n);
    // English clause questions are searched with the question in English words (a Spanish
    // question through the Spanish terms), Spanish ones with the Spanish words as typed.
    const auto add = [&](const std::vector<QuestionMatch>& found, const std::vector<QuestionReading>& questions) {
      double top = 0;
      for (const auto& m : found) top = std::max(top, m.score);
      if (top <= 0) return;
      for (const auto& m : found) {
        if (m.score / top > by_question[m.passage]) {
          by_question[m.passage] = m.score / top;
          best_question[m.passage] = questions[m.best_text];
        }
        coverage[m.passage] = std::max(coverage[m.passage], m.coverage);
      }
    };
    add(english_.search(stems(lang == "es" ? q.english_words : fixed, "en")), english_questions_);
    if (lang == "es") add(spanish_.search(stems(fixed, "es")), spanish_questions_);

    double top_text = 0;
    for (const auto& t : by_text) top_text = std::max(top_text, t.score);
    const AnswerThresholds& th = vocabulary_.thresholds;
    std::vector<Candidate> out;
    for (uint32_t i = 0; i < n; ++i) {
      const double text = top_text > 0 ? by_text[i].score / top_text : 0;
      const double share = lang == "es" ? kClauseTextShareEs : kClauseTextShare;
      double score = share * text + (1 - share) * by_question[i];
      if (!named.empty() && !named.contains(passages_[i].doc)) score *= kOtherDocumentShare;
      if (score <= 0) continue;
      const bool text_strong = by_text[i].score >= th.min_score && by_text[i].coverage >= th.min_coverage;
      out.push_back({i, score, coverage[i] >= kStrongCoverage || text_strong, best_question[i]});
    }
    // Only the best few are quoted: order those, not every passage that shares a word.
    const auto better = [](const Candidate& x, const Candidate& y) {
      return x.score != y.score ? x.score > y.score : x.index < y.index;
    };
    const size_t keep = std::min(out.size(), kMaxPassages);
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(), better);
    out.resize(keep);
    return out;
  }

  // speaks_for_district: the asker would speak for the district, which no savings sentence covers.
  ClauseVerdict verdict_of(uint32_t index, const std::vector<std::string>& words, bool speaks_for_district) const {
    const bool listed = clause_verdicts_[index].verdict != Verdict::no_answer;
    if (listed && !has_savings_[index]) return clause_verdicts_[index];
    VerdictReading r = read_verdict(passages_[index].text, words);
    // A savings sentence the question is about ("Nothing in this regulation regarding the use of
    // District or school logos … prohibits employees from using the District's name or logo in …
    // concerted activity") decides over the clause's usual verdict. It keeps employees' own voice
    // free, not the district's: for one who would speak for the district ("can I post about the
    // new schedule on behalf of the district?") a savings clause states a fact and the next
    // quoted clause that rules answers.
    if (sets_policy_aside(r.words)) {
      if (speaks_for_district) return {Verdict::info, std::move(r.words)};
      return {Verdict::allowed, std::move(r.words)};
    }
    if (listed && speaks_for_district && sets_policy_aside(clause_verdicts_[index].words))
      return {Verdict::info, clause_verdicts_[index].words};
    if (listed) return clause_verdicts_[index];
    return {r.verdict, std::move(r.words)};
  }

  // The words a clause's sentences are matched with to read its verdict: the question's own
  // (stop words left out) and the policy terms its concepts search for.
  std::vector<std::string> reading_words(const ExpandedQuery& q) const {
    std::vector<std::string> words;
    for (const auto& w : q.english_words)
      if (!vocabulary_.stop_words.contains(w)) words.push_back(w);
    for (const auto& c : q.concepts)
      for (const auto& term : c.search) words.insert(words.end(), term.words.begin(), term.words.end());
    return words;
  }

  // The verdicts of the quoted clauses, and whether a rule settled the answer's verdict outright (a
  // situation to report, a remedy, leave to do the reportable thing, "is that enough?", whose approval
  // to get): the learned verdict never replaces those.
  struct DecidedVerdict {
    std::vector<ClauseVerdict> quoted;
    bool settled = false;
  };

  // Safety first: a situation to report is `report`; a question for a fact is `info`; otherwise
  // the best clause decides, and never `allowed` when another quoted clause attaches a condition.
  DecidedVerdict decide_verdict(const ExpandedQuery& q, const SubjectReading& reading,
                                const std::vector<Candidate>& ranked, PolicyAnswer& a) const {
    const std::vector<std::string> words = reading_words(q);

    const size_t quoted = std::min<size_t>(a.passages.size(), kVerdictClauses);
    std::vector<ClauseVerdict> verdicts;
    for (size_t i = 0; i < quoted; ++i)
      verdicts.push_back(verdict_of(ranked[i].index, words, reading.speaks_for_district));
    const auto words_for = [&](Verdict v) {
      for (const auto& cv : verdicts)
        if (cv.verdict == v && !cv.words.empty()) return cv.words;
      return verdicts.front().words;
    };
    // "Can I sue the person harassing me?": what the victim may do is a fact the clause states ("the
    // victim may file a criminal complaint … and/or initiate a civil action"); whom to tell first
    // stays the next step. So for a fact about reporting itself: retaliation for it, or the
    // procedure asked in general ("for the training handout: who gets contacted about …?").
    if (reading.asks_remedy || reading.asks_about_reporting) {
      a.verdict = Verdict::info;
      a.verdict_words = words_for(Verdict::info);
      if (reading.report) a.next_step = NextStep::report;
      return {verdicts, true};
    }
    // "Should I screenshot the explicit photo of the 9th grader so the AP has proof?": keeping a
    // copy of a sexual or inappropriate image is what a clause on gathering evidence forbids ("Do not download or
    // print images of minors …"; law enforcement gathers it), though the same clause allows
    // screenshots of other postings. The answer is no, in that sentence's words, and the next step
    // still reports it; where no quoted clause says so, reporting it answers.
    if (reading.keeps_indecent_image) {
      VerdictReading caution;
      for (const auto& quoted_passage : a.passages) {
        caution = forbidding_sentence(quoted_passage.passage.text, words);
        if (caution.verdict == Verdict::prohibited) break;
      }
      if (caution.verdict == Verdict::prohibited) {
        a.verdict = Verdict::prohibited;
        a.verdict_words = caution.words;
        a.next_step = NextStep::report;
        return {verdicts, true};
      }
    }
    // "They're harassing me online, do I have to keep the screenshots?": a duty about a reportable
    // situation that names no telling is answered by the clause; the next step still reports it.
    const bool duty_in_report = reading.report && reading.act == AskerAct::duty && !reading.names_telling;
    if (reading.report && !duty_in_report) {
      a.verdict = Verdict::report;
      a.verdict_words = words_for(Verdict::report);
      a.next_step = NextStep::report;
      return {verdicts, true};
    }
    // "Can I make a fake account to see what my students post?": leave to do what must be
    // reported is forbidden, whatever the clause that matched best permits.
    if (reading.asks_to_do_reportable) {
      a.verdict = Verdict::prohibited;
      a.verdict_words = words_for(Verdict::prohibited);
      a.next_step = NextStep::ask_principal;  // nothing has happened that could be filed
      return {verdicts, true};
    }
    // "The parent said it's fine to post her kid's picture, is that enough?": under a clause that
    // asks for consent or approval, what suffices is that approval, in the form the clause names.
    // "Do I have to check with anyone before posting the PTA's flyer?" asks the same of any quoted
    // clause: the approval first, even where a clause that restricts the page matched first.
    if (reading.asks_sufficiency || (reading.act == AskerAct::duty && reading.names_approval)) {
      const auto approval = std::find_if(verdicts.begin(), verdicts.end(),
                                         [](const ClauseVerdict& cv) { return cv.verdict == Verdict::needs_approval; });
      if (approval != verdicts.end()) {
        a.verdict = Verdict::needs_approval;
        a.verdict_words = approval->words;
        return {verdicts, true};
      }
    }
    // "Who do I ask for permission to use the logo?", "how do I get approval for …?", "¿a quién le
    // pido permiso?": whom to ask, or how, is a fact, but what the asker must do is get the
    // approval first (the clause names from whom).
    if (reading.act == AskerAct::fact && reading.asks_approver) {
      a.verdict = Verdict::needs_approval;
      a.verdict_words = words_for(Verdict::needs_approval);
      return {verdicts, true};
    }
    if (reading.act == AskerAct::fact) {
      a.verdict = Verdict::info;
      a.verdict_words = words_for(Verdict::info);
      return {verdicts, false};
    }
    // A clause that says to notify someone answers "do I have to tell …?" with a duty, and "can I
    // use it with my class?" with a yes under that duty; a situation that must itself be reported
    // was handled above.
    if (reading.act == AskerAct::duty || reading.act == AskerAct::permission)
      for (auto& cv : verdicts)
        if (cv.verdict == Verdict::report) cv.verdict = Verdict::required;
    // The next clause that rules, for a question a clause that only states a fact cannot settle.
    const auto next_rule = [&](const ClauseVerdict& fallback) {
      const auto rules = std::find_if(verdicts.begin(), verdicts.end(), [](const ClauseVerdict& cv) {
        return cv.verdict != Verdict::info && cv.verdict != Verdict::no_answer;
      });
      return rules != verdicts.end() ? *rules : fallback;
    };
    // The verdict reader: the asker's act (reading.act) with one clause's modality (its verdict).
    const auto answer_of = [&](size_t i) {
      ClauseVerdict v = verdicts[i];
      if (v.verdict == Verdict::no_answer) v.verdict = Verdict::allowed;  // a clause that only describes
      // The own verdict of the clause question that matched best counts only where it answers the
      // same kind of asking: "required" answers "do I have to", not "can I"; "info" answers neither.
      // … and not where its situation is acting without the approval the clause asks for, which it
      // forbids ("can I just make a tiktok for my team without asking anyone?", prohibited), and
      // the asker's is not ("can I make a tiktok for the PE dept?": approval first).
      const bool other_situation = ranked[i].question.bypasses_approval && !reading.bypasses_approval &&
                                   verdicts[i].verdict == Verdict::needs_approval;
      // … nor where it is a savings clause's and the asker would speak for the district, which the
      // savings sentence does not cover (read above as a fact).
      const bool aside_not_theirs =
          reading.speaks_for_district && has_savings_[ranked[i].index] && verdicts[i].verdict == Verdict::info;
      const std::optional<Verdict> own =
          other_situation || aside_not_theirs ? std::nullopt : ranked[i].question.verdict;
      // … and only where it asks something: a situation told without asking ("my coworker posted
      // a student's photo without consent", prohibited) does not answer "may I post photos of
      // students?". (Requiring the very same act lost more than it gained in cross-validation.)
      const bool own_fits = own && *own != Verdict::info &&
                            (ranked[i].question.act != AskerAct::none || reading.act == AskerAct::none) &&
                            (reading.act != AskerAct::permission || *own != Verdict::required || reading.asks_advice) &&
                            (reading.act != AskerAct::duty || *own != Verdict::allowed_with_conditions);
      switch (reading.act) {
        case AskerAct::duty:
          // "Do I have to …?": the clause's modality answers it (must → required, must not →
          // prohibited, only with consent → needs_approval), or the own verdict of a clause
          // question that asks the same.
          if (own_fits) v.verdict = *own;
          // … answered by a clause that only states a fact ("This includes any and all accounts
          // …"): a fact sets no duty, so the next quoted clause that rules answers it, as for "can I".
          if (v.verdict == Verdict::info) v = next_rule(v);
          // … answered by a clause that only recommends, permits or advises against: there is no
          // such duty, and what the clause says is a fact to tell ("consider clarifying that the
          // opinion is your own"; "do I have to make my profile private?" under "should keep …
          // private" is not a rule). Measured: tune part +2, cross-validation by clause +1.
          if (v.verdict == Verdict::allowed_with_conditions || v.verdict == Verdict::discouraged ||
              v.verdict == Verdict::allowed)
            v.verdict = Verdict::info;
          // … answered by a clause that asks for approval first: getting it is the duty ("does the
          // team account have to be registered?" → required), unless the approval is what is asked
          // about ("do I need the parents' permission?" → approval first).
          if (v.verdict == Verdict::needs_approval && !reading.names_approval) v.verdict = Verdict::required;
          if (verdicts[i].verdict == Verdict::needs_approval && reading.names_approval)
            v.verdict = Verdict::needs_approval;
          break;
        case AskerAct::permission:
          if (own_fits) v.verdict = *own;
          // "Can I …?" answered by a clause that only states a fact: the next clause that rules.
          if (v.verdict == Verdict::info) v = next_rule(ClauseVerdict{Verdict::allowed_with_conditions, v.words});
          // "Can I …?" answered by a duty: yes, with that duty attached. "Should I …?" asks whether
          // to, and a duty answers that it must be done ("should I be using privacy settings on my
          // personal accounts?" under "All employees shall use privacy settings").
          if (v.verdict == Verdict::required && !reading.asks_advice) v.verdict = Verdict::allowed_with_conditions;
          break;
        case AskerAct::action:
          if (own_fits) v.verdict = *own;
          // "What should I do?": the rule of the first clause that has one.
          if (v.verdict == Verdict::info) v = next_rule(v);
          // … and one who asks whose consent or approval they need is answered by a clause that
          // asks for it: approval first ("whose permission do I need to post …?").
          if (reading.names_approval && verdicts[i].verdict == Verdict::needs_approval) v = verdicts[i];
          break;
        default:
          // The clause question that matched best may carry the verdict for its own situation ("…
          // without asking the parents?" under a consent clause); it speaks for the asker more
          // closely than the clause's typical verdict. Not the `required` of one that asks a duty
          // ("the PTA wants us to post their flyer, do we need approval?"): that answers "do I have
          // to", and the situation told is answered by the clause ("shall approve content from
          // outside organizations"). (Leaving out every own verdict of a question that asks a duty
          // lost its `info`; leaving out those that ask a fact too: folds +1, tune part −1.)
          if (own && !(ranked[i].question.act == AskerAct::duty && *own == Verdict::required)) v.verdict = *own;
          break;
      }
      return v;
    };
    ClauseVerdict top = answer_of(0);
    size_t top_at = 0;  // the quoted clause whose verdict answers
    // Clauses that match (nearly) as well as the best one cannot be told apart by their scores:
    // for one who wants to do something, the most cautious rule among them decides. A fact stays
    // a fact, and "do I have to …?" is answered by its best clause.
    const bool wants_to_act = reading.act != AskerAct::duty;
    for (size_t i = 1; wants_to_act && i < verdicts.size() && top.verdict != Verdict::info; ++i) {
      if (ranked[i].score < kTieRatio * ranked.front().score) break;
      const ClauseVerdict other = answer_of(i);
      if (other.verdict != Verdict::info && caution(other.verdict) > caution(top.verdict)) {
        top = other;
        top_at = i;
      }
    }
    // "A former student, 22 now, wants to follow me: any issue accepting?": what the clauses forbid
    // or discourage with students and minors ("alumni under the age of eighteen") does not reach an
    // adult who is no longer one, so the quoted clauses on befriending them set no condition here;
    // the answer's words are the clause's own limit.
    const bool adult_contact =
        reading.adult_former_student && (reading.act == AskerAct::permission || reading.act == AskerAct::none) &&
        (top.verdict == Verdict::discouraged || top.verdict == Verdict::prohibited || top.verdict == Verdict::allowed);
    if (adult_contact) {
      top.verdict = Verdict::allowed;
      top.words = age_limit_words(a.passages[top_at].passage.text);
    }
    // Never a plain `allowed` when any passage the answer quotes (not only the first three, whose
    // verdicts were read above) sets a condition, asks for consent or forbids part of it.
    std::vector<ClauseVerdict> all_quoted = verdicts;
    for (size_t i = verdicts.size(); i < a.passages.size(); ++i)
      all_quoted.push_back(verdict_of(ranked[i].index, words, reading.speaks_for_district));
    // The clause that answers sets no condition here when the clause question it was matched by
    // allows the asker's situation: that question's writer read the clause's conditions for that
    // situation ("can I put the district logo in my school email signature?", allowed, under "may
    // be used only on official … sites … and in emails …; any other use … prohibited unless prior
    // written permission"). Every other quoted clause still sets its condition, consent and approval
    // too: approval first comes only from the clause that answers, and one that asks for it answers
    // "yes" only by such a question's own verdict ("group pics from the science fair if I leave
    // names off": LBUSD's "may be published provided that students' names are not included"
    // answers, the consent a single student's photo needs is a condition beside it). Measured on
    // the folds: verdict +2, nothing lost.
    if (top.verdict == Verdict::allowed && !adult_contact) {
      const bool own_allows = ranked[top_at].question.verdict == Verdict::allowed;
      for (size_t i = 0; i < all_quoted.size(); ++i) {
        if (i == top_at && own_allows) continue;
        const ClauseVerdict& cv = all_quoted[i];
        if (restricts(cv.verdict)) top = {Verdict::allowed_with_conditions, cv.words.empty() ? top.words : cv.words};
      }
    }
    if (top.verdict == Verdict::needs_approval && approval_is_had(reading))
      top.verdict = Verdict::allowed_with_conditions;
    a.verdict = top.verdict;
    a.verdict_words = top.words;
    if (a.verdict == Verdict::report || reading.report) a.next_step = NextStep::report;
    return {all_quoted, adult_contact};  // the learned verdict keeps the same safety rule over the same passages
  }

  // The question's words, stemmed in English (a Spanish question through its English terms, and
  // its own Spanish stems too), with the pairs of neighbouring words and the opening ("how long",
  // "do i", "can i"); the rule reading and the asker's act; and the clause: its verdict in the
  // questions file, the rule reading of its words, the stems of its deciding words.
  VerdictModel::Features verdict_features(const ExpandedQuery& q, const SubjectReading& reading,
                                          const std::vector<Candidate>& ranked,
                                          const std::vector<ClauseVerdict>& quoted, const PolicyAnswer& a) const {
    VerdictModel::Features f;
    const std::string rule(to_string(a.verdict));
    const std::string act = act_name(reading.act);
    f.push_back("bias");
    f.push_back("rule=" + rule);
    f.push_back("act=" + act);
    f.push_back("act=" + act + "&rule=" + rule);
    if (reading.names_approval) f.push_back("names_approval");
    if (reading.asks_advice) f.push_back("advice");
    if (a.closest_only) f.push_back("closest_only");
    f.push_back("lang=" + a.lang);
    const uint32_t top = ranked.front().index;
    const std::string clause(to_string(clause_verdicts_[top].verdict));
    f.push_back("clause=" + clause);
    f.push_back("act=" + act + "&clause=" + clause);
    const std::string own =
        ranked.front().question.verdict ? std::string(to_string(*ranked.front().question.verdict)) : "none";
    f.push_back("own=" + own);
    f.push_back("act=" + act + "&own=" + own);
    for (const auto& cv : quoted) f.push_back("quoted=" + std::string(to_string(cv.verdict)));
    std::vector<std::string> words;
    for (const auto& w : q.english_words)
      if (!vocabulary_.stop_words.contains(w)) words.push_back(w);
    const VerdictReading cue = read_verdict(passages_[top].text, words);
    f.push_back("cue=" + std::string(to_string(cue.verdict)));
    f.push_back("act=" + act + "&cue=" + std::string(to_string(cue.verdict)));
    for (const auto& w : question_words(quoted.front().words.empty() ? cue.words : quoted.front().words))
      f.push_back("cw=" + stem_word(w, "en"));
    std::vector<std::string> stemmed;
    for (const auto& w : fix_spelling(q.english_words, vocabulary_)) stemmed.push_back(stem_word(w, "en"));
    for (size_t i = 0; i < stemmed.size(); ++i) {
      if (!kQuestionFillers.contains(stemmed[i])) f.push_back("w=" + stemmed[i]);
      if (i + 1 < stemmed.size()) f.push_back("b=" + stemmed[i] + "_" + stemmed[i + 1]);
    }
    f.push_back("open=" + (stemmed.empty() ? "" : stemmed[0]) + "_" + (stemmed.size() > 1 ? stemmed[1] : ""));
    if (a.lang == "es")
      for (const auto& w : fix_spelling(question_words(a.question), vocabulary_))
        f.push_back("es=" + stem_word(w, "es"));
    return f;
  }

  static std::string act_name(AskerAct act) {
    switch (act) {
      case AskerAct::permission: return "permission";
      case AskerAct::duty: return "duty";
      case AskerAct::fact: return "fact";
      case AskerAct::action: return "action";
      case AskerAct::none: break;
    }
    return "none";
  }

  // The learned verdict replaces the rule reading, within the safety rules: never a plain
  // `allowed` when a quoted clause attaches a condition, requires consent or forbids (approval
  // first when the best clause asks for it, as in the rule reading).
  void learned_verdict(const VerdictInputs& in, PolicyAnswer& a) const {
    Verdict v = model_.predict(in.features);
    if (v == a.verdict) return;
    std::string words;
    for (const auto& cv : in.quoted)
      if (cv.verdict == v && !cv.words.empty()) {
        words = cv.words;
        break;
      }
    if (v == Verdict::allowed && in.quoted.front().verdict == Verdict::needs_approval) {
      v = Verdict::needs_approval;
      words = in.quoted.front().words;
    } else if (v == Verdict::allowed) {
      for (const auto& cv : in.quoted)
        if (restricts(cv.verdict)) {
          v = Verdict::allowed_with_conditions;
          if (words.empty()) words = cv.words;
        }
    }
    if (v == Verdict::needs_approval && in.approval_had) v = Verdict::allowed_with_conditions;
    a.verdict = v;
    a.verdict_words = words.empty() ? in.quoted.front().words : words;
    if (v == Verdict::report) a.next_step = NextStep::report;
  }

  // Spanish words the Spanish terms file does not translate, translated from the clause questions
  // themselves: every clause is asked about in both languages, so a Spanish word whose clauses are
  // mostly those of one English word ("contrasena" and "password", "queja" and "complaint") means
  // it. The translation lets a Spanish question reach the English questions and the clause text,
  // for any district's documents and questions. Dice over clauses; only words asked about under
  // several clauses, and never a word English questions use too ("instagram") or a stop word.
  void learn_spanish_terms(const std::vector<ClauseQuestions>& questions) {
    constexpr size_t kMinClauses = 3;
    constexpr double kMinDice = 0.6;
    std::unordered_map<std::string, uint32_t> english_ids, spanish_ids;
    std::vector<std::string> english_words;
    std::vector<std::string> spanish_words;
    std::vector<uint32_t> english_clauses, spanish_clauses;  // per word: how many clauses use it
    std::vector<std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> per_clause;  // words, en and es
    std::unordered_map<std::string, size_t> clause_at;
    const auto id_of = [](std::unordered_map<std::string, uint32_t>& ids, std::vector<std::string>& words,
                          std::vector<uint32_t>& counts, const std::string& w) {
      const auto [it, added] = ids.emplace(w, static_cast<uint32_t>(words.size()));
      if (added) {
        words.push_back(w);
        counts.push_back(0);
      }
      return it->second;
    };
    for (const auto& c : questions) {
      const auto [it, added] = clause_at.emplace(c.passage_id, per_clause.size());
      if (added) per_clause.emplace_back();
      auto& [en, es] = per_clause[it->second];
      for (const auto& q : c.en)
        for (const auto& w : question_words(q.text))
          if (w.size() >= 3 && !vocabulary_.stop_words.contains(w))
            en.push_back(id_of(english_ids, english_words, english_clauses, w));
      for (const auto& q : c.es)
        for (const auto& w : question_words(q.text))
          if (w.size() >= 4 && !vocabulary_.spanish_stop_words.contains(w))
            es.push_back(id_of(spanish_ids, spanish_words, spanish_clauses, w));
    }
    for (auto& [en, es] : per_clause) {
      for (auto* ids : {&en, &es}) {
        std::sort(ids->begin(), ids->end());
        ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
      }
      for (const uint32_t e : en) ++english_clauses[e];
      for (const uint32_t w : es) ++spanish_clauses[w];
    }
    const auto translated = [this](const std::string& w) {
      const std::vector<std::string> one{w};
      return std::any_of(vocabulary_.spanish_terms.begin(), vocabulary_.spanish_terms.end(),
                         [&](const auto& term) { return match_length(term.first, one, 0) > 0; });
    };
    std::vector<bool> wanted(spanish_words.size(), false);
    for (size_t i = 0; i < spanish_words.size(); ++i)
      wanted[i] =
          spanish_clauses[i] >= kMinClauses && !english_ids.contains(spanish_words[i]) && !translated(spanish_words[i]);
    // Clauses both words are asked about under, for the wanted Spanish words only.
    std::vector<std::unordered_map<uint32_t, uint32_t>> shared(spanish_words.size());
    for (const auto& [en, es] : per_clause)
      for (const uint32_t w : es)
        if (wanted[w])
          for (const uint32_t e : en)
            if (english_clauses[e] >= kMinClauses) ++shared[w][e];
    for (size_t w = 0; w < spanish_words.size(); ++w) {
      double best = kMinDice;
      uint32_t best_word = 0;
      bool found = false;
      for (const auto& [e, both] : shared[w]) {
        if (both < kMinClauses) continue;
        const double dice = 2.0 * both / (spanish_clauses[w] + english_clauses[e]);
        // Ties to the alphabetically first word, so the translation never depends on hash order.
        if (dice > best || (found && dice == best && english_words[e] < english_words[best_word])) {
          best = dice;
          best_word = e;
          found = true;
        }
      }
      if (found)
        vocabulary_.spanish_terms.push_back({TermPattern{{spanish_words[w]}, false}, {english_words[best_word]}});
    }
  }

  // The words the library knows, for reading a typo as the known word one edit away: the
  // documents, their clause questions and every word of the vocabulary and subject files.
  void learn_spelling(const std::vector<ClauseQuestions>& questions) {
    const auto add_text = [this](std::string_view text) {
      for (const auto& w : question_words(text)) spelling_.add(w);
    };
    const auto add_patterns = [this](const std::vector<TermPattern>& patterns) {
      for (const auto& p : patterns)
        for (const auto& w : p.words) spelling_.add(w);
    };
    for (const auto& p : passages_) add_text(p.text);
    for (const auto& c : questions) {
      for (const auto& q : c.en) add_text(q.text);
      for (const auto& q : c.es) add_text(q.text);
    }
    for (const auto& w : vocabulary_.stop_words) spelling_.add(w);
    for (const auto& w : vocabulary_.spanish_stop_words) spelling_.add(w);
    for (const auto& [typo, fixed] : vocabulary_.spelling) {
      spelling_.add(typo);
      for (const auto& w : fixed) spelling_.add(w);
    }
    for (const auto& c : vocabulary_.concepts) {
      add_patterns(c.triggers);
      add_patterns(c.search);
    }
    for (const auto& [pattern, english] : vocabulary_.spanish_terms) {
      add_patterns({pattern});
      for (const auto& w : english) spelling_.add(w);
    }
    for (const auto* list :
         {&subject_.subject, &subject_.exclude, &subject_.outside, &subject_.watched, &subject_.report, &subject_.info,
          &subject_.consequence, &subject_.duty, &subject_.permission, &subject_.action, &subject_.approval})
      add_patterns(*list);
    for (const auto& t : subject_.small_talk) add_patterns({t.phrase});
    spelling_.finish();
    spelling_.use_real_words(real_words({std::begin(kRealWordLists), std::end(kRealWordLists)}));
  }

  // Trains the learned verdict on the examples, each read by the rules as a question would be.
  void learn_verdicts(const std::vector<VerdictExample>& examples) {
    std::vector<VerdictModel::Features> features;
    std::vector<std::vector<Verdict>> labels;
    for (const auto& e : examples) {
      if (e.unanswerable || e.verdicts.empty()) continue;
      PolicyAnswer a;
      auto in = answer_by_rules(e.question, {}, a);
      if (!in) continue;
      features.push_back(std::move(in->features));
      labels.push_back(e.verdicts);
    }
    model_ = VerdictModel::train(features, labels);
  }

  std::vector<Passage> passages_;
  std::unordered_map<std::string, size_t> by_id_;
  std::vector<double> section_factor_;  // per passage, from vocabulary_.section_weights
  PolicyQueryVocabulary vocabulary_;
  PolicySubject subject_;
  PolicyIndex index_;
  std::vector<ClauseVerdict> clause_verdicts_;        // per passage; no_answer where no questions file says
  std::vector<bool> has_savings_;                     // per passage: a sentence sets the policy aside (read at load)
  std::vector<bool> states_amount_;                   // per passage: states a number, a time or a frequency (at load)
  std::vector<std::set<std::string>> content_stems_;  // per passage: its words' English stems, stop words out
  QuestionIndex english_;
  QuestionIndex spanish_;
  std::vector<QuestionReading> english_questions_;  // by text id of english_: own verdict, act, bypass
  std::vector<QuestionReading> spanish_questions_;  // by text id of spanish_
  PolicySpelling spelling_;
  DocumentNames names_;
  VerdictModel model_;  // empty without examples: the rules alone decide
  mutable TermCache cache_;
};

}  // namespace

boost::system::result<std::shared_ptr<const PolicyLibrary>> PolicyLibrary::load(
    const std::vector<PolicyDocumentRef>& documents, const PolicyVocabulary& vocabulary, std::string& error) {
  const auto invalid = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  if (documents.empty()) {
    error = "no policy documents: list them under `policies:` in the district config";
    return invalid;
  }
  std::vector<Passage> passages;
  std::vector<std::pair<std::filesystem::path, ClauseQuestionsFile>> question_files;
  std::set<std::string> seen;
  std::vector<std::string> citations;
  std::vector<std::string> ids;  // of the document each citation is
  DocumentNames names;
  for (const auto& ref : documents) {
    auto doc = read_policy_document(ref.file);
    if (!doc) {
      error = doc.error().to_string();
      return invalid;
    }
    if (!ref.id.empty() && doc->id != ref.id) {
      error = PolicyParseError{ref.file.string(), 2,
                               "the document's id is `" + doc->id + "` but the district config names it `" + ref.id +
                                   "`: make the two the same"}
                  .to_string();
      return invalid;
    }
    if (!seen.insert(doc->id).second) {
      error = PolicyParseError{ref.file.string(), 2,
                               "another document already has the id `" + doc->id + "`: ids must be unique"}
                  .to_string();
      return invalid;
    }
    citations.push_back(doc->citation);
    ids.push_back(doc->id);
    names.add(doc->id, doc->called);
    std::move(doc->passages.begin(), doc->passages.end(), std::back_inserter(passages));
    question_files.emplace_back(clause_questions_path(ref.file), ClauseQuestionsFile::clauses);
    for (auto& staff : staff_questions_paths(ref.file))
      question_files.emplace_back(std::move(staff), ClauseQuestionsFile::staff);
  }
  std::unordered_map<std::string, const Passage*> by_id;
  for (const auto& p : passages) by_id.emplace(p.id, &p);
  std::vector<ClauseQuestions> questions;
  for (const auto& [file, kind] : question_files) {
    auto read = read_clause_questions(file, by_id, kind);
    if (!read) {
      error = read.error().to_string();
      return invalid;
    }
    std::move(read->begin(), read->end(), std::back_inserter(questions));
  }
  auto examples = read_verdict_examples(verdict_examples_path(documents, vocabulary));
  if (!examples) {
    error = examples.error().to_string();
    return invalid;
  }
  auto vocab = load_policy_vocabulary(vocabulary.synonyms, vocabulary.spanish_terms);
  if (!vocab) {
    error = vocab.error().to_string();
    return invalid;
  }
  const std::filesystem::path subject_file =
      vocabulary.subject.empty() ? vocabulary.synonyms.parent_path() / "policy_subject.yaml" : vocabulary.subject;
  auto subject = load_policy_subject(subject_file);
  if (!subject) {
    error = subject.error().to_string();
    return invalid;
  }
  // A question that names a document by its code ("what replaced the old BUL-5688?", "does AR
  // 1114 cover coaches?") is about what the documents govern, whatever else it says. The code is
  // the citation's letters and number together: a number alone ("room 1114") is not a document.
  const auto is_number = [](const std::string& w) {
    return w.size() >= 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  for (size_t c = 0; c < citations.size(); ++c) {
    const std::vector<std::string> words = question_words(citations[c]);
    for (size_t i = 1; i < words.size(); ++i)
      if (is_number(words[i]) && !is_number(words[i - 1])) {
        subject->subject.push_back(TermPattern{{words[i - 1], words[i]}, false});
        names.add(ids[c], {words[i - 1] + " " + words[i]});
      }
  }
  try {
    return std::shared_ptr<const PolicyLibrary>(std::make_shared<LoadedPolicyLibrary>(
        std::move(passages), std::move(*vocab), std::move(*subject), questions, *examples, std::move(names)));
  } catch (const SQLite::Exception& e) {
    error = std::string("cannot build the policy index (") + e.what() +
            "): Hallpass needs SQLite with FTS5 (Debian 12's libsqlite3 has it)";
    return boost::system::errc::make_error_code(boost::system::errc::not_supported);
  }
}

std::filesystem::path verdict_examples_path(const std::vector<PolicyDocumentRef>& documents,
                                            const PolicyVocabulary& vocabulary) {
  if (!vocabulary.verdict_examples.empty()) return vocabulary.verdict_examples;
  if (documents.empty()) return {};
  return documents.front().file.parent_path() / "verdict_examples.jsonl";
}

namespace {
constexpr std::pair<Verdict, std::string_view> kVerdictNames[] = {
    {Verdict::allowed, "allowed"},
    {Verdict::allowed_with_conditions, "allowed_with_conditions"},
    {Verdict::needs_approval, "needs_approval"},
    {Verdict::discouraged, "discouraged"},
    {Verdict::prohibited, "prohibited"},
    {Verdict::required, "required"},
    {Verdict::report, "report"},
    {Verdict::info, "info"},
    {Verdict::no_answer, "no_answer"},
};
}  // namespace

std::string_view to_string(Verdict v) {
  for (const auto& [verdict, name] : kVerdictNames)
    if (verdict == v) return name;
  return "no_answer";
}

std::optional<Verdict> verdict_from_string(std::string_view name) {
  for (const auto& [verdict, n] : kVerdictNames)
    if (n == name) return verdict;
  return std::nullopt;
}

std::string_view to_string(Decline d) {
  switch (d) {
    case Decline::none: return "none";
    case Decline::off_subject: return "off_subject";
    case Decline::no_match: return "no_match";
    case Decline::unstated: return "unstated";
    case Decline::small_talk: return "small_talk";
  }
  return "none";
}

std::string_view to_string(SmallTalk s) {
  switch (s) {
    case SmallTalk::none: return "none";
    case SmallTalk::greeting: return "greeting";
    case SmallTalk::thanks: return "thanks";
    case SmallTalk::help: return "help";
    case SmallTalk::bye: return "bye";
  }
  return "none";
}

std::string_view to_string(NextStep s) {
  switch (s) {
    case NextStep::none: return "none";
    case NextStep::request: return "request";
    case NextStep::report: return "report";
    case NextStep::ask_principal: return "ask_principal";
  }
  return "none";
}

}  // namespace bot
