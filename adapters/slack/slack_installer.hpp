#pragma once
// SlackInstaller: the two pages a workspace's install goes through in HTTP mode with
// installations (docs/slack-install.md), served by SlackHttpReceiver beside the Request URLs:
//
//   GET /slack/install          302 to Slack's authorize URL with a fresh signed state
//   GET /slack/oauth_redirect   checks the state (signed, unexpired, first use), calls
//                               oauth.v2.access at the configured API, refuses a workspace the
//                               config does not list, records the installation, and answers a
//                               short page in the browser's language (prompts/*/slack_install.yaml)
//
// A cancelled install (error=access_denied), a bad, expired or reused state, a workspace not
// listed, or a failing oauth.v2.access each get their own page and one log line, and nothing is
// recorded (a token Slack gave for a workspace that is refused is revoked at once). No token,
// code or state ever reaches a log line or a page. Runs on the executor's one thread.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "adapters/common/http_server.hpp"
#include "adapters/slack/slack_install_store.hpp"
#include "adapters/slack/slack_oauth.hpp"

namespace bot {
class Prompts;
}

namespace adapters::slack {

struct InstallerState;  // options, client, store, prompts, in the .cpp

class SlackInstaller {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using OnInstalled = std::function<void(const Installation&)>;

  // api_base_url: where oauth.v2.access is (https://slack.com/api, or the fake Slack in tests).
  // prompts may be null (the pages then show their keys). on_installed is called after the
  // installation is recorded. Throws std::invalid_argument for a bad api_base_url.
  SlackInstaller(boost::asio::any_io_executor executor, InstallOptions options, const std::string& api_base_url,
                 std::shared_ptr<SlackInstallStore> store, const bot::Prompts* prompts, Clock clock,
                 OnInstalled on_installed);
  ~SlackInstaller();
  SlackInstaller(const SlackInstaller&) = delete;
  SlackInstaller& operator=(const SlackInstaller&) = delete;

  // GET /slack/install or /slack/oauth_redirect (the receiver routes only those here).
  boost::asio::awaitable<http::ServerReply> handle(http::ServerRequest request);

 private:
  std::shared_ptr<InstallerState> state_;
};

}  // namespace adapters::slack
