#include "adapters/slack/slack_http_receiver.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace adapters::slack {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;
// After an early refusal (404, 405, 413) the rest of the request is read and dropped for at most
// this long before closing: closing with unread data makes the kernel send a reset, and the
// client may then lose the answer it was sent.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;

enum class Route { commands, interactivity, events, unknown };

Route route_of(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/slack/commands") return Route::commands;
  if (path == "/slack/interactivity") return Route::interactivity;
  if (path == "/slack/events") return Route::events;
  return Route::unknown;
}

struct Reply {
  http::status status = http::status::ok;
  std::string content_type;  // empty: no body
  std::string body;
  bool close = false;  // the request's body was not read: the connection cannot be reused
};

Reply text_reply(http::status status, std::string body) {
  return Reply{status, "text/plain; charset=utf-8", std::move(body), false};
}

Reply json_reply(std::string body) {
  return Reply{http::status::ok, "application/json; charset=utf-8", std::move(body), false};
}

asio::ip::address listen_ip(const std::string& text) {
  if (text == "localhost") return asio::ip::make_address_v4("127.0.0.1");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(text, ec);
  if (ec) {
    throw std::invalid_argument("slack: listen address \"" + text +
                                "\" is not an IP address (try 0.0.0.0 or 127.0.0.1)");
  }
  return address;
}

// Header values reach the log only as letters, digits and the punctuation of addresses and ids,
// so a forged header cannot write fake lines into the log.
std::string loggable(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, 100)) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == ',' ||
                    c == ' ' || c == '_' || c == '-';
    out += ok ? c : '?';
  }
  return out;
}

void log_failure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("slack http: connection failed: {}", e.what());
  }
}

}  // namespace

struct SlackHttpServer {
  SlackHttpServer(asio::any_io_executor ex, SlackHttpOptions opts, EnvelopeHandler h)
      : executor(std::move(ex)), options(std::move(opts)), handler(std::move(h)), acceptor(executor) {}

  std::chrono::system_clock::time_point now() const {
    return options.clock ? options.clock() : std::chrono::system_clock::now();
  }

  void close_all() {
    stopped = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& [id, stream] : streams) stream->close();
  }

  asio::any_io_executor executor;
  SlackHttpOptions options;
  EnvelopeHandler handler;
  tcp::acceptor acceptor;
  bool stopped = false;
  std::uint64_t next_connection = 1;
  std::map<std::uint64_t, beast::tcp_stream*> streams;  // open connections, closed by stop()
};

