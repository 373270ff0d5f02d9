#include "bot/policy/policy_subject.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace bot {
namespace {

// A short phrase that asks for a fact, a duty or a permission counts only near the opening of a
// part of the message ("so how long until …").
constexpr size_t kOpeningReach = 3;
constexpr size_t kSingleWordReach = 2;
// Words that only soften or stress an asking phrase ("do I *still* have to", "can I *just*"); they
// are passed over when the act is read, so the phrase is found as the subject file writes it.
const std::vector<std::string> kSoftWords = {
    "really",      "actually",    "still",      "even", "just",      "ever",    "honestly", "seriously", "literally",
    "necessarily", "technically", "definitely", "also", "realmente", "todavia", "aun",      "solo",      "tambien"};
// Openings of a question that asks for something, not for a yes or no: "what do I need …?" asks
// what to do, where "do I need …?" asks whether one must.
const std::vector<std::string> kOpenQuestion = {"what", "whats", "which", "whose", "que", "cual", "cuales"};
// Verbs of what a document holds: an open question with one ("what do I have to put in my request?",
// "¿qué tiene que llevar la solicitud?", "what info goes in the registry") asks what the document
// must say, a fact of the process, not what to do.
const std::vector<std::string> kContentWords = {"put",   "include",  "includes", "contain", "contains",
                                                "goes",  "llevar",   "lleva",    "incluir", "incluye",
                                                "poner", "contener", "contiene"};
// Words that offer a consequence as the other side of a permission ("… or will I get fired?",
// "… sin meternos en problemas?"), and how far before the consequence they count.
const std::vector<std::string> kAlternative = {"or", "without", "o", "sin"};
constexpr size_t kAlternativeReach = 3;
// Openings of an English yes/no question whose duty verb comes after its subject ("does the page
// have to …"); see `duty_later`.
const std::vector<std::string> kDoQuestion = {"do", "does", "did"};
// Openings of a clause that tells when, if or why ("cuando le escribo a los alumnos …"); not
// "when", which opens English questions ("when do accounts need to be registered?").
const std::vector<std::string> kSubordinate = {"cuando", "si", "porque", "if", "because"};
// Words that may stand around a greeting or a thanks without making it a question.
const std::vector<std::string> kTalkFillers = {
    "there", "so",   "much",   "very",  "you", "again", "bot",   "hallpass", "all", "everyone", "a",  "lot",
    "ok",    "okay", "muchas", "mucho", "de",  "nuevo", "todos", "ya",       "oh",  "hey",      "hi", "hola"};

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

boost::system::result<std::vector<TermPattern>, PolicyParseError> read_list(const std::filesystem::path& file,
                                                                            const YAML::Node& node,
                                                                            const std::string& where) {
  std::vector<TermPattern> out;
  if (!node) return out;
  if (!node.IsSequence())
    return PolicyParseError{file.string(), line_of(node), "`" + where + "` must be a list of words or phrases"};
  for (const auto& w : node) {
    if (!w.IsScalar() || w.Scalar().empty())
      return PolicyParseError{file.string(), line_of(w), "each entry of `" + where + "` must be a word or a phrase"};
    TermPattern p = parse_term_pattern(w.Scalar());
    // "?" and other punctuation-only entries have no words: they mean the empty message.
    out.push_back(std::move(p));
  }
  return out;
}

// English and Spanish lists of one section, together.
boost::system::result<std::vector<TermPattern>, PolicyParseError> read_both(const std::filesystem::path& file,
                                                                            const YAML::Node& root,
                                                                            const std::string& section) {
  const YAML::Node node = root[section];
  if (!node || !node.IsMap())
    return PolicyParseError{file.string(), node ? line_of(node) : 1,
                            "expected `" + section + ":` with `en:` and `es:` lists (see docs/policy-answers.md)"};
  std::vector<TermPattern> all;
  for (const char* lang : {"en", "es"}) {
    auto list = read_list(file, node[lang], section + "." + lang);
    if (!list) return list.error();
    all.insert(all.end(), list->begin(), list->end());
  }
  return all;
}

bool matches_anywhere(const std::vector<TermPattern>& patterns, const std::vector<std::string>& words, size_t reach) {
  for (size_t i = 0; i < words.size() && i < reach; ++i)
    for (const auto& p : patterns)
      if (!p.words.empty() && match_length(p, words, i) > 0) return true;
  return false;
}

// The length of the longest of `patterns` that matches `words` at `at`, or 0.
size_t longest_match(const std::vector<TermPattern>& patterns, const std::vector<std::string>& words, size_t at) {
  size_t length = 0;
  for (const auto& p : patterns) length = std::max(length, match_length(p, words, at));
  return length;
}

// `words` with every phrase of `patterns` taken out.
std::vector<std::string> without(const std::vector<TermPattern>& patterns, const std::vector<std::string>& words) {
  std::vector<std::string> kept;
  for (size_t i = 0; i < words.size();) {
    const size_t skip = longest_match(patterns, words, i);
    if (skip == 0) kept.push_back(words[i]);
    i += std::max<size_t>(skip, 1);
  }
  return kept;
}

bool listed(const std::vector<std::string>& list, const std::string& w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool is_filler(const std::string& w) { return listed(kTalkFillers, w); }

// Where part k of a message of `words` words ends: at the next part's start, or the message's end.
size_t part_end(const std::vector<size_t>& starts, size_t k, size_t words) {
  return k + 1 < starts.size() ? std::min(starts[k + 1], words) : words;
}

struct PartAct {
  AskerAct act = AskerAct::none;
  bool first_person = false;  // the asking phrase names the asker ("who do I …", "how do we …")
};

// "my" names the asker ("what are my options"), except before another person whose power is asked
// about: "can my principal forbid it?" asks a fact of the principal, not the asker's next step.
bool names_asker(const TermPattern& p) {
  static const std::vector<std::string> kAsker = {"i", "we", "me", "my", "im", "yo", "hago", "tengo", "debo"};
  static const std::vector<std::string> kOtherPerson = {"principal", "admin",     "boss",  "supervisor",
                                                        "director",  "directora", "jefe",  "jefa",
                                                        "district",  "school",    "union", "coworker"};
  for (size_t i = 0; i < p.words.size(); ++i) {
    if (!listed(kAsker, p.words[i])) continue;
    const bool possessive = p.words[i] == "my";
    if (!possessive || i + 1 == p.words.size() || !listed(kOtherPerson, p.words[i + 1])) return true;
  }
  return false;
}

// The act whose phrase stands earliest in the part [begin, end). "Can I get fired for …" asks what
// happens, whatever opens it: a consequence anywhere in the part decides first.
PartAct act_of_part(const PolicySubject& s, const std::vector<std::string>& words, size_t begin, size_t end) {
  // … unless it is the other side of a permission asked first: "can we talk about our salaries …
  // or will we get in trouble?" asks whether they may.
  const auto permission_first = [&](size_t at) {
    const size_t from = at > begin + kAlternativeReach ? at - kAlternativeReach : begin;
    const bool alternative =
        std::any_of(words.begin() + static_cast<std::ptrdiff_t>(from), words.begin() + static_cast<std::ptrdiff_t>(at),
                    [](const std::string& w) { return listed(kAlternative, w); });
    return alternative && longest_match(s.permission, words, begin) > 0;
  };
  for (size_t i = begin; i < end; ++i)
    for (const auto& p : s.consequence)
      if (match_length(p, words, i) > 0) return {permission_first(i) ? AskerAct::permission : AskerAct::fact, false};
  if (begin < end && listed(kOpenQuestion, words[begin]))
    for (size_t i = begin + 1; i < end; ++i)
      if (listed(kContentWords, words[i])) return {AskerAct::fact, false};
  const std::pair<const std::vector<TermPattern>*, AskerAct> lists[] = {{&s.action, AskerAct::action},
                                                                        {&s.info, AskerAct::fact},
                                                                        {&s.duty, AskerAct::duty},
                                                                        {&s.permission, AskerAct::permission}};
  // "Cuando le escribo a los alumnos, ¿tengo que usar mi nombre?": an opening "cuando", "si" or
  // "porque" followed by a clause of its own tells when or why, and the asking that comes after it
  // decides; right after it ("¿cuándo tengo que entregarla?") the part asks when.
  if (begin < end && listed(kSubordinate, words[begin]))
    for (size_t i = begin + kOpeningReach; i < end; ++i)
      for (const auto& [list, act] : lists)
        if (act != AskerAct::fact)
          for (const auto& p : *list)
            if (!p.words.empty() && match_length(p, words, i) > 0) return {act, names_asker(p)};
  for (size_t i = begin; i < end; ++i) {
    for (const auto& [list, act] : lists) {
      for (const auto& p : *list) {
        // Asking what to do ("… le contesto o qué hago?") and a phrase of three words or more ask
        // wherever they stand; a shorter phrase only at the opening of its part ("can I", not
        // "the district can"); a single word that asks for a fact only as its first or second word:
        // "only staff who need it" tells who, it does not ask.
        const size_t reach = act == AskerAct::fact && p.words.size() == 1 ? kSingleWordReach : kOpeningReach;
        const bool reaches = i < begin + reach || p.words.size() >= 3 || act == AskerAct::action;
        if (!reaches || p.words.empty() || match_length(p, words, i) == 0) continue;
        // "What do I need to …?", "¿qué necesito?": what to do, so the clause's rule answers it
        // (an approval first, not a duty to get one). Cross-validation by clause +1, tune part ±0.
        const bool open =
            i > begin && std::find(kOpenQuestion.begin(), kOpenQuestion.end(), words[begin]) != kOpenQuestion.end();
        return {act == AskerAct::duty && open ? AskerAct::action : act, names_asker(p)};
      }
    }
  }
  return {};
}

// "The superintendent has 7 days to review it, correct?", "my insta is private so I can post
// about my students, right?": a part that ends on a confirmation tag (`confirm`, or one that is a
// part of its own, `confirm_alone`: "…, no?") and asks nothing before it asks whether what was
// said holds. What was said decides what is asked: a duty when it binds (`confirm_duty`: "we have
// to …"), leave when it says whether one may or should (`confirm_leave`: "I can …", "eso está
// prohibido"), otherwise a fact ("that's private, right?"). Nothing when the part is no such tag.
std::optional<AskerAct> confirmed_act(const PolicySubject& s, const std::vector<std::string>& words, size_t begin,
                                      size_t end) {
  if (end == begin) return std::nullopt;
  const std::vector<std::string> last{words[end - 1]};
  const bool tag =
      matches_anywhere(s.confirm, last, 1) || (end - begin == 1 && matches_anywhere(s.confirm_alone, last, 1));
  if (!tag) return std::nullopt;
  if (act_of_part(s, words, begin, end - 1).act != AskerAct::none) return std::nullopt;
  const size_t said = end - 1;
  if (matches_anywhere(s.confirm_duty, words, said)) return AskerAct::duty;
  if (matches_anywhere(s.confirm_leave, words, said)) return AskerAct::permission;
  return AskerAct::fact;
}

// A part that opens by asking whom ("who do I send them to?", "¿a quién se los mando?"), not
// whom to tell (`telling`: "who do I have to notify?" asks the duty the clause sets).
bool asks_whom(const PolicySubject& s, const std::vector<std::string>& words, size_t begin, size_t end) {
  const std::string& first = words[begin];
  const bool whom = first == "who" || first == "whom" || first == "quien" ||
                    (first == "a" && begin + 1 < end && words[begin + 1] == "quien");
  if (!whom) return false;
  // "Who do I send a reporter to?": the press asking is not telling (`report*`).
  const std::vector<std::string> part =
      without(s.press, std::vector<std::string>(words.begin() + static_cast<std::ptrdiff_t>(begin),
                                                words.begin() + static_cast<std::ptrdiff_t>(end)));
  return !matches_anywhere(s.telling, part, part.size());
}

// The first part that asks decides; the parts after it add detail ("what do I need to do first?
// like who do I even ask"). A fact the asker asks about their own next step after telling a
// situation ("a parent is posting about me. how do I get it taken down?") asks what to do.
AskerAct read_act(const PolicySubject& s, const std::vector<std::string>& message, const std::vector<size_t>& parts,
                  const std::vector<size_t>& told_parts) {
  // The soft words are passed over, each part's start moved to the words that remain.
  std::vector<std::string> words;
  std::vector<size_t> starts{0};
  std::vector<bool> told{!told_parts.empty() && told_parts.front() == 0};
  for (size_t i = 0, k = 0; i < message.size(); ++i) {
    for (; k < parts.size() && parts[k] <= i; ++k) {
      const bool only_tells = std::find(told_parts.begin(), told_parts.end(), parts[k]) != told_parts.end();
      if (starts.back() != words.size()) {
        starts.push_back(words.size());
        told.push_back(only_tells);
      } else {
        told.back() = only_tells;
      }
    }
    if (std::find(kSoftWords.begin(), kSoftWords.end(), message[i]) == kSoftWords.end()) words.push_back(message[i]);
  }
  // A part that only tells ("tengo que crear la cuenta, pero ¿puedo …?") asks nothing while
  // another part asks; if none does, it is read as any part.
  for (const bool skip_told : {true, false}) {
    for (size_t k = 0; k < starts.size() && starts[k] < words.size(); ++k) {
      if (skip_told && told[k]) continue;
      const size_t end = part_end(starts, k, words.size());
      PartAct found = act_of_part(s, words, starts[k], end);
      // A tag is the asking only where no later part asks: "she said I have no right. can I block
      // her?" asks leave.
      const auto later_asks = [&] {
        for (size_t j = k + 1; j < starts.size() && starts[j] < words.size(); ++j)
          if (act_of_part(s, words, starts[j], part_end(starts, j, words.size())).act != AskerAct::none) return true;
        return false;
      };
      if (found.act == AskerAct::permission || found.act == AskerAct::none)
        if (const auto confirmed = confirmed_act(s, words, starts[k], end))
          found = {later_asks() ? AskerAct::none : *confirmed, false};
      // … but "a reporter messaged me about a post. who do I send them to?" asks whom, a fact.
      if (found.act == AskerAct::fact && k > 0 && found.first_person && !asks_whom(s, words, starts[k], end))
        return AskerAct::action;
      if (found.act != AskerAct::none) return found.act;
    }
    if (told_parts.empty()) break;
  }
  // Nothing asks at an opening: "does staff on district platforms need to follow board policies?"
  // still asks a duty, its verb standing after the subject of a do/does question.
  for (size_t k = 0; k < starts.size() && starts[k] < words.size(); ++k) {
    const size_t end = part_end(starts, k, words.size());
    if (!listed(kDoQuestion, words[starts[k]])) continue;
    for (size_t i = starts[k] + 1; i < end; ++i)
      if (longest_match(s.duty_later, words, i) > 0) return AskerAct::duty;
  }
  return AskerAct::none;
}

// Words that mark the reportable thing as something done to the asker ("harassing me", "me acosa")
// or as one already there ("the fake account", "esa cuenta falsa"), not as what the asker would do.
const std::vector<std::string> kDoneToAsker = {"me", "my", "us", "our", "mi", "mis", "nos"};
const std::vector<std::string> kAlreadyThere = {"the",   "this", "that", "these", "those", "his", "her",
                                                "their", "el",   "la",   "los",   "las",   "ese", "esa",
                                                "este",  "esta", "su",   "sus",   "esos",  "esas"};
// An image of a minor is reported whoever asks, and whatever they ask to do with it ("can I send
// a student's nude pic to the principal?"): words of images in the reportable phrase (prefixes).
const std::vector<std::string> kImageWords = {"nud",  "naked",  "sex",    "intima", "intimo", "porn",
                                              "expl", "inappr", "image",  "imagen", "photo",  "foto",
                                              "pic",  "video",  "desnud", "minor"};

// "Can I make a fake account to see what my students post?", "is it ok to email a threatening
// message to a parent?", "¿puedo crear una cuenta falsa?": the first part that asks is a
// permission, and in it a verb of doing (`doing`) is followed by the reportable thing, which is
// neither done to the asker nor one already there. The asker then asks leave to do what is
// forbidden, and nothing has happened yet that must be reported.
bool asks_to_do_reportable(const PolicySubject& s, const std::vector<std::string>& words,
                           const std::vector<size_t>& parts) {
  const auto report_at = [&](size_t i) { return longest_match(s.report, words, i); };
  std::vector<size_t> starts = parts.empty() ? std::vector<size_t>{0} : parts;
  for (size_t k = 0; k < starts.size() && starts[k] < words.size(); ++k) {
    const size_t begin = starts[k];
    const size_t end = part_end(starts, k, words.size());
    const PartAct found = act_of_part(s, words, begin, end);
    if (found.act == AskerAct::none) continue;
    if (found.act != AskerAct::permission) return false;
    for (size_t j = begin; j < end; ++j) {
      if (longest_match(s.doing, words, j) == 0) continue;
      for (size_t i = j; i < end; ++i) {
        const size_t length = report_at(i);
        if (length == 0) continue;
        // A situation told anywhere else ("a parent is harassing me. can I make a fake account to
        // watch her?") is still reported.
        for (size_t other = 0; other < words.size(); ++other)
          if ((other < j || other >= end) && report_at(other) > 0) return false;
        const bool done_to_asker =
            std::any_of(words.begin() + static_cast<std::ptrdiff_t>(i),
                        words.begin() + static_cast<std::ptrdiff_t>(std::min(i + length + 1, words.size())),
                        [&](const std::string& w) { return listed(kDoneToAsker, w); });
        const bool already_there = i > begin && listed(kAlreadyThere, words[i - 1]);
        const bool image =
            std::any_of(words.begin() + static_cast<std::ptrdiff_t>(i),
                        words.begin() + static_cast<std::ptrdiff_t>(i + length), [](const std::string& w) {
                          return std::any_of(kImageWords.begin(), kImageWords.end(),
                                             [&](const std::string& stem) { return w.starts_with(stem); });
                        });
        return !done_to_asker && !already_there && !image;
      }
    }
    return false;
  }
  return false;
}

}  // namespace

boost::system::result<PolicySubject, PolicyParseError> load_policy_subject(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return PolicyParseError{file.string(), 0,
                            "cannot read the file: name it under `vocabulary: subject:` in the district config, "
                            "or put policy_subject.yaml beside the vocabulary file"};
  std::stringstream text;
  text << in.rdbuf();
  PolicySubject s;
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (!root.IsMap())
      return PolicyParseError{file.string(), 1, "expected the sections subject, report, info and small_talk"};
    auto subject = read_both(file, root, "subject");
    if (!subject) return subject.error();
    auto report = read_both(file, root, "report");
    if (!report) return report.error();
    auto info = read_both(file, root, "info");
    if (!info) return info.error();
    for (auto [section, list] :
         {std::pair{"exclude", &s.exclude}, std::pair{"outside", &s.outside}, std::pair{"watched", &s.watched},
          std::pair{"spoken_of", &s.spoken_of}, std::pair{"covers_asker", &s.covers_asker},
          std::pair{"press", &s.press}, std::pair{"not_reported", &s.not_reported},
          std::pair{"report_intent", &s.report_intent}}) {
      if (!root[section]) continue;
      auto read = read_both(file, root, section);
      if (!read) return read.error();
      *list = std::move(*read);
    }
    for (auto [section, list] : {std::pair{"consequence", &s.consequence},
                                 std::pair{"duty", &s.duty},
                                 std::pair{"permission", &s.permission},
                                 std::pair{"action", &s.action},
                                 std::pair{"approval", &s.approval},
                                 std::pair{"approver", &s.approver},
                                 std::pair{"who_approves", &s.who_approves},
                                 std::pair{"plan", &s.plan},
                                 std::pair{"doing", &s.doing},
                                 std::pair{"duty_later", &s.duty_later},
                                 std::pair{"remedy", &s.remedy},
                                 std::pair{"retaliation", &s.retaliation},
                                 std::pair{"in_general", &s.in_general},
                                 std::pair{"sufficiency", &s.sufficiency},
                                 std::pair{"telling", &s.telling},
                                 std::pair{"bypass", &s.bypass},
                                 std::pair{"for_district", &s.for_district},
                                 std::pair{"approval_had", &s.approval_had},
                                 std::pair{"approval_lacking", &s.approval_lacking},
                                 std::pair{"amount", &s.amount},
                                 std::pair{"amount_stated", &s.amount_stated},
                                 std::pair{"lasting", &s.lasting},
                                 std::pair{"adult", &s.adult},
                                 std::pair{"former", &s.former},
                                 std::pair{"contact", &s.contact},
                                 std::pair{"advice", &s.advice},
                                 std::pair{"confirm", &s.confirm},
                                 std::pair{"confirm_alone", &s.confirm_alone},
                                 std::pair{"confirm_duty", &s.confirm_duty},
                                 std::pair{"confirm_leave", &s.confirm_leave},
                                 std::pair{"indecent_image", &s.indecent_image},
                                 std::pair{"keep_copy", &s.keep_copy},
                                 std::pair{"work_terms", &s.work_terms}}) {
      if (!root[section]) continue;
      auto read = read_both(file, root, section);
      if (!read) return read.error();
      *list = std::move(*read);
    }
    s.subject = std::move(*subject);
    s.report = std::move(*report);
    s.info = std::move(*info);
    const YAML::Node talk = root["small_talk"];
    if (!talk || !talk.IsMap())
      return PolicyParseError{file.string(), talk ? line_of(talk) : 1,
                              "expected `small_talk:` with greeting, thanks, help and bye"};
    const std::pair<const char*, SmallTalk> kinds[] = {{"greeting", SmallTalk::greeting},
                                                       {"thanks", SmallTalk::thanks},
                                                       {"help", SmallTalk::help},
                                                       {"bye", SmallTalk::bye}};
    for (const auto& kv : talk) {
      const std::string key = kv.first.Scalar();
      const auto kind = std::find_if(std::begin(kinds), std::end(kinds), [&](const auto& k) { return key == k.first; });
      if (kind == std::end(kinds))
        return PolicyParseError{file.string(), line_of(kv.first),
                                "unknown kind `" + key + "` of small talk: use greeting, thanks, help or bye"};
      for (const char* lang : {"en", "es"}) {
        auto list = read_list(file, kv.second[lang], "small_talk." + key + "." + lang);
        if (!list) return list.error();
        for (auto& p : *list) s.small_talk.push_back({kind->second, lang, std::move(p)});
      }
    }
  } catch (const YAML::Exception& e) {
    return PolicyParseError{file.string(), e.mark.line >= 0 ? e.mark.line + 1 : 0,
                            "not valid YAML (" + e.msg + "): fix the line, quoting text that has `:` or `#`"};
  }
  return s;
}

