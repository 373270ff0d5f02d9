// Slack's HTTP mode with an installation per workspace (docs/slack-install.md): the Slack adapter
// with the real bot core and a SQLite file, its Request URLs and install pages on 127.0.0.1, the
// fake Slack's Web API and oauth.v2.access. The test is the browser (GET /slack/install, then
// back from Slack to /slack/oauth_redirect) and Slack (signed posts to the Request URLs).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>

#include "adapters/common/http_client.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/slack_signing.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using adapters::slack::SlackAdapter;
using adapters::slack::SlackOptions;
using nlohmann::json;
using test_support::FakeSlackServer;

constexpr auto kSigningSecret = "8f7e6d5c4b3a29181716151413121110";
constexpr auto kClientId = "1234567890.987654321";
constexpr auto kClientSecret = "client-secret-for-tests";
constexpr auto kInstallSecret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr auto kRedirect = "https://hallpass.example.org/slack/oauth_redirect";
constexpr auto kContact = "it-help@county.example.org";
constexpr auto kLincoln = "T0LINCOLN";
constexpr auto kLincolnToken = "xoxb-lincoln-workspace-token";
constexpr auto kRoosevelt = "T0ROOSEVELT";
constexpr auto kRooseveltToken = "xoxb-roosevelt-workspace-token";
constexpr auto kStranger = "T0STRANGER";
constexpr auto kStrangerToken = "xoxb-stranger-workspace-token";
constexpr auto kTeacher = "U0TEACHER";  // matched to the directory by e-mail (users.info)

// The clock the adapter checks states and signatures against; tests move it forward.
struct TestClock {
  std::chrono::seconds ahead{0};
  std::chrono::system_clock::time_point now() const { return std::chrono::system_clock::now() + ahead; }
};

SlackOptions install_options(const FakeSlackServer& server, TestClock& clock) {
  SlackOptions o;
  o.socket_mode = false;
  o.api.base_url = server.api_base_url();
  o.api.posts_per_second = 50;
  o.http.signing_secret = kSigningSecret;
  o.http.port = 0;
  o.http.clock = [&clock] { return clock.now(); };
  o.install.client_id = kClientId;
  o.install.client_secret = kClientSecret;
  o.install.redirect_url = kRedirect;
  o.install.allowed_teams = {kLincoln, kRoosevelt};
  o.install.contact = kContact;
  o.install.key = adapters::slack::parse_install_key(kInstallSecret).value();
  return o;
}

// One run of Hallpass over the database file: the bot core and the Slack adapter, whose state
// (the installations) the store keeps, as the app's registry wires it.
struct Process {
  Process(const std::string& db, SlackOptions options) : process({.db = db}), io(&process.io()) {
    bot::Store* store = &process.store();
    options.state = app::state_in(*store);
    options.prompts = &process.district().prompts;
    adapter = std::make_unique<SlackAdapter>(io->get_executor(), std::move(options));
    adapter->listen();
    process.add_adapter(*adapter);
    process.start();
  }
  ~Process() { adapter->stop(); }

  test_support::Process process;
  asio::io_context* io;
  std::unique_ptr<SlackAdapter> adapter;
};

struct World {
  World() { server.add_user(kTeacher, "tgarcia@sierravista.example.org"); }
  ~World() { server.stop(); }

