#pragma once
// The Microsoft Teams (Bot Framework) inbound protocol, sans-I/O: one Activity (the JSON body of
// POST /api/messages) → the neutral bot::Inbound, plus the conversation reference the adapter
// keeps so it can post proactively later. Nothing here opens a socket or reads a clock; callers
// pass `now`. Rendering is in teams_cards.hpp, Connector REST calls in connector_calls.hpp.
// Facts, sources and what is still missing: docs/teams.md, "How it is built".
#include <boost/system/result.hpp>
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/error.hpp"
#include "bot/model/inbound.hpp"

namespace adapters::teams {

// Parsing fails with an adapters::Error of kind protocol (what was wrong, for the log);
// Result<T> is adapters::Result<T> (adapters/common/error.hpp).

inline constexpr std::string_view kPlatform = "teams";
// The command word, typed as "socialmedia …" or "/socialmedia …" (the app manifest's command list
// inserts "socialmedia <command>"). Matched without regard to case: phone keyboards capitalise it.
inline constexpr std::string_view kCommandWord = "socialmedia";
// The key of the object Hallpass puts in every Action.Submit's data (see teams_cards.hpp); its
// presence in an activity's value marks a submission from one of our cards.
inline constexpr std::string_view kCardDataKey = "hallpass";

// Everything needed to post into a conversation later without an incoming activity: the
// Bot Framework's ConversationReference, plus the Teams channel and team ids.
struct ConversationReference {
  std::string service_url;        // e.g. "https://smba.trafficmanager.net/amer/": calls go there
  std::string conversation_id;    // for a channel the channel's id, without ";messageid=…"
  std::string conversation_type;  // "personal", "groupChat" or "channel" (may be empty)
  std::string tenant_id;
  std::string bot_id;  // "28:<app id>"
  std::string bot_name;
  std::string user_id;             // "29:…": who wrote (or installed the bot)
  std::string user_aad_object_id;  // the user's Entra object id, to match the directory
  std::string user_name;
  std::string channel_id;  // channelData.channel.id (channels only)
  std::string team_id;     // channelData.team.id (channels only)

  bool personal() const { return conversation_type == "personal"; }
};

// JSON in the Bot Framework's field names ({"serviceUrl","conversation":{"id",…},"bot","user",…}),
// so the adapter can persist references through a callback and read them back.
std::string reference_to_json(const ConversationReference& reference);
// Refuses text that is not a JSON object, or lacks serviceUrl or conversation.id.
Result<ConversationReference> reference_from_json(std::string_view json_text);

// "19:abc@thread.tacv2;messageid=1700000000001" → {"19:abc@thread.tacv2", "1700000000001"}.
struct ConversationId {
  std::string base;        // the conversation (a channel, a chat)
  std::string message_id;  // the root message of a channel thread; empty when none
};
ConversationId split_conversation_id(std::string_view conversation_id);
// The conversation id of the thread under root_message_id in a channel (Teams threads channel
// replies by this id). Refuses a root that is not a non-zero number, as Teams does.
Result<std::string> thread_conversation_id(std::string_view channel_id, std::string_view root_message_id);
// True for a channel of a team ("19:…@thread.tacv2" / "@thread.skype"), where replies thread;
// group chats ("@thread.v2") and personal chats ("a:…") have no threads.
bool is_channel_conversation(std::string_view conversation_id, std::string_view conversation_type = {});

enum class Installation {
  none,
  added,    // the bot was installed in this team / chat / personal scope: save the reference
  removed,  // the bot was removed: the reference is no longer usable
};

struct ParsedActivity {
  std::string type;                 // "message", "conversationUpdate", "installationUpdate", "invoke", …
  std::string id;                   // the activity id; Teams re-sends an activity after ~15 s with the same id
  std::string channel_id;           // "msteams": the validator checks the signing key endorses it
  std::string service_url;          // to compare with the token's serviceurl claim before trusting it
  ConversationReference reference;  // how to reach this conversation (and, in a personal chat, this user)
  Installation installation = Installation::none;
  std::optional<bot::Inbound> inbound;  // for the core; empty when nothing is for it
  std::string ignored;                  // when inbound is empty: why, for a debug log line
};

// Parses one activity. An activity the core has no use for (typing, reactions, edits, the bot's
// own messages, conversation updates) parses with an empty inbound and the reason in `ignored`.
//
// The neutral event (platform "teams", event_id = activity id, actor = from.id, time from the
// activity's timestamp or `now`, place.workspace = tenant):
// - personal chat: place.channel "dm:<from.id>" (the address the core uses for a person's direct
//   messages, so threads and cards posted there are found again), place.direct;
// - channel: place.channel = the channel's conversation id, place.thread_ref = the thread's root
//   message id (from ";messageid=" in conversation.id, else replyToId, else the message itself:
//   a top-level post is the root of its own thread); group chat: the chat id, no thread;
// - the bot's <at>…</at> mentions (found by the mention entities whose mentioned.id is the
//   recipient) are removed from the text and set mentions_bot; other people's are left as names;
// - "socialmedia …" / "/socialmedia …" → kind command, text = what follows the word;
// - an Action.Submit of our cards (value carries kCardDataKey) → kind action (action_id,
//   action_value) or form_submission (form_id, form_context, values: every other member of
//   value, arrays joined with commas); place.thread_ref = the card's thread, reply_context = the
//   card's activity id (replyToId);
// - files and pasted images set has_attachment (bots cannot delete them: no attachment_ref).
// Refuses a body that is not a JSON object, and activities without type, serviceUrl,
// conversation.id, or (messages) id, from.id or recipient.id.
Result<ParsedActivity> parse_activity(std::string_view body, std::chrono::system_clock::time_point now);

// The text of a message with the bot's mentions removed and other <at>name</at> tags unwrapped,
// trimmed. entities: the activity's "entities" array (anything else counts as none).
std::string strip_mentions(std::string_view text, const nlohmann::json& entities, std::string_view bot_id);

// "2024-05-06T14:03:21.417Z" (or with an offset, or 7 fractional digits) → a time point;
// nullopt when it is not of that form.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view iso8601);

}  // namespace adapters::teams