// "She's 22 now", "he is 19", "tiene 20 años": an age of 18 or more told of someone.
bool states_adult_age(const std::vector<std::string>& words) {
  static const std::vector<std::string> kBefore = {"is", "hes", "shes", "theyre", "tiene", "turned", "age", "aged"};
  static const std::vector<std::string> kAfter = {"now", "years", "yrs", "yo", "anos", "ya"};
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() != 2 || !std::isdigit(static_cast<unsigned char>(w[0])) ||
        !std::isdigit(static_cast<unsigned char>(w[1])))
      continue;
    if (std::stoi(w) < 18) continue;
    const bool before = i > 0 && listed(kBefore, words[i - 1]);
    const bool after = i + 1 < words.size() && listed(kAfter, words[i + 1]);
    if (before || after) return true;
  }
  return false;
}

// The part that asks the policy question: the first part that asks (read alone) and names the
// subject without naming anything outside it; and whether an earlier part asks something else.
struct PolicyPart {
  size_t index = 0;
  bool asked_before = false;
};
std::optional<PolicyPart> policy_question_part(const PolicySubject& s, const std::vector<std::string>& words,
                                               const std::vector<size_t>& starts) {
  bool asked_before = false;
  for (size_t k = 0; k < starts.size() && starts[k] < words.size(); ++k) {
    const size_t end = part_end(starts, k, words.size());
    const std::vector<std::string> part(words.begin() + static_cast<std::ptrdiff_t>(starts[k]),
                                        words.begin() + static_cast<std::ptrdiff_t>(end));
    if (read_act(s, part, {0}, {}) == AskerAct::none) continue;
    const std::vector<std::string> topical = without(s.exclude, part);
    if (matches_anywhere(s.subject, topical, topical.size()) && !matches_anywhere(s.outside, part, part.size()))
      return PolicyPart{k, asked_before};
    asked_before = true;
  }
  return std::nullopt;
}