  void run_until(Process& p, const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (auto failure = p.process.failure()) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
      io.poll();
      p.io->run_one_for(std::chrono::milliseconds(1));
      io.poll();
    }
  }

  Response send(Process& p, Request r) {
    HttpClient client(io.get_executor(), p.adapter->url());
    std::optional<Response> response;
    asio::co_spawn(io, client.request(std::move(r)), [&](std::exception_ptr e, Response res) {
      if (e) std::rethrow_exception(e);
      response = std::move(res);
    });
    run_until(
        p, [&] { return response.has_value(); }, "the adapter answered");
    return *response;
  }

  // A delivery through the adapter, as the outbox dispatcher makes it.
  bot::SendResult send(Process& p, bot::Delivery d) {
    std::optional<bot::SendResult> sent;
    asio::co_spawn(*p.io, p.adapter->send(std::move(d)), [&](std::exception_ptr e, bot::SendResult r) {
      if (e) std::rethrow_exception(e);
      sent = std::move(r);
    });
    run_until(
        p, [&] { return sent.has_value(); }, "the delivery was sent or failed");
    return *sent;
  }

  Response get(Process& p, const std::string& target, const std::string& language = "en-US,en;q=0.9") {
    Request r;
    r.method = "GET";
    r.target = target;
    r.headers["Accept-Language"] = language;
    return send(p, std::move(r));
  }

  // GET /slack/install: Slack's authorize URL, whose state the browser brings back.
  std::string start_install(Process& p) {
    Response r = get(p, "/slack/install");
    REQUIRE(r.status == 302);
    const std::string location = r.headers["location"];
    REQUIRE(location.starts_with("https://slack.com/oauth/v2/authorize?"));
    CHECK(location.find("client_id=1234567890.987654321") != std::string::npos);
    CHECK(location.find("redirect_uri=https%3A%2F%2Fhallpass.example.org%2Fslack%2Foauth_redirect") !=
          std::string::npos);
    CHECK(location.find("scope=commands%2Cchat%3Awrite") != std::string::npos);
    const auto at = location.find("state=");
    REQUIRE(at != std::string::npos);
    return location.substr(at + 6, location.find('&', at) - at - 6);
  }

  // A person in team presses Allow: Slack sends the browser back with a code.
  Response install(Process& p, const std::string& team, const std::string& name, const std::string& token,
                   const std::string& language = "en-US,en;q=0.9") {
    const std::string state = start_install(p);
    const std::string code = "code-" + team;
    server.authorize(code, team, name, token);
    return get(p, "/slack/oauth_redirect?code=" + code + "&state=" + state, language);
  }

  Request signed_post(const std::string& target, const std::string& body, const std::string& type) {
    Request r;
    r.method = "POST";
    r.target = target;
    r.content_type = type;
    r.body = body;
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    r.headers["X-Slack-Request-Timestamp"] = ts;
    r.headers["X-Slack-Signature"] = test_support::slack_signature(kSigningSecret, ts, r.body);
    return r;
  }

  Response slash_command(Process& p, const std::string& team, const std::string& channel, const std::string& text) {
    static int n = 0;
    const std::string body = test_support::form_encode({{"team_id", team},
                                                        {"team_domain", "district"},
                                                        {"channel_id", channel},
                                                        {"channel_name", "lounge"},
                                                        {"user_id", kTeacher},
                                                        {"user_name", "t.garcia"},
                                                        {"command", "/socialmedia"},
                                                        {"text", text},
                                                        {"api_app_id", "A0FAKE"},
                                                        {"response_url", "https://hooks.slack.com/commands/1/2/3"},
                                                        {"trigger_id", "1234.5678." + std::to_string(++n)}});
    return send(p, signed_post("/slack/commands", body, "application/x-www-form-urlencoded"));
  }

  Response event(Process& p, const std::string& team, json inner) {
    static int n = 0;
    json body{{"token", "unused"},         {"team_id", team},          {"api_app_id", "A0FAKE"},
              {"event", std::move(inner)}, {"type", "event_callback"}, {"event_id", "EvINSTALL" + std::to_string(++n)},
              {"event_time", 1795000000}};
    return send(p, signed_post("/slack/events", body.dump(), "application/json"));
  }

  // The token each answer in channel went with (chat.postEphemeral, the reply to a command).
  std::vector<std::string> reply_tokens(const std::string& channel) const {
    std::vector<std::string> tokens;
    for (const auto& c : server.calls("chat.postEphemeral"))
      if (c.body.value("channel", "") == channel) tokens.push_back(c.token);
    return tokens;
  }

  // Every byte of the database (and its write-ahead log) as text.
  static std::string database_bytes(const std::string& db) {
    std::string all;
    for (const std::string& f : {db, db + "-wal"}) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      all += bytes.str();
    }
    return all;
  }

  asio::io_context io;
  FakeSlackServer server{io, "xoxb-not-used-in-install-mode", "xapp-unused"};
  test_support::TempDir dir{"slack-install"};
  std::string db = dir.file("hallpass.db");
  TestClock clock;
};

}  // namespace

