#include "bot/policy/policy_vocabulary.hpp"

#include <yaml-cpp/yaml.h>
#include <algorithm>

#include "bot/policy/policy_text.hpp"

namespace bot {
namespace {

struct YamlFile {
  std::filesystem::path path;

  PolicyParseError error(const YAML::Node& at, std::string message) const {
    const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    return PolicyParseError{path.string(), line, std::move(message)};
  }
  PolicyParseError error(int line, std::string message) const {
    return PolicyParseError{path.string(), line, std::move(message)};
  }
};

// YAML::Node converts from anything, so errors are returned with in_place_error.
boost::system::result<YAML::Node, PolicyParseError> load_yaml(const YamlFile& file) {
  using boost::system::in_place_error;
  if (!std::filesystem::exists(file.path)) {
    return {in_place_error, file.error(0,
                                       "the file does not exist: check the path in the district "
                                       "config's `vocabulary:` section")};
  }
  try {
    YAML::Node root = YAML::LoadFile(file.path.string());
    if (!root.IsMap()) {
      return {in_place_error, file.error(1, "the file must be a YAML map of sections (see docs/policy-answers.md)")};
    }
    return root;
  } catch (const YAML::Exception& e) {
    return {in_place_error, file.error(e.mark.line + 1, "not valid YAML (" + e.msg + ")")};
  }
}

// "photo*" and "friend request*" are prefixes; a star inside ("mand* mensaje") would be ignored.
bool star_only_at_end(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '*')) text.remove_suffix(1);
  return text.find('*') == std::string_view::npos;
}

