// What a message means where it was written: a request's thread, a DM, a channel; the same for
// every platform (these run on the console's platform name unless the test names another).
#include "workflows/conversation.hpp"

#include <catch2/catch.hpp>

#include "tests/support/bot_harness.hpp"

using test_support::BotHarness;
using test_support::Sent;

namespace {

std::string all_text(const std::vector<Sent>& sent) {
  std::string out;
  for (const auto& s : sent) out += s.text + "\n";
  return out;
}

bot::HandleResult in_thread(BotHarness& h, const std::string& person, const std::string& text,
                            const std::string& channel, const std::string& id, bool mention = false,
                            const std::string& platform = "console") {
  bot::Inbound ev{.platform = platform, .actor = person, .kind = bot::InboundKind::message, .text = text};
  ev.place = {.channel = channel, .thread_ref = id, .direct = channel.starts_with("dm:")};
  ev.mentions_bot = mention;
  return h.handle(ev);
}

}  // namespace

TEST_CASE("the command word typed as text is recognised in every platform's spelling", "[unit][talk]") {
  using workflows::after_command_word;
  CHECK(after_command_word("/socialmedia endorse") == "endorse");
  CHECK(after_command_word("!socialmedia endorse R-1001") == "endorse R-1001");
  CHECK(after_command_word("socialmedia status") == "status");
  CHECK(after_command_word("@Hallpass socialmedia endorse") == "endorse");
  CHECK(after_command_word("SocialMedia") == "");
  CHECK_FALSE(after_command_word("socialmediafoo"));
  CHECK_FALSE(after_command_word("endorse"));
}

TEST_CASE("a principal endorses by typing endorse in the request's thread", "[unit][talk]") {
  BotHarness h;
  const std::string id = h.file_request("t.garcia");
  h.take_sent();
  // A colleague's talk in the thread is left alone, even when it starts with a word of an act.
  in_thread(h, "s.patel", "endorse this, it is a great idea", "#lincoln-approvals", id);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_site);
  CHECK(h.take_sent().empty());
  // The principal's plain word acts on the thread's request.
  in_thread(h, "r.alvarez", "endorse", "#lincoln-approvals", id);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
  CHECK(h.store().request(id)->endorsed_by == "r.alvarez");
  // The colleague addressing Hallpass with the same word gets a clear refusal.
  in_thread(h, "s.patel", "@Hallpass endorse", "#lincoln-approvals", id);
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "s.patel"), "Lincoln"));
}

TEST_CASE("the superintendent modifies, asks and the teacher answers, all typed in threads", "[unit][talk]") {
  BotHarness h;
  const std::string id = h.file_request("t.garcia");
  in_thread(h, "r.alvarez", "socialmedia endorse", "#lincoln-approvals", id);
  REQUIRE(h.store().request(id)->state == bot::RequestState::pending_decision);
  in_thread(h, "m.okafor", "info Who will moderate the comments?", "#superintendent", id);
  REQUIRE(h.store().request(id)->state == bot::RequestState::needs_info);
  h.take_sent();
  // "thanks" in her thread is small talk, not her answer.
  in_thread(h, "t.garcia", "thanks", "dm:t.garcia", id);
  CHECK(h.store().request(id)->state == bot::RequestState::needs_info);
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains("welcome"));
  in_thread(h, "t.garcia", "I will, every school day", "dm:t.garcia", id);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
  CHECK(h.store().request(id)->info_answer == "I will, every school day");
  // Anything unclear addressed to Hallpass in the thread gets the words the thread takes.
  h.take_sent();
  in_thread(h, "m.okafor", "hmm", "#superintendent", id, true);
  const std::string unclear = all_text(h.take_sent());
  CHECK_THAT(unclear, Catch::Contains("In the thread of " + id));
  CHECK_THAT(unclear, Catch::Contains("modify"));
  in_thread(h, "m.okafor", "modify keep instagram because video of students needs media releases", "#superintendent",
            id);
  auto r = h.store().request(id);
  CHECK(r->state == bot::RequestState::authorized_modified);
  REQUIRE(r->decision->authorized.size() == 1);
  CHECK(r->decision->authorized[0].platform == "instagram");
}

