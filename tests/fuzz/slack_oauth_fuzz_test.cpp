// The install pages' untrusted inputs on mutated seeds: the redirect's query (the browser's, so
// anyone's), the state inside it, oauth.v2.access's answer, the events that uninstall, a stored
// installation record (the database is not trusted to keep a token's integrity) and
// Accept-Language.
#include <catch2/catch.hpp>

#include "adapters/slack/slack_install_store.hpp"
#include "adapters/slack/slack_oauth.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace adapters::slack;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));

InstallKey key() {
  InstallKey k{};
  k.fill(42);
  return k;
}

void require_clean(const fuzz::Report& report) {
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 0);
}

}  // namespace

TEST_CASE("fuzz: the OAuth redirect's query and its state", "[fuzz][slack][install]") {
  std::array<unsigned char, 16> nonce{};
  nonce.fill(3);
  const std::string state = make_install_state(key(), nonce, kNow + kStateLife);
  const std::vector<std::string> seeds{
      "code=1234.5678.abcdef&state=" + state,
      "error=access_denied&state=" + state,
      "code=" + fuzz::form_encode("1234.5678/ab+c") + "&state=" + state + "&extra=%E2%9C%93",
  };
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    auto r = parse_oauth_redirect(input);
    if (!r) return fuzz::error_problem(r.error().message);
    if (r->state.empty()) return "accepted a redirect without a state";
    if (r->code.empty() == r->error.empty()) return "accepted a redirect with neither or both of code and error";
    auto s = check_install_state(key(), r->state, kNow);
    if (!s) return fuzz::error_problem(s.error().message);
    if (s->nonce_hex.size() != 32) return "a state's nonce is not 16 bytes";
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: oauth.v2.access answers and uninstall events", "[fuzz][slack][install]") {
  const std::vector<std::string> seeds{
      R"({"ok":true,"access_token":"xoxb-1-2-abc","token_type":"bot","scope":"commands,chat:write","bot_user_id":"UB1","app_id":"A1","team":{"name":"Lincoln","id":"T1"},"enterprise":null,"is_enterprise_install":false,"authed_user":{"id":"U1"}})",
      R"({"ok":false,"error":"invalid_code"})",
      R"({"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_uninstalled"}})",
      R"({"type":"event_callback","team_id":"T1","event":{"type":"tokens_revoked","tokens":{"oauth":["U2"],"bot":["UB1"]}}})",
  };
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    auto a = parse_oauth_access(input);
    if (!a) {
      if (auto p = fuzz::error_problem(a.error().message); !p.empty()) return p;
    } else if (a->team_id.empty() || a->bot_user_id.empty() || !a->bot_token.starts_with("xoxb-")) {
      return "accepted an installation without a team, bot user or bot token";
    }
    if (auto u = uninstall_event(input); u && u->team_id.empty()) return "an uninstall without a team";
    page_language(input, {"en", "es"});
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: stored installation records", "[fuzz][slack][install]") {
  const Installation i{.team_id = "T1", .team_name = "Lincoln", .bot_user_id = "UB1", .bot_token = "xoxb-1-2-abc"};
  const std::vector<std::string> seeds{installation_record(key(), i)};
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    auto r = read_installation_record(key(), input);
    if (!r) return fuzz::error_problem(r.error().message);
    // Only an unchanged token opens (GCM's tag): any record that reads must hold the sealed one.
    if (r->bot_token != "xoxb-1-2-abc") return "a changed record opened to another token";
    return {};
  });
  require_clean(report);
}
