#pragma once
// What Slack does to a request before posting it to a Request URL (HTTP mode): the body encoded
// as a form, and the v0 signature of the timestamp and body with the app's signing secret.
#include <string>
#include <utility>
#include <vector>

namespace test_support {

// v0=hex(HMAC-SHA256(secret, "v0:<timestamp>:<body>")), the X-Slack-Signature header.
std::string slack_signature(const std::string& secret, const std::string& timestamp, const std::string& body);

// application/x-www-form-urlencoded, as Slack encodes slash commands and interactivity payloads.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace test_support
