// The config's adapters.slack settings → SlackOptions, and every problem with them at once for
// hallpass check-config (declared in slack_adapter.hpp).
#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <set>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "adapters/slack/slack_install_settings.hpp"

namespace adapters::slack {

namespace {

using settings::Check;
using settings::Settings;

const std::vector<std::string_view>& known_keys() {
  static const std::vector<std::string_view> keys{
      "mode", "bot_token", "app_token", "connections", "api_base_url", "signing_secret", "listen", "port",
      // HTTP mode with installations (slack_install_settings.cpp)
      "client_id", "client_secret", "install_secret", "redirect_url", "allowed_teams", "install_contact", "scopes"};
  return keys;
}

using settings::setting;

bool http_mode(const Settings& s) { return setting(s, "mode") == "http"; }

// A whole number from low to high, or -1.
long number(const std::string& text, long low, long high) {
  const bool digits = !text.empty() && text.size() <= 5 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const long value = digits ? std::stol(text) : -1;
  return value < low || value > high ? -1 : value;
}

void fail(const std::string& message) { throw std::invalid_argument("adapters.slack." + message); }

// Each check on its own, so check_settings can report all of them. Each key is checked whatever
// the mode; what a mode requires is checked only in that mode.

std::vector<std::pair<std::string, Check>> checks() {
  return {
      {"mode",
       [](const Settings& s) {
         const std::string mode = setting(s, "mode", "socket");
         if (mode != "socket" && mode != "http") fail("mode must be socket or http, not \"" + mode + "\"");
       }},
      {"bot_token",
       [](const Settings& s) {
         if (installs(s)) {
           check_install_bot_token(s);
           return;
         }
         if (setting(s, "bot_token").empty())
           fail(
               "bot_token is missing: write bot_token: \"${SLACK_BOT_TOKEN}\" and set that environment variable "
               "to the Bot User OAuth Token (xoxb-…)");
       }},
      {"app_token",
       [](const Settings& s) {
         if (!http_mode(s) && setting(s, "app_token").empty())
           fail(
               "app_token is missing: Socket Mode needs the app-level token; write app_token: "
               "\"${SLACK_APP_TOKEN}\" (xapp-…), or use mode: http");
       }},
      {"signing_secret",
       [](const Settings& s) {
         if (http_mode(s) && setting(s, "signing_secret").empty())
           fail(
               "signing_secret is missing: HTTP mode checks every request with the app's Signing Secret; write "
               "signing_secret: \"${SLACK_SIGNING_SECRET}\" and set that environment variable");
       }},
      {"connections",
       [](const Settings& s) {
         if (number(setting(s, "connections", "2"), 1, 10) < 0)
           fail("connections must be a number from 1 to 10 (Slack's limit)");
       }},
      {"api_base_url",
       [](const Settings& s) {
         // The bot token goes there: https, or plain http only to a test server on this machine.
         const std::string url = setting(s, "api_base_url", WebApiOptions{}.base_url);
         try {
           http::parse_endpoint_url(url);
         } catch (const std::invalid_argument& e) {
           fail(std::string("api_base_url: ") + e.what());
         }
       }},
      {"listen",
       [](const Settings& s) {
         const std::string address = setting(s, "listen", "127.0.0.1");
         boost::system::error_code ec;
         if (address != "localhost") boost::asio::ip::make_address(address, ec);
         if (ec)
           fail("listen: \"" + address +
                "\" is not an IP address (127.0.0.1 behind a reverse proxy on this "
                "machine, 0.0.0.0 for a load balancer elsewhere)");
       }},
      {"port",
       [](const Settings& s) {
         if (number(setting(s, "port", "3000"), 0, 65535) < 0) fail("port must be a number from 0 to 65535");
       }},
  };
}

std::vector<std::pair<std::string, Check>> all_checks() {
  auto out = checks();
  for (auto& c : install_checks()) out.push_back(std::move(c));
  return out;
}

}  // namespace

std::vector<SettingProblem> check_settings(const Settings& settings) {
  static const settings::AdapterSettingRules rules{"slack", "Slack", known_keys(), all_checks()};
  return settings::check_settings(rules, settings);
}

SlackOptions options_from_settings(const Settings& s) {
  if (auto problems = check_settings(s); !problems.empty()) throw std::invalid_argument(problems.front().message);
  SlackOptions o;
  o.socket_mode = !http_mode(s);
  o.api.bot_token = setting(s, "bot_token");
  if (o.socket_mode) o.api.app_token = setting(s, "app_token");
  o.api.base_url = setting(s, "api_base_url", WebApiOptions{}.base_url);
  o.socket.connections = static_cast<int>(number(setting(s, "connections", "2"), 1, 10));
  if (!o.socket_mode) {
    o.http.signing_secret = setting(s, "signing_secret");
    o.http.listen_address = setting(s, "listen", "127.0.0.1");
    o.http.port = static_cast<unsigned short>(number(setting(s, "port", "3000"), 0, 65535));
  }
  if (installs(s)) o.install = install_options(s);
  if (!o.install.enabled() && !o.api.bot_token.starts_with("xoxb-"))
    spdlog::warn("adapters.slack.bot_token does not look like a bot token (xoxb-…)");
  if (o.socket_mode && !o.api.app_token.starts_with("xapp-"))
    spdlog::warn("adapters.slack.app_token does not look like an app-level token (xapp-…)");
  return o;
}

}  // namespace adapters::slack
