#pragma once
// What the tests and benches that run Hallpass on Slack alone share: the sample district pointed
// at a fake Slack, and a slash command as Slack posts it to a Request URL (form-encoded, signed).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "adapters/common/http_client.hpp"

namespace test_support {

enum class SlackMode { socket, http };

// The sample district on Slack alone: Slack on with the fake's api_base_url, the web chat off and
// every place given a Slack channel (the config check wants one when the web chat is off). In
// HTTP mode it listens on 127.0.0.1, port 0 (the OS picks one), with the signing secret from
// ${SLACK_SIGNING_SECRET}; in Socket Mode the tokens come from ${SLACK_APP_TOKEN} and
// ${SLACK_BOT_TOKEN}. `more` edits the result further (sample_config_variant's edits, in order).
// `name` names the temporary folder, removed when the process ends.
std::filesystem::path slack_sample_config(const std::string& name, const std::string& api_base_url, SlackMode mode,
                                          const std::vector<std::pair<std::string, std::string>>& more = {});

struct SlashCommand {
  std::string channel;
  std::string user;
  std::string text = "help";
  std::string trigger_id;           // unique per command: Slack sends a new one each time
  std::string team = "T0HALLPASS";  // the workspace it comes from (a county serves several)
};

// POST /slack/commands as Slack sends it: from command.team (T0HALLPASS unless set), /socialmedia, signed now with the
// app's signing secret.
adapters::http::Request signed_slash_command(const std::string& signing_secret, const SlashCommand& command);

}  // namespace test_support