TEST_CASE("a workspace installs Hallpass and its slash commands are answered with its own token",
          "[net][slack][install]") {
  World w;
  w.server.set_oauth_client(kClientId, kClientSecret);
  {
    Process p(w.db, install_options(w.server, w.clock));
    Response page = w.install(p, kLincoln, "Lincoln <Staff>", kLincolnToken);
    CHECK(page.status == 200);
    CHECK(page.headers["content-type"].starts_with("text/html"));
    CHECK(page.body.find("Hallpass is now installed in Lincoln &lt;Staff&gt;.") != std::string::npos);
    CHECK(page.body.find(kLincolnToken) == std::string::npos);
    // The code went to oauth.v2.access with the client's credentials (HTTP Basic) and the redirect URL.
    REQUIRE(w.server.calls("oauth.v2.access").size() == 1);
    CHECK(w.server.calls("oauth.v2.access")[0].body.value("redirect_uri", "") == kRedirect);
    CHECK(p.adapter->installed_teams() == std::vector<std::string>{kLincoln});

    CHECK(w.slash_command(p, kLincoln, "C0LINCOLNLOUNGE", "help").status == 200);
    w.run_until(
        p, [&] { return !w.server.messages("C0LINCOLNLOUNGE").empty(); }, "the help answer in Lincoln");
    CHECK(w.reply_tokens("C0LINCOLNLOUNGE") == std::vector<std::string>{kLincolnToken});
    // The teacher's e-mail was read in their own workspace too.
    REQUIRE(!w.server.calls("users.info").empty());
    CHECK(w.server.calls("users.info").back().token == kLincolnToken);

    SECTION("a second workspace is answered with its own token, the first still with its own") {
      CHECK(w.install(p, kRoosevelt, "Roosevelt", kRooseveltToken).status == 200);
      CHECK(w.slash_command(p, kRoosevelt, "C0ROOSEVELTLOUNGE", "help").status == 200);
      w.run_until(
          p, [&] { return !w.server.messages("C0ROOSEVELTLOUNGE").empty(); }, "the answer in Roosevelt");
      CHECK(w.slash_command(p, kLincoln, "C0LINCOLNLOUNGE", "help").status == 200);
      w.run_until(
          p, [&] { return w.server.messages("C0LINCOLNLOUNGE").size() == 2; }, "the second Lincoln answer");
      CHECK(w.reply_tokens("C0ROOSEVELTLOUNGE") == std::vector<std::string>{kRooseveltToken});
      CHECK(w.reply_tokens("C0LINCOLNLOUNGE") == std::vector<std::string>{kLincolnToken, kLincolnToken});
    }

    SECTION("a channel nobody wrote in yet is found by asking each workspace, then remembered") {
      CHECK(w.install(p, kRoosevelt, "Roosevelt", kRooseveltToken).status == 200);
      w.server.add_channel("C0ROOSEVELTAPPROVALS", kRoosevelt);
      bot::Delivery d;
      d.channel = "C0ROOSEVELTAPPROVALS";
      d.message.fallback = "A request waits for your decision.";
      CHECK(w.send(p, d).ok());
      const auto posts = w.server.calls("chat.postMessage");
      REQUIRE(posts.size() == 1);
      CHECK(posts[0].token == kRooseveltToken);
      const auto asked = w.server.calls("conversations.info").size();
      CHECK(w.send(p, d).ok());
      CHECK(w.server.calls("conversations.info").size() == asked);  // remembered
      CHECK(w.server.calls("chat.postMessage").back().token == kRooseveltToken);
      d.channel = "C0NOWHERE";
      bot::SendResult nowhere = w.send(p, d);
      CHECK(nowhere.error == bot::SendErrorKind::not_found);
      CHECK(nowhere.error_text == "no installed Slack workspace has C0NOWHERE (asked each of the 2 installed)");
    }

    SECTION("uninstalling removes it, and a message to that workspace then fails saying so") {
      CHECK(w.event(p, kLincoln, {{"type", "app_uninstalled"}}).status == 200);
      CHECK(p.adapter->installed_teams().empty());
      bot::Delivery d;
      d.channel = "C0LINCOLNLOUNGE";
      d.message.fallback = "hello";
      bot::SendResult sent = w.send(p, d);
      CHECK(sent.error == bot::SendErrorKind::auth);
      CHECK(sent.error_text.find("Slack workspace T0LINCOLN has no installation") != std::string::npos);
      // A command from there is not answered with any token.
      const auto calls_before = w.server.calls().size();
      CHECK(w.slash_command(p, kLincoln, "C0LINCOLNLOUNGE", "help").status == 200);
      CHECK(w.server.calls().size() == calls_before);
    }

    SECTION("tokens_revoked naming the bot user removes it; naming only a person's token does not") {
      CHECK(w.event(p, kLincoln, {{"type", "tokens_revoked"}, {"tokens", {{"oauth", {"U0SOMEONE"}}}}}).status == 200);
      CHECK(p.adapter->installed_teams() == std::vector<std::string>{kLincoln});
      CHECK(w.event(p, kLincoln,
                    {{"type", "tokens_revoked"}, {"tokens", {{"bot", {FakeSlackServer::bot_user_of(kLincoln)}}}}})
                .status == 200);
      CHECK(p.adapter->installed_teams().empty());
    }
  }
}

