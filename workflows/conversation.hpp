#pragma once
// One understanding of a message, whatever the platform it came from: where it was written (a DM,
// a request's thread, a channel), whether it was meant for Hallpass (a DM, a mention, the command
// word typed as text), and what it asks. The adapters report the place and the mention; this
// decides what the words mean there, so every platform behaves the same.
#include <optional>
#include <string>
#include <string_view>

#include "bot/model/request.hpp"
#include "workflows/context.hpp"
#include "workflows/request_decisions.hpp"

namespace workflows {

// What follows the command word typed as text: "/socialmedia endorse", "!socialmedia endorse",
// "socialmedia endorse" and "@Hallpass socialmedia endorse" → "endorse"; nullopt for other text.
std::optional<std::string> after_command_word(std::string_view text);

// A word that starts a command ("status", "request", "help", "endorse", …; Spanish ones too).
bool is_command_word(std::string_view word);

struct Understanding {
  std::string text;                     // what was said, the command word removed
  std::string word;                     // its first word, lower case
  std::string rest;                     // what follows that word
  bool addressed = false;               // meant for Hallpass: a DM, a mention, the command word
  std::optional<bot::Request> request;  // the request whose thread it was written in
};

Understanding understand(const Context& ctx);

// A message (not a slash command, button or form).
// In a request's thread: the words of its acts for those allowed to do them, the requester's
// answer to a question, a question back to anything else addressed to Hallpass, and nothing for
// other people's talk. In a DM or a mention: a command without its command word, small talk, a
// policy question, or a question back when nothing is understood.
void on_message(Context& ctx);

// A request act typed without naming a request, outside its thread (Slack's slash command carries
// no thread): acts on the one request waiting for the actor (saying which), else lists them.
void act_on_waiting_request(Context& ctx, RequestAct act, const std::string& text);

}  // namespace workflows
