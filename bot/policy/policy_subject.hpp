#pragma once
// What kind of message a question is, read from word lists (config/policy_subject.yaml): whether
// it is about what the policies govern at all (decline by subject, not by score), whether the
// asker's situation must be reported, whether it asks for a fact, or whether it is everyday chat.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "bot/policy/policy_document_parser.hpp"
#include "bot/policy/policy_library.hpp"
#include "bot/policy/policy_vocabulary.hpp"

namespace bot {

// What the asker does with the question, which together with the clause's modality decides the
// verdict: asks whether they may ("can I …"), whether they must ("do I have to …"), for a fact
// ("how long …", "can I get fired for …"), or what to do about a situation ("what should I do").
enum class AskerAct { none, permission, duty, fact, action };

struct PolicySubject {
  std::vector<TermPattern> subject;    // English and Spanish together: staff mix them
  std::vector<TermPattern> exclude;    // look like the subject but are not ("online course"): removed first
  std::vector<TermPattern> outside;    // never governed by the policies, whatever else is named ("a stipend for …")
  std::vector<TermPattern> watched;    // "monitor my activity", "browsing history": the district watching its users
  std::vector<TermPattern> spoken_of;  // "talk about", "hablar de": outside things staff speak of are governed
  std::vector<TermPattern> covers_asker;  // "does it apply to me?": whom the policy covers is governed
  std::vector<TermPattern> press;  // "a reporter DMed me", "un periodista": what the press asks staff is governed
  std::vector<TermPattern> report;
  std::vector<TermPattern> not_reported;   // "nothing threatening": taken out before `report` is read
  std::vector<TermPattern> report_intent;  // "who do I report it to": reportable, once on the subject
  std::vector<TermPattern> info;
  std::vector<TermPattern> consequence;  // "can I get fired for …": asks what happens, a fact
  std::vector<TermPattern> duty;         // "do I have to …", "tengo que …"
  std::vector<TermPattern> duty_later;   // "does the team page *have to* …": after its subject, in a do/does question
  std::vector<TermPattern> permission;   // "can I …", "¿puedo …?"
  std::vector<TermPattern> confirm;      // "right", "correct", "verdad": a tag that asks whether what was said holds
  std::vector<TermPattern> confirm_alone;  // "no", "si": such a tag only as a part of its own ("…, no?")
  std::vector<TermPattern> confirm_duty;   // "have to", "tengo que": what was said binds
  std::vector<TermPattern> confirm_leave;  // "I can", "puedo", "prohibido": what was said is whether one may
  std::vector<TermPattern> advice;         // "should I …", "¿debería …?": asks whether to, read in a permission
  std::vector<TermPattern> action;         // "what should I do", "¿qué hago?"
  std::vector<TermPattern> approval;       // "permission", "consent": the question names the approval itself
  std::vector<TermPattern> approver;       // "who do I ask for permission", "how do I get approval": whose, or how
  std::vector<TermPattern> who_approves;   // "who approves …?": whose role it is, asked as a fact
  std::vector<TermPattern> plan;           // "I want to …", "quiero …": the asker tells a plan of their own
  std::vector<TermPattern> doing;   // "make", "send", "crear": verbs by which the asker would do the reportable thing
  std::vector<TermPattern> remedy;  // "sue", "legal action", "demandar": a remedy of the asker's own
  std::vector<TermPattern> retaliation;   // "retaliate", "payback", "represalias": what befalls one who reports
  std::vector<TermPattern> in_general;    // "hypothetically", "for a training": no situation of the asker's own
  std::vector<TermPattern> sufficiency;   // "is that enough", "¿con eso basta?": whether what they have suffices
  std::vector<TermPattern> telling;       // "report", "tell", "avisar": the question names telling someone
  std::vector<TermPattern> bypass;        // "without asking", "sin permiso": doing it without the approval asked for
  std::vector<TermPattern> for_district;  // "on behalf of the district", "en nombre del distrito": speaking for it
  std::vector<TermPattern> approval_had;  // "both signatures", "our approved class page": the approval is had
  std::vector<TermPattern> approval_lacking;  // "not yet", "only", "pero": part of the approval had is missing
  std::vector<TermPattern> amount;            // "how long", "¿cada cuánto?": asks for a number, a time, a frequency
  std::vector<TermPattern> amount_stated;     // "days", "daily", "seven": a clause states one
  std::vector<TermPattern> lasting;           // "still valid", "every year", "¿cada semestre?": how long it lasts
  std::vector<TermPattern> adult;             // "grown adult", "over 18", "mayor de edad": the person is an adult
  std::vector<TermPattern> former;            // "former student", "graduated", "exalumna": no longer a student
  std::vector<TermPattern> contact;           // "friend request", "follow", "seguir": keeping in touch online
  std::vector<TermPattern>
      indecent_image;                  // "nude", "inappropriate pic", "foto íntima": a sexual or inappropriate image
  std::vector<TermPattern> keep_copy;  // "screenshot it", "save it", "guardarla": keeping a copy of it
  std::vector<TermPattern>
      work_terms;  // "salaries", "class sizes", "sueldo": the terms of employment staff may discuss
  struct Talk {
    SmallTalk kind = SmallTalk::none;
    std::string lang;
    TermPattern phrase;
  };
  std::vector<Talk> small_talk;
};

struct SubjectReading {
  bool on_subject = false;        // about what the policies govern; always so when the situation must be reported
  bool report = false;            // the situation must be reported
  bool denies_report = false;     // says what they tell is not reportable ("nothing threatening")
  bool outside = false;           // names what the policies never govern (`outside`: payroll, the wifi …)
  AskerAct act = AskerAct::none;  // read at the opening of each part of the message; the first part that asks decides
  bool names_approval = false;    // the question names a permission, consent or approval
  bool asks_approver = false;     // asks whom to get the approval from, or how ("who do I ask for permission …?")
  bool asks_to_do_reportable = false;  // asks leave to do the reportable thing ("can I make a fake account?")
  bool asks_remedy = false;            // asks whether or how they may sue, press charges … ("can I sue them?")
  bool asks_about_reporting = false;   // a fact about reporting itself: retaliation, or asked in general
  bool asks_sufficiency = false;       // asks whether what they have is enough ("is a verbal ok enough?")
  bool names_telling = false;          // names telling someone ("do I have to report it?")
  bool bypasses_approval = false;      // would act without asking anyone ("… without asking anyone?")
  bool speaks_for_district = false;    // would speak for the district ("… on behalf of the district?")
  bool has_approval = false;           // already has the approval asked for, all of it ("we have both signatures")
  bool asks_advice = false;            // asks whether they should ("should I use privacy settings?"), read as leave
  bool asks_amount = false;            // asks for a number, a length of time or a frequency ("how many PD hours …?")
  bool adult_former_student = false;   // the contact asked about is a former student now an adult ("she's 22 now")
  bool keeps_indecent_image =
      false;  // would keep a copy of a sexual or inappropriate image ("should I save the nude as proof?")
  bool names_work_terms = false;  // names the terms of employment ("can we talk about our salaries online?")
  SmallTalk small_talk = SmallTalk::none;
  std::string small_talk_lang;  // the language of the small-talk phrase matched
};

// Loads and checks the file; errors name the file, line and what to do.
boost::system::result<PolicySubject, PolicyParseError> load_policy_subject(const std::filesystem::path& file);

// Where each part of a message begins in its words: parts end at . ? ! ; : , and a dash between
// spaces ("AP here - can I …"), so the asking in "heard it in a meeting. can I post it?" is found;
// and which parts only tell: in a message that asks with ¿, those outside ¿…? that do not end
// with ? ("tengo que crear la cuenta, pero ¿puedo …?"). `words_of` cuts a part into words as the
// caller does (question_words, spelling fixed).
struct MessageParts {
  std::vector<size_t> starts;
  std::vector<size_t> told;  // starts of the parts that only tell
};
MessageParts split_parts(std::string_view message, const std::function<size_t(std::string_view part)>& words_of);

// Reads a question already cut into words (question_words, spelling fixed); `starts` are its
// parts' first words (split_parts; none means one part); `told` the parts that only tell, whose
// asking words ask nothing while another part asks.
SubjectReading read_subject(const PolicySubject& subject, const std::vector<std::string>& words,
                            const std::vector<size_t>& starts = {}, const std::vector<size_t>& told = {});
// Only the act of read_subject, for reading many questions (the clause questions at load).
AskerAct read_asker_act(const PolicySubject& subject, const std::vector<std::string>& words,
                        const std::vector<size_t>& starts = {}, const std::vector<size_t>& told = {});
// Only whether the words would act without the approval (`bypass`), for the clause questions.
bool names_bypass(const PolicySubject& subject, const std::vector<std::string>& words);
// Whether a clause's words (question_words of its text) state a number, a length of time or a
// frequency (`amount_stated`, or a number of one to three digits): only such a clause answers a
// question that asks for one.
bool states_amount(const PolicySubject& subject, const std::vector<std::string>& clause_words);

}  // namespace bot