boost::system::result<std::vector<std::string>, PolicyParseError> string_list(const YamlFile& file,
                                                                              const YAML::Node& node,
                                                                              std::string_view what) {
  if (!node.IsSequence()) {
    return file.error(node, std::string(what) + " must be a list, e.g. [word, other word]");
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar() || item.as<std::string>().empty()) {
      return file.error(item, std::string(what) + " must hold non-empty words");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

boost::system::result<std::vector<TermPattern>, PolicyParseError> pattern_list(const YamlFile& file,
                                                                               const YAML::Node& node,
                                                                               std::string_view what) {
  auto strings = string_list(file, node, what);
  if (!strings) return strings.error();
  std::vector<TermPattern> out;
  for (size_t i = 0; i < strings->size(); ++i) {
    if (!star_only_at_end((*strings)[i])) {
      return file.error(node[i], "`" + (*strings)[i] + "` in " + std::string(what) +
                                     ": `*` may only end an entry (\"photo*\", \"friend request*\")");
    }
    TermPattern p = parse_term_pattern((*strings)[i]);
    if (p.words.empty()) {
      return file.error(node[i],
                        "`" + (*strings)[i] + "` in " + std::string(what) + " has no letters or digits: remove it");
    }
    out.push_back(std::move(p));
  }
  return out;
}

boost::system::result<double, PolicyParseError> number_in(const YamlFile& file, const YAML::Node& node,
                                                          std::string_view what, double lo, double hi) {
  double v = 0;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    return file.error(node, std::string(what) + " must be a number");
  }
  if (v < lo || v > hi) {
    return file.error(node,
                      std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

PolicyParseError unknown_key(const YamlFile& file, const YAML::Node& key, std::string_view known) {
  return file.error(key, "unknown key `" + key.as<std::string>() + "`: the keys here are " + std::string(known));
}

boost::system::result<void, PolicyParseError> read_synonyms(const YamlFile& file, PolicyQueryVocabulary& v) {
  auto root = load_yaml(file);
  if (!root) return root.error();
  constexpr std::string_view kKnown = "stop_words, spelling, concepts, next_step, answers";
  for (const auto& kv : *root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& value = kv.second;
    if (key == "stop_words") {
      auto words = string_list(file, value, "stop_words");
      if (!words) return words.error();
      for (const auto& w : *words) {
        for (auto& folded : question_words(w)) v.stop_words.insert(folded);
      }
    } else if (key == "spelling") {
      if (!value.IsMap())
        return file.error(value, "spelling must map a typo or a phrase to its words, e.g. `freind: friend`");
      for (const auto& entry : value) {
        const auto from = question_words(entry.first.as<std::string>());
        const auto to = question_words(entry.second.as<std::string>());
        if (from.empty() || from.size() > 4 || to.empty()) {
          return file.error(entry.first, "a spelling entry maps one to four words to one or more words");
        }
        if (from.size() == 1)
          v.spelling[from.front()] = to;
        else
          v.phrase_spelling.emplace_back(from, to);
      }
      std::stable_sort(v.phrase_spelling.begin(), v.phrase_spelling.end(),
                       [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
    } else if (key == "concepts") {
      if (!value.IsSequence()) return file.error(value, "concepts must be a list of {name, words, …}");
      for (const auto& c : value) {
        if (!c.IsMap()) return file.error(c, "each concept is a map with name, words and optionally search and weight");
        VocabularyConcept concept_entry;
        for (const auto& ckv : c) {
          const std::string ck = ckv.first.as<std::string>();
          if (ck == "name") {
            concept_entry.name = ckv.second.as<std::string>();
          } else if (ck == "weight") {
            auto w = number_in(file, ckv.second, "weight", 0.0, 10.0);
            if (!w) return w.error();
            concept_entry.weight = *w;
          } else if (ck == "words") {
            auto p = pattern_list(file, ckv.second, "words");
            if (!p) return p.error();
            concept_entry.triggers = *p;
          } else if (ck == "search") {
            auto p = pattern_list(file, ckv.second, "search");
            if (!p) return p.error();
            concept_entry.search = *p;
          } else {
            return unknown_key(file, ckv.first, "name, weight, words, search");
          }
        }
        if (concept_entry.name.empty() || concept_entry.triggers.empty()) {
          return file.error(c, "a concept needs a name and at least one entry in words");
        }
        // Without `search`, the concept looks for what staff type; with it, only for the
        // policies' own words (a broad trigger such as "permit*" must not match "permitted").
        if (concept_entry.search.empty()) concept_entry.search = concept_entry.triggers;
        v.concepts.push_back(std::move(concept_entry));
      }
    } else if (key == "next_step") {
      if (!value.IsMap()) return file.error(value, "next_step must have the lists report and request");
      for (const auto& nkv : value) {
        const std::string nk = nkv.first.as<std::string>();
        auto p = pattern_list(file, nkv.second, nk);
        if (!p) return p.error();
        if (nk == "report") {
          v.report_words = *p;
        } else if (nk == "request") {
          v.request_words = *p;
        } else {
          return unknown_key(file, nkv.first, "report, request");
        }
      }
    } else if (key == "answers") {
      if (!value.IsMap()) return file.error(value, "answers must hold min_score, min_coverage, keep_ratio");
      for (const auto& akv : value) {
        const std::string ak = akv.first.as<std::string>();
        if (ak == "min_score") {
          auto n = number_in(file, akv.second, ak, 0.0, 1000.0);
          if (!n) return n.error();
          v.thresholds.min_score = *n;
        } else if (ak == "min_coverage") {
          auto n = number_in(file, akv.second, ak, 0.0, 1.0);
          if (!n) return n.error();
          v.thresholds.min_coverage = *n;
        } else if (ak == "keep_ratio") {
          auto n = number_in(file, akv.second, ak, 0.0, 1.0);
          if (!n) return n.error();
          v.thresholds.keep_ratio = *n;
        } else if (ak == "coverage_power") {
          auto n = number_in(file, akv.second, ak, 0.0, 5.0);
          if (!n) return n.error();
          v.thresholds.coverage_power = *n;
        } else if (ak == "section_weights") {
          if (!akv.second.IsMap()) {
            return file.error(akv.second, "section_weights maps heading words to a factor, e.g. `defin*: 0.5`");
          }
          for (const auto& sw : akv.second) {
            TermPattern pattern = parse_term_pattern(sw.first.as<std::string>());
            if (pattern.words.empty()) return file.error(sw.first, "a section_weights key needs letters");
            auto factor = number_in(file, sw.second, "a section weight", 0.0, 10.0);
            if (!factor) return factor.error();
            v.section_weights.emplace_back(std::move(pattern), *factor);
          }
        } else if (ak == "unknown_word_weight") {
          auto n = number_in(file, akv.second, ak, 0.0, 10.0);
          if (!n) return n.error();
          v.unknown_word_weight = *n;
        } else {
          return unknown_key(
              file, akv.first,
              "min_score, min_coverage, keep_ratio, coverage_power, section_weights, unknown_word_weight");
        }
      }
    } else {
      return unknown_key(file, kv.first, kKnown);
    }
  }
  if (v.concepts.empty()) return file.error(1, "the file has no concepts: add a `concepts:` list");
  if (v.thresholds.min_score <= 0) {
    return file.error(1, "answers.min_score is missing: without it every question would get a quote");
  }
  return {};
}

boost::system::result<void, PolicyParseError> read_spanish(const YamlFile& file, PolicyQueryVocabulary& v) {
  auto root = load_yaml(file);
  if (!root) return root.error();
  for (const auto& kv : *root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& value = kv.second;
    if (key == "stop_words") {
      auto words = string_list(file, value, "stop_words");
      if (!words) return words.error();
      for (const auto& w : *words) {
        for (auto& folded : question_words(w)) v.spanish_stop_words.insert(folded);
      }
    } else if (key == "terms") {
      if (!value.IsMap()) return file.error(value, "terms must map Spanish words to English, e.g. `amig*: friend`");
      for (const auto& entry : value) {
        if (!star_only_at_end(entry.first.as<std::string>())) {
          return file.error(entry.first, "`" + entry.first.as<std::string>() +
                                             "`: `*` may only end an entry (\"amig*\", \"red social*\")");
        }
        TermPattern from = parse_term_pattern(entry.first.as<std::string>());
        if (!entry.second.IsScalar()) {
          return file.error(entry.second, "the English side of a term must be text, e.g. `padre: parent`");
        }
        auto to = question_words(entry.second.as<std::string>());
        if (from.words.empty() || to.empty()) {
          return file.error(entry.first, "a term maps Spanish words to English words; both sides need letters");
        }
        v.spanish_terms.emplace_back(std::move(from), std::move(to));
      }
    } else {
      return unknown_key(file, kv.first, "stop_words, terms");
    }
  }
  if (v.spanish_terms.empty()) return file.error(1, "the file has no terms: add a `terms:` map");
  return {};
}

}  // namespace

TermPattern parse_term_pattern(std::string_view text) {
  TermPattern p;
  while (!text.empty() && (text.back() == ' ' || text.back() == '*')) {
    if (text.back() == '*') p.prefix = true;
    text.remove_suffix(1);
  }
  p.words = question_words(text);
  return p;
}

size_t match_length(const TermPattern& pattern, const std::vector<std::string>& words, size_t at) {
  const size_t n = pattern.words.size();
  if (n == 0 || at + n > words.size()) return 0;
  for (size_t j = 0; j + 1 < n; ++j) {
    if (words[at + j] != pattern.words[j]) return 0;
  }
  const std::string& last = words[at + n - 1];
  const std::string& want = pattern.words.back();
  const bool ok = pattern.prefix ? last.starts_with(want) : last == want;
  return ok ? n : 0;
}

boost::system::result<PolicyQueryVocabulary, PolicyParseError> load_policy_vocabulary(
    const std::filesystem::path& synonyms, const std::filesystem::path& spanish_terms) {
  PolicyQueryVocabulary v;
  // yaml-cpp throws when a value has the wrong shape (a list where a word belongs); the mark
  // still tells the line.
  for (const auto& [file, read] :
       {std::pair{YamlFile{synonyms}, &read_synonyms}, std::pair{YamlFile{spanish_terms}, &read_spanish}}) {
    try {
      if (auto r = read(file, v); !r) return r.error();
    } catch (const YAML::Exception& e) {
      return file.error(e.mark.line + 1, "unexpected value (" + e.msg + "): see docs/policy-answers.md");
    }
  }
  return v;
}

}  // namespace bot