SubjectReading read_subject(const PolicySubject& s, const std::vector<std::string>& words,
                            const std::vector<size_t>& starts, const std::vector<size_t>& told_parts) {
  SubjectReading r;
  // Small talk is the whole message: a greeting followed by a real question is a question.
  std::vector<std::string> core;
  for (const auto& w : words)
    if (!is_filler(w)) core.push_back(w);
  const auto whole = [](const TermPattern& phrase, const std::vector<std::string>& message) {
    return message.size() == phrase.words.size() && match_length(phrase, message, 0) > 0;
  };
  for (const auto& t : s.small_talk) {
    // "?" has no words: it is the message with none. Others match the whole message, as typed or
    // without the words that only pad it ("thanks so much", "hi there").
    const bool matched = t.phrase.words.empty() ? words.empty() : whole(t.phrase, words) || whole(t.phrase, core);
    if (matched) {
      r.small_talk = t.kind;
      r.small_talk_lang = t.lang;
      return r;
    }
  }
  // A message of fillers alone ("hi there", "hola") is a greeting.
  if (!words.empty() && core.empty()) {
    r.small_talk = SmallTalk::greeting;
    return r;
  }
  // "online courses" is not the online the policies mean: such phrases are taken out first.
  const std::vector<std::string> topical = without(s.exclude, words);
  // "A nasty post about me, nothing threatening": what the asker says is not there reports nothing.
  const std::vector<std::string> told = without(s.not_reported, words);
  r.denies_report = told.size() < words.size();
  r.report = matches_anywhere(s.report, told, told.size());
  // Safety first: a situation that must be reported is never turned away as off the subject.
  // What the policies never govern ("do I get a stipend for running the school's instagram?") is
  // declined though it names an account.
  // Whether the district watches what staff do on its network is governed, even where the network
  // is named: "does the district monitor my activity on the school wifi?" (users "have no
  // expectation of privacy"), where "the school wifi is slow" is not.
  const bool watched = matches_anywhere(s.watched, words, words.size());
  // What is otherwise outside is governed when staff speak of it among themselves (`spoken_of`:
  // "can we talk about our overtime in a facebook group?" is speech the policies keep free, where a
  // question about the pay itself is not theirs), when the asker asks whether the policy covers
  // them (`covers_asker`: "walk-on coach, not on district payroll: does this social media stuff
  // apply to me?"), or when a reporter or blogger asks a staff member about it (`press`: "a
  // reporter DMed me about the board's new phone policy"; the policies say to refer them to the
  // Superintendent's office).
  const bool asks_coverage = matches_anywhere(s.covers_asker, words, words.size());
  const std::vector<TermPattern>* const governed_anyway[] = {&s.spoken_of, &s.press};
  const bool set_aside = watched || asks_coverage ||
                         std::any_of(std::begin(governed_anyway), std::end(governed_anyway),
                                     [&](const auto* list) { return matches_anywhere(*list, words, words.size()); });
  r.outside = !set_aside && matches_anywhere(s.outside, words, words.size());
  // "Two questions: do we get a stipend for yearbook, and can I DM students about deadlines on my
  // snapchat?": of several parts that ask, the first that asks about the subject, and names
  // nothing outside it, is the policy question.
  const std::optional<PolicyPart> policy_part =
      starts.size() > 1 ? policy_question_part(s, words, starts) : std::nullopt;
  // The words from the policy question on, read once for both what is outside and the act.
  std::vector<std::string> from_policy_part;
  if (policy_part)
    from_policy_part.assign(words.begin() + static_cast<std::ptrdiff_t>(starts[policy_part->index]), words.end());
  if (policy_part && r.outside) r.outside = matches_anywhere(s.outside, from_policy_part, from_policy_part.size());
  r.on_subject = r.report || watched || (matches_anywhere(s.subject, topical, topical.size()) && !r.outside);
  // One who asks whom to report it to has judged it reportable; that alone never puts a question
  // on the subject (a broken printer is reported too).
  const bool intends_to_report = r.on_subject && matches_anywhere(s.report_intent, words, words.size());
  r.act = read_act(s, words, starts, told_parts);
  // "¿El distrito mira lo que hago en la computadora de la escuela?", "soy voluntaria, ¿esta política
  // aplica para mí?": whether the district watches (users "have no expectation of privacy") and
  // whether the policy covers the asker are facts the clauses state, though no fact opening asks
  // them, or "lo que hago" reads as what to do.
  if ((watched || asks_coverage) && (r.act == AskerAct::none || r.act == AskerAct::action)) r.act = AskerAct::fact;
  if (policy_part && policy_part->asked_before) {
    const size_t from = starts[policy_part->index];
    std::vector<size_t> rest_starts, rest_told;
    for (size_t k = policy_part->index; k < starts.size(); ++k) rest_starts.push_back(starts[k] - from);
    for (const size_t t : told_parts)
      if (t >= from) rest_told.push_back(t - from);
    r.act = read_act(s, from_policy_part, rest_starts, rest_told);
  }
  // One who asks leave to make a fake account or send a threat is told it is forbidden: it is
  // their plan, nothing yet to report (unless they also tell one, or ask whom to report it to).
  if (r.report && !intends_to_report && r.act == AskerAct::permission && asks_to_do_reportable(s, words, starts)) {
    r.report = false;
    r.asks_to_do_reportable = true;
  }
  r.report = r.report || intends_to_report;
  // "Can I sue the person harassing me?": whether the victim may take a remedy of their own is a
  // fact of the policy (which says they may), not leave to ask; the report next step stays.
  r.asks_remedy = r.on_subject && r.act != AskerAct::duty && r.act != AskerAct::action &&
                  matches_anywhere(s.remedy, words, words.size());
  // "Will I get retaliated against if I report her for harassing me?", "for the training handout:
  // who gets contacted about sexualized images of minors?": a fact about reporting itself, asked by
  // one who fears what follows a report or who tells no situation of their own, is a fact; the
  // report next step stays. `in_general` counts only where a fact is asked: "hypothetically, a kid
  // just posted a threat. who do I call?" names telling, asks the duty, and is reported.
  r.asks_about_reporting = r.report && r.act != AskerAct::duty && r.act != AskerAct::action &&
                           (matches_anywhere(s.retaliation, words, words.size()) ||
                            (r.act == AskerAct::fact && matches_anywhere(s.in_general, words, words.size())));
  r.asks_sufficiency = matches_anywhere(s.sufficiency, words, words.size());
  // "Should I be using privacy settings?": leave asked as whether to, which a duty answers as one.
  r.asks_advice = r.act == AskerAct::permission && matches_anywhere(s.advice, words, words.size());
  r.names_telling = matches_anywhere(s.telling, words, words.size());
  r.names_work_terms = matches_anywhere(s.work_terms, words, words.size());
  r.bypasses_approval = names_bypass(s, words);
  r.speaks_for_district = matches_anywhere(s.for_district, words, words.size());
  // The approval said to be had ("our approved class page", "she signed off") is not the one asked
  // about; taking it out also tells whether one was said to be had.
  const std::vector<std::string> asked = without(s.approval_had, words);
  // "We have the signed release from mom and the principal signed off": the approval is had. "Mom
  // signed but the principal hasn't yet", "got approved for insta only": part of it is not.
  r.has_approval = asked.size() < words.size() && !matches_anywhere(s.approval_lacking, words, words.size());
  r.names_approval = matches_anywhere(s.approval, asked, asked.size());
  // "Who do I ask?" or "how do I get …?" names no approval by itself; with one named ("who do I
  // ask for permission", "how do I get it approved") it asks whose approval to get, or how.
  // "Who approves a class instagram?" asks whose role it is, a fact, unless the asker tells a plan
  // of their own ("I want to use the logo on our 5k flyer, who approves that?"). Writers of the
  // verdict examples marked the bare question `info` twice as often as approval first.
  r.asks_approver =
      r.names_approval &&
      (matches_anywhere(s.approver, words, words.size()) ||
       (matches_anywhere(s.who_approves, words, words.size()) && matches_anywhere(s.plan, words, words.size())));
  // "How many PD hours do we get for …?", "how long do we keep the screenshots after …?": a fact
  // asked as a number, a time or a frequency, at the opening of a part. Not "when": "when I
  // message students, what name do I use?" tells when.
  if (r.act == AskerAct::fact)
    for (const size_t start : starts.empty() ? std::vector<size_t>{0} : starts)
      for (size_t i = start; i < std::min(words.size(), start + kOpeningReach) && !r.asks_amount; ++i)
        r.asks_amount = longest_match(s.amount, words, i) > 0;
  // "A former student graduated four years ago and is 22 now, can I accept her friend request?":
  // the clauses on befriending students and minors do not govern an adult who no longer is one.
  r.adult_former_student = !r.report && matches_anywhere(s.contact, words, words.size()) &&
                           matches_anywhere(s.former, words, words.size()) &&
                           (matches_anywhere(s.adult, words, words.size()) || states_adult_age(words));
  // "Does a photo release signed last year still count?", "¿hay que pedirlo cada semestre?": how
  // long something lasts, or how often it is renewed, asked anywhere and however it is asked.
  if (!r.asks_amount) r.asks_amount = matches_anywhere(s.lasting, words, words.size());
  // "Should I screenshot the explicit photo of the 9th grader so the AP has proof?", "¿la guardo en
  // mi teléfono como evidencia?": keeping a copy of a sexual or inappropriate image, asked as
  // anything but a fact.
  r.keeps_indecent_image = r.report && r.act != AskerAct::fact &&
                           matches_anywhere(s.indecent_image, words, words.size()) &&
                           matches_anywhere(s.keep_copy, words, words.size());
  return r;
}

