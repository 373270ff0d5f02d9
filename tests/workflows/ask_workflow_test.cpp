// What a person sees when they ask Hallpass something in a DM or with /socialmedia ask: a short
// answer to everyday chat, the help on "help", a Spanish frame for a Spanish question whatever the
// person's usual language, the official English text marked as such, and no quote for questions
// outside the policies (issue 15).
#include <catch2/catch.hpp>

#include "tests/support/bot_harness.hpp"

using test_support::BotHarness;

namespace {

std::string reply_text(BotHarness& h, const std::string& person) {
  const auto sent = BotHarness::replies_to(h.take_sent(), person);
  REQUIRE(sent.size() == 1);
  return sent.front().text;
}

}  // namespace

TEST_CASE("everyday chat in a DM gets a short answer, not a policy quote", "[unit][ask]") {
  BotHarness h;
  h.say("t.garcia", "hi", "dm:t.garcia");
  std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("Hi Teresa Garcia!"));
  CHECK_THAT(text, !Catch::Contains("policy says"));

  h.say("t.garcia", "thanks!", "dm:t.garcia");
  CHECK(reply_text(h, "t.garcia") == "You're welcome!");

  h.say("t.garcia", "help", "dm:t.garcia");
  CHECK_THAT(reply_text(h, "t.garcia"), Catch::Contains("/socialmedia request"));

  // The same in Spanish from a person whose usual language is English.
  h.say("t.garcia", "¡gracias!", "dm:t.garcia");
  CHECK(reply_text(h, "t.garcia") == "¡De nada!");
}

TEST_CASE("a policy question is answered with the clause quoted and a verdict", "[unit][ask]") {
  BotHarness h;
  h.command("t.garcia", "ask can I friend a parent on facebook?");
  const std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("Discouraged."));
  CHECK_THAT(text, Catch::Contains("Avoid \"friending\" or \"following\" students or parents"));
  CHECK_THAT(text, Catch::Contains("LBUSD Code of Ethics"));
}

TEST_CASE("a Spanish question gets a Spanish frame and the official English text", "[unit][ask]") {
  BotHarness h;
  // t.garcia's directory language is English; she asks in Spanish.
  h.say("t.garcia", "¿puedo agregar a un padre de familia en facebook?", "dm:t.garcia");
  const std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("No se recomienda."));
  CHECK_THAT(text, Catch::Contains("El texto oficial de la política (en inglés):"));
  // A clause on befriending parents, verbatim in English (which of the four documents' clauses
  // comes first depends on the ranking: LBUSD's "Avoid \"friending\" …", LAUSD's "Accepting
  // invitations … from parents … is strongly discouraged" or the model policy's parents clause).
  CHECK_THAT(text, Catch::Contains("parents"));
}

TEST_CASE("a situation to report is told to report it, with whom first", "[unit][ask]") {
  BotHarness h;
  h.say("t.garcia", "a student told me they are being abused at home", "dm:t.garcia");
  const std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("Report this now."));
  CHECK_THAT(text, Catch::Contains("call 911 first"));
  CHECK_THAT(text, Catch::Contains("/socialmedia report"));
}

TEST_CASE("a question outside the policies gets no quote and whom to ask", "[unit][ask]") {
  BotHarness h;
  h.say("t.garcia", "where do I park on Fridays?", "dm:t.garcia");
  const std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("outside the social media policy"));
  CHECK_THAT(text, Catch::Contains("Rosa Alvarez"));  // her principal
  CHECK_THAT(text, !Catch::Contains("policy says"));
}

TEST_CASE("a number the policies do not give gets no quote and whom to ask, in the asker's language", "[unit][ask]") {
  BotHarness h;
  // On the subject, but no clause states how long screenshots are kept: a quote would not answer it.
  h.say("t.garcia", "how long do we keep the screenshots after an investigation is closed?", "dm:t.garcia");
  std::string text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("does not give that number, time or frequency"));
  CHECK_THAT(text, Catch::Contains("Rosa Alvarez"));
  CHECK_THAT(text, !Catch::Contains("policy says"));

  h.say("t.garcia", "¿cuánto tiempo guardamos las capturas de pantalla después de cerrar una investigación?",
        "dm:t.garcia");
  text = reply_text(h, "t.garcia");
  CHECK_THAT(text, Catch::Contains("no indica ese número, plazo o frecuencia"));
  CHECK_THAT(text, Catch::Contains("Rosa Alvarez"));
}
