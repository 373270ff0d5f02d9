// Slack's HTTP mode against real sockets on 127.0.0.1 (port 0): the test plays Slack with the
// HTTP client, signing each request with the real HMAC, and the receiver hands what passes to the
// real bot core (payload_to_inbound + the Bot of a test Process over the sample district and a SQLite file).
#include "adapters/slack/slack_http_receiver.hpp"

#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "app/adapter_registry.hpp"
#include "bot/core/bot.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/slack_signing.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;
using adapters::slack::AckReply;
using adapters::slack::EnvelopeHandler;
using adapters::slack::EnvelopeType;
using adapters::slack::SlackHttpOptions;
using adapters::slack::SlackHttpReceiver;
using nlohmann::json;
using Clock = std::chrono::system_clock;

constexpr auto kSecret = "8f742231b10e8888abcd99yyyzzz85a5";

// Slack user ids: "U" + the person id in capitals without the dot (t.garcia → UTGARCIA).
std::string slack_id(std::string person) {
  std::erase(person, '.');
  for (auto& c : person) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "U" + person;
}

bot::District slack_district() {
  auto d = app::load_district(bot::sample_config_path(), std::cerr);
  if (!d) throw std::runtime_error("the sample district does not load");
  for (auto& p : d->config.people) p.handles["slack"] = slack_id(p.id);
  for (auto& s : d->config.sites) s.approvals.addresses["slack"] = "C" + slack_id(s.id).substr(1);
  d->config.superintendent_place.addresses["slack"] = "CSUPER";
  return std::move(*d);
}

const bot::District& district() {
  static const bot::District d = slack_district();
  return d;
}

using test_support::form_encode;

// What Slack computes: v0=hex(HMAC-SHA256(secret, "v0:<timestamp>:<body>")).
std::string sign(const std::string& secret, const std::string& timestamp, const std::string& body) {
  return test_support::slack_signature(secret, timestamp, body);
}

