// Every problem with the config's adapters.matrix settings at once, for the config loader
// (declared in matrix_adapter.hpp; options_from_settings builds the options from checked ones).
#include <algorithm>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/id_forms.hpp"
#include "adapters/matrix/matrix_adapter.hpp"

namespace adapters::matrix {

namespace {

using settings::Check;
using settings::setting;
using settings::Settings;

const std::vector<std::string_view>& known_keys() {
  static const std::vector<std::string_view> keys{"homeserver", "access_token", "user_id", "device_id",
                                                  "sync_timeout_ms"};
  return keys;
}

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("adapters.matrix." + message); }

std::vector<std::pair<std::string, Check>> checks() {
  return {
      {"homeserver",
       [](const Settings& s) {
         std::string url = setting(s, "homeserver");
         if (url.empty())
           fail(
               "homeserver is missing: write the homeserver's address, e.g. homeserver: "
               "\"https://matrix.example.org\"");
         while (url.ends_with("/")) url.pop_back();
         // The access token travels there: https, or http only to a test server on this machine.
         std::string target;
         try {
           target = http::parse_endpoint_url(url).target;
         } catch (const std::invalid_argument& e) {
           fail(std::string("homeserver: ") + e.what());
         }
         if (target != "/")
           fail("homeserver: \"" + url +
                "\" has a path; write only the server's address, e.g. "
                "\"https://matrix.example.org\" (Hallpass adds /_matrix/...)");
       }},
      {"access_token",
       [](const Settings& s) {
         if (setting(s, "access_token").empty())
           fail(
               "access_token is missing: write access_token: \"${MATRIX_ACCESS_TOKEN}\" and set that environment "
               "variable to the bot user's access token (see docs/matrix.md)");
       }},
      {"user_id",
       [](const Settings& s) {
         const std::string id = setting(s, "user_id");
         if (id.empty()) fail("user_id is missing: write the bot's Matrix id, e.g. user_id: \"@hallpass:example.org\"");
         if (!sigil_colon_id(id, '@'))
           fail("user_id: \"" + id +
                "\" is not a Matrix user id; write it as \"@name:server\", e.g. "
                "\"@hallpass:example.org\" (in quotes: @ cannot start a plain YAML value)");
       }},
      {"device_id",
       [](const Settings& s) {
         if (has_space(setting(s, "device_id"))) fail("device_id must be one word without spaces, e.g. HALLPASS1");
       }},
      {"sync_timeout_ms",
       [](const Settings& s) {
         // Below a second the bot would poll the homeserver in a tight loop; servers cap a long poll anyway.
         const std::string text = setting(s, "sync_timeout_ms", "30000");
         const bool digits = !text.empty() && text.size() <= 6 &&
                             std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
         const long value = digits ? std::stol(text) : -1;
         if (value < 1000 || value > 120000)
           fail("sync_timeout_ms must be a number of milliseconds from 1000 to 120000 (default 30000)");
       }},
  };
}

}  // namespace

std::vector<SettingProblem> check_settings(const Settings& settings) {
  static const settings::AdapterSettingRules rules{"matrix", "Matrix", known_keys(), checks()};
  return settings::check_settings(rules, settings);
}

}  // namespace adapters::matrix
