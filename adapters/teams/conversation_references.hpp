#pragma once
// Where the Teams adapter keeps conversation references between runs. Teams lets a bot post
// proactively (a new thread in a channel, a personal message) only into a conversation it knows
// the reference of, and those arrive only with activities: the bot's installation, or a person's
// message. The adapter never touches the store; it gets a key-value pair of functions
// (cmd_run backs them with the store's checkpoint table) and ReferenceBook decides the keys:
//
//   teams.ref.user.<29:…>       a person's personal chat with the bot
//   teams.ref.email.<address>   the same, by the person's e-mail in lower case (for a directory
//                               that has e-mails but no Teams ids)
//   teams.ref.channel.<19:…>    a channel (without ";messageid=") or a group chat
//   teams.email.<29:…>          the e-mail the Connector gave for a Teams user
//   teams.ref.last              the latest reference of any kind: its service URL and tenant
//                               serve conversations nothing was saved for (other channels of a
//                               team, personal chats still to be created)
//
// Values are reference_to_json() (the Bot Framework's field names); an empty value is a
// forgotten reference (the bot was removed there).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/teams/teams_protocol.hpp"

namespace adapters::teams {

struct ConversationReferences {
  std::function<std::optional<std::string>(const std::string& key)> load;
  std::function<void(const std::string& key, const std::string& value)> save;
};

class ReferenceBook {
 public:
  explicit ReferenceBook(ConversationReferences storage);

  // Remembers how to reach the conversation (and, for a personal chat, its user): every
  // validated activity comes through here. Writes only what changed.
  void remember(const ConversationReference& reference);
  // The bot was removed from the conversation: its reference is no longer usable.
  void forget(const ConversationReference& reference);
  // A personal chat also reachable by the person's e-mail (learnt from the Connector).
  void remember_email(const ConversationReference& personal, std::string_view email);

  std::optional<ConversationReference> personal_chat(std::string_view user_id);
  std::optional<ConversationReference> personal_chat_by_email(std::string_view email);
  // A channel or group chat; conversation_id may carry ";messageid=".
  std::optional<ConversationReference> conversation(std::string_view conversation_id);
  // The latest reference saved, for its service URL and tenant.
  std::optional<ConversationReference> latest();

  std::optional<std::string> email_of(std::string_view user_id);
  void set_email_of(std::string_view user_id, std::string_view email);

 private:
  std::optional<std::string> read(const std::string& key);
  void write(const std::string& key, const std::string& value);
  std::optional<ConversationReference> reference_at(const std::string& key);

  ConversationReferences storage_;
  std::map<std::string, std::optional<std::string>> cache_;  // key → value as last read or written
};

}  // namespace adapters::teams
