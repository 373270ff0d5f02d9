#include "adapters/settings/platform_settings.hpp"

#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <stdexcept>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "adapters/teams/teams_adapter.hpp"

namespace adapters::settings {

namespace {

// The built-in web chat's two settings (cmd_run reads them into WebchatOptions). They are here
// rather than beside the web chat because it has no settings of its own beyond these.
std::vector<SettingProblem> check_web_settings(const Settings& s) {
  static const AdapterSettingRules rules{
      "web",
      "web chat",
      {"port", "listen"},
      {{"port", [](const Settings& s) {
          const std::string text = setting(s, "port", "8080");
          const bool digits = !text.empty() && text.size() <= 5 &&
                              std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
          if (!digits || std::stol(text) > 65535)
            throw std::invalid_argument("adapters.web.port must be a number from 0 to 65535 (0: any free port, "
                                        "printed at start), not \"" + text + "\"");
        }},
       {"listen", [](const Settings& s) {
          const std::string address = setting(s, "listen", "127.0.0.1");
          boost::system::error_code ec;
          if (address != "localhost") boost::asio::ip::make_address(address, ec);
          if (ec)
            throw std::invalid_argument("adapters.web.listen: \"" + address +
                                        "\" is not an IP address (127.0.0.1: this machine only, the safe choice "
                                        "for a chat without sign-in)");
        }}}};
  return check_settings(rules, s);
}

}  // namespace

const std::vector<std::string_view>& platforms() {
  static const std::vector<std::string_view> names{"web", "slack", "teams", "matrix"};
  return names;
}

std::vector<SettingProblem> check_platform_settings(std::string_view platform, const Settings& settings) {
  if (platform == "web") return check_web_settings(settings);
  if (platform == "slack") return slack::check_settings(settings);
  if (platform == "teams") return teams::check_settings(settings);
  if (platform == "matrix") return matrix::check_settings(settings);
  return {};
}

}  // namespace adapters::settings
