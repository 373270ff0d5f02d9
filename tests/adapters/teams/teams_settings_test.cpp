// The adapters.teams settings: what the adapter is built from, and how check-config reports a bad
// one (with the file and line, like every other configuration problem).
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>

#include "adapters/teams/teams_adapter.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"

namespace {

using adapters::teams::check_settings;
using adapters::teams::options_from_settings;
using Settings = std::map<std::string, std::string>;

Settings minimal() {
  return {{"app_id", "8f5c1a3e-0000-4000-8000-000000000001"},
          {"app_secret", "s3cret"},
          {"tenant_id", "11111111-2222-3333-4444-555555555555"}};
}

bool names(const std::vector<adapters::teams::SettingProblem>& problems, const std::string& key) {
  for (const auto& p : problems)
    if (p.key == key) return true;
  return false;
}

}  // namespace

TEST_CASE("teams settings: the minimal single-tenant bot", "[unit][teams]") {
  auto o = options_from_settings(minimal());
  CHECK(o.auth.app_id == "8f5c1a3e-0000-4000-8000-000000000001");
  CHECK(o.auth.openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration");
  CHECK(adapters::teams::token_url(o.token) ==
        "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token");
  CHECK(o.service_url == "https://smba.trafficmanager.net/teams/");
  CHECK(o.server.listen_address == "127.0.0.1");
  CHECK(o.server.port == 3978);
  CHECK(o.connector.trusted_service_urls.empty());
}

TEST_CASE("teams settings: whose activities are accepted", "[unit][teams]") {
  // A single-tenant bot answers its own organization only.
  CHECK(options_from_settings(minimal()).accepted_tenants ==
        std::vector<std::string>{"11111111-2222-3333-4444-555555555555"});
  // A county lists the districts' tenants.
  Settings county = minimal();
  county["tenants"] = "11111111-2222-3333-4444-555555555555, 9a7f3c2e-5b1d-4e8a-8f6c-2d4b6a8c0e1f";
  CHECK(options_from_settings(county).accepted_tenants.size() == 2);
  // A legacy multi-tenant bot without a list answers anyone (docs/teams.md says to set one).
  Settings legacy = {{"app_id", "8f5c1a3e-0000-4000-8000-000000000001"}, {"app_secret", "s"}, {"multi_tenant", "true"}};
  CHECK(options_from_settings(legacy).accepted_tenants.empty());
  // Typos are named: not a tenant id, or an empty list.
  Settings typo = minimal();
  typo["tenants"] = "lincoln-usd";
  CHECK(names(check_settings(typo), "tenants"));
  typo["tenants"] = " , ";
  CHECK(names(check_settings(typo), "tenants"));
}

TEST_CASE("teams settings: every endpoint can be pointed elsewhere", "[unit][teams]") {
  Settings s = minimal();
  s["multi_tenant"] = "true";
  s.erase("tenant_id");
  s["openid_metadata_url"] = "http://127.0.0.1:9000/v1/.well-known/openidconfiguration";
  s["authority"] = "http://127.0.0.1:9001";
  s["service_urls"] = "https://smba.trafficmanager.net/amer/, http://127.0.0.1:9002/amer/";
  s["service_url"] = "http://127.0.0.1:9002/amer/";
  s["listen"] = "0.0.0.0";
  s["port"] = "8443";
  auto o = options_from_settings(s);
  CHECK(adapters::teams::token_url(o.token) == "http://127.0.0.1:9001/botframework.com/oauth2/v2.0/token");
  CHECK(o.auth.openid_metadata_url == s["openid_metadata_url"]);
  CHECK(o.connector.trusted_service_urls ==
        std::vector<std::string>{"https://smba.trafficmanager.net/amer/", "http://127.0.0.1:9002/amer/"});
  CHECK(o.server.port == 8443);
}

TEST_CASE("teams settings: every problem is named at once", "[unit][teams]") {
  Settings s = minimal();
  s.erase("tenant_id");
  s.erase("app_secret");
  s["port"] = "99999";
  s["service_urls"] = "http://smba.example.com/amer/";  // plain http to a real host: never
  s["authority"] = "ftp://login.example.com";
  s["listen"] = "my-server";
  s["tls_certificate"] = "/etc/hallpass/cert.pem";
  s["colour"] = "blue";
  auto problems = check_settings(s);
  for (const char* key :
       {"tenant_id", "app_secret", "port", "service_urls", "authority", "listen", "tls_certificate", "colour"})
    CHECK(names(problems, key));
  CHECK_THROWS_AS(options_from_settings(s), std::invalid_argument);
  CHECK(check_settings(minimal()).empty());
}

TEST_CASE("teams settings: check-config reports a bad one with its line", "[unit][teams][cli]") {
  auto file = test_support::sample_config_variant(
      "teams", "teams: { enabled: false,", "teams: { enabled: true, service_urls: \"http://smba.example.com/\",\n");
  const int line = test_support::line_of(file, "service_urls");
  ::setenv("TEAMS_APP_SECRET", "from-the-environment", 1);
  auto run = test_support::run_command(std::string(HALLPASS_BINARY) + " check-config " + file.string() + " 2>&1");
  ::unsetenv("TEAMS_APP_SECRET");
  std::filesystem::remove_all(file.parent_path());
  CHECK(run.exit_code == 1);
  CHECK(run.output.find(file.string() + ":" + std::to_string(line) + ": adapters.teams.service_urls") !=
        std::string::npos);
  CHECK(run.output.find("not loopback") != std::string::npos);
}
