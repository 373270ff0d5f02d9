#pragma once
// The web chat's wire protocol, sans-I/O: browser frames → bot::Inbound, and the frames the
// server sends. Every frame is one JSON object in a WebSocket text message.
//
// Browser → server (event_id: a uuid made by the browser; a resent frame keeps it):
//   {"type":"send",   "event_id":…, "channel":"dm"|"#name", "thread_ref":"w-…"?, "text":…}
//   {"type":"action", "event_id":…, "message_ref":"w-…", "action_id":…, "value":…}
//   {"type":"form",   "event_id":…, "message_ref":"w-…", "form_id":…, "values":{key: string}}
// Server → browser:
//   {"type":"hello",  "person":id, "messages":[entry…]}     once, on connect
//   {"type":"message","message":entry}                       a new entry
//   {"type":"update", "message":entry}                       an entry replaced (same ref)
//   {"type":"ack",    "event_id":…, "duplicate":bool}        the core recorded the event
//   {"type":"error",  "event_id":…?, "message":…, "key"?, "detail"?}  refused; the socket stays open
// entry: {"ref","channel" ("#name"|"dm:<id>"),"thread_ref","thread_key","ephemeral","edited",
//         "time" (ISO 8601 UTC),"author":{"id","name","bot"},"text"? (typed by a person, literal),
//         "content"? (bot::message_to_json of what Hallpass posted)}
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/webchat/webchat_history.hpp"
#include "bot/district/config.hpp"
#include "bot/district/prompts.hpp"
#include "bot/model/inbound.hpp"

namespace adapters::webchat {

struct FrameError {
  std::string event_id;  // when the frame had a usable one
  std::string message;   // for the person, in plain words (English)
  // What the page says instead, in the person's language: prompts' webchat.error.<key>, with
  // {detail} (a channel name, a command) filled in. Empty for frames only a program sends.
  std::string key;
  std::string detail;
};

// What result<T, FrameError>::value() throws on an error: std::invalid_argument(message).
[[noreturn]] void throw_exception_from_error(const FrameError& error, const boost::source_location& location);

enum class ClientFrameKind { send, action, form };

// A browser frame, syntactically valid, not yet checked against the history.
struct ClientFrame {
  ClientFrameKind kind = ClientFrameKind::send;
  std::string event_id;
  std::string channel;                        // send: "dm" or "#name"
  std::string thread_ref;                     // send: reply inside this thread
  std::string text;                           // send
  std::string message_ref;                    // action, form: the message that holds the button or the form
  std::string action_id;                      // action
  std::string value;                          // action
  std::string form_id;                        // form
  std::map<std::string, std::string> values;  // form; a list is joined with ","
};

// Parses one frame. Refuses malformed JSON, a missing or odd event_id, an unknown type and
// missing fields, each with a message that says what was wrong.
boost::system::result<ClientFrame, FrameError> parse_client_frame(std::string_view text);

// Checks a frame against what the person may see and builds the Inbound for the core:
// a send must name a known channel (or "dm") and a thread root in it; an action must name a
// button that the message still shows, a form a form it holds. The button's value and the
// form's context are taken from the stored message, not from the browser. A form's values are
// kept only for its inputs. Action and form events happen in the message's place, with
// thread_ref = the thread the message is in (the message itself when it is a root).
boost::system::result<bot::Inbound, FrameError> resolve_frame(const ClientFrame& frame, const WebchatHistory& history,
                                                              const std::string& person_id,
                                                              const std::set<std::string, std::less<>>& channels,
                                                              std::chrono::system_clock::time_point now);

// "/socialmedia request x" → true, rest "request x". Only the word "/socialmedia" counts.
bool split_command(std::string_view text, std::string& rest);
// Does the text address the bot ("@hallpass", any case)?
bool mentions_bot(std::string_view text);

std::string entry_json(const Entry& entry, const bot::DistrictConfig& config);
std::string hello_frame(std::string_view person_id, const std::vector<const Entry*>& entries);
std::string entry_frame(const Entry& entry, bool replaced);
std::string ack_frame(std::string_view event_id, bool duplicate);
std::string error_frame(std::string_view event_id, std::string_view message);
// {"type":"error","event_id"?,"message","key"?,"detail"?}
std::string error_frame(const FrameError& error);

// The channels the config gives the web chat: each site's approvals then the superintendent's.
std::vector<std::string> config_channels(const bot::DistrictConfig& config);
// The page's own words: lang → key → template, the keys of prompts/<lang>/webchat.yaml without
// their "webchat." prefix.
using PageStrings = std::map<std::string, std::map<std::string, std::string>>;
PageStrings page_strings(const bot::Prompts& prompts);

// The longest text, in characters, whose frame stays under max_message_bytes whatever it holds
// (a character may take 6 bytes as a JSON \u escape), rounded down to a round number so the
// page can state it plainly.
std::size_t max_message_chars(std::size_t max_message_bytes);

// GET /api/bootstrap: {"bot_name","district","time_zone","language","max_message_bytes",
// "max_message_chars","people":[{id,name,title,roles,site,language}],
// "channels":[{id,name,kind,site?,members:[person id…]}],"strings":PageStrings}. People are
// those with a web handle. A channel's members are who belongs there: a site's principals, the
// superintendent and designees, and IT administrators everywhere.
std::string bootstrap_json(const bot::DistrictConfig& config, std::size_t max_message_bytes,
                           const PageStrings& strings = {});
// The person whose web handle is this id, or nullptr.
const bot::Person* web_person(const bot::DistrictConfig& config, std::string_view handle);

}  // namespace adapters::webchat
