#pragma once
// What the tests and benches that run `hallpass run` in Slack's HTTP mode share: the sample
// district on Slack alone, pointed at a fake Slack, and a slash command as Slack posts it to a
// Request URL (form-encoded and signed).
#include <filesystem>
#include <string>

#include "adapters/common/http_client.hpp"

namespace test_support {

// The sample district with Slack in HTTP mode (api_base_url: the fake's, listen 127.0.0.1, port 0
// so the OS picks one), the web chat off and every place given a Slack channel (the config check
// wants one when the web chat is off). The signing secret comes from ${SLACK_SIGNING_SECRET}.
// `name` names the temporary folder (sample_config_variant), removed when the process ends.
std::filesystem::path slack_http_sample_config(const std::string& name, const std::string& api_base_url);

struct SlashCommand {
  std::string channel;
  std::string user;
  std::string text = "help";
  std::string trigger_id;  // unique per command: Slack sends a new one each time
};

// POST /slack/commands as Slack sends it: the team T0HALLPASS, /socialmedia, signed now with the
// app's signing secret.
adapters::http::Request signed_slash_command(const std::string& signing_secret, const SlashCommand& command);

}  // namespace test_support
