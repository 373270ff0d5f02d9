#pragma once
// Slack's delivery payloads → the neutral bot::Inbound, sans-I/O: Events API callbacks (DMs,
// mentions, thread replies, files), slash commands, and interactivity (button clicks, modal
// submissions). The same payload object arrives inside a Socket Mode envelope
// (slack_socket_frames.hpp) and as the body of an HTTP Request URL (slack_http_requests.hpp), so
// its decoding is apart from both. Nothing here opens a socket or reads a clock; callers pass `now`.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/slack_protocol_result.hpp"
#include "bot/model/inbound.hpp"

namespace adapters::slack {

// The three kinds of payload Slack delivers (a Socket Mode envelope's type; in HTTP mode, the
// Request URL it came to).
enum class EnvelopeType { slash_commands, interactive, events_api };

// A delivery payload (the same object in Socket Mode and HTTP mode) → the neutral event.
// An empty optional means "nothing for the bot": bot messages, edits and deletions, channel
// messages that are neither thread replies nor carry files, view_closed and other interactions.
// event_id: the envelope id when there is one, else a stable id from the payload
// (events: event_id; slash commands and actions: the trigger_id).
Result<std::optional<bot::Inbound>> payload_to_inbound(EnvelopeType type, std::string_view payload_json,
                                                       std::string_view envelope_id,
                                                       std::chrono::system_clock::time_point now);

// A slash command's fields (a Socket Mode payload's strings, or an HTTP mode form body) → the
// command. Refuses another command than /socialmedia, and a command without trigger_id (when
// there is no envelope id) or user_id.
Result<bot::Inbound> slash_command_to_inbound(const std::map<std::string, std::string>& fields,
                                              std::string_view envelope_id, std::chrono::system_clock::time_point now);

}  // namespace adapters::slack
