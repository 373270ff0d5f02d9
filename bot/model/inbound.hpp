#pragma once
// Inbound: one neutral event, as every adapter reports it to the bot core.
#include <chrono>
#include <map>
#include <string>

namespace bot {

enum class InboundKind {
  command,          // "/socialmedia …" (text holds what follows the command word)
  message,          // a message in a place: DM, mention, or a thread reply
  action,           // a button press: action_id + action_value
  form_submission,  // a submitted form: form_id + form_context + values
};

// Where an event happened, in the platform's own terms.
struct PlatformPlace {
  std::string workspace;   // Slack team, Teams tenant, Matrix homeserver; may be empty
  std::string channel;     // Slack channel id, Teams conversation id, Matrix room id, web "#name" or "dm"
  std::string thread_ref;  // platform reference of the thread's root message; empty if none
  bool direct = false;     // a one-to-one conversation with the bot
};

struct Inbound {
  std::string platform;     // "slack", "teams", "matrix", "web", "console"
  std::string event_id;     // unique per platform; the core de-duplicates on (platform, event_id)
  std::string actor;        // the platform's user id
  std::string actor_email;  // when the platform knows it; used to match the directory
  PlatformPlace place;
  InboundKind kind = InboundKind::message;
  std::string text;
  bool mentions_bot = false;
  std::string action_id;
  std::string action_value;
  std::string form_id;
  std::string form_context;
  std::map<std::string, std::string> values;  // form values; multi-choice comma-separated
  std::string reply_context;                  // platform-specific handle for an immediate reply (Slack trigger_id)
  bool has_attachment = false;                // the message carried a file
  std::string attachment_ref;                 // platform reference to delete it, where the platform allows
  std::string message_ref;                    // the message itself, where the platform lets the bot delete it
  std::chrono::system_clock::time_point time{};
};

}  // namespace bot
