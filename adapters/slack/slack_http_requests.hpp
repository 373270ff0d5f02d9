#pragma once
// HTTP mode's requests, sans-I/O: the signature check every request to a Request URL must pass,
// the application/x-www-form-urlencoded bodies slash commands and interactivity arrive in, and
// the Events API's url_verification handshake. Apart from the payloads (slack_payloads.hpp),
// which Socket Mode delivers with no signature and no form; slack_http_receiver.cpp serves the
// Request URLs that call these. Nothing here opens a socket or reads a clock; callers pass `now`.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/slack_protocol_result.hpp"
#include "bot/model/inbound.hpp"

namespace adapters::slack {

// Checks X-Slack-Signature ("v0=<hex>") = HMAC-SHA256(secret, "v0:<ts>:<raw body>") in constant
// time, and refuses a timestamp more than 5 minutes from `now` (replays).
Result<void> verify_slack_signature(std::string_view signing_secret, std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    std::chrono::system_clock::time_point now);

// application/x-www-form-urlencoded → fields ("+" is a space, %XX a byte). Refuses a bad %XX;
// bytes that do not make UTF-8 (%FF) are replaced by U+FFFD, so the command is still answered.
Result<std::map<std::string, std::string>> parse_form_urlencoded(std::string_view body);
// A slash command delivered as form fields (HTTP mode).
Result<bot::Inbound> parse_slash_command_form(std::string_view body, std::chrono::system_clock::time_point now);
// An interactive request body "payload=<json>" → the payload's JSON text.
Result<std::string> interactive_payload_from_form(std::string_view body);
// The challenge of an Events API {"type":"url_verification"} body, or nullopt for any other body.
std::optional<std::string> url_verification_challenge(std::string_view body);

}  // namespace adapters::slack
