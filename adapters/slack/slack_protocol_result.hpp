#pragma once
// What every part of the Slack protocol returns when it refuses its input (ProtocolError,
// Result<T>), and the two helpers their sources share: making that error, and parsing untrusted
// JSON. Each part (slack_socket_frames, slack_payloads, slack_http_requests, slack_blocks,
// slack_api_calls) is a file of its own; this one is apart so that none of them copies these.
// Nothing here opens a socket or reads a clock.
// Facts and limits: /work/shared/protocols/slack.md (docs/slack.md says what is still missing).
#include <boost/system/result.hpp>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace adapters::slack {

struct ProtocolError {
  std::string message;  // what was wrong, for the log
};

// What result<T, ProtocolError>::value() throws on an error: std::invalid_argument(message).
[[noreturn]] void throw_exception_from_error(const ProtocolError& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, ProtocolError>;

// For the Slack protocol's own sources, not for its callers.
namespace protocol_detail {

ProtocolError fail(std::string message);
// json_fields::parse (nesting past 128 levels refused, never throws), or nullopt when it is not JSON.
std::optional<nlohmann::json> parse_json(std::string_view text);

}  // namespace protocol_detail

}  // namespace adapters::slack
