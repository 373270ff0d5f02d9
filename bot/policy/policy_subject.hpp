#pragma once
// What kind of message a question is, read from word lists (config/policy_subject.yaml): whether
// it is about what the policies govern at all (decline by subject, not by score), whether the
// asker's situation must be reported, whether it asks for a fact, or whether it is everyday chat.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_library.hpp"
#include "bot/policy/policy_vocabulary.hpp"

namespace bot {

struct PolicySubject {
  std::vector<TermPattern> subject;  // English and Spanish together: staff mix them
  std::vector<TermPattern> exclude;  // look like the subject but are not ("online course"): removed first
  std::vector<TermPattern> report;
  std::vector<TermPattern> info;
  std::vector<TermPattern> consequence;  // "can I get fired for …": asks what happens, a fact
  std::vector<TermPattern> duty;         // "do I have to …", "tengo que …"
  std::vector<TermPattern> permission;   // "can I …", "¿puedo …?"
  struct Talk {
    SmallTalk kind = SmallTalk::none;
    std::string lang;
    TermPattern phrase;
  };
  std::vector<Talk> small_talk;
};

struct SubjectReading {
  bool on_subject = false;  // about what the policies govern; always so when the situation must be reported
  bool report = false;      // the situation must be reported
  bool info = false;        // the question asks for a fact
  bool duty = false;        // the question asks whether something must be done
  bool permission = false;  // the question asks whether something may be done
  SmallTalk small_talk = SmallTalk::none;
  std::string small_talk_lang;  // the language of the small-talk phrase matched
};

// Loads and checks the file; errors name the file, line and what to do.
boost::system::result<PolicySubject, PolicyParseError> load_policy_subject(const std::filesystem::path& file);

// Reads a question already cut into words (question_words, spelling fixed).
SubjectReading read_subject(const PolicySubject& subject, const std::vector<std::string>& words);

}  // namespace bot
