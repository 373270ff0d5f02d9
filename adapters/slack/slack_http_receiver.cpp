#include "adapters/slack/slack_http_receiver.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "adapters/common/http_server.hpp"
#include "adapters/slack/slack_http_requests.hpp"
#include "bot/model/metrics.hpp"

namespace adapters::slack {

namespace asio = boost::asio;
using http::loggable;
using http::ServerReply;
using http::ServerRequest;
using nlohmann::json;

namespace {

// Slack's three Request URLs; HttpServer answers anything else 404 (405 for another method)
// before reading the body.
std::vector<http::ServerRoute> slack_routes(const SlackHttpOptions& o) {
  std::vector<http::ServerRoute> routes{
      {"/slack/commands", "POST"}, {"/slack/interactivity", "POST"}, {"/slack/events", "POST"}};
  if (o.install_pages) {
    routes.push_back({"/slack/install", "GET"});
    routes.push_back({"/slack/oauth_redirect", "GET"});
  }
  return routes;
}

http::ServerOptions server_options(const SlackHttpOptions& o) {
  http::ServerOptions s;
  s.name = "slack";
  s.listen_address = o.listen_address;
  s.port = o.port;
  s.max_body_bytes = o.max_body_bytes;
  s.max_connections = o.max_connections;
  s.idle_timeout = o.idle_timeout;
  s.request_timeout = o.request_timeout;
  return s;
}

ServerReply bad_request() { return http::text_reply(400, "Bad request\n"); }

}  // namespace

// Held by the server's handler (a shared_ptr in a bound function), so it lives as long as any
// connection may call it. It does not hold the server: that would be a cycle.
struct SlackHttpState {
  SlackHttpState(SlackHttpOptions opts, EnvelopeHandler h) : options(std::move(opts)), handler(std::move(h)) {}

  std::chrono::system_clock::time_point now() const {
    return options.clock ? options.clock() : std::chrono::system_clock::now();
  }

