#pragma once
// What every part of the Slack protocol returns when it refuses its input (ProtocolError,
// Result<T>), and the two helpers their sources share: making that error, and parsing untrusted
// JSON. Each part (slack_socket_frames, slack_payloads, slack_http_requests, slack_blocks,
// slack_api_calls) is a file of its own; this one is apart so that none of them copies these.
// Nothing here opens a socket or reads a clock.
// Facts, limits and what is still missing: docs/slack.md.
#include <boost/system/result.hpp>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/error.hpp"

namespace adapters::slack {

// The adapters' one error type (adapters/common/error.hpp), always of kind protocol here: what
// Result<T>::value() throws on it is std::invalid_argument(message).
using ProtocolError = adapters::Error;

template <class T>
using Result = adapters::Result<T>;

// For the Slack protocol's own sources, not for its callers.
namespace protocol_detail {

ProtocolError fail(std::string message);
// json_fields::parse (nesting past 128 levels refused, never throws), or nullopt when it is not JSON.
std::optional<nlohmann::json> parse_json(std::string_view text);

}  // namespace protocol_detail

}  // namespace adapters::slack