std::string unix_seconds(Clock::time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

// A slash command's form body, as Slack posts it to the commands Request URL.
std::string slash_command_body(const std::string& person, const std::string& text, const std::string& trigger) {
  return form_encode({{"token", "deprecated-verification-token"},
                      {"team_id", "T0HALLPASS"},
                      {"team_domain", "sierravista"},
                      {"channel_id", "D" + slack_id(person).substr(1)},
                      {"channel_name", "directmessage"},
                      {"user_id", slack_id(person)},
                      {"user_name", person},
                      {"command", "/socialmedia"},
                      {"text", text},
                      {"api_app_id", "A05HALLPASS"},
                      {"is_enterprise_install", "false"},
                      {"response_url", "https://hooks.slack.com/commands/T0HALLPASS/1/abc"},
                      {"trigger_id", trigger}});
}

std::string dm_event_body(const std::string& person, const std::string& text, const std::string& event_id) {
  const std::string dm = "D" + slack_id(person).substr(1);
  return json{
      {"token", "deprecated-verification-token"},
      {"team_id", "T0HALLPASS"},
      {"api_app_id", "A05HALLPASS"},
      {"type", "event_callback"},
      {"event_id", event_id},
      {"event_time", 1700000300},
      {"event",
       {{"type", "message"},
        {"text", text},
        {"user", slack_id(person)},
        {"ts", "1700000300.000300"},
        {"channel", dm},
        {"channel_type", "im"}}},
      {"authorizations", json::array({{{"team_id", "T0HALLPASS"}, {"user_id", "UHALLPASSBOT"}, {"is_bot", true}}})}}
      .dump();
}

// The core's side of the seam, as the Slack adapter does it: payload → Inbound → Bot::handle.
// A named coroutine taking pointers by value (GCC 12 and coroutine lambdas with captures).
asio::awaitable<AckReply> deliver_to_core(bot::Bot* core, const bot::Clock* clock, int* calls, EnvelopeType type,
                                          std::string payload, std::string envelope_id) {
  ++*calls;
  auto inbound = adapters::slack::payload_to_inbound(type, payload, envelope_id, clock->now());
  if (!inbound || !*inbound) co_return AckReply{};  // malformed or nothing for the bot: ack, no retry
  const bot::HandleResult result = core->handle(**inbound);
  co_return AckReply{result.accepted, ""};
}

// What the store holds, to show that a refused request changed nothing.
struct Snapshot {
  std::size_t outbox = 0;
  std::int64_t audit_rows = 0;
  std::size_t requests = 0;
  bool draft = false;
  bool operator==(const Snapshot&) const = default;
};

struct World {
  explicit World(SlackHttpOptions options = {}, EnvelopeHandler handler = {}) {
    options.listen_address = "127.0.0.1";
    options.port = 0;
    if (options.signing_secret.empty()) options.signing_secret = kSecret;
    options.clock = [this] { return slack_now; };
    if (!handler) {
      handler = [core = &core, clock = &clock, calls = &handler_calls](EnvelopeType t, std::string p, std::string e) {
        return deliver_to_core(core, clock, calls, t, std::move(p), std::move(e));
      };
    }
    receiver = std::make_unique<SlackHttpReceiver>(io.get_executor(), std::move(options), std::move(handler));
    receiver->listen();
    asio::co_spawn(io, receiver->run(), [this](std::exception_ptr e) { failure = e; });
  }

  ~World() {
    receiver->stop();
    io.run_for(std::chrono::seconds(2));
  }

  void run_until(const std::function<bool()>& done, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (failure) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting for " << what);
      io.run_one_for(std::chrono::milliseconds(5));
    }
  }

  Response send(HttpClient& client, Request request) {
    std::optional<Response> out;
    asio::co_spawn(io, client.request(std::move(request)), [&out](std::exception_ptr e, Response r) {
      if (e) std::rethrow_exception(e);
      out = std::move(r);
    });
    run_until([&] { return out.has_value(); }, "the response");
    return std::move(*out);
  }

  // A POST signed as Slack signs it, with the timestamp `at` (default: now).
  Request signed_post(const std::string& target, std::string body, const std::string& content_type,
                      std::optional<Clock::time_point> at = std::nullopt) const {
    Request r;
    r.method = "POST";
    r.target = target;
    r.content_type = content_type;
    const std::string ts = unix_seconds(at.value_or(slack_now));
    r.headers["X-Slack-Request-Timestamp"] = ts;
    r.headers["X-Slack-Signature"] = sign(kSecret, ts, body);
    r.body = std::move(body);
    return r;
  }

  Request command(const std::string& person, const std::string& text, const std::string& trigger) const {
    return signed_post("/slack/commands", slash_command_body(person, text, trigger),
                       "application/x-www-form-urlencoded");
  }

  Snapshot snapshot() {
    return {store->outbox_entries().size(), store->verify_audit().rows, store->requests_of("t.garcia").size(),
            store->draft("t.garcia").has_value()};
  }

  // Files a request for t.garcia directly through the core, as earlier Slack events would have.
  std::string file_request() {
    int n = 0;
    auto ev = [&](bot::InboundKind kind) {
      bot::Inbound in;
      in.platform = "slack";
      in.event_id = "setup-" + std::to_string(++n);
      in.actor = slack_id("t.garcia");
      in.kind = kind;
      in.place = {.workspace = "T0HALLPASS", .channel = "DTGARCIA", .direct = true};
      in.time = clock.now();
      return in;
    };
    auto in = ev(bot::InboundKind::command);
    in.text = "request";
    core.handle(in);
    in = ev(bot::InboundKind::form_submission);
    in.form_id = "request.platforms";
    in.values = {{"platforms", "instagram,youtube"}, {"audience", "parents,students"}, {"students_interact", "no"}};
    core.handle(in);
    in = ev(bot::InboundKind::form_submission);
    in.form_id = "request.objectives";
    in.values = {{"objectives.instagram", "Share weekly class projects with families"},
                 {"objectives.youtube", "Post the winter concert recordings"}};
    core.handle(in);
    in = ev(bot::InboundKind::action);
    in.action_id = "confirm";
    core.handle(in);
    auto mine = store->requests_of("t.garcia");
    if (mine.empty()) throw std::runtime_error("filing a request failed");
    return mine.back().id;
  }

  asio::io_context io;
  // Hallpass as a test Process (never started: the receiver hands events to its bot directly),
  // over a SQLite file of its own, removed with it.
  test_support::Process process{{.manual_start = test_support::la_time(2026, 11, 24, 10), .district = &district()}};
  bot::Store* store = &process.store();
  bot::ManualClock& clock = process.manual_clock();
  bot::Bot& core = process.bot();
  Clock::time_point slack_now = clock.now();  // the receiver's clock
  int handler_calls = 0;
  std::unique_ptr<SlackHttpReceiver> receiver;
  std::exception_ptr failure;
};