namespace {

using ServerPtr = std::shared_ptr<SlackHttpServer>;

// Forgets a connection when its coroutine ends, however it ends.
struct StreamRegistration {
  SlackHttpServer& impl;
  std::uint64_t id;
  ~StreamRegistration() { impl.streams.erase(id); }
};

// Who sent a request, for the log: the peer (the load balancer, usually) and what it forwarded.
std::string sender_of(beast::tcp_stream& stream, const http::request<http::string_body>& req) {
  boost::system::error_code ec;
  auto peer = stream.socket().remote_endpoint(ec);
  std::string out = ec ? std::string("?") : peer.address().to_string();
  auto forwarded = req.find("X-Forwarded-For");
  if (forwarded != req.end()) out += " (for " + loggable(forwarded->value()) + ")";
  return out;
}

// The request verified and decoded into what the handler takes; or the reply that ends it.
struct Decoded {
  std::optional<Reply> reply;
  EnvelopeType type = EnvelopeType::events_api;
  std::string payload;
};

// Verifies the signature first; nothing of the body is looked at before it passed.
Decoded decode(const SlackHttpServer& impl, Route route, const http::request<http::string_body>& req,
               const std::string& sender) {
  const std::string path(req.target().substr(0, req.target().find('?')));
  const std::string_view timestamp = req["X-Slack-Request-Timestamp"];
  const std::string_view signature = req["X-Slack-Signature"];
  std::string refusal;
  if (timestamp.empty() || signature.empty()) {
    refusal = "no X-Slack-Request-Timestamp or X-Slack-Signature header";
  } else if (auto verified = verify_slack_signature(impl.options.signing_secret, timestamp,
                                                    signature, req.body(), impl.now());
             !verified) {
    refusal = verified.error().message;
  }
  if (!refusal.empty()) {
    // The reason only: never the secret, the signature or the body.
    spdlog::warn("slack http: refused POST {} from {}: {}", path, sender, refusal);
    return {text_reply(http::status::unauthorized, "Unauthorized\n")};
  }

  Decoded out;
  switch (route) {
    case Route::commands: {
      auto fields = parse_form_urlencoded(req.body());
      if (!fields) {
        spdlog::warn("slack http: bad slash command body from {}: {}", sender, fields.error().message);
        return {text_reply(http::status::bad_request, "Bad request\n")};
      }
      // Slack checks the certificate of a new Request URL with a signed ssl_check=1 post.
      if (fields->contains("ssl_check")) return {Reply{}};
      // The same payload object Socket Mode delivers: the form's fields as JSON strings.
      json payload = json::object();
      for (auto& [key, value] : *fields) payload[key] = std::move(value);
      out.type = EnvelopeType::slash_commands;
      out.payload = payload.dump();
      break;
    }
    case Route::interactivity: {
      auto payload = interactive_payload_from_form(req.body());
      if (!payload) {
        spdlog::warn("slack http: bad interactivity body from {}: {}", sender, payload.error().message);
        return {text_reply(http::status::bad_request, "Bad request\n")};
      }
      out.type = EnvelopeType::interactive;
      out.payload = std::move(*payload);
      break;
    }
    case Route::events: {
      if (auto challenge = url_verification_challenge(req.body())) {
        spdlog::info("slack http: answered the Events API url_verification");
        return {json_reply(json{{"challenge", *challenge}}.dump())};
      }
      json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
      if (!body.is_object()) {
        spdlog::warn("slack http: events body from {} is not a JSON object", sender);
        return {text_reply(http::status::bad_request, "Bad request\n")};
      }
      // A retry is handled like the first delivery: the core knows the event id and does
      // nothing twice. The header only says why Slack sent it again.
      if (auto retry = req.find("X-Slack-Retry-Num"); retry != req.end()) {
        auto id = body.find("event_id");
        spdlog::info("slack http: event {} is Slack's retry {} ({})",
                     id != body.end() && id->is_string() ? loggable(id->get<std::string>()) : "?",
                     loggable(retry->value()),
                     loggable(req["X-Slack-Retry-Reason"]));
      }
      out.type = EnvelopeType::events_api;
      out.payload = req.body();
      break;
    }
    case Route::unknown:
      return {text_reply(http::status::not_found, "Not found\n")};
  }
  return out;
}

asio::awaitable<Reply> answer(ServerPtr impl, Route route, http::request<http::string_body> req,
                              std::string sender) {
  Decoded decoded = decode(*impl, route, req, sender);
  if (decoded.reply) co_return std::move(*decoded.reply);
  AckReply ack;
  try {
    ack = co_await impl->handler(decoded.type, std::move(decoded.payload), std::string());
  } catch (const std::exception& e) {
    spdlog::error("slack http: handling a request from {} failed: {}", sender, e.what());
    co_return text_reply(http::status::internal_server_error, "Internal error\n");
  }
  if (!ack.accepted) {
    // Not recorded: Slack tries again (events up to three times, a user sees a failure).
    co_return text_reply(http::status::service_unavailable, "Try again\n");
  }
  if (ack.payload_json.empty()) co_return Reply{};
  co_return json_reply(std::move(ack.payload_json));
}

asio::awaitable<bool> write_reply(SlackHttpServer& impl, beast::tcp_stream& stream, Reply reply,
                                  unsigned version, bool keep_alive) {
  http::response<http::string_body> res{reply.status, version};
  res.set(http::field::server, "Hallpass");
  if (reply.status == http::status::method_not_allowed) res.set(http::field::allow, "POST");
  if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
  res.body() = std::move(reply.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream.expires_after(impl.options.request_timeout);
  auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
  co_return !ec;
}

// Stops sending, then reads and drops what the client still sends, so it gets to read the reply.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(kLingerTime);
  std::array<char, 16 * 1024> sink;
  std::size_t dropped = 0;
  while (dropped < kLingerBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
    dropped += n;
  }
}

asio::awaitable<void> serve_connection(ServerPtr impl, tcp::socket socket) {
  const std::uint64_t id = impl->next_connection++;
  beast::tcp_stream stream(std::move(socket));
  impl->streams[id] = &stream;
  StreamRegistration registration{*impl, id};
  beast::flat_buffer buffer;

  for (;;) {
    // Between requests the idle timeout applies; once a request starts, the request timeout.
    if (buffer.size() == 0) {
      stream.expires_after(impl->options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) break;
      buffer.commit(n);
    }
    stream.expires_after(impl->options.request_timeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(impl->options.max_body_bytes);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (hec == http::error::body_limit) {  // Content-Length over the limit
      co_await write_reply(*impl, stream, text_reply(http::status::payload_too_large, "Too large\n"), 11, false);
      co_await linger(stream);
      break;
    }
    if (hec) break;  // closed, timed out, or not HTTP

    const auto& head = parser.get();
    const unsigned version = head.version();
    const Route route = route_of(head.target());
    std::optional<Reply> early;
    if (route == Route::unknown) early = text_reply(http::status::not_found, "Not found\n");
    else if (head.method() != http::verb::post) early = text_reply(http::status::method_not_allowed, "Use POST\n");
    if (early) {
      co_await write_reply(*impl, stream, std::move(*early), version, false);
      co_await linger(stream);
      break;
    }
    if (beast::iequals(head[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, version};
      auto [cec, cn] = co_await http::async_write(stream, cont, use_tuple);
      if (cec) break;
    }
    auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (bec == http::error::body_limit) {  // a chunked body over the limit
      co_await write_reply(*impl, stream, text_reply(http::status::payload_too_large, "Too large\n"), version, false);
      co_await linger(stream);
      break;
    }
    if (bec) break;

    http::request<http::string_body> req = parser.release();
    const bool keep_alive = req.keep_alive();
    std::string sender = sender_of(stream, req);
    stream.expires_never();  // the handler's time is not the client's
    Reply reply = co_await answer(impl, route, std::move(req), std::move(sender));
    if (impl->stopped) break;
    if (!co_await write_reply(*impl, stream, std::move(reply), version, keep_alive) || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(ServerPtr impl) {
  for (;;) {
    auto [ec, socket] = co_await impl->acceptor.async_accept(use_tuple);
    if (impl->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors and the like: wait a little rather than spin.
      spdlog::warn("slack http: accept failed: {}", ec.message());
      asio::steady_timer pause(impl->executor, std::chrono::milliseconds(200));
      auto [wait_ec] = co_await pause.async_wait(use_tuple);
      if (wait_ec) break;
      continue;
    }
    if (impl->streams.size() >= impl->options.max_connections) {
      spdlog::warn("slack http: {} connections open; refusing another", impl->streams.size());
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    asio::co_spawn(impl->executor, serve_connection(impl, std::move(socket)), log_failure);
  }
  impl->close_all();
}

}  // namespace

SlackHttpReceiver::SlackHttpReceiver(asio::any_io_executor executor, SlackHttpOptions options,
                                     EnvelopeHandler handler)
    : server_(std::make_shared<SlackHttpServer>(std::move(executor), std::move(options),
                                                std::move(handler))) {}

SlackHttpReceiver::~SlackHttpReceiver() { stop(); }

void SlackHttpReceiver::listen() {
  if (server_->acceptor.is_open()) return;
  if (server_->options.signing_secret.empty())
    throw std::invalid_argument("slack: HTTP mode needs the app's signing secret (signing_secret)");
  const tcp::endpoint endpoint(listen_ip(server_->options.listen_address), server_->options.port);
  boost::system::error_code ec;
  server_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) server_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) server_->acceptor.bind(endpoint, ec);
  if (!ec) server_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    server_->acceptor.close(ignored);
    throw boost::system::system_error(ec, "slack: listening on " + server_->options.listen_address +
                                              ":" + std::to_string(server_->options.port));
  }
}

unsigned short SlackHttpReceiver::bound_port() const {
  if (!server_->acceptor.is_open()) return 0;
  boost::system::error_code ec;
  auto endpoint = server_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::string SlackHttpReceiver::url() const {
  std::string host = server_->options.listen_address;
  if (host == "0.0.0.0" || host == "localhost") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(bound_port());
}

asio::awaitable<void> SlackHttpReceiver::run() {
  if (server_->stopped) co_return;
  listen();
  spdlog::info("slack http: listening on {}", url());
  co_await accept_loop(server_);
}

void SlackHttpReceiver::stop() {
  if (server_) server_->close_all();
}

}  // namespace adapters::slack