TEST_CASE("installations survive a restart, and the database never holds a token in clear", "[net][slack][install]") {
  World w;
  w.server.set_oauth_client(kClientId, kClientSecret);
  {
    Process p(w.db, install_options(w.server, w.clock));
    CHECK(w.install(p, kLincoln, "Lincoln", kLincolnToken).status == 200);
    CHECK(w.install(p, kRoosevelt, "Roosevelt", kRooseveltToken).status == 200);
  }
  {
    Process p(w.db, install_options(w.server, w.clock));
    CHECK(p.adapter->installed_teams() == std::vector<std::string>{kLincoln, kRoosevelt});
    CHECK(w.slash_command(p, kRoosevelt, "C0ROOSEVELTLOUNGE", "help").status == 200);
    w.run_until(
        p, [&] { return !w.server.messages("C0ROOSEVELTLOUNGE").empty(); }, "the answer after the restart");
    CHECK(w.reply_tokens("C0ROOSEVELTLOUNGE") == std::vector<std::string>{kRooseveltToken});
    const std::string bytes = World::database_bytes(w.db);
    CHECK(bytes.find("slack.installation.T0ROOSEVELT") != std::string::npos);
    CHECK(bytes.find(kLincolnToken) == std::string::npos);
    CHECK(bytes.find(kRooseveltToken) == std::string::npos);
    CHECK(bytes.find("workspace-token") == std::string::npos);
  }
  SECTION("another install secret cannot open them: none is loaded, and none is answered") {
    SlackOptions other = install_options(w.server, w.clock);
    other.install.key[0] ^= 1;
    Process p(w.db, std::move(other));
    CHECK(p.adapter->installed_teams().empty());
  }
}

