// The policy answers read questions as staff write them: everyday chat is not a policy question,
// a question outside the policies' subject is declined, one inside it always gets the closest
// clauses, and the verdict is never unsafe (issue 15).
#include <fstream>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include <catch2/catch.hpp>

#include "bot/policy/clause_questions.hpp"
#include "bot/policy/document_names.hpp"
#include "bot/policy/policy_library.hpp"
#include "bot/policy/policy_quotes.hpp"
#include "bot/policy/policy_spelling.hpp"
#include "bot/policy/policy_subject.hpp"
#include "bot/policy/policy_text.hpp"
#include "bot/policy/policy_verdict.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

const std::filesystem::path kRoot = HALLPASS_SOURCE_DIR;

const bot::PolicyLibrary& library() {
  static const auto lib = [] {
    std::string error;
    auto loaded = bot::PolicyLibrary::load(
        {{"lausd-bul-5688.2", kRoot / "config/policies/lausd-bul-5688.2.md"},
         {"lbusd-ethics-e", kRoot / "config/policies/lbusd-ethics-e.md"},
         {"standard-sd-ar-1114", kRoot / "config/policies/standard-sd-ar-1114.md"},
         {"model-bp", kRoot / "config/policies/model-bp.md"}},
        {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml", kRoot / "config/policy_subject.yaml"},
        error);
    if (!loaded) FAIL(error);
    return *loaded;
  }();
  return *lib;
}

// Each question is answered, not declined, with `verdict`, and with the `next` step when one is given.
void expect_answers(std::initializer_list<const char*> questions, bot::Verdict verdict,
                    std::optional<bot::NextStep> next = std::nullopt) {
  for (const char* q : questions) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == verdict);
    if (next) CHECK(a.next_step == *next);
  }
}

// Each question is declined as asking a number, a time or a frequency no matching clause states.
void expect_unstated(std::initializer_list<const char*> questions) {
  for (const char* q : questions) {
    INFO(q);
    const auto a = library().answer(q);
    CHECK(a.no_answer);
    CHECK(a.decline == bot::Decline::unstated);
    CHECK(a.passages.empty());
  }
}

bool quotes_doc_passage(const bot::PolicyAnswer& a, std::string_view id) {
  for (const auto& p : a.passages)
    if (p.passage.id == id) return true;
  return false;
}

