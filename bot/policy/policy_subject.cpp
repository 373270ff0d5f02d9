#include "bot/policy/policy_subject.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace bot {
namespace {

// An opening that asks for a fact, a duty or a permission counts only near the start ("so how long until …").
constexpr size_t kInfoOpeningReach = 3;
// "can i actually get fired for …": the consequence stands a few words in.
constexpr size_t kConsequenceReach = 5;
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

bool is_filler(const std::string& w) {
  return std::find(kTalkFillers.begin(), kTalkFillers.end(), w) != kTalkFillers.end();
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
    if (root["exclude"]) {
      auto exclude = read_both(file, root, "exclude");
      if (!exclude) return exclude.error();
      s.exclude = std::move(*exclude);
    }
    for (auto [section, list] : {std::pair{"consequence", &s.consequence}, std::pair{"duty", &s.duty},
                                 std::pair{"permission", &s.permission}}) {
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

SubjectReading read_subject(const PolicySubject& s, const std::vector<std::string>& words) {
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
  std::vector<std::string> topical;
  for (size_t i = 0; i < words.size();) {
    size_t skip = 0;
    for (const auto& p : s.exclude) skip = std::max(skip, match_length(p, words, i));
    if (skip == 0) topical.push_back(words[i]);
    i += std::max<size_t>(skip, 1);
  }
  r.report = matches_anywhere(s.report, words, words.size());
  // Safety first: a situation that must be reported is never turned away as off the subject.
  r.on_subject = r.report || matches_anywhere(s.subject, topical, topical.size());
  r.info =
      matches_anywhere(s.info, words, kInfoOpeningReach) || matches_anywhere(s.consequence, words, kConsequenceReach);
  r.duty = matches_anywhere(s.duty, words, kInfoOpeningReach);
  r.permission = matches_anywhere(s.permission, words, kInfoOpeningReach);
  return r;
}

}  // namespace bot
