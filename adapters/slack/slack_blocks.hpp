#pragma once
// bot::Message → Block Kit, sans-I/O: mrkdwn (user text escaped, neutral markup converted), a
// message's blocks within Slack's limits, the notification text, and a form as a modal view
// (with its field errors and the next form as view_submission answers). Apart from the Web API
// calls (slack_api_calls.hpp) that carry these, because the adapter also sends them in acks and
// modal answers, and because Slack's limits deserve one place of their own.
#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/slack/slack_protocol_result.hpp"
#include "bot/model/message.hpp"

namespace adapters::slack {

inline constexpr std::size_t kMaxBlocks = 50;
inline constexpr std::size_t kMaxSectionText = 3000;
inline constexpr std::size_t kMaxFieldText = 2000;
inline constexpr std::size_t kMaxFieldsPerSection = 10;
inline constexpr std::size_t kMaxHeaderText = 150;
inline constexpr std::size_t kMaxActionElements = 25;
inline constexpr std::size_t kMaxButtonText = 75;
inline constexpr std::size_t kMaxButtonValue = 2000;
inline constexpr std::size_t kMaxActionId = 255;
inline constexpr std::size_t kMaxModalTitle = 24;
inline constexpr std::size_t kMaxModalBlocks = 100;
inline constexpr std::size_t kMaxPrivateMetadata = 3000;

// Escapes user text for mrkdwn: only & < > (so <@U…>, <!here> and <url> cannot be formed).
std::string escape_mrkdwn(std::string_view text);
// Neutral markup (bot/model/markup.hpp) → mrkdwn.
std::string to_mrkdwn(std::string_view markup);
// The message's blocks as a JSON array (form blocks are left out: forms open as modals), within
// Slack's limits: sections split at 3000 characters, fields 10 per section, buttons 25 per actions
// block, at most 50 blocks with a closing "…message shortened" context.
std::string render_blocks(const bot::Message& message);
// The notification text: Message::fallback, else the plain text, escaped and at most 4000 bytes.
std::string fallback_text(const bot::Message& message);
// Where a modal was opened: a view_submission carries no channel of its own, so the adapter
// sends this through Slack in the view's private_metadata, and the submission is answered in the
// conversation (and thread) the form came from.
struct ModalOrigin {
  std::string channel;     // "C…", "D…" or "dm:U…"
  std::string thread_ref;  // the thread's root ts, or empty
};

// A views.open modal for the form. Refuses a context over 3000 bytes (private_metadata).
Result<std::string> render_modal(const bot::Form& form);
// The modal for a message with a form: its text blocks (header, paragraphs, fields, quotes,
// context; not buttons) above the form's inputs, and the origin wrapped with the form's context
// into private_metadata. Refuses when that exceeds 3000 bytes.
Result<std::string> render_modal(const bot::Message& message, const ModalOrigin& origin);
// {"response_action":"errors","errors":{"<input key>":"<error>"}} from the inputs' error texts.
std::string form_errors_payload(const bot::Form& form);
// True when some input of the form carries an error (a refused submission shown again).
bool has_input_errors(const bot::Form& form);
// {"response_action":"update","view":<view>}: the open modal is replaced by the next form.
std::string form_update_payload(std::string_view view_json);

}  // namespace adapters::slack