// Whether the answer quotes a passage whose text holds `words`.
bool quotes_words(const bot::PolicyAnswer& a, std::string_view words) {
  for (const auto& p : a.passages)
    if (p.passage.text.find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("everyday chat is not a policy question", "[unit][policy]") {
  struct Case {
    const char* text;
    bot::SmallTalk kind;
    const char* lang;
  };
  for (const Case& c :
       {Case{"hi", bot::SmallTalk::greeting, "en"}, Case{"Hello!! 👋", bot::SmallTalk::greeting, "en"},
        Case{"thanks!", bot::SmallTalk::thanks, "en"}, Case{"thank you so much", bot::SmallTalk::thanks, "en"},
        Case{"help", bot::SmallTalk::help, "en"}, Case{"?", bot::SmallTalk::help, "en"},
        Case{"hola", bot::SmallTalk::greeting, "es"}, Case{"¡Muchas gracias!", bot::SmallTalk::thanks, "es"},
        Case{"ayuda", bot::SmallTalk::help, "es"}, Case{"bye", bot::SmallTalk::bye, "en"}}) {
    INFO(c.text);
    const auto a = library().answer(c.text);
    CHECK(a.no_answer);
    CHECK(a.passages.empty());
    CHECK(a.decline == bot::Decline::small_talk);
    CHECK(a.small_talk == c.kind);
    CHECK(a.lang == c.lang);
  }
  // A greeting before a real question is a question.
  const auto q = library().answer("hi! can I friend a parent on facebook?");
  CHECK_FALSE(q.no_answer);
  CHECK(q.small_talk == bot::SmallTalk::none);
}

TEST_CASE("questions outside the policies' subject are declined, inside it always answered", "[unit][policy]") {
  for (const char* q :
       {"where can I park?", "how many sick days do I get", "what is the wifi password",
        "can i use chatgpt to write lesson plans", "forgot my district email password",
        "can students use their phones at lunch", "¿cuándo es el día de pago?", "how many hours of online PD do I need",
        // Named with an account, but never governed by the policies.
        "is there extra pay for managing the band's facebook page?",
        "can I use AI to draft the posts for my class blog?",
        // A number alone is not a document's code.
        "the projector in room 1114 is broken", "what's my phone number on file with HR",
        // Help with a device, though it names the district's email or apps.
        "how do i get my district email on my phone", "can i install apps on my school laptop",
        // Payroll and the school's network, though they say "online" or "internet"; the Spanish one
        // is declined by its own words, whatever its English translation names.
        "is my paycheck online", "the school internet is super slow, who do i call",
        "el internet de la escuela esta muy lento, a quien llamo", "the school wifi is slow again",
        // The accounts' and devices' upkeep: sign-in, storage, connections at home, AI assistants.
        "how do I set up two factor on my district account", "my inbox is full, can IT give me more storage",
        "do students without internet at home get hotspots", "is gemini turned on for our google accounts",
        "como configuro la verificacion en dos pasos en mi cuenta del distrito",
        // The district's devices and accounts, the age a platform sets, the checks volunteers pass.
        "can we get snapchat installed on the classroom ipads", "who unblocks youtube on the chromebooks",
        "at what age can a kid legally open an instagram", "do volunteer chaperones need a background check",
        "cuanto cuesta sacar las huellas para ser voluntario en la excursion",
        // The upkeep of what the district publishes: captions, fonts, accessibility, what it buys.
        "do videos on the school website need captions for accessibility?",
        "is there a required font for the school website", "who approves buying a canva subscription for the school",
        "¿los videos de la página de la escuela necesitan subtítulos?",
        "do I need to caption the videos I show in class for students who can't hear?",
        "¿cuánto tarda la revisión de antecedentes de los voluntarios?",
        // How long a release lasts and the forms it comes on are not in the policies, nor file sizes.
        "does the photo release expire at the end of the year?", "is there a template for the photo release form",
        "is there a max file size for videos on the school website", "¿hay una plantilla para el permiso de fotos?",
        // Checks before work starts, training credit, a website's alt text, storage, a lost badge.
        "do student teachers have to get fingerprinted before they start",
        "how many pd hours do we get for the cyberbullying workshop",
        "does every picture on the school website need alt text", "how much drive storage comes with a staff account",
        "perdí mi gafete, ¿dónde saco uno nuevo?",
        // Students' phones in class, whatever they would photograph with them.
        "can students use their phones in class to take pictures of the whiteboard?",
        "¿los alumnos pueden sacar el celular en el salón para tomarle foto al pizarrón?",
        // Pay asked about after telling what the asker runs is still pay.
        "I run the school instagram. do I get a stipend for it?",
        "are advisors paid to run the club pages or is it volunteer?",
        // What the district spends to promote its own posts.
        "is there money to boost posts for the open house on the district facebook?",
        "¿la escuela tiene presupuesto para anuncios pagados en instagram?"}) {
    INFO(q);
    const auto a = library().answer(q);
    CHECK(a.no_answer);
    CHECK(a.decline == bot::Decline::off_subject);
    CHECK(a.passages.empty());
  }
  // On the subject, even when no clause says it in those words: the closest clauses, marked so.
  for (const char* q : {"is it weird to post memes on the class instagram at 2am",
                        "my coworker keeps tagging me in embarrassing facebook photos",
                        "alguien hizo una cuenta falsa de la escuela en tiktok",
                        // A document named by its code (its citation's letters and number).
                        "what happened to the old BUL-5688?", "does AR 1114 cover volunteer coaches",
                        // Giving students one's own number; a class network by its name.
                        "can i give my personal cell number to students",
                        "puedo darle mi numero de celular a un alumno", "do I have to tell parents before I use edmodo",
                        // Who is in the picture does not make it a question of accessibility.
                        "can I post a video of my deaf students' ASL performance on the class page?",
                        // The internet as where something is posted.
                        "can I post on the internet about my school",
                        // What a reporter asks about is governed, though it is otherwise outside.
                        "a reporter emailed me about the new cell phone policy, can i answer him?",
                        "un periodista me preguntó por la política de celulares, le contesto?",
                        // Keeping district and personal email apart; sharing attendance records.
                        "do i have to keep a separate email for my personal stuff",
                        "how do we share attendance records with the counselor",
                        // Whether the district watches its network's users is governed, though the
                        // network is named ("no expectation of privacy").
                        "does the district monitor my activity on the school wifi",
                        "¿el distrito ve lo que hago en el wifi de la escuela?",
                        // "School internet" names a site here, not the network.
                        "can i put the logo on official school internet sites",
                        // Pay spoken of among staff on social media is their speech (concerted activity),
                        // not a question about the pay.
                        "can teachers complain about overtime in our facebook group",
                        "podemos hablar de las horas extra en un grupo de whatsapp de maestros",
                        // Whom the policy covers, whatever the asker says of their pay.
                        "walk-on coach, not on district payroll. does this social media stuff apply to me?",
                        // An account by its abbreviation, a page by what it is, friending by its verb.
                        "we started a new acct for chess club in feb. does it need to be registered",
                        "as AP do i need admin access to every class social page at my site",
                        "is it fine if my public page has me smoking a cigar on vacation",
                        "a former student who's 16 now wants to friend me",
                        // Of two questions, one is outside and the other on the subject.
                        "two questions - do we get a stipend for running yearbook, and is it ok for me to DM "
                        "students on my personal snapchat about yearbook deadlines?"}) {
    INFO(q);
    const auto a = library().answer(q);
    CHECK_FALSE(a.no_answer);
    CHECK_FALSE(a.passages.empty());
    CHECK(a.decline == bot::Decline::none);
  }
}

TEST_CASE("whether the district watches its network's users is answered by the clause that says so", "[unit][policy]") {
  // "Users shall have no expectation of privacy regarding their use of District property, network
  // and/or Internet access …": quoted, though the wifi named is otherwise outside the policies.
  for (const char* q :
       {"does the district monitor my activity on the school wifi",
        "¿el distrito ve lo que hago en el wifi de la escuela?", "does the district read my emails",
        "el distrito puede revisar lo que hago en la compu del trabajo?",
        "can the district actually see my facebook if i'm on the school wifi",
        "on the school laptop, does IT watch what i do?", "¿en la red del distrito miran lo que hago?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(quotes_words(a, "no expectation of privacy"));
    // A fact the clause states, however it is asked ("lo que hago" is not what to do).
    CHECK(a.verdict == bot::Verdict::info);
  }
}

TEST_CASE("verdicts are never unsafe", "[unit][policy]") {
  SECTION("photos of students need consent first") {
    for (const char* q : {"can I post photos of my students?", "ok to put my kids' pics on the class insta?",
                          "¿puedo subir fotos de mis alumnos a facebook?"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict != bot::Verdict::allowed);
      CHECK((a.verdict == bot::Verdict::needs_approval || a.verdict == bot::Verdict::prohibited));
    }
  }
  SECTION("abuse, threats, images of minors, impersonation and hacked accounts are reported") {
    for (const char* q : {"a student told me they are being abused", "a parent posted a threat against me on facebook",
                          "someone made a fake instagram account pretending to be me",
                          "a student sent me a nude picture of another student", "my class account got hacked",
                          "un alumno me dijo que le pegan en su casa",
                          // … also when the asker only asks whom to tell.
                          "someone sent a sexual pic of a student to my work email, who do i tell",
                          "i think someone got the password to the team twitter, who do i tell",
                          "un alumno dice que otro está planeando lastimar a alguien, qué hago",
                          // Impersonation told by what is seen, not named.
                          "a parent says there's an insta account with my photo and name posting weird stuff",
                          // Someone touching a student, in either language.
                          "a teacher touched a student's leg in the hallway", "el entrenador manosea a un alumno"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict == bot::Verdict::report);
      CHECK(a.next_step == bot::NextStep::report);
    }
  }
  SECTION("how long, who and what happens ask for a fact") {
    for (const char* q : {"how long until i hear back about my request", "who decides if my request is approved",
                          "what happens if i break the social media policy"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict == bot::Verdict::info);
    }
  }
  SECTION("an answer is never a plain yes when a quoted clause attaches a condition") {
    for (const char* q : {"can I start a class facebook page", "can I use twitter for my team",
                          "can i tutor students for money and advertise it on facebook"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict != bot::Verdict::allowed);
    }
  }
}

TEST_CASE("a Spanish question is answered as Spanish whatever the asker's usual language", "[unit][policy]") {
  const auto a = library().answer("¿cuántos días tiene el superintendente para contestar mi solicitud?");
  CHECK(a.lang == "es");
  REQUIRE_FALSE(a.no_answer);
  CHECK(quotes_doc_passage(a, "model-bp#authorization.2"));
  CHECK(a.verdict == bot::Verdict::info);
  // The quotes are the documents' English text, verbatim.
  CHECK(a.passages.front().passage.text == library().find(a.passages.front().passage.id)->text);
}

TEST_CASE("any text, however long or strange, is answered without harm", "[unit][policy]") {
  std::string long_question;
  while (long_question.size() < 39000) long_question += "can I friend a parent on facebook or instagram please ";
  CHECK_FALSE(library().answer(long_question).no_answer);
  const std::string friending = library().answer("can I friend a parent on facebook?").passages.front().passage.id;
  CHECK((friending == "lbusd-ethics-e#strategies.2" || friending == "lausd-bul-5688.2#I.1"));
  // Many distinct words fill the search cache past its bound: entries are evicted, answers stay right.
  for (int i = 0; i < 6000; ++i) {
    const std::string q = "facebook word" + std::to_string(i) + " photos x" + std::to_string(i * 7919);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
  }
  CHECK(library().answer("can I friend a parent on facebook?").passages.front().passage.id == friending);
  for (const char* odd : {"", " ", "\xff\xfe", "\xe2\x80\xae facebook", "????", "🙂🙂🙂"}) {
    INFO(odd);
    (void)library().answer(odd);
  }
}

TEST_CASE("clause question files are checked with file, line and what to do", "[unit][policy]") {
  test_support::TempDir dir("clause-questions");
  const bot::Passage passage{"doc#a.1", "doc", "Doc", "A", "Doc, A, item 1", "Staff shall not friend students."};
  const std::unordered_map<std::string, const bot::Passage*> by_id = {{passage.id, &passage}};
  const auto write = [&](const std::string& text) {
    const auto file = dir.path() / "doc.questions.yaml";
    std::ofstream(file) << text;
    return file;
  };
  SECTION("a good file") {
    auto r = bot::read_clause_questions(write("clauses:\n  - id: doc#a.1\n    verdict: prohibited\n    words: shall "
                                              "not\n    en: [can i friend my students]\n"
                                              "    es: [puedo agregar a mis alumnos]\n"),
                                        by_id);
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 1);
    CHECK(r->front().verdict == bot::Verdict::prohibited);
    CHECK(r->front().en.size() == 1);
    CHECK_FALSE(r->front().en.front().verdict);
  }
  SECTION("a question may carry its own verdict") {
    auto r = bot::read_clause_questions(
        write("clauses:\n  - id: doc#a.1\n    verdict: prohibited\n    en:\n      - can i friend my students\n"
              "      - {q: \"what happens if i friend a student\", verdict: info}\n"),
        by_id);
    REQUIRE(r.has_value());
    REQUIRE(r->front().en.size() == 2);
    CHECK_FALSE(r->front().en[0].verdict);
    CHECK(r->front().en[1].text == "what happens if i friend a student");
    CHECK(r->front().en[1].verdict == bot::Verdict::info);
  }
  SECTION("a missing file is no error") {
    auto r = bot::read_clause_questions(dir.path() / "none.questions.yaml", by_id);
    REQUIRE(r.has_value());
    CHECK(r->empty());
  }
  struct Bad {
    const char* text;
    int line;
    const char* says;
  };
  for (const Bad& b :
       {Bad{"clauses:\n  - id: doc#zz\n    verdict: info\n", 2, "no clause has the id `doc#zz`"},
        Bad{"clauses:\n  - id: doc#a.1\n    verdict: maybe\n", 3, "must be allowed, allowed_with_conditions"},
        Bad{"clauses:\n  - id: doc#a.1\n    verdict: info\n    words: shall never\n", 4, "do not stand in the clause"},
        Bad{"clauses:\n  - id: doc#a.1\n    verdict: info\n    en: hello\n", 4, "must be a list of questions"},
        Bad{"clauses:\n  - id: doc#a.1\n    verdikt: info\n", 3, "unknown key `verdikt`"},
        Bad{"clauses:\n  - id: doc#a.1\n    verdict: info\n    en:\n      - {q: hi, verdict: sure}\n", 5,
            "must be allowed, allowed_with_conditions"},
        Bad{"clauses: [\n", 2, "not valid YAML"}}) {
    INFO(b.text);
    auto r = bot::read_clause_questions(write(b.text), by_id);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == b.line);
    CHECK_THAT(r.error().message, Catch::Contains(b.says));
  }
}

TEST_CASE("the asker's act is read at the opening of each part of the message", "[unit][policy]") {
  const auto subject = bot::load_policy_subject(kRoot / "config/policy_subject.yaml");
  REQUIRE(subject.has_value());
  const auto act_of = [&](std::string_view question) {
    const auto words = bot::question_words(question);
    const auto parts =
        bot::split_parts(question, [](std::string_view part) { return bot::question_words(part).size(); });
    return bot::read_subject(*subject, words, parts.starts, parts.told).act;
  };
  struct Case {
    const char* question;
    bot::AskerAct act;
  };
  for (const Case& c : {
           // After a situation is told, in a later sentence or after a dash.
           Case{"heard it at a staff meeting. can I post it on twitter?", bot::AskerAct::permission},
           Case{"vice principal here - may I print a teacher's tweets?", bot::AskerAct::permission},
           // Asking whether it is advisable, or a problem, is asking whether one may.
           Case{"should I accept a friend request from a parent?", bot::AskerAct::permission},
           Case{"posted a selfie from a bar last night, is that a problem?", bot::AskerAct::permission},
           Case{"¿se vale subir fotos de la fiesta del viernes?", bot::AskerAct::permission},
           // A statement that asks for confirmation at its end.
           Case{"a dad from my class wants to add me on fb, that's fine right", bot::AskerAct::permission},
           Case{"i run trivia night on my own youtube on saturdays. allowed?", bot::AskerAct::permission},
           Case{"front office: we email the tardy list to the teachers. only staff who need it. this ok?",
                bot::AskerAct::permission},
           // An opening "cuando" or "si" with a clause of its own tells when; the asking after it
           // decides. Right after it, the part asks when.
           Case{"cuando le escribo a los alumnos en la cuenta de la clase tengo que usar mi nombre completo?",
                bot::AskerAct::duty},
           Case{"cuando tengo que entregar la solicitud?", bot::AskerAct::fact},
           Case{"when do official accounts need to be registered?", bot::AskerAct::fact},
           // What someone else could do, and "walk me through", ask for a fact.
           Case{"could they lock me out of the school's accounts if i post something?", bot::AskerAct::fact},
           Case{"walk me through what I do when a parent complains about a teacher's posts", bot::AskerAct::fact},
           Case{"la directora puede prohibirme ser amiga de los papás en facebook?", bot::AskerAct::fact},
           Case{"el distrito puede revisar lo que hago en la compu del trabajo?", bot::AskerAct::fact},
           // … but "the school" is also the account the asker runs: "can the school fb share …?" is not
           // read as a fact (the clause answers it: campaign materials shall not be posted).
           Case{"can the school fb share the flyer for the mayor's reelection", bot::AskerAct::none},
           // The first part that asks decides; later parts add detail.
           Case{"ok so, how long does the superintendent take? like a week?", bot::AskerAct::fact},
           Case{"do I need to tell the principal before I open a class blog? or is that optional", bot::AskerAct::duty},
           // Whether something must be done, of a thing rather than the asker.
           Case{"does the chess club's instagram have to be registered?", bot::AskerAct::duty},
           // What someone else owes the asker is a fact of the process.
           Case{"the supt said no to my class page, do they have to tell me why", bot::AskerAct::fact},
           Case{"my request came back modified. are they required to tell me why?", bot::AskerAct::fact},
           Case{"soy voluntaria, esta politica aplica para mi?", bot::AskerAct::fact},
           Case{"how am I supposed to reach the parents if I can't use facebook?", bot::AskerAct::fact},
           Case{"does the district have to approve all content on the official school sites", bot::AskerAct::fact},
           // … its duty verb after a longer subject, in a do/does question.
           Case{"does staff on district platforms need to follow board policies", bot::AskerAct::duty},
           Case{"do teachers in the after school program have to follow the AUP online?", bot::AskerAct::duty},
           Case{"i have to post the game schedule tonight", bot::AskerAct::none},
           Case{"la cuenta de instagram del club de ajedrez tiene que estar registrada?", bot::AskerAct::duty},
           // What someone else may do is a fact about the policy.
           Case{"my principal wants our class account password. can she ask for that?", bot::AskerAct::fact},
           // A consequence anywhere in the part asks what happens …
           Case{"could I actually lose my job over a meme about my boss?", bot::AskerAct::fact},
           Case{"if I use a pop song in a video I post, could I personally be liable?", bot::AskerAct::fact},
           // … unless it is the other side of a permission asked first.
           Case{"can we talk about our pay in a teachers' facebook group or will we get in trouble?",
                bot::AskerAct::permission},
           Case{"podemos hablar de sueldos en el grupo de maestros sin meternos en problemas?",
                bot::AskerAct::permission},
           // Asking what to do, wherever it stands; and the asker's own next step after a situation.
           Case{"a reporter DMed me about the school on twitter, what should I do", bot::AskerAct::action},
           Case{"me escribió un periodista por facebook, le contesto o qué hago?", bot::AskerAct::action},
           Case{"a parent keeps posting rude comments on our class page. how do I get them removed?",
                bot::AskerAct::action},
           Case{"i posted my vacation pics last night", bot::AskerAct::none},
           // Words that only soften or stress the asking do not hide it.
           Case{"after the complaint is closed, do I still have to keep watching the page?", bot::AskerAct::duty},
           Case{"can I really just post the game schedule?", bot::AskerAct::permission},
           // "What do I need …?" asks what to do, not whether one must.
           Case{"what do I need to start a class blog?", bot::AskerAct::action},
           Case{"quiero abrir un blog de la clase, ¿qué necesito?", bot::AskerAct::action},
           // … but what a document must hold is a fact of the process.
           Case{"what do I have to put in my request for a class blog?", bot::AskerAct::fact},
           Case{"¿qué tiene que llevar la solicitud?", bot::AskerAct::fact},
           // Whom the policy covers is a fact, not the asker's next step; so is what could happen to
           // the asker.
           Case{"I'm a volunteer coach, am I covered by this policy?", bot::AskerAct::fact},
           Case{"esta política aplica a los voluntarios?", bot::AskerAct::fact},
           Case{"¿me pueden sancionar por un meme?", bot::AskerAct::fact},
           // What could be done to the asker, in everyday words.
           Case{"si pongo una queja, me pueden hacer algo en represalia?", bot::AskerAct::fact},
           Case{"can they take away my access to the class account if I post something wrong?", bot::AskerAct::fact},
           // "Necesita" asks a duty as "necesito" does.
           Case{"¿el club necesita registrar su cuenta de instagram?", bot::AskerAct::duty},
           // In Spanish, ¿ marks where the question begins: what stands outside ¿…? only tells.
           Case{"tengo que crear la cuenta de la clase, pero ¿puedo registrarla con mi gmail personal?",
                bot::AskerAct::permission},
           Case{"me toca subir las fotos del festival a la cuenta de la escuela, ¿tengo que pedir permiso?",
                bot::AskerAct::duty},
           // … a part that ends with ? asks, with or without its ¿; and without any ¿, as before.
           Case{"puedo subir fotos del equipo? ¿o necesito permiso?", bot::AskerAct::permission},
           Case{"tengo que crear la cuenta de la clase, pero puedo registrarla con mi gmail?", bot::AskerAct::duty},
           // Of several questions in one message, the one about the subject is the policy question.
           Case{"oye, ¿sabes cuándo pagan la quincena? y otra cosa, ¿puedo poner las calificaciones en el grupo "
                "de whatsapp de los papás?",
                bot::AskerAct::permission},
           Case{"two questions - is the staff lunch on friday? and can I DM students on snapchat about deadlines?",
                bot::AskerAct::permission},
           // … but a situation told before a question is not a question of its own.
           Case{"a parent keeps posting about me on facebook. how do I get it taken down?", bot::AskerAct::action},
       }) {
    INFO(c.question);
    CHECK(act_of(c.question) == c.act);
  }
}

namespace {

// A district's own small document, with the verdict each clause tells its typical asker.
std::shared_ptr<const bot::PolicyLibrary> invented_library(const std::filesystem::path& dir) {
  std::ofstream(dir / "town.md") << "---\nid: town\ntitle: Town Social Media Rules\ncitation: Town Rules\n"
                                    "source: Invented for a test\ndate: \"\"\n---\n\n# Town Social Media Rules\n\n"
                                    "## Rules {#rules}\n\n"
                                    "1. Employees must notify the principal before opening a classroom blog.\n"
                                    "2. Employees should consider noting on their facebook profile that the opinions "
                                    "there are their own.\n"
                                    "3. Every robotics club youtube channel must be approved by the principal.\n"
                                    "4. Teachers may share recordings of concerts on facebook.\n"
                                    "5. Teachers must not share recordings of games on facebook.\n"
                                    "6. The principal reviews each school band podcast within ten days.\n";
  std::ofstream(dir / "town.questions.yaml")
      << "document: town\nclauses:\n"
         "  - {id: town#rules.1, verdict: required, words: must notify, en: [tell the principal about a class blog]}\n"
         "  - {id: town#rules.2, verdict: allowed_with_conditions, words: should consider, en: [opinions disclaimer]}\n"
         "  - {id: town#rules.3, verdict: needs_approval, words: must be approved, en: [robotics channel approval]}\n"
         "  - {id: town#rules.4, verdict: allowed, words: may share, en: [concert recordings]}\n"
         "  - {id: town#rules.5, verdict: prohibited, words: must not share, en: [game recordings]}\n"
         "  - {id: town#rules.6, verdict: info, words: reviews, en: [band podcast review]}\n";
  std::string error;
  auto loaded = bot::PolicyLibrary::load(
      {{"town", dir / "town.md"}},
      {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml", kRoot / "config/policy_subject.yaml"},
      error);
  if (!loaded) FAIL(error);
  return *loaded;
}

}  // namespace

TEST_CASE("the verdict combines the asker's act with the clause's modality", "[unit][policy]") {
  test_support::TempDir dir("verdict-reader");
  const auto lib = invented_library(dir.path());
  const bot::PolicyLibrary& town = *lib;
  const auto verdict_of = [&](const char* question, const char* clause) {
    INFO(question);
    const auto a = town.answer(question);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.passages.front().passage.id == clause);
    return a.verdict;
  };
  SECTION("\"do I have to …?\" under a clause that says must: required") {
    CHECK(verdict_of("do I have to tell the principal before I start a classroom blog?", "town#rules.1") ==
          bot::Verdict::required);
  }
  SECTION("\"can I …?\" under a clause that says must: yes, with that duty") {
    CHECK(verdict_of("can I start a classroom blog?", "town#rules.1") == bot::Verdict::allowed_with_conditions);
  }
  SECTION("\"do I have to …?\" under a clause that only recommends: no such duty, a fact") {
    CHECK(verdict_of("must I write on my facebook profile that my opinions are my own?", "town#rules.2") ==
          bot::Verdict::info);
  }
  SECTION("\"do I have to …?\" under a clause that only permits: no such duty, a fact") {
    CHECK(verdict_of("do I have to share recordings of concerts on facebook?", "town#rules.4") == bot::Verdict::info);
  }
  SECTION("\"what do I need …?\" under a clause that asks for approval: approval first") {
    CHECK(verdict_of("what do I need for a robotics club youtube channel?", "town#rules.3") ==
          bot::Verdict::needs_approval);
  }
  SECTION("\"does it have to …?\" under a clause that asks for approval: getting it is the duty") {
    CHECK(verdict_of("does our robotics club youtube channel have to be signed up with the principal?",
                     "town#rules.3") == bot::Verdict::required);
  }
  SECTION("\"do I need approval …?\" under the same clause: approval first, what was asked") {
    CHECK(verdict_of("do I need the principal's approval for a robotics club youtube channel?", "town#rules.3") ==
          bot::Verdict::needs_approval);
  }
  SECTION("\"can we …?\" under the same clause: approval first") {
    CHECK(verdict_of("can we start a robotics club youtube channel?", "town#rules.3") == bot::Verdict::needs_approval);
  }
  SECTION("clauses that match equally well: the most cautious decides") {
    const auto a = town.answer("can I share recordings on facebook?");
    REQUIRE(a.passages.size() >= 2);
    CHECK(a.passages[1].score >= 0.95 * a.passages[0].score);
    CHECK(a.verdict == bot::Verdict::prohibited);
  }
  SECTION("\"who do I ask for permission …?\" asks whose approval to get: approval first") {
    CHECK(verdict_of("who do I ask for permission for a robotics club youtube channel?", "town#rules.3") ==
          bot::Verdict::needs_approval);
    // Who decides, without asking whom to get it from, stays a fact.
    CHECK(verdict_of("who decides if a robotics club youtube channel gets approved?", "town#rules.3") ==
          bot::Verdict::info);
  }
  SECTION("\"who approves …?\" asks whose role it is, a fact; with a plan of the asker's own, approval first") {
    CHECK(verdict_of("who approves a robotics club youtube channel?", "town#rules.3") == bot::Verdict::info);
    CHECK(verdict_of("quien aprueba un canal de youtube del club de robotica?", "town#rules.3") == bot::Verdict::info);
    CHECK(verdict_of("I want to start a robotics club youtube channel. who approves that?", "town#rules.3") ==
          bot::Verdict::needs_approval);
    CHECK(verdict_of("the robotics club wants its own youtube channel, who has to sign off on that?", "town#rules.3") ==
          bot::Verdict::needs_approval);
  }
  SECTION("a confirmation tag asks whether what was said holds") {
    // A fact said asks a fact; leave said asks leave; a duty said asks the duty.
    CHECK(verdict_of("the principal reviews each school band podcast within ten days, correct?", "town#rules.6") ==
          bot::Verdict::info);
    CHECK(verdict_of("so I can start a robotics club youtube channel, right?", "town#rules.3") ==
          bot::Verdict::needs_approval);
    CHECK(verdict_of("sharing recordings of games on facebook is allowed, right?", "town#rules.5") ==
          bot::Verdict::prohibited);
    CHECK(verdict_of("we have to tell the principal before we open a classroom blog, right?", "town#rules.1") ==
          bot::Verdict::required);
    // "no" and "sí" are tags only as a part of their own; "ok?" asks leave itself.
    CHECK(verdict_of("puedo compartir grabaciones de juegos en facebook, no?", "town#rules.5") ==
          bot::Verdict::prohibited);
    CHECK(verdict_of("sharing recordings of games on facebook. ok?", "town#rules.5") == bot::Verdict::prohibited);
  }
  SECTION("a question for a fact is answered with the fact") {
    CHECK(verdict_of("when does the principal approve a robotics club youtube channel?", "town#rules.3") ==
          bot::Verdict::info);
    CHECK(verdict_of("how long does the principal take to review a school band podcast?", "town#rules.6") ==
          bot::Verdict::info);
    // Another's power, asked after telling a situation, is still a fact: "my principal" is not the
    // asker's own next step, where "what are my options" would be.
    CHECK(verdict_of("the robotics club wants a youtube channel. so can my principal refuse it?", "town#rules.3") ==
          bot::Verdict::info);
  }
  SECTION("a number, a time or a frequency no matching clause states is not the policy's to give") {
    // The approval clause says who approves, not how long it takes: the asker is told whom to ask.
    for (const char* q : {"how long does the principal take to approve a robotics club youtube channel?",
                          "¿cuánto tiempo tarda el director en aprobar un canal de youtube del club de robótica?",
                          "how often do robotics club youtube channels get approved?"}) {
      INFO(q);
      const auto a = town.answer(q);
      CHECK(a.no_answer);
      CHECK(a.decline == bot::Decline::unstated);
      CHECK(a.passages.empty());
    }
  }
  SECTION("\"where's the line?\", \"what's the rule?\" ask the clause's rule, not a fact") {
    CHECK(verdict_of("the robotics club wants a youtube channel. where's the line?", "town#rules.3") ==
          bot::Verdict::needs_approval);
    CHECK(verdict_of("what's the rule on a robotics club youtube channel?", "town#rules.3") ==
          bot::Verdict::needs_approval);
    CHECK(verdict_of("el club de robotica quiere un canal de youtube. cual es la regla?", "town#rules.3") ==
          bot::Verdict::needs_approval);
  }
  SECTION("one who already has the approval a clause asks for is answered with its conditions") {
    CHECK(verdict_of("the principal already approved our robotics club youtube channel. can we post videos?",
                     "town#rules.3") == bot::Verdict::allowed_with_conditions);
    CHECK(verdict_of("el director ya aprobó el canal de youtube del club de robótica, ¿podemos subir videos?",
                     "town#rules.3") == bot::Verdict::allowed_with_conditions);
    // Part of it missing, or none named: approval first.
    CHECK(verdict_of("the principal approved it verbally, not yet in writing. can we start the robotics club "
                     "youtube channel?",
                     "town#rules.3") == bot::Verdict::needs_approval);
    CHECK(verdict_of("can we start a robotics club youtube channel?", "town#rules.3") == bot::Verdict::needs_approval);
    // "Do I have to …?" is still the duty the clause sets, the approval had not being the one asked about.
    CHECK(verdict_of("our robotics club youtube channel is approved. do we have to register it anywhere?",
                     "town#rules.3") == bot::Verdict::required);
  }
}

TEST_CASE("staff questions beside a document add questions and never change a clause's verdict", "[unit][policy]") {
  test_support::TempDir dir("staff-questions");
  std::ofstream(dir.path() / "town.staff-questions.yaml")
      << "document: town\nclauses:\n  - id: town#rules.4\n"
         "    en: [\"ok to put the spring band show video on fb?\"]\n"
         "    es: [\"puedo subir el video del show de la banda a facebook?\"]\n";
  const auto lib = invented_library(dir.path());
  for (const char* question :
       {"can i put the spring band show video on fb?", "puedo subir el video del show de la banda a facebook?"}) {
    INFO(question);
    const auto a = lib->answer(question);
    REQUIRE_FALSE(a.passages.empty());
    CHECK(a.passages.front().passage.id == "town#rules.4");
    CHECK(a.verdict == bot::Verdict::allowed);  // the clause's own verdict, from town.questions.yaml
  }
  SECTION("a verdict for the clause there is refused with where it belongs") {
    std::ofstream(dir.path() / "town.staff-questions.yaml")
        << "document: town\nclauses:\n  - id: town#rules.4\n    verdict: prohibited\n    en: [band video]\n";
    std::string error;
    const auto loaded = bot::PolicyLibrary::load(
        {{"town", dir.path() / "town.md"}},
        {kRoot / "config/vocabulary.yaml", kRoot / "config/spanish_terms.yaml", kRoot / "config/policy_subject.yaml"},
        error);
    CHECK_FALSE(loaded.has_value());
    CHECK_THAT(error, Catch::Contains("town.staff-questions.yaml:4"));
    CHECK_THAT(error, Catch::Contains("belongs in the clause's questions file"));
  }
}

TEST_CASE("every staff-questions file beside a document adds its questions", "[unit][policy]") {
  test_support::TempDir dir("staff-questions-batches");
  const char* question = "the choir wants its spring show clip on facebook, ok?";
  CHECK(invented_library(dir.path())->answer(question).passages.front().passage.id != "town#rules.5");
  // A second writer's batch, dropped beside the first: no config change is needed.
  std::ofstream(dir.path() / "town.staff-questions.yaml")
      << "document: town\nclauses:\n  - id: town#rules.4\n    en: [\"ok to put the band video on fb?\"]\n";
  std::ofstream(dir.path() / "town.staff-questions-3.yaml")
      << "document: town\nclauses:\n  - id: town#rules.5\n    en: [\"can the choir spring show clip go on "
         "facebook\"]\n";
  const auto a = invented_library(dir.path())->answer(question);
  REQUIRE_FALSE(a.passages.empty());
  CHECK(a.passages.front().passage.id == "town#rules.5");
}

TEST_CASE("a typo one letter away from a word the policies use is read as that word", "[unit][policy]") {
  test_support::TempDir dir("typos");
  const auto lib = invented_library(dir.path());
  // "concrt" and "recordngs" are nowhere in the documents; "concert" and "recordings" are.
  const auto a = lib->answer("can teachers share concrt recordngs on facebok?");
  REQUIRE_FALSE(a.passages.empty());
  CHECK(a.passages.front().passage.id == "town#rules.4");
  CHECK(a.verdict == bot::Verdict::allowed);
}

TEST_CASE("a real word the policies never use is not read as a typo of one they do", "[unit][policy]") {
  bot::PolicySpelling spelling;
  for (const char* w : {"extort", "winner", "facebook"}) spelling.add(w);
  spelling.finish();
  test_support::TempDir dir("word-list");
  std::ofstream(dir.file("words")) << "Export\nexport's\nwinter\nfacebook\nMárket\n";
  CHECK(spelling.correct({"export", "winter", "facebok"}) == std::vector<std::string>{"extort", "winner", "facebook"});
  spelling.use_real_words(bot::real_words({dir.file("words")}));
  // Words of the list stay as typed, a typo outside it is still read as the known word.
  CHECK(spelling.correct({"export", "winter", "facebok"}) == std::vector<std::string>{"export", "winter", "facebook"});
  CHECK(bot::real_words({dir.file("words")}) == bot::real_words({dir.file("words")}));  // read once, shared
  CHECK(bot::real_words({dir.file("no-such-list")})->empty());                          // a missing list adds nothing
  // A Spanish verb with its pronouns attached is no list's word whole, and not a typo either:
  // "tomarle" (take … of it) is not "tocarle" (touch her), a report.
  bot::PolicySpelling spanish;
  for (const char* w : {"tocarle", "enviarla", "pueden"}) spanish.add(w);
  spanish.finish();
  CHECK(spanish.correct({"tomarle", "enviarlo", "puedenn"}) ==
        std::vector<std::string>{"tomarle", "enviarlo", "pueden"});
  // With the system's lists (scripts/install-deps.sh installs them), "export" is not "extort", a
  // reportable word, and the question is not about the policies at all.
  if (std::filesystem::exists("/usr/share/dict/american-english")) {
    const auto a = library().answer("how do I export grades from the gradebook software to a spreadsheet?");
    CHECK(a.verdict != bot::Verdict::report);
    CHECK(a.decline == bot::Decline::off_subject);
  } else {
    WARN("no /usr/share/dict/american-english: run scripts/install-deps.sh");
  }
}

TEST_CASE("a Spanish word is translated by the clauses it is asked about in both languages", "[unit][policy]") {
  test_support::TempDir dir("learned-spanish");
  // "contrasena" is in no Spanish terms file; three clauses are asked about with it in Spanish
  // and with "password" in English, so it means "password". The concert clause is asked about in
  // English only: a Spanish question reaches it only through that word.
  std::ofstream(dir.path() / "town.staff-questions.yaml")
      << "document: town\nclauses:\n"
         "  - {id: town#rules.1, en: [class blog password], es: [la contrasena del blog]}\n"
         "  - {id: town#rules.2, en: [password on my facebook profile], es: [contrasena de mi perfil]}\n"
         "  - {id: town#rules.3, en: [robotics channel password], es: [contrasena del canal de robotica]}\n"
         "  - {id: town#rules.4, en: [where do i keep the concert video password]}\n";
  const auto a = invented_library(dir.path())->answer("¿dónde guardo la contraseña de la cuenta?");
  CHECK(a.lang == "es");
  CHECK(quotes_doc_passage(a, "town#rules.4"));
}

TEST_CASE("a report card is grades, not a report of misconduct; asking whom to report it to is", "[unit][policy]") {
  for (const char* q : {"can I post report cards on the class facebook page?",
                        "is it ok to share progress reports with parents on instagram dms?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict != bot::Verdict::report);
    CHECK(a.next_step != bot::NextStep::report);
  }
  // The asker who asks whom to report something to has judged it reportable …
  for (const char* q : {"a coworker keeps posting weird stuff on the team's instagram, who do I report it to?",
                        "un papá publica cosas de la escuela en facebook, ¿a quién lo reporto?"}) {
    INFO(q);
    const auto a = library().answer(q);
    CHECK(a.verdict == bot::Verdict::report);
    CHECK(a.next_step == bot::NextStep::report);
  }
  // … but that alone does not put a question on the policies' subject.
  const auto printer = library().answer("who do I report a broken printer to?");
  CHECK(printer.no_answer);
  CHECK(printer.decline == bot::Decline::off_subject);
}

TEST_CASE("one who asks leave to do the reportable thing is told it is forbidden", "[unit][policy]") {
  // The asker's own plan: nothing has happened that must be reported, and the answer is no.
  for (const char* q : {"could i make a fake account pretending to be a student to see what the kids are saying?",
                        "is it ok to email a threatening message to a parent who's been rude to me?",
                        "¿puedo crear una cuenta falsa para ver lo que postean mis alumnos?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::prohibited);
    CHECK(a.next_step != bot::NextStep::report);
  }
  // What was done to the asker, one already there, a situation told beside the plan, or asking to
  // report it: still reported.
  expect_answers(
      {"can i report the fake account?", "can i send the principal the threatening message a parent sent me?",
       "a parent is harassing me. can i make a fake account to watch her?",
       // An image of a minor is reported whatever the asker would do with it.
       "can i send a student's nude pic to the principal?",
       "¿puedo mandar las fotos intimas de una alumna a la directora?"},
      bot::Verdict::report, bot::NextStep::report);
}

TEST_CASE("whether a victim may sue is a fact of the policy; whom to tell first stays the next step",
          "[unit][policy]") {
  for (const char* q : {"can i sue the person who is harassing me online?",
                        "harasser keeps attacking me online, can I take legal action?",
                        "¿puedo demandar a la persona que me acosa por internet?",
                        // Going to the police is the victim's own remedy too.
                        "someone keeps harassing me on instagram, can i go to the police myself?",
                        "me están acosando en facebook, ¿puedo ir a la policía?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::info);
    CHECK(a.next_step == bot::NextStep::report);
    // The clause that says what the victim may do ("… and/or initiate a civil action against the
    // harasser") is quoted.
    CHECK(quotes_words(a, "civil action"));
  }
  // Being sued is what could happen to the asker, and a threat told with no remedy asked is reported.
  CHECK(library().answer("a student posted that he is going to hurt me tomorrow").verdict == bot::Verdict::report);
}

TEST_CASE("a fact about reporting itself is a fact; the report next step stays", "[unit][policy]") {
  // Fearing what follows a report, and a question for a training that tells no situation of the
  // asker's own, ask what the policy says; the situation they name is still to be reported.
  expect_answers({"if I report the parent who keeps harassing me on facebook, could the school retaliate against me?",
                  "si denuncio a la mamá que me acosa en instagram, ¿me pueden hacer represalias?",
                  "for a training I'm giving: who gets called when a student posts a threat online?"},
                 bot::Verdict::info, bot::NextStep::report);
  // A situation told is reported, however the question is put.
  expect_answers({"hypothetically speaking, a kid just posted a threat against the school on tiktok. who do I call?",
                  "a parent is harassing me online. what happens if I report it?",
                  "encontré fotos sexualizadas de una alumna en un chat de grupo, ¿a quién le aviso?",
                  "alguien subió fotos sexualizadas de una alumna a una página, ¿qué hago?"},
                 bot::Verdict::report, bot::NextStep::report);
}

TEST_CASE("advertising one's own business on a class page, or selling online, is what the policies govern",
          "[unit][policy]") {
  // The clauses on commercial activity answer them; they were declined as off the subject.
  expect_answers({"I make candles on the side. can I put an ad for them on our classroom's parent page?",
                  "can I use the school computer after hours to list my old bike on craigslist?"},
                 bot::Verdict::prohibited);
}

TEST_CASE("a savings clause matched strongly and clearly best answers alone, and allows", "[unit][policy]") {
  // Each question is answered `allowed` by the one clause that holds `words`, quoted alone.
  const auto expect_alone = [](std::initializer_list<const char*> questions, std::string_view words) {
    for (const char* q : questions) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE(a.passages.size() == 1);
      CHECK(a.passages.front().passage.text.find(words) != std::string::npos);
      CHECK(a.verdict == bot::Verdict::allowed);
    }
  };
  // "Nothing in this policy is intended to or will be applied to improperly restrict employees'
  // rights to engage in concerted activity": the other clauses' conditions do not apply to it.
  expect_alone({"can i complain about working conditions on twitter with coworkers",
                "¿puedo hablar de salarios con otros maestros en mi face?"},
               "concerted activity");
  // A savings sentence inside a clause decides for what it names: the logo clause allows the
  // District's logo in concerted activity ("Nothing in this regulation regarding the use of
  // District or school logos … prohibits employees from using the District's name or logo in …
  // concerted activity"), and asks for written permission for any other use.
  const auto union_flyer =
      library().answer("can we use the district logo in our union flyers on fb about the contract");
  CHECK(union_flyer.verdict == bot::Verdict::allowed);
  CHECK(union_flyer.verdict_words.starts_with("Nothing in this regulation"));
  const auto personal = library().answer("can I use the school logo on my personal instagram");
  CHECK(personal.verdict == bot::Verdict::needs_approval);
  // The savings sentences keep employees' own voice free, not the district's: one who would speak
  // for the district is never told `allowed` by them.
  for (const char* q : {"can I post about the new bell schedule on my twitter on behalf of the district",
                        "puedo hablar en nombre del distrito en mi twitter sobre el nuevo horario"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict != bot::Verdict::allowed);
    CHECK(a.passages.size() > 1);
  }
  expect_alone({"can i complain about my hours on facebook with other teachers"}, "concerted activity");
  // Matched weakly but clearly best, it answers alone where the question names the terms of
  // employment it keeps staff free to discuss (`work_terms`).
  const auto salaries = library().answer(
      "are we allowed to discuss pay and class sizes with other teachers in a private facebook group?");
  REQUIRE_FALSE(salaries.no_answer);
  CHECK(salaries.closest_only);
  CHECK(salaries.verdict == bot::Verdict::allowed);
  CHECK(salaries.passages.size() == 1);
  // Matched only weakly, it does not answer alone: a coworker's discipline is not the concerted
  // activity it saves, and the clauses on confidential matters quoted beside it keep the yes from
  // being plain.
  const auto discipline = library().answer(
      "coworker got written up last week and everyone's talking. can i post about it in our private "
      "teacher discord");
  REQUIRE_FALSE(discipline.no_answer);
  CHECK(discipline.verdict != bot::Verdict::allowed);
  CHECK(discipline.passages.size() > 1);
  // What the policy declares none of its concern is left to the employee in the same way ("Whether
  // an employee chooses to participate in personal social media technology is not a matter of
  // concern for the District"); what one posts there is not.
  expect_alone({"can i have a personal twitter at all or does the district care",
                "am i even allowed to have a personal insta as a teacher"},
               "not a matter of concern");
  CHECK(library().answer("can I post pics of my students on my personal instagram").verdict ==
        bot::Verdict::needs_approval);
  CHECK(
      bot::sets_policy_aside("Whether an employee chooses to participate in personal social media technology is "
                             "not a matter of concern for the District."));
  CHECK(bot::sets_policy_aside("Nothing in this policy is intended to or will be applied to improperly restrict"));
  CHECK_FALSE(bot::sets_policy_aside("Employees may not use District logos. Nothing else is allowed."));
}

TEST_CASE("a situation told without asking is answered by the clause, not by a clause question that asks a duty",
          "[unit][policy]") {
  // "The PTA wants us to post its flyer": the clause asks for the Superintendent's approval of
  // outside content; its question "do we need approval?" (required) answers one who asks a duty.
  expect_answers({"la PTA quiere que publiquemos su rifa en la página de la escuela",
                  "our pta wants their bake sale on the school ig"},
                 bot::Verdict::needs_approval);
  // (Since the ninth batch, "do I have to do anything before posting the pta bake sale on the
  // school page", which names no approval, ties the stated-purposes clause within 1% and is
  // answered by it: a known miss, in docs/policy-answers.md. With an approval named, below.)
}

TEST_CASE("a duty that asks about an approval is answered by the clause that asks for it", "[unit][policy]") {
  // "Do I have to check with anyone before …?" asks whether an approval comes first: the
  // Superintendent's approval of outside content answers it, though the clause that keeps official
  // pages to their stated purposes matched first.
  expect_answers({"do I have to check with anyone before posting the pta bake sale on the school page",
                  "thinking about a class tiktok. do i need her ok first? she's my principal"},
                 bot::Verdict::needs_approval);
  // An approved account is had, not asked about: registering it is the duty.
  expect_answers({"do approved accounts have to be registered"}, bot::Verdict::required);
}

TEST_CASE("a reportable thing the asker only checks for reports nothing", "[unit][policy]") {
  // "That nobody's impersonating me" tells no impersonation; "how often" asks a fact.
  expect_answers({"how often should i be checking that nobody's impersonating me online"}, bot::Verdict::info);
  expect_answers({"someone is impersonating me online"}, bot::Verdict::report);
}

TEST_CASE("a clause question that acts without the approval speaks only for askers who would too", "[unit][policy]") {
  // "Employees must receive authorization … before using any social media for District-related
  // activities": its question "can i just make a tiktok for my team without asking anyone"
  // (prohibited) does not answer one who only asks to make one.
  expect_answers({"can i make a tiktok for the PE dept",
                  "can i start a youtube channel for my math tutorial vids and link it on the school site"},
                 bot::Verdict::needs_approval);
  expect_answers({"can i just make a tiktok for my team without asking anyone"}, bot::Verdict::prohibited);
}

TEST_CASE("a duty about a reportable situation is the clause's; one to tell someone is report", "[unit][policy]") {
  expect_answers({"admin: do I have to keep following up after the harassing posts are taken down",
                  "¿debo tomar capturas antes de que borren las publicaciones que me acosan?"},
                 bot::Verdict::required, bot::NextStep::report);
  expect_answers({"a student threatened me on instagram, do I have to report it?",
                  "un alumno me amenazó por instagram, ¿tengo que avisarle a la directora?"},
                 bot::Verdict::report);
}

TEST_CASE("\"is that enough?\" under a clause that asks for consent: that consent first", "[unit][policy]") {
  for (const char* q : {"parent said verbally its fine to post her kid's pic. is that enough",
                        "la mamá me dijo de palabra que sí puedo subir la foto de su hijo, ¿con eso basta?",
                        "my principal said 'sure go for it' in the hallway about a class tiktok. that's enough right?",
                        "los papás ya firmaron el permiso para la foto del alumno en instagram, ¿falta algo?",
                        // One who has part of it and asks whether it is all they need.
                        "la mamá ya firmó para subir el video de su hija, ¿es todo lo que necesito?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::needs_approval);
    CHECK_FALSE(a.verdict_words.empty());
  }
}

TEST_CASE("what the asker says is not there reports nothing; what is there still does", "[unit][policy]") {
  const auto nasty = library().answer(
      "a parent wrote a nasty post about me on the PTA facebook, nothing threatening, just rude. can I screenshot it?");
  REQUIRE_FALSE(nasty.no_answer);
  CHECK(nasty.verdict != bot::Verdict::report);
  CHECK(nasty.next_step != bot::NextStep::report);
  expect_answers({"a parent posted a threatening comment about me on facebook, can I screenshot it?",
                  "a parent's post about me is not threatening but she keeps harassing me in my DMs"},
                 bot::Verdict::report, bot::NextStep::report);
}

TEST_CASE("\"can I …?\" under a clause that says to notify someone: yes, with that duty", "[unit][policy]") {
  // "Notify site/location administrator and parents … of all social media use" is a duty to tell,
  // not a situation to report.
  for (const char* q :
       {"can i use social media with my students?", "puedo usar mi facebook para los avisos de la clase?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict != bot::Verdict::report);
    CHECK(a.verdict != bot::Verdict::allowed);
    CHECK(a.next_step != bot::NextStep::report);
  }
}

TEST_CASE("\"should I …?\" under a clause that makes it a duty: it must be done", "[unit][policy]") {
  // "All employees shall use privacy settings …": whether to is answered as the duty it is, where
  // "can I …?" under the same clause is a yes with it attached.
  expect_answers({"should I be using privacy settings on my personal accounts?"}, bot::Verdict::required);
  expect_answers({"can I use privacy settings on my personal accounts?"}, bot::Verdict::allowed_with_conditions);
}

TEST_CASE("a question that names a district is answered from that district's document first", "[unit][policy]") {
  const std::string threat = "a parent sent me a threatening message on facebook, who do I contact?";
  const auto first_doc = [](const bot::PolicyAnswer& a) {
    REQUIRE_FALSE(a.passages.empty());
    return a.passages.front().passage.doc;
  };
  CHECK(first_doc(library().answer(threat + " I'm in Bakersfield")) == "standard-sd-ar-1114");
  CHECK(first_doc(library().answer(threat + " I work for LAUSD")) == "lausd-bul-5688.2");
  CHECK(first_doc(library().answer("can I friend a parent on facebook? I teach in Long Beach")) == "lbusd-ethics-e");
  // The document's code names it too.
  CHECK(first_doc(library().answer("does AR 1114 let me friend a parent on facebook?")) == "standard-sd-ar-1114");
  // "LA" in capitals is Los Angeles; "la" is a Spanish word.
  const auto in_la =
      library().answer("un padre me mandó un mensaje amenazante por facebook, a quién llamo? trabajo en LA");
  CHECK(first_doc(in_la) == "lausd-bul-5688.2");
  CHECK(in_la.verdict == bot::Verdict::report);
}

TEST_CASE("a district is named by the names its document lists, whole words only", "[unit][policy]") {
  bot::DocumentNames names;
  names.add("lausd", {"LAUSD", "LA", "Los Angeles"});
  names.add("lbusd", {"Long Beach"});
  using Set = std::set<std::string>;
  CHECK(names.named_in("threat on ig, we're in los ángeles") == Set{"lausd"});
  CHECK(names.named_in("amenaza en LA") == Set{"lausd"});
  CHECK(names.named_in("¿a quién llamo por una amenaza en la página de la clase?").empty());
  CHECK(names.named_in("(LA) who do i call").count("lausd") == 1);
  CHECK(names.named_in("can i file a police report myself (la)") == Set{"lausd"});
  CHECK(names.named_in("la (escuela) de la maestra").empty());
  CHECK(names.named_in("Long Beach or LAUSD?") == Set{"lausd", "lbusd"});
  CHECK(names.named_in("a long walk to the beach").empty());
  CHECK(names.named_in("the LAX airport").empty());
  CHECK(bot::DocumentNames{}.named_in("LAUSD").empty());
}

TEST_CASE("a weapon in a post is a threat: the clause that says whom to call comes first", "[unit][policy]") {
  const auto a = library().answer("a student posted a picture of a gun on snapchat and said tomorrow, who do i call?");
  REQUIRE_FALSE(a.passages.empty());
  CHECK(a.verdict == bot::Verdict::report);
  CHECK(a.passages.front().passage.text.starts_with("Threats (contact"));
}

TEST_CASE("a clause question that allows the asker's use is not overruled by its own clause's other uses",
          "[unit][policy]") {
  // LBUSD official-accounts.13: logos "may be used only on official District or school internet
  // sites … and in emails delivered through the District email system …. Any other use … is
  // prohibited unless prior written permission is obtained". Its question "can i put the district
  // logo in my school email signature" (allowed) speaks for the email signature; any other use
  // still needs the permission.
  const auto signature = library().answer("can I use the school logo in my district email signature");
  REQUIRE_FALSE(signature.no_answer);
  CHECK(signature.verdict == bot::Verdict::allowed);
  CHECK(quotes_doc_passage(signature, "lbusd-ethics-e#official-accounts.13"));
  // Any other use still needs the permission, or is forbidden outright: LAUSD and Standard SD say
  // "Use of District logos or images on one's personal social networking sites is prohibited".
  const auto bio = library().answer("can i put the school logo on my personal instagram bio");
  REQUIRE_FALSE(bio.no_answer);
  CHECK((bio.verdict == bot::Verdict::needs_approval || bio.verdict == bot::Verdict::prohibited));
}

TEST_CASE("someone hurting a student is a situation to report", "[unit][policy]") {
  expect_answers({"a student wrote on our class discussion board that someone at home is hurting him. who do i notify",
                  "a kid told me his stepdad is hurting him at home", "un alumno me dijo que su papá lo lastima",
                  "an 8th grader mentioned her uncle touches her when her mom's at work. what do i do"},
                 bot::Verdict::report, bot::NextStep::report);
}

TEST_CASE("how long something lasts is the policy's to say only where a clause states it", "[unit][policy]") {
  // No clause says how long a photo release lasts, or how often it is renewed: whom to ask instead.
  expect_unstated({"does a photo release signed last year still count or do parents redo it every fall",
                   "el permiso de fotos que firman los papás, ¿hay que pedirlo cada semestre?"});
  // LBUSD registers each official account "at the start of the year".
  const auto a = library().answer("do our official accounts have to be registered every year?");
  REQUIRE_FALSE(a.no_answer);
  CHECK(quotes_words(a, "at the start of the year"));
}

TEST_CASE("whom to send someone to, and whether the policy covers the asker, are facts", "[unit][policy]") {
  // Told a situation, "who do I …?" asks whom, not what to do: LBUSD refers the press to the
  // Superintendent's office.
  const auto press =
      library().answer("a blogger DMed me asking about our principal's facebook post. who do I point him to?");
  REQUIRE_FALSE(press.no_answer);
  CHECK(quotes_words(press, "referred to the Superintendent's office"));
  CHECK(press.verdict == bot::Verdict::info);
  expect_answers(
      {// "¿Me aplica?" with no fact opening, after telling who the asker is.
       "trabajo en la cafeteria. la politica de redes sociales me aplica a mi tambien?",
       // A reporter is the press, not telling.
       "the TV station wants a comment on the coach's tweets. who do I send the reporter to?"},
      bot::Verdict::info);
  // Whom to tell is the duty the clause sets ("The site administrator and parents must be notified").
  expect_answers({"starting a class blog next week. who do I have to tell?"}, bot::Verdict::required);
  // What to do about one's own situation is still what to do.
  const auto own = library().answer("a parent keeps posting about me on facebook. how do I get it taken down?");
  REQUIRE_FALSE(own.no_answer);
  CHECK(own.verdict != bot::Verdict::info);
}

TEST_CASE("\"how long\" asked anywhere is answered only where a clause states a time", "[unit][policy]") {
  // Not at the opening, where `amount` reads it: the superintendent's seven days answered them.
  expect_unstated({"is there a rule for how long the class slideshow videos have to stay up on our school channel?",
                   "¿hay una regla de cuánto tiempo deben quedarse publicados los videos de la clase?"});
}

TEST_CASE("a number a clause states answers only a question about what that clause speaks of", "[unit][policy]") {
  // Matched weakly, the superintendent's seven days are another thing's time: whom to ask instead.
  expect_unstated({"how long is a coach locked out of the team page after a parent complains?",
                   "how long does a suspension from posting on the school account last?",
                   "¿cuánto tiempo dura la suspensión de mi acceso a la página de la escuela?"});
  // Named, they answer; so does the daily moderation the comments clause states.
  for (const auto& [q, words] :
       {std::pair{"how many days does the superintendent have to look at my request?",
                  "shall have 7 to review the request"},
        std::pair{"¿cuántos días tiene el superintendente para revisar mi solicitud?",
                  "shall have 7 to review the request"},
        std::pair{"how often do I have to check the comments on the class blog?", "monitored daily"}}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict != bot::Verdict::no_answer);
    CHECK(quotes_words(a, words));
  }
}

TEST_CASE("the asker's situation decides what a clause's condition asks of them", "[unit][policy]") {
  SECTION("a former student now an adult is outside what the clauses ask about students and minors") {
    for (const char* q : {"a former student graduated 4 years ago and is 22 now. is there anything against accepting "
                          "her friend request?",
                          "una exalumna que ya tiene 20 años me mandó solicitud de amistad, ¿la acepto?"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict == bot::Verdict::allowed);
      CHECK(a.verdict_words.starts_with("under the age of"));
    }
    // Still a minor, or still a student: the clause's discouragement stands.
    for (const char* q : {"a former student who graduated last year is 17, can I accept her friend request?",
                          "can I accept a friend request from a student who is 18?"}) {
      INFO(q);
      const auto a = library().answer(q);
      REQUIRE_FALSE(a.no_answer);
      CHECK(a.verdict != bot::Verdict::allowed);
    }
  }
  SECTION("an approval had for one thing is not had for another") {
    const auto a = library().answer(
        "I got approved to use Instagram with my class. Can I also start posting class stuff on TikTok under the "
        "same approval?");
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::needs_approval);
  }
  SECTION("a clause that permits under a condition is not overruled by another's consent") {
    // LBUSD: group photos "may be published provided that students' names are not included".
    const auto a =
        library().answer("can I post group pics from the science fair on the school site if I leave names off");
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::allowed_with_conditions);
  }
}

TEST_CASE("keeping a copy of a sexual image is forbidden, and it is still reported", "[unit][policy]") {
  // The clause on gathering evidence allows screenshots of postings but says not to download or
  // print images of minors: law enforcement gathers that evidence.
  for (const char* q : {"should I screenshot the explicit photo of the 9th grader so the AP has proof?",
                        "a student showed me a nude of another student on his phone, can I airdrop it to myself for "
                        "the report?",
                        "should i save the inappropriate image of the minor to show the principal?",
                        "está circulando una foto íntima de una alumna de 14 años, ¿la guardo en mi teléfono como "
                        "evidencia?"}) {
    INFO(q);
    const auto a = library().answer(q);
    REQUIRE_FALSE(a.no_answer);
    CHECK(a.verdict == bot::Verdict::prohibited);
    CHECK(a.verdict_words.starts_with("Do not download or print images of minors"));
    CHECK(a.next_step == bot::NextStep::report);
  }
  // Screenshots of an inappropriate post are evidence the clause allows; a sexual image told
  // without keeping it is reported.
  expect_answers({"can i take screenshots of a teacher's inappropriate post for the investigation?"},
                 bot::Verdict::allowed_with_conditions, bot::NextStep::report);
  expect_answers({"a student sent me a nude, who do I report it to?"}, bot::Verdict::report, bot::NextStep::report);
}
