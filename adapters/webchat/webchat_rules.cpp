#include "adapters/webchat/webchat_rules.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <stdexcept>

#include "adapters/common/id_forms.hpp"
#include "adapters/common/setting_checks.hpp"

namespace adapters::webchat {

namespace {

using settings::setting;

// The web chat's two settings.
std::vector<bot::SettingProblem> check_web_settings(const bot::SettingMap& s) {
  static const settings::AdapterSettingRules rules{
      "web",
      "web chat",
      {"port", "listen"},
      {{"port",
        [](const bot::SettingMap& s) {
          const std::string text = setting(s, "port", "8080");
          const bool digits = !text.empty() && text.size() <= 5 &&
                              std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
          if (!digits || std::stol(text) > 65535)
            throw std::invalid_argument(
                "adapters.web.port must be a number from 0 to 65535 (0: any free port, "
                "printed at start), not \"" +
                text + "\"");
        }},
       {"listen", [](const bot::SettingMap& s) {
          const std::string address = setting(s, "listen", "127.0.0.1");
          boost::system::error_code ec;
          if (address != "localhost") boost::asio::ip::make_address(address, ec);
          if (ec)
            throw std::invalid_argument("adapters.web.listen: \"" + address +
                                        "\" is not an IP address (127.0.0.1: this machine only, the safe choice "
                                        "for a chat without sign-in)");
        }}}};
  return settings::check_settings(rules, s);
}

}  // namespace

bot::PlatformRules rules() {
  bot::PlatformRules r;
  r.name = "web";
  r.check_settings = check_web_settings;
  r.handle_problem = [](std::string_view v) -> std::string {
    if (!has_space(v) && v.size() <= 64) return {};
    return "must be one word without spaces (at most 64 characters), e.g. the person's id";
  };
  r.address_problem = [](std::string_view v) -> std::string {
    return v.size() > 100 ? "is longer than 100 characters" : "";
  };
  r.listen_port = [](const bot::SettingMap& s) -> std::optional<std::string> { return setting(s, "port", "8080"); };
  r.built_in = true;
  return r;
}

}  // namespace adapters::webchat