bool states_amount(const PolicySubject& subject, const std::vector<std::string>& clause_words) {
  const bool number = std::any_of(clause_words.begin(), clause_words.end(), [](const std::string& w) {
    return !w.empty() && w.size() <= 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
  return number || matches_anywhere(subject.amount_stated, clause_words, clause_words.size());
}

AskerAct read_asker_act(const PolicySubject& subject, const std::vector<std::string>& words,
                        const std::vector<size_t>& starts, const std::vector<size_t>& told) {
  return read_act(subject, words, starts, told);
}

bool names_bypass(const PolicySubject& subject, const std::vector<std::string>& words) {
  return matches_anywhere(subject.bypass, words, words.size());
}

MessageParts split_parts(std::string_view message, const std::function<size_t(std::string_view)>& words_of) {
  MessageParts parts;
  size_t count = 0;
  size_t begin = 0;
  bool spanish_question = false;  // the message opens a question with ¿ somewhere
  bool in_question = false;       // between ¿ and ?
  std::vector<bool> asking;       // per part: within ¿…? or ending with ?
  const auto close = [&](size_t end, bool ends_asking) {
    const size_t n = words_of(message.substr(begin, end - begin));
    if (n > 0) {
      parts.starts.push_back(count);
      asking.push_back(in_question || ends_asking);
      count += n;
    }
  };
  for (size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    const bool mark = c == '.' || c == '?' || c == '!' || c == ';' || c == ':' || c == ',' || c == '\n';
    const bool dash = c == '-' && i > 0 && message[i - 1] == ' ' && i + 1 < message.size() && message[i + 1] == ' ';
    // ¿ and ¡ (U+00BF, U+00A1) open a Spanish question or exclamation.
    const bool opening =
        static_cast<unsigned char>(c) == 0xC2 && i + 1 < message.size() &&
        (static_cast<unsigned char>(message[i + 1]) == 0xBF || static_cast<unsigned char>(message[i + 1]) == 0xA1);
    if (mark || dash || opening) {
      close(i, c == '?');
      begin = i + 1;
    }
    if (opening && static_cast<unsigned char>(message[i + 1]) == 0xBF) spanish_question = in_question = true;
    if (c == '?') in_question = false;
  }
  close(message.size(), false);
  // "Tengo que crear la cuenta de la clase, pero ¿puedo registrarla con mi gmail?": Spanish marks
  // where a question begins, so what stands outside ¿…? (and does not end with ?) only tells.
  if (spanish_question)
    for (size_t k = 0; k < parts.starts.size(); ++k)
      if (!asking[k]) parts.told.push_back(parts.starts[k]);
  return parts;
}

}  // namespace bot
