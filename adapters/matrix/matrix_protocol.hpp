#pragma once
// matrix_protocol: the pure part of the Matrix adapter. Sync responses → neutral Inbound events,
// bot::Message → m.notice event contents, form answers typed as text → form submissions.
// No I/O; every function is deterministic and tested on captured JSON (tests/fixtures/matrix/).
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/inbound.hpp"
#include "bot/model/message.hpp"

namespace adapters::matrix {

constexpr std::string_view kCommand = "!socialmedia";
constexpr std::string_view kSlashCommand = "/socialmedia";

struct Invite {
  std::string room_id;
  std::string inviter;
  bool is_direct = false;  // our m.room.member invite carried is_direct
  bool encrypted = false;  // the invite's room state has m.room.encryption
};

struct JoinedRoom {
  std::string room_id;
  std::vector<nlohmann::json> events;  // timeline events, oldest first
  bool limited = false;                // events were left out before these
  std::string prev_batch;              // where to backfill from when limited
  bool encrypted = false;              // m.room.encryption in its state or timeline
};

struct SyncBatch {
  std::string next_batch;
  std::vector<Invite> invites;
  std::vector<JoinedRoom> joined;
  std::vector<std::string> left;  // rooms we left or were removed from
};

// Parses a /sync response. Fails when it is not JSON or has no next_batch.
boost::system::result<SyncBatch> parse_sync(std::string_view body);

// What the adapter knows when it turns events into Inbound.
struct Context {
  std::string bot_user_id;             // "@hallpass:example.org": its events are ignored
  std::set<std::string> direct_rooms;  // one-to-one rooms with the bot
  // Action ids of the buttons the bot has shown as "!socialmedia <action> <value>": a command that
  // is exactly one of them and at most one value is the button's press (an action).
  std::set<std::string> button_actions;
};

// Action ids of every button in the message.
std::set<std::string> button_actions(const bot::Message& message);

// Removes a rich-reply fallback: leading "> " quote lines (and the blank line after them).
std::string strip_reply_fallback(std::string_view body);

// One timeline event as an Inbound, or nothing when the bot must not react to it: its own
// events, m.notice, edits and non-message events. Other messages (not commands) are reported as
// kind message, with mentions_bot and place.direct set, and the workflows decide.
std::optional<bot::Inbound> to_inbound(const nlohmann::json& event, const std::string& room_id, const Context& context);

// Every message event of the batch's joined rooms as Inbound, in order.
std::vector<bot::Inbound> inbound_events(const SyncBatch& batch, const Context& context);

// "!socialmedia form <form_id> <context|-> key=value; key=value" → a form submission.
// Returns false when text (after the command word) is not a form answer.
bool parse_form_answer(std::string_view command_text, bot::Inbound& out);

// HTML-escapes text for formatted_body.
std::string escape_html(std::string_view text);

// The plain body and the HTML of a message. Buttons become "!socialmedia <action> <value>" lines
// and forms text instructions, because Matrix has no interactive components.
struct Rendered {
  std::string body;
  std::string html;
};
Rendered render(const bot::Message& message);

// The event content (m.room.message, msgtype m.notice) for one message, as a one-element list:
// a card is always one event, so an edit replaces all of it. When it would be longer than
// max_bytes as JSON (Matrix refuses events over 65,536 bytes), it is the plain text cut at a word
// with "…" and notes.shortened. thread_root: post in that thread; replaces: edit that event instead.
std::vector<nlohmann::json> notice_contents(const bot::Message& message, const std::string& thread_root,
                                            const std::string& replaces, size_t max_bytes = 40 * 1024);

// The error body {"errcode","error","retry_after_ms"}: retry_after_ms or 0.
long long retry_after_ms(std::string_view error_body);

}  // namespace adapters::matrix