TEST_CASE("refused installs record nothing and say why, in the browser's language", "[net][slack][install]") {
  World w;
  w.server.set_oauth_client(kClientId, kClientSecret);
  Process p(w.db, install_options(w.server, w.clock));

  SECTION("a workspace the config does not list: refused, whom to ask, and its token given back") {
    Response page = w.install(p, kStranger, "Stranger Things", kStrangerToken);
    CHECK(page.status == 403);
    CHECK(page.body.find("Hallpass was not installed in Stranger Things (T0STRANGER)") != std::string::npos);
    CHECK(page.body.find("Ask it-help@county.example.org to add T0STRANGER") != std::string::npos);
    CHECK(p.adapter->installed_teams().empty());
    w.run_until(
        p, [&] { return !w.server.calls("auth.revoke").empty(); }, "the refused token was given back");
    CHECK(w.server.calls("auth.revoke")[0].token == kStrangerToken);
  }
  SECTION("in Spanish for a browser that prefers it") {
    Response page = w.install(p, kStranger, "Stranger", kStrangerToken, "es-MX,es;q=0.9,en;q=0.5");
    CHECK(page.status == 403);
    CHECK(page.body.find("<html lang=\"es\">") != std::string::npos);
    CHECK(page.body.find("Hallpass no se instaló en Stranger (T0STRANGER)") != std::string::npos);
  }
  SECTION("a state Hallpass did not sign") {
    std::string state = w.start_install(p);
    state[state.size() - 1] = state.back() == '0' ? '1' : '0';
    w.server.authorize("code-x", kLincoln, "Lincoln", kLincolnToken);
    Response page = w.get(p, "/slack/oauth_redirect?code=code-x&state=" + state);
    CHECK(page.status == 400);
    CHECK(page.body.find("this address is not one Hallpass made") != std::string::npos);
    CHECK(w.server.calls("oauth.v2.access").empty());
  }
  SECTION("a state used before") {
    const std::string state = w.start_install(p);
    w.server.authorize("code-1", kLincoln, "Lincoln", kLincolnToken);
    CHECK(w.get(p, "/slack/oauth_redirect?code=code-1&state=" + state).status == 200);
    w.server.authorize("code-2", kRoosevelt, "Roosevelt", kRooseveltToken);
    Response again = w.get(p, "/slack/oauth_redirect?code=code-2&state=" + state);
    CHECK(again.status == 400);
    CHECK(again.body.find("This install link was already used") != std::string::npos);
    CHECK(p.adapter->installed_teams() == std::vector<std::string>{kLincoln});
  }
  SECTION("a state past its ten minutes") {
    const std::string state = w.start_install(p);
    w.clock.ahead = std::chrono::minutes(11);
    w.server.authorize("code-late", kLincoln, "Lincoln", kLincolnToken);
    Response page = w.get(p, "/slack/oauth_redirect?code=code-late&state=" + state);
    CHECK(page.status == 400);
    CHECK(page.body.find("This install link has expired") != std::string::npos);
    CHECK(p.adapter->installed_teams().empty());
  }
  SECTION("the person pressed Cancel in Slack") {
    const std::string state = w.start_install(p);
    Response page = w.get(p, "/slack/oauth_redirect?error=access_denied&state=" + state);
    CHECK(page.status == 200);
    CHECK(page.body.find("the install was cancelled in Slack") != std::string::npos);
    CHECK(w.server.calls("oauth.v2.access").empty());
    CHECK(p.adapter->installed_teams().empty());
  }
  SECTION("oauth.v2.access refuses the code") {
    const std::string state = w.start_install(p);
    Response page = w.get(p, "/slack/oauth_redirect?code=never-issued&state=" + state);
    CHECK(page.status == 502);
    CHECK(page.body.find("Slack did not finish the install (invalid_code)") != std::string::npos);
    CHECK(page.body.find("tell it-help@county.example.org") != std::string::npos);
    CHECK(p.adapter->installed_teams().empty());
  }
  SECTION("a redirect without a state, or with junk") {
    CHECK(w.get(p, "/slack/oauth_redirect?code=abc").status == 400);
    CHECK(w.get(p, "/slack/oauth_redirect?code=a%ZZ&state=x").status == 400);
    CHECK(w.get(p, "/slack/oauth_redirect").status == 400);
    CHECK(w.server.calls("oauth.v2.access").empty());
  }
  SECTION("a command from a workspace that never installed Hallpass is not answered") {
    CHECK(w.slash_command(p, kRoosevelt, "C0ROOSEVELTLOUNGE", "help").status == 200);
    CHECK(w.server.calls("chat.postEphemeral").empty());
  }
}