std::unique_ptr<HttpClient> client_for(World& w) {
  return std::make_unique<HttpClient>(w.io.get_executor(), w.receiver->url());
}

}  // namespace

TEST_CASE("slack http: a signed /socialmedia command reaches the core, which answers with the form", "[net][slack]") {
  World w;
  auto client = client_for(w);
  const Snapshot before = w.snapshot();

  Response r = w.send(*client, w.command("t.garcia", "request", "1234.5678.trigger"));
  CHECK(r.status == 200);
  CHECK(w.handler_calls == 1);
  CHECK(w.store->draft("t.garcia").has_value());
  auto outbox = w.store->outbox_entries();
  REQUIRE(outbox.size() > before.outbox);
  const bot::Outbound& form = outbox.back().outbound;
  REQUIRE(form.message.find_form() != nullptr);
  CHECK(form.message.find_form()->form_id == "request.platforms");
  // The trigger_id travels with the answer, so the adapter can open the form as a modal.
  CHECK(form.reply_context == "1234.5678.trigger");
}

TEST_CASE("slack http: a forged, stale, unsigned or tampered request is refused with 401 and changes nothing",
          "[net][slack]") {
  World w;
  auto client = client_for(w);
  const Snapshot before = w.snapshot();
  const std::string body = slash_command_body("t.garcia", "request", "1.2.trigger");
  const std::string now = unix_seconds(w.slack_now);

  SECTION("signed with another secret") {
    Request r = w.command("t.garcia", "request", "1.2.trigger");
    r.headers["X-Slack-Signature"] = sign("not-the-signing-secret", now, r.body);
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("a signature of the right form but wrong digits") {
    Request r = w.command("t.garcia", "request", "1.2.trigger");
    r.headers["X-Slack-Signature"] = "v0=" + std::string(64, '0');
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("correctly signed six minutes ago (a replay)") {
    Request r = w.signed_post("/slack/commands", body, "application/x-www-form-urlencoded",
                              w.slack_now - std::chrono::minutes(6));
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("correctly signed six minutes in the future") {
    Request r = w.signed_post("/slack/commands", body, "application/x-www-form-urlencoded",
                              w.slack_now + std::chrono::minutes(6));
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("no timestamp header") {
    Request r = w.command("t.garcia", "request", "1.2.trigger");
    r.headers.erase("X-Slack-Request-Timestamp");
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("no signature header") {
    Request r = w.command("t.garcia", "request", "1.2.trigger");
    r.headers.erase("X-Slack-Signature");
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("the body changed after signing") {
    Request r = w.command("t.garcia", "help", "1.2.trigger");
    r.body = body;  // "request" instead of the signed "help"
    CHECK(w.send(*client, r).status == 401);
  }
  SECTION("an event and an interaction are checked the same way") {
    Request e = w.signed_post("/slack/events", dm_event_body("t.garcia", "hello", "Ev1"), "application/json");
    e.headers["X-Slack-Signature"] = sign("not-the-signing-secret", now, e.body);
    CHECK(w.send(*client, e).status == 401);
    Request url = w.signed_post("/slack/events", R"({"type":"url_verification","challenge":"abc"})", "application/json",
                                w.slack_now - std::chrono::minutes(6));
    Response refused = w.send(*client, url);
    CHECK(refused.status == 401);
    CHECK(refused.body.find("abc") == std::string::npos);
    Request i = w.signed_post("/slack/interactivity", "payload=%7B%7D", "application/x-www-form-urlencoded");
    i.body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
    CHECK(w.send(*client, i).status == 401);
  }
  CHECK(w.handler_calls == 0);
  CHECK(w.snapshot() == before);

  // The connection and the server are still fine: a correct request afterwards is served.
  CHECK(w.send(*client, w.command("t.garcia", "request", "3.4.trigger")).status == 200);
  CHECK(w.store->draft("t.garcia").has_value());
}

TEST_CASE("slack http: url_verification is answered with its challenge", "[net][slack]") {
  World w;
  auto client = client_for(w);
  Response r = w.send(
      *client,
      w.signed_post(
          "/slack/events",
          R"({"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})",
          "application/json"));
  CHECK(r.status == 200);
  CHECK(r.headers["content-type"].starts_with("application/json"));
  CHECK(json::parse(r.body) == json{{"challenge", "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}});
  CHECK(w.handler_calls == 0);
}

TEST_CASE("slack http: a principal's Endorse button arrives through /slack/interactivity", "[net][slack]") {
  World w;
  auto client = client_for(w);
  const std::string id = w.file_request();
  const json payload = {
      {"type", "block_actions"},
      {"user", {{"id", slack_id("r.alvarez")}, {"username", "r.alvarez"}, {"team_id", "T0HALLPASS"}}},
      {"api_app_id", "A05HALLPASS"},
      {"token", "deprecated-verification-token"},
      {"container", {{"type", "message"}, {"message_ts", "1700000100.000200"}, {"channel_id", "CLINCOLN"}}},
      {"trigger_id", "6123456789013.1234567890.endorse"},
      {"team", {{"id", "T0HALLPASS"}, {"domain", "sierravista"}}},
      {"channel", {{"id", "CLINCOLN"}, {"name", "lincoln-approvals"}}},
      {"message", {{"type", "message"}, {"bot_id", "BHALLPASS"}, {"ts", "1700000100.000200"}, {"text", "Request"}}},
      {"response_url", "https://hooks.slack.com/actions/T0HALLPASS/1/xyz"},
      {"actions", json::array({{{"action_id", "endorse"},
                                {"block_id", "b0"},
                                {"value", id},
                                {"type", "button"},
                                {"action_ts", "1700000123.456789"}}})}};
  const std::string body = form_encode({{"payload", payload.dump()}});

  Response r = w.send(*client, w.signed_post("/slack/interactivity", body, "application/x-www-form-urlencoded"));
  CHECK(r.status == 200);
  auto audit = w.store->audit_of(id);
  auto endorsed =
      std::find_if(audit.begin(), audit.end(), [](const bot::AuditEntry& e) { return e.action == "endorsed"; });
  REQUIRE(endorsed != audit.end());
  CHECK(endorsed->actor == "r.alvarez");
}

TEST_CASE("slack http: an event delivered twice (Slack's retry) is handled once", "[net][slack]") {
  World w;
  auto client = client_for(w);
  const std::string body = dm_event_body("t.garcia", "can I post my class photos on Instagram?", "Ev0RETRIED1");
  const Snapshot before = w.snapshot();

  CHECK(w.send(*client, w.signed_post("/slack/events", body, "application/json")).status == 200);
  const Snapshot once = w.snapshot();
  CHECK(once.outbox > before.outbox);  // the answer to the question

  Request retry = w.signed_post("/slack/events", body, "application/json");
  retry.headers["X-Slack-Retry-Num"] = "1";
  retry.headers["X-Slack-Retry-Reason"] = "http_timeout";
  CHECK(w.send(*client, retry).status == 200);  // acknowledged, so Slack stops retrying
  CHECK(w.handler_calls == 2);
  CHECK(w.snapshot() == once);
}

TEST_CASE("slack http: a body over the limit is refused with 413 and changes nothing", "[net][slack]") {
  World w;  // the default limit, 1 MiB
  auto client = client_for(w);
  const Snapshot before = w.snapshot();
  const std::string padding(1024 * 1024, 'a');
  Request r =
      w.signed_post("/slack/commands", slash_command_body("t.garcia", "request", "5.6.trigger") + "&padding=" + padding,
                    "application/x-www-form-urlencoded");
  CHECK(w.send(*client, r).status == 413);
  CHECK(w.handler_calls == 0);
  CHECK(w.snapshot() == before);
  // A new connection is served as usual.
  CHECK(w.send(*client, w.command("t.garcia", "request", "7.8.trigger")).status == 200);
}

TEST_CASE("slack http: other paths are 404 and other methods 405", "[net][slack]") {
  World w;
  auto client = client_for(w);
  Request unknown = w.signed_post("/slack/other", "{}", "application/json");
  CHECK(w.send(*client, unknown).status == 404);
  Request get;
  get.target = "/slack/events";
  Response r = w.send(*client, get);
  CHECK(r.status == 405);
  CHECK(r.headers["allow"] == "POST");
  CHECK(w.handler_calls == 0);
}

namespace {

// A handler that answers as it is told, for the status codes the receiver derives from it.
struct ScriptedAnswer {
  AckReply reply;
  bool fail = false;  // throw instead of answering
  std::vector<std::pair<EnvelopeType, std::string>> seen;
};

asio::awaitable<AckReply> scripted(ScriptedAnswer* script, EnvelopeType type, std::string payload) {
  script->seen.emplace_back(type, std::move(payload));
  if (script->fail) throw std::runtime_error("the store is unavailable");
  co_return script->reply;
}

EnvelopeHandler scripted_handler(ScriptedAnswer* script) {
  return [script](EnvelopeType type, std::string payload, std::string) {
    return scripted(script, type, std::move(payload));
  };
}

}  // namespace

TEST_CASE("slack http: the handler's ack becomes the answer; not recorded is 503 so Slack retries", "[net][slack]") {
  ScriptedAnswer script;
  World w({}, scripted_handler(&script));
  auto client = client_for(w);

  SECTION("a slash command's form fields reach the handler as the Socket Mode payload object") {
    script.reply = AckReply{true, R"({"response_type":"ephemeral","text":"Working on it"})"};
    Response r = w.send(*client, w.command("t.garcia", "request Instagram & YouTube", "9.9.trigger"));
    CHECK(r.status == 200);
    CHECK(r.headers["content-type"].starts_with("application/json"));
    CHECK(json::parse(r.body) == json{{"response_type", "ephemeral"}, {"text", "Working on it"}});
    REQUIRE(script.seen.size() == 1);
    CHECK(script.seen[0].first == EnvelopeType::slash_commands);
    const json payload = json::parse(script.seen[0].second);
    CHECK(payload["command"] == "/socialmedia");
    CHECK(payload["text"] == "request Instagram & YouTube");
    CHECK(payload["user_id"] == "UTGARCIA");
    CHECK(payload["trigger_id"] == "9.9.trigger");
  }
  SECTION("a plain ack is an empty 200") {
    Response r =
        w.send(*client, w.signed_post("/slack/events", dm_event_body("t.garcia", "hi", "Ev2"), "application/json"));
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    REQUIRE(script.seen.size() == 1);
    CHECK(script.seen[0].first == EnvelopeType::events_api);
    CHECK(json::parse(script.seen[0].second)["event_id"] == "Ev2");
  }
  SECTION("not recorded") {
    script.reply = AckReply{false, ""};
    CHECK(w.send(*client, w.signed_post("/slack/events", dm_event_body("t.garcia", "hi", "Ev3"), "application/json"))
              .status == 503);
  }
  SECTION("a handler that throws is a 500, and the connection goes on") {
    script.fail = true;
    CHECK(w.send(*client, w.signed_post("/slack/events", dm_event_body("t.garcia", "hi", "Ev4"), "application/json"))
              .status == 500);
    script.fail = false;
    CHECK(w.send(*client, w.signed_post("/slack/events", dm_event_body("t.garcia", "hi", "Ev5"), "application/json"))
              .status == 200);
  }
  SECTION("Slack's certificate check of a new commands URL is answered without the handler") {
    CHECK(w.send(*client, w.signed_post("/slack/commands", "ssl_check=1&token=x", "application/x-www-form-urlencoded"))
              .status == 200);
    CHECK(script.seen.empty());
  }
  SECTION("a signed body that is not what the path takes is 400") {
    CHECK(w.send(*client, w.signed_post("/slack/events", "not json", "application/json")).status == 400);
    CHECK(w.send(*client, w.signed_post("/slack/interactivity", "nopayload=1", "application/x-www-form-urlencoded"))
              .status == 400);
    CHECK(script.seen.empty());
  }
}

TEST_CASE("slack http: many kept-alive connections are served at once", "[net][slack]") {
  ScriptedAnswer script;
  World w({}, scripted_handler(&script));
  constexpr int kClients = 40;
  constexpr int kEach = 3;
  std::vector<std::unique_ptr<HttpClient>> clients;
  std::vector<int> statuses;
  for (int c = 0; c < kClients; ++c) clients.push_back(client_for(w));
  // Every client sends its requests one after another on its own connection; the clients run
  // side by side.
  int done = 0;
  for (int c = 0; c < kClients; ++c) {
    for (int i = 0; i < kEach; ++i) {
      Request r = w.signed_post("/slack/events",
                                dm_event_body("t.garcia", "hi", "Ev-" + std::to_string(c) + "-" + std::to_string(i)),
                                "application/json");
      asio::co_spawn(w.io, clients[c]->request(std::move(r)), [&](std::exception_ptr e, Response res) {
        if (e) std::rethrow_exception(e);
        statuses.push_back(res.status);
        ++done;
      });
    }
  }
  w.run_until([&] { return done == kClients * kEach; }, "every response");
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == kClients * kEach);
  CHECK(script.seen.size() == static_cast<std::size_t>(kClients * kEach));
}

TEST_CASE("slack http: a connection that sends nothing, or stops halfway, is closed", "[net][slack]") {
  SlackHttpOptions options;
  options.idle_timeout = std::chrono::milliseconds(50);
  options.request_timeout = std::chrono::milliseconds(50);
  World w(options);
  const auto port = w.receiver->bound_port();

  auto closed_by_server = [&](const std::string& first_bytes) {
    asio::ip::tcp::socket socket(w.io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    if (!first_bytes.empty()) asio::write(socket, asio::buffer(first_bytes));
    bool closed = false;
    std::array<char, 256> buf;
    socket.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, std::size_t) { closed = bool(ec); });
    w.run_until([&] { return closed; }, "the server to close the connection");
    return closed;
  };
  CHECK(closed_by_server(""));
  CHECK(closed_by_server("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Len"));
  CHECK(w.handler_calls == 0);
}

namespace {

YAML::Node manifest(const std::string& name) {
  return YAML::LoadFile(std::string(HALLPASS_SOURCE_DIR) + "/deploy/slack/" + name);
}

std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.as<std::string>());
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("slack manifests: the command, events and scopes Hallpass needs; Socket Mode or HTTP", "[unit][slack]") {
  for (const char* name : {"manifest.yaml", "manifest-http.yaml"}) {
    INFO(name);
    const YAML::Node m = manifest(name);
    CHECK(m["features"]["slash_commands"][0]["command"].as<std::string>() == "/socialmedia");
    CHECK(m["features"]["app_home"]["messages_tab_enabled"].as<bool>());
    CHECK_FALSE(m["features"]["app_home"]["messages_tab_read_only_enabled"].as<bool>());
    CHECK(m["settings"]["interactivity"]["is_enabled"].as<bool>());
    CHECK_FALSE(m["settings"]["org_deploy_enabled"].as<bool>());
    const auto events = strings(m["settings"]["event_subscriptions"]["bot_events"]);
    const auto scopes = strings(m["oauth_config"]["scopes"]["bot"]);
    // Each event the protocol layer turns into an Inbound, with the scope Slack requires for it.
    const std::vector<std::pair<std::string, std::string>> needed = {{"app_mention", "app_mentions:read"},
                                                                     {"message.im", "im:history"},
                                                                     {"message.channels", "channels:history"},
                                                                     {"message.groups", "groups:history"}};
    for (const auto& [event, scope] : needed) {
      CHECK(has(events, event));
      CHECK(has(scopes, scope));
    }
    for (const char* scope : {"commands", "chat:write", "im:write", "users:read", "users:read.email"})
      CHECK(has(scopes, scope));
  }
  CHECK(manifest("manifest.yaml")["settings"]["socket_mode_enabled"].as<bool>());
  CHECK_FALSE(manifest("manifest.yaml")["settings"]["event_subscriptions"]["request_url"]);
  CHECK_FALSE(manifest("manifest-http.yaml")["settings"]["socket_mode_enabled"].as<bool>());
}

TEST_CASE("slack manifests: the HTTP manifest's Request URLs are the receiver's paths", "[net][slack]") {
  const YAML::Node m = manifest("manifest-http.yaml");
  const std::vector<std::string> urls = {m["features"]["slash_commands"][0]["url"].as<std::string>(),
                                         m["settings"]["interactivity"]["request_url"].as<std::string>(),
                                         m["settings"]["event_subscriptions"]["request_url"].as<std::string>()};
  ScriptedAnswer script;
  World w({}, scripted_handler(&script));
  auto client = client_for(w);
  const std::string bodies[] = {slash_command_body("t.garcia", "help", "1.1.t"),
                                form_encode({{"payload", R"({"type":"view_closed"})"}}),
                                dm_event_body("t.garcia", "hi", "Ev9")};
  for (std::size_t i = 0; i < urls.size(); ++i) {
    INFO(urls[i]);
    REQUIRE(urls[i].starts_with("https://hallpass.example.org/"));
    const std::string path = urls[i].substr(std::string("https://hallpass.example.org").size());
    CHECK(w.send(*client,
                 w.signed_post(path, bodies[i], i == 2 ? "application/json" : "application/x-www-form-urlencoded"))
              .status == 200);
  }
  REQUIRE(script.seen.size() == 3);
  CHECK(script.seen[0].first == EnvelopeType::slash_commands);
  CHECK(script.seen[1].first == EnvelopeType::interactive);
  CHECK(script.seen[2].first == EnvelopeType::events_api);
}

TEST_CASE("slack http: a client that waits for 100 Continue gets it before sending the body", "[net][slack]") {
  ScriptedAnswer script;
  World w({}, scripted_handler(&script));
  asio::ip::tcp::socket socket(w.io);
  socket.connect({asio::ip::make_address("127.0.0.1"), w.receiver->bound_port()});
  const std::string body = dm_event_body("t.garcia", "hi", "Ev100");
  const std::string ts = unix_seconds(w.slack_now);
  const std::string head =
      "POST /slack/events HTTP/1.1\r\nHost: hallpass\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nX-Slack-Request-Timestamp: " +
      ts + "\r\nX-Slack-Signature: " + sign(kSecret, ts, body) + "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n";
  asio::write(socket, asio::buffer(head));
  std::string received;
  auto read_until = [&](const std::string& marker) {
    std::array<char, 1024> buf;
    bool done = false;
    std::function<void(boost::system::error_code, std::size_t)> on_read = [&](boost::system::error_code ec,
                                                                              std::size_t n) {
      received.append(buf.data(), n);
      if (ec || received.find(marker) != std::string::npos) {
        done = true;
        return;
      }
      socket.async_read_some(asio::buffer(buf), on_read);
    };
    socket.async_read_some(asio::buffer(buf), on_read);
    w.run_until([&] { return done; }, marker.c_str());
  };
  read_until("\r\n\r\n");
  CHECK(received.starts_with("HTTP/1.1 100 Continue\r\n"));
  CHECK(script.seen.empty());
  received.clear();
  asio::write(socket, asio::buffer(body));
  read_until("\r\n\r\n");
  CHECK(received.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(script.seen.size() == 1);
}

TEST_CASE("slack http: HTTP mode without a signing secret does not start", "[unit][slack]") {
  asio::io_context io;
  SlackHttpOptions options;
  options.port = 0;
  SlackHttpReceiver receiver(io.get_executor(), options, EnvelopeHandler{});
  CHECK_THROWS_AS(receiver.listen(), std::invalid_argument);
  CHECK(receiver.bound_port() == 0);
}
