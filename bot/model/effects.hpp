#pragma once
// Effects: what a workflow decides should happen, written to the outbox in the same transaction
// as the state change that caused it, and delivered afterwards by the outbox dispatcher.
#include <string>
#include <vector>

#include "bot/model/clock.hpp"
#include "bot/model/message.hpp"

namespace bot {

// Who a message is for, in domain terms; the dispatcher resolves it to a platform address.
struct Recipient {
  enum class Kind {
    person,  // the person's direct conversation with the bot
    place,   // a configured place: "site:<id>" or "superintendent"
    reply,   // where an event came from (a channel the bot was used in)
  };
  Kind kind = Kind::person;
  std::string person_id;   // person: who
  std::string place_id;    // place: which
  std::string platform;    // person: preferred platform (empty = their first); reply: the event's
  std::string channel;     // reply: the event's channel
  std::string thread_ref;  // reply: the event's thread
  std::string only_user;   // reply: show only to this platform user (ephemeral)

  static Recipient person(std::string id, std::string platform = {}) {
    return {.kind = Kind::person, .person_id = std::move(id), .platform = std::move(platform)};
  }
  static Recipient place(std::string id) { return {.kind = Kind::place, .place_id = std::move(id)}; }
};

struct Outbound {
  Recipient to;
  Message message;
  std::string thread_key;     // post in this domain thread ("R-1001"), starting it if it has no root yet
  std::string record_key;     // remember this message under this key, to update it later
  std::string update_key;     // replace the message remembered under this key instead of posting
  std::string reply_context;  // from the inbound (Slack trigger_id to open a modal)
  // Not a message: asks the adapter to delete this platform message or file (an Inbound's
  // attachment_ref) where `to` points, where the platform allows. Never written to the outbox,
  // so the reference is stored nowhere: Bot hands it to the dispatcher in memory after the commit.
  std::string delete_ref;
};

struct TimerRequest {
  std::string kind;     // "overdue", "warning", "escalation", "digest", …
  std::string subject;  // "R-1001", a person id, …
  TimePoint due{};
};

struct Effects {
  std::vector<Outbound> messages;
  std::vector<TimerRequest> timers;

  void send(Outbound o) { messages.push_back(std::move(o)); }
  void schedule(TimerRequest t) { timers.push_back(std::move(t)); }
};

}  // namespace bot