TEST_CASE("a command without its command word works in a DM; small talk gets a short answer", "[unit][talk]") {
  BotHarness h;
  h.say("t.garcia", "status", "dm:t.garcia");
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains("You have no requests"));
  h.say("t.garcia", "help", "dm:t.garcia");
  const std::string help = all_text(h.take_sent());
  CHECK_THAT(help, Catch::Contains("/socialmedia request"));
  CHECK_THAT(help, !Catch::Contains("LBUSD"));  // no policy quoted
  h.say("t.garcia", "hi", "dm:t.garcia");
  const std::string hi = all_text(h.take_sent());
  CHECK_THAT(hi, Catch::Contains("Hi Teresa Garcia"));
  CHECK_THAT(hi, !Catch::Contains("—"));  // no citation
  h.say("t.garcia", "thanks", "dm:t.garcia");
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains("You're welcome"));
  // A teacher's sentence that starts with an act's word is a question, not a command.
  h.say("t.garcia", "return to school photos: may I post them?", "dm:t.garcia");
  CHECK_THAT(all_text(h.take_sent()), !Catch::Contains("Which request"));
}

TEST_CASE("an act without a request outside a thread acts on the one waiting, or lists them", "[unit][talk]") {
  BotHarness h;
  const std::string first = h.file_request("t.garcia");
  h.take_sent();
  // Slack's slash command carries no thread: "/socialmedia endorse" alone.
  h.command("r.alvarez", "endorse");
  CHECK(h.store().request(first)->state == bot::RequestState::pending_decision);
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains(first));
  const std::string second = h.file_request("t.garcia");
  const std::string third = h.file_request("s.patel");
  h.take_sent();
  h.command("r.alvarez", "endorse");
  const std::string listed = all_text(h.take_sent());
  CHECK_THAT(listed, Catch::Contains(second));
  CHECK_THAT(listed, Catch::Contains(third));
  CHECK(h.store().request(second)->state == bot::RequestState::pending_site);
  // Nothing waits for a teacher to endorse: said so, with where to look.
  h.command("s.patel", "endorse");
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains("No request waits for you"));
}

TEST_CASE("an act's press without a value in a request's thread acts on that request", "[unit][talk]") {
  // Matrix shows buttons as "!socialmedia endorse R-1001"; "!socialmedia endorse" typed in the
  // thread arrives as the press of that button without its value.
  BotHarness h;
  const std::string id = h.file_request("t.garcia");
  bot::Inbound ev{.platform = "console", .actor = "r.alvarez", .kind = bot::InboundKind::action};
  ev.action_id = "endorse";
  ev.place = {.channel = "#lincoln-approvals", .thread_ref = id};
  h.handle(ev);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
}

TEST_CASE("help is written for the platform it is read on, in the reader's language", "[unit][talk]") {
  BotHarness h;
  bot::Inbound ev{.platform = "matrix",
                  .actor = "@tgarcia:sierravista.example.org",
                  .kind = bot::InboundKind::message,
                  .text = "help"};
  ev.actor_email = "tgarcia@sierravista.example.org";
  ev.place = {.channel = "!dm:sierravista.example.org", .direct = true};
  h.handle(ev);
  const std::string matrix = all_text(h.take_sent());
  CHECK_THAT(matrix, Catch::Contains("!socialmedia request"));
  CHECK_THAT(matrix, !Catch::Contains("/socialmedia request"));
  CHECK_THAT(matrix, !Catch::Contains("button"));
  ev.event_id = "e2";
  ev.actor = "@ralvarez:sierravista.example.org";
  ev.actor_email = "ralvarez@sierravista.example.org";
  h.handle(ev);
  CHECK_THAT(all_text(h.take_sent()), Catch::Contains("!socialmedia request") && Catch::Contains("solicitar"));
  bot::Inbound teams{.platform = "teams", .actor = "29:tgarcia", .kind = bot::InboundKind::message, .text = "help"};
  teams.actor_email = "tgarcia@sierravista.example.org";
  teams.place = {.channel = "dm:29:tgarcia", .direct = true};
  h.handle(teams);
  const std::string on_teams = all_text(h.take_sent());
  CHECK_THAT(on_teams, Catch::Contains("@Hallpass socialmedia request"));
  CHECK_THAT(on_teams, Catch::Contains("command menu"));
}

TEST_CASE("anything unclear in a DM gets a question back, with the request waiting for an answer named",
          "[unit][talk]") {
  BotHarness h;
  const std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.command("m.okafor", "info " + id + " Who will moderate comments?");
  h.take_sent();
  // Written in her DM, not in the request's thread: Hallpass asks instead of guessing.
  h.say("t.garcia", "blorp", "dm:t.garcia");
  const std::string text = all_text(h.take_sent());
  CHECK_THAT(text, Catch::Contains("not sure what you mean"));
  CHECK_THAT(text, Catch::Contains("answer " + id));
  CHECK(h.store().request(id)->state == bot::RequestState::needs_info);
}
