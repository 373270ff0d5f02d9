#include "tests/support/slack_run_fixtures.hpp"

#include <chrono>

#include "tests/support/config_files.hpp"
#include "tests/support/slack_signing.hpp"

namespace test_support {

std::filesystem::path slack_sample_config(const std::string& name, const std::string& api_base_url, SlackMode mode,
                                          const std::vector<std::pair<std::string, std::string>>& more) {
  std::vector<std::pair<std::string, std::string>> edits;
  if (mode == SlackMode::http) {
    edits = {{"slack: { enabled: false, app_token: \"${SLACK_APP_TOKEN}\",",
              "slack: { enabled: true, api_base_url: \"" + api_base_url +
                  "\", signing_secret: \"${SLACK_SIGNING_SECRET}\", listen: 127.0.0.1, port: 0,"},
             {"mode: socket", "mode: http"}};
  } else {
    edits = {{"slack: { enabled: false,", "slack: { enabled: true, api_base_url: \"" + api_base_url + "\","}};
  }
  edits.insert(edits.end(), {{"web: { enabled: true,", "web: { enabled: false,"},
                             {"place: { name: Superintendent's office, web: \"#superintendent\" }",
                              "place: { name: Superintendent's office, web: \"#superintendent\", slack: C0SUPERINT }"},
                             {"approvals: { web: \"#lincoln-approvals\" }",
                              "approvals: { web: \"#lincoln-approvals\", slack: C0LINCOLN1 }"},
                             {"approvals: { web: \"#roosevelt-approvals\" }",
                              "approvals: { web: \"#roosevelt-approvals\", slack: C0ROOSEVELT1 }"},
                             {"approvals: { web: \"#kennedy-approvals\" }",
                              "approvals: { web: \"#kennedy-approvals\", slack: C0KENNEDY1 }"}});
  edits.insert(edits.end(), more.begin(), more.end());
  return sample_config_variant(name, edits);
}

adapters::http::Request signed_slash_command(const std::string& signing_secret, const SlashCommand& command) {
  adapters::http::Request r;
  r.method = "POST";
  r.target = "/slack/commands";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = form_encode({{"token", "deprecated-verification-token"},
                        {"team_id", command.team},
                        {"channel_id", command.channel},
                        {"channel_name", "lounge"},
                        {"user_id", command.user},
                        {"user_name", "t.garcia"},
                        {"command", "/socialmedia"},
                        {"text", command.text},
                        {"api_app_id", "A05HALLPASS"},
                        {"response_url", "https://hooks.slack.com/commands/T0HALLPASS/1/abc"},
                        {"trigger_id", command.trigger_id}});
  const std::string ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  r.headers["X-Slack-Request-Timestamp"] = ts;
  r.headers["X-Slack-Signature"] = slack_signature(signing_secret, ts, r.body);
  return r;
}

}  // namespace test_support
