// Slack's OAuth v2 installation, sans-I/O (adapters/slack/slack_oauth, slack_install_store): the
// redirect's query, the signed state, oauth.v2.access's answer, the uninstall events, the sealed
// token, the install secret and the page language. Run under the sanitizers too (untrusted input).
#include <catch2/catch.hpp>
#include <map>

#include "adapters/slack/slack_install_store.hpp"
#include "adapters/slack/slack_oauth.hpp"

namespace {

using namespace adapters::slack;
using std::chrono::system_clock;

const auto kNow = system_clock::time_point(std::chrono::seconds(1795000000));

InstallKey key(unsigned char first = 1) {
  InstallKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(first + i);
  return k;
}

std::array<unsigned char, 16> nonce(unsigned char v) {
  std::array<unsigned char, 16> n{};
  n.fill(v);
  return n;
}

// oauth.v2.access's documented answer (docs.slack.dev/reference/methods/oauth.v2.access).
constexpr auto kAccess = R"({"ok":true,"access_token":"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  "token_type":"bot","scope":"commands,incoming-webhook","bot_user_id":"U0KRQLJ9H","app_id":"A0KRD7HC3",
  "team":{"name":"Slack Softball Team","id":"T9TK3CUKW"},"enterprise":{"name":"slack-sports","id":"E12345678"},
  "authed_user":{"id":"U1234","scope":"chat:write","access_token":"xoxp-1234","token_type":"user"}})";

// Catch2 cannot print a result<T>: assertions ask whether it holds a value.
template <class R>
bool ok(const R& r) {
  return r.has_value();
}

}  // namespace

TEST_CASE("slack oauth: the redirect's query", "[unit][slack][install]") {
  auto back = parse_oauth_redirect("code=1234.5678.abcd&state=s.t&ignored=1");
  REQUIRE(ok(back));
  CHECK(back->code == "1234.5678.abcd");
  CHECK(back->state == "s.t");
  CHECK(back->error.empty());
  auto denied = parse_oauth_redirect("error=access_denied&state=abc");
  REQUIRE(ok(denied));
  CHECK(denied->error == "access_denied");
  CHECK(parse_oauth_redirect("code=a%2Eb&state=x")->code == "a.b");
  for (const char* bad :
       {"", "code=abc", "state=abc", "code=a&error=access_denied&state=s", "code=a&code=b&state=s", "code=a%ZZ&state=s",
        "code=a%2&state=s", "code=a%20b&state=s", "error=Access-Denied&state=s", "code=a&state=%00"}) {
    INFO(bad);
    auto r = parse_oauth_redirect(bad);
    CHECK_FALSE(ok(r));
    if (!r) CHECK_FALSE(r.error().message.empty());
  }
  CHECK_FALSE(ok(parse_oauth_redirect("code=" + std::string(300, 'a') + "&state=s")));
  CHECK_FALSE(ok(parse_oauth_redirect("state=s&code=a&x=" + std::string(5000, 'a'))));
}

TEST_CASE("slack oauth: the state is signed, expires and names its nonce", "[unit][slack][install]") {
  const std::string state = make_install_state(key(), nonce(7), kNow + kStateLife);
  auto checked = check_install_state(key(), state, kNow);
  REQUIRE(ok(checked));
  CHECK(checked->nonce_hex == std::string(32, '0').replace(0, 32, "07070707070707070707070707070707"));
  CHECK(checked->expires == kNow + kStateLife);
  // Another nonce, another state; the same nonce and time, the same state.
  CHECK(make_install_state(key(), nonce(8), kNow + kStateLife) != state);
  CHECK(check_install_state(key(), state, kNow + kStateLife).error().message == "the state has expired");
  CHECK(check_install_state(key(2), state, kNow).error().message == "the state's signature does not match");
  std::string changed = state;
  changed[0] = changed[0] == 'A' ? 'B' : 'A';
  CHECK(check_install_state(key(), changed, kNow).error().message == "the state's signature does not match");
  for (const char* bad :
       {"", ".", "abc", "abc.def", "x.0000000000000000000000000000000000000000000000000000000000000000"})
    CHECK_FALSE(ok(check_install_state(key(), bad, kNow)));
}