  SlackHttpOptions options;
  EnvelopeHandler handler;
};

namespace {

using StatePtr = std::shared_ptr<SlackHttpState>;

// The request verified and decoded into what the handler takes; or the reply that ends it.
struct Decoded {
  std::optional<ServerReply> reply;
  EnvelopeType type = EnvelopeType::events_api;
  std::string payload;
};

// Verifies the signature first; nothing of the body is looked at before it passed.
Decoded decode(const SlackHttpState& s, const ServerRequest& req) {
  const std::string timestamp = req.header("x-slack-request-timestamp");
  const std::string signature = req.header("x-slack-signature");
  std::string refusal;
  if (timestamp.empty() || signature.empty()) {
    refusal = "no X-Slack-Request-Timestamp or X-Slack-Signature header";
  } else if (auto verified = verify_slack_signature(s.options.signing_secret, timestamp, signature, req.body, s.now());
             !verified) {
    refusal = verified.error().message;
  }
  if (!refusal.empty()) {
    // The reason only: never the secret, the signature or the body.
    spdlog::warn("slack http: refused POST {} from {}: {}", req.path, req.sender, refusal);
    return {http::text_reply(401, "Unauthorized\n")};
  }

  Decoded out;
  if (req.path == "/slack/commands") {
    auto fields = parse_form_urlencoded(req.body);
    if (!fields) {
      spdlog::warn("slack http: bad slash command body from {}: {}", req.sender, fields.error().message);
      return {bad_request()};
    }
    // Slack checks the certificate of a new Request URL with a signed ssl_check=1 post.
    if (fields->contains("ssl_check")) return {ServerReply{}};
    // The same payload object Socket Mode delivers: the form's fields as JSON strings.
    json payload = json::object();
    for (auto& [key, value] : *fields) payload[key] = std::move(value);
    out.type = EnvelopeType::slash_commands;
    out.payload = payload.dump();
  } else if (req.path == "/slack/interactivity") {
    auto payload = interactive_payload_from_form(req.body);
    if (!payload) {
      spdlog::warn("slack http: bad interactivity body from {}: {}", req.sender, payload.error().message);
      return {bad_request()};
    }
    out.type = EnvelopeType::interactive;
    out.payload = std::move(*payload);
  } else {  // /slack/events
    if (auto challenge = url_verification_challenge(req.body)) {
      spdlog::info("slack http: answered the Events API url_verification");
      return {http::json_reply(200, json{{"challenge", *challenge}}.dump())};
    }
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
      spdlog::warn("slack http: events body from {} is not a JSON object", req.sender);
      return {bad_request()};
    }
    // A retry is handled like the first delivery: the core knows the event id and does nothing
    // twice. The header only says why Slack sent it again.
    if (const std::string retry = req.header("x-slack-retry-num"); !retry.empty()) {
      auto id = body.find("event_id");
      spdlog::info("slack http: event {} is Slack's retry {} ({})",
                   id != body.end() && id->is_string() ? loggable(id->get<std::string>()) : "?", loggable(retry),
                   loggable(req.header("x-slack-retry-reason")));
    }
    out.type = EnvelopeType::events_api;
    out.payload = req.body;
  }
  return out;
}

// HttpServer's handler: the route, method and size are already checked.
asio::awaitable<ServerReply> answer(StatePtr s, ServerRequest req) {
  const auto received = std::chrono::steady_clock::now();
  // A browser's, not Slack's: there is no signature to check (the installer checks its state).
  if (req.method == "GET" && s->options.install_pages) co_return co_await s->options.install_pages(std::move(req));
  Decoded decoded = decode(*s, req);
  if (decoded.reply) co_return std::move(*decoded.reply);
  AckReply ack;
  try {
    ack = co_await s->handler(decoded.type, std::move(decoded.payload), std::string());
  } catch (const std::exception& e) {
    spdlog::error("slack http: handling a request from {} failed: {}", req.sender, e.what());
    co_return http::text_reply(500, "Internal error\n");
  }
  // Not recorded: Slack tries again (events up to three times, a user sees a failure).
  if (!ack.accepted) co_return http::text_reply(503, "Try again\n");
  bot::metrics::count("hallpass_acks_total", {{"platform", "slack"}});
  bot::metrics::observe("hallpass_ack_seconds", {{"platform", "slack"}},
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  if (ack.payload_json.empty()) co_return ServerReply{};
  co_return http::json_reply(200, std::move(ack.payload_json));
}

}  // namespace

SlackHttpReceiver::SlackHttpReceiver(asio::any_io_executor executor, SlackHttpOptions options, EnvelopeHandler handler)
    : state_(std::make_shared<SlackHttpState>(std::move(options), std::move(handler))),
      // A bound function, not a coroutine lambda with captures (GCC 12 mis-compiles those).
      server_(std::make_unique<http::HttpServer>(std::move(executor), server_options(state_->options),
                                                 slack_routes(state_->options),
                                                 std::bind(&answer, state_, std::placeholders::_1))) {}

SlackHttpReceiver::~SlackHttpReceiver() { stop(); }

namespace {
void require_secret(const SlackHttpState& s) {
  if (s.options.signing_secret.empty())
    throw std::invalid_argument("slack: HTTP mode needs the app's signing secret (signing_secret)");
}
}  // namespace

void SlackHttpReceiver::listen() {
  require_secret(*state_);
  server_->listen();
}

unsigned short SlackHttpReceiver::bound_port() const { return server_->bound_port(); }

std::string SlackHttpReceiver::url() const { return server_->url(); }

asio::awaitable<void> SlackHttpReceiver::run() {
  require_secret(*state_);
  co_await server_->run();  // listens first, unless stop() came before
}

void SlackHttpReceiver::stop() {
  if (server_) server_->stop();
}

}  // namespace adapters::slack