TEST_CASE("slack oauth: the authorize URL", "[unit][slack][install]") {
  CHECK(authorize_url(kAuthorizeUrl, "123.456", "commands,chat:write", "https://h.example.org/slack/oauth_redirect",
                      "s.t") ==
        "https://slack.com/oauth/v2/authorize?client_id=123.456&scope=commands%2Cchat%3Awrite&redirect_uri=https%3A%2F%"
        "2Fh.example.org%2Fslack%2Foauth_redirect&state=s.t");
}

TEST_CASE("slack oauth: oauth.v2.access's answer", "[unit][slack][install]") {
  auto i = parse_oauth_access(kAccess);
  REQUIRE(ok(i));
  CHECK(i->team_id == "T9TK3CUKW");
  CHECK(i->team_name == "Slack Softball Team");
  CHECK(i->enterprise_id == "E12345678");
  CHECK(i->bot_user_id == "U0KRQLJ9H");
  CHECK(i->bot_token.starts_with("xoxb-"));
  CHECK(i->installer == "U1234");
  CHECK(i->scopes == "commands,incoming-webhook");
  CHECK(parse_oauth_access(R"({"ok":false,"error":"invalid_code"})").error().message == "invalid_code");
  CHECK_FALSE(ok(parse_oauth_access(R"({"ok":true,"token_type":"user","access_token":"xoxp-1"})")));
  CHECK_FALSE(ok(parse_oauth_access(R"({"ok":true,"token_type":"bot","access_token":"xoxb-1","bot_user_id":"U1"})")));
  CHECK_FALSE(ok(parse_oauth_access("not json")));
}

TEST_CASE("slack oauth: uninstall events", "[unit][slack][install]") {
  auto gone = uninstall_event(
      R"({"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_uninstalled"}})");
  REQUIRE(gone);
  CHECK(gone->team_id == "T1");
  CHECK(gone->app_uninstalled);
  auto revoked = uninstall_event(
      R"({"type":"event_callback","team_id":"T1","event":{"type":"tokens_revoked","tokens":{"oauth":["U2"],"bot":["UB1"]}}})");
  REQUIRE(revoked);
  CHECK_FALSE(revoked->app_uninstalled);
  CHECK(revoked->revoked_bot_users == std::vector<std::string>{"UB1"});
  CHECK_FALSE(ok(uninstall_event(R"({"type":"event_callback","team_id":"T1","event":{"type":"message"}})")));
  CHECK_FALSE(ok(uninstall_event(R"({"type":"event_callback","event":{"type":"app_uninstalled"}})")));
}

TEST_CASE("slack install store: the token is sealed for its team and key", "[unit][slack][install]") {
  const std::string sealed = seal_token(key(), "T1", "xoxb-secret-token");
  CHECK(sealed.starts_with("v1:"));
  CHECK(sealed.find("xoxb") == std::string::npos);
  CHECK(seal_token(key(), "T1", "xoxb-secret-token") != sealed);  // a fresh IV each time
  CHECK(open_token(key(), "T1", sealed).value() == "xoxb-secret-token");
  CHECK_FALSE(ok(open_token(key(2), "T1", sealed)));
  CHECK_FALSE(ok(open_token(key(), "T2", sealed)));  // moved to another team's record
  std::string changed = sealed;
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  CHECK_FALSE(ok(open_token(key(), "T1", changed)));
  for (const char* bad : {"", "v1:", "v1:AAAA", "v2:abc", "v1:!!!!"}) CHECK_FALSE(ok(open_token(key(), "T1", bad)));

  Installation i{.team_id = "T1", .bot_user_id = "UB1", .bot_token = "xoxb-secret-token", .installer = "U9"};
  const std::string record = installation_record(key(), i);
  CHECK(record.find("xoxb-secret-token") == std::string::npos);
  auto back = read_installation_record(key(), record);
  REQUIRE(ok(back));
  CHECK(back->bot_token == "xoxb-secret-token");
  CHECK(back->installer == "U9");
}

namespace {

// An adapter state over a map, as the store keeps it (claim only where nothing is; list by prefix).
adapters::AdapterState state_over(std::map<std::string, std::string>& values) {
  return {.load = [&values](const std::string& k) -> std::optional<std::string> {
            auto it = values.find(k);
            if (it == values.end()) return std::nullopt;
            return it->second;
          },
          .save = [&values](const std::string& k, const std::string& v) { values[k] = v; },
          .claim = [&values](const std::string& k, const std::string& v) { return values.try_emplace(k, v).second; },
          .list =
              [&values](const std::string& prefix) {
                std::vector<std::pair<std::string, std::string>> out;
                for (const auto& [k, v] : values)
                  if (k.starts_with(prefix) && !v.empty()) out.emplace_back(k, v);
                return out;
              },
          .remove = [&values](const std::string& k) { values.erase(k); }};
}

}  // namespace

TEST_CASE("slack install store: installations, states and places through the adapter state", "[unit][slack][install]") {
  std::map<std::string, std::string> values;
  SlackInstallStore store(state_over(values), key());
  store.put({.team_id = "T1", .bot_user_id = "UB1", .bot_token = "xoxb-one"});
  store.put({.team_id = "T2", .bot_user_id = "UB2", .bot_token = "xoxb-two"});
  std::vector<std::string> problems;
  CHECK(store.load_all(problems).size() == 2);
  CHECK(problems.empty());
  // A second worker's store over the same values sees both: there is no index to overwrite.
  SlackInstallStore second_worker(state_over(values), key());
  second_worker.put({.team_id = "T3", .bot_user_id = "UB3", .bot_token = "xoxb-three"});
  CHECK(store.load_all(problems).size() == 3);
  CHECK(store.remove("T1"));
  CHECK_FALSE(store.remove("T1"));
  CHECK(second_worker.remove("T3"));
  CHECK(store.load_all(problems).size() == 1);
  CHECK_FALSE(values.contains("slack.installation.T1"));  // removed, not left behind as ""

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const auto minutes = [&](int m) { return now + std::chrono::minutes(m); };
  CHECK(store.take_state("abc", minutes(10), now));
  CHECK_FALSE(store.take_state("abc", minutes(10), now));
  CHECK_FALSE(second_worker.take_state("abc", minutes(10), now));
  // Once its expiry has passed, a used state is forgotten by the next state taken (a link that
  // old is refused before it is looked up), so used states do not pile up.
  values["slack.oauth_state.legacy"] = "used";
  CHECK(store.take_state("def", minutes(25), minutes(11)));
  CHECK_FALSE(values.contains("slack.oauth_state.abc"));
  CHECK_FALSE(values.contains("slack.oauth_state.legacy"));
  CHECK(values.contains("slack.oauth_state.def"));

  store.set_team_of("C1", "T2");
  CHECK(store.team_of("C1") == "T2");
  for (const auto& [k, v] : values) CHECK(v.find("xoxb-") == std::string::npos);
  // Another key: the record is named as a problem, never loaded.
  SlackInstallStore other(state_over(values), key(9));
  CHECK(other.load_all(problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].starts_with("T2: "));
}

TEST_CASE("slack oauth: the install secret, the team list, the page language", "[unit][slack][install]") {
  CHECK(ok(parse_install_key(std::string(64, 'a'))));
  CHECK(ok(parse_install_key("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n")));
  for (const char* bad : {"", "abc", "zz", "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8"})
    CHECK_FALSE(ok(parse_install_key(bad)));
  CHECK(parse_team_list("T01, T02;E03\tT04").value() == std::set<std::string>{"T01", "T02", "E03", "T04"});
  CHECK_FALSE(ok(parse_team_list("T01, slack.com")));
  const std::vector<std::string> both{"en", "es"};
  CHECK(page_language("es-MX,es;q=0.9,en;q=0.8", both) == "es");
  CHECK(page_language("fr-FR, es;q=0.5, en;q=0.7", both) == "en");
  CHECK(page_language("fr", both) == "en");
  CHECK(page_language("", both) == "en");
  CHECK(page_language("es;q=0", both) == "en");
  CHECK(escape_html_text("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
}
