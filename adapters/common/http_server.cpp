#include "adapters/common/http_server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "adapters/common/http_upgrade.hpp"
#include "adapters/common/text.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using text::lower;

ServerReply text_reply(int status, std::string body) {
  return ServerReply{status, "text/plain; charset=utf-8", std::move(body)};
}

ServerReply json_reply(int status, std::string body) {
  return ServerReply{status, "application/json; charset=utf-8", std::move(body)};
}

asio::ip::address listen_ip(std::string_view who, const std::string& text, std::string_view hint) {
  if (text == "localhost") return asio::ip::make_address_v4("127.0.0.1");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(text, ec);
  if (ec)
    throw std::invalid_argument(std::string(who) + ": listen address \"" + text + "\" is not an IP address (try " +
                                std::string(hint) + ")");
  return address;
}

std::string local_url(std::string_view scheme, std::string host, unsigned short port) {
  if (host == "0.0.0.0" || host == "localhost") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(scheme) + "://" + host + ":" + std::to_string(port);
}

std::string loggable(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, 100)) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == ',' || c == ' ' ||
                    c == '_' || c == '-' || c == '/';
    out += ok ? c : '?';
  }
  return out;
}

namespace {

using bot::use_tuple;
// After an early refusal (404, 405, 413) the rest of the request is read and dropped for at most
// this long before closing: closing with unread data makes the kernel send a reset, and the
// client may then lose the answer it was sent.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;

std::string read_file(const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(name + ": cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

struct ServerState {
  ServerState(asio::any_io_executor ex, ServerOptions opts, std::vector<ServerRoute> r, RequestHandler h)
      : executor(std::move(ex)),
        options(std::move(opts)),
        routes(std::move(r)),
        handler(std::move(h)),
        acceptor(executor) {}

  void close_all() {
    stopped = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& [id, stream] : streams) stream->close();
  }

  asio::any_io_executor executor;
  ServerOptions options;
  std::vector<ServerRoute> routes;
  RequestHandler handler;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
  bool stopped = false;
  std::uint64_t next_connection = 1;
  std::map<std::uint64_t, beast::tcp_stream*> streams;  // open connections, closed by stop()
};

namespace {

using StatePtr = std::shared_ptr<ServerState>;

void log_failure(const std::string& name, std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{} http: connection failed: {}", name, e.what());
  }
}

// Forgets a connection when its coroutine ends, however it ends.
struct StreamRegistration {
  ServerState& state;
  std::uint64_t id;
  ~StreamRegistration() { state.streams.erase(id); }
};

std::optional<ServerReply> refusal_by_head(const ServerState& s, const bhttp::request_header<>& head) {
  const std::string_view target = head.target();
  const std::string_view path = target.substr(0, target.find('?'));
  std::string allow;  // the methods of this path
  for (const auto& r : s.routes) {
    if (r.path != "*" && r.path != path) continue;
    if (r.method == "*" || r.method == std::string_view(head.method_string())) return std::nullopt;
    allow += (allow.empty() ? "" : ", ") + r.method;
  }
  if (allow.empty()) return text_reply(404, "Not found\n");
  ServerReply refusal = text_reply(405, "Method not allowed\n");
  refusal.headers.emplace_back("Allow", std::move(allow));
  return refusal;
}

// Who sent a request, for the log: the peer (the reverse proxy, usually) and what it forwarded.
std::string sender_of(beast::tcp_stream& stream, const bhttp::request<bhttp::string_body>& req) {
  boost::system::error_code ec;
  auto peer = stream.socket().remote_endpoint(ec);
  std::string out = ec ? std::string("?") : peer.address().to_string();
  auto forwarded = req.find("X-Forwarded-For");
  if (forwarded != req.end()) out += " (for " + loggable(forwarded->value()) + ")";
  return out;
}

// The body is moved out unless the request is an upgrade, whose request goes on to on_upgrade.
ServerRequest to_request(bhttp::request<bhttp::string_body>& req, std::string sender, bool upgrade) {
  ServerRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.path = out.target.substr(0, out.target.find('?'));
  for (const auto& field : req) {
    std::string name = lower(field.name_string());
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());  // repeated headers, as RFC 9110 joins them
  }
  out.body = upgrade ? req.body() : std::move(req.body());
  out.sender = std::move(sender);
  out.upgrade = upgrade;
  return out;
}

asio::awaitable<ServerReply> answer(StatePtr s, ServerRequest req) {
  const std::string path = req.path;
  const std::string sender = req.sender;
  try {
    co_return co_await s->handler(std::move(req));
  } catch (const std::exception& e) {
    spdlog::error("{} http: handling POST {} from {} failed: {}", s->options.name, loggable(path), sender, e.what());
    co_return text_reply(500, "Internal error\n");
  }
}

template <class Stream>
asio::awaitable<bool> write_reply(ServerState& s, Stream& stream, ServerReply reply, unsigned version, bool keep_alive,
                                  bool head_request = false) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), version};
  res.set(bhttp::field::server, "Hallpass");
  for (const auto& [name, value] : s.options.reply_headers) res.set(name, value);
  for (const auto& [name, value] : reply.headers) res.set(name, value);
  if (!reply.content_type.empty()) res.set(bhttp::field::content_type, reply.content_type);
  res.keep_alive(keep_alive);
  if (head_request) {  // the length of what a GET would get, and no body
    res.content_length(reply.body.size());
  } else {
    res.body() = std::move(reply.body);
    res.prepare_payload();
  }
  beast::get_lowest_layer(stream).expires_after(s.options.request_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, res, use_tuple);
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

// TLS connections end with close_notify (bounded by the request timeout) instead of lingering.
asio::awaitable<void> linger(beast::ssl_stream<beast::tcp_stream>& stream) {
  beast::get_lowest_layer(stream).expires_after(kLingerTime);
  co_await stream.async_shutdown(use_tuple);
}

void end(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void end(beast::ssl_stream<beast::tcp_stream>& stream) {
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// Hands an accepted upgrade's connection to on_upgrade, as a coroutine of its own; false when
// there is none to hand it to (no on_upgrade, or TLS), which is the handler's mistake.
template <class Stream>
bool hand_over(StatePtr s, std::uint64_t id, Stream& stream, bhttp::request<bhttp::string_body>& req) {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    if (!s->options.on_upgrade) return false;
    s->streams.erase(id);  // no longer the server's to close
    stream.expires_never();
    asio::co_spawn(s->executor, s->options.on_upgrade(Upgrade{std::move(stream), std::move(req)}),
                   [name = s->options.name](std::exception_ptr e) { log_failure(name, e); });
    return true;
  } else {
    return false;
  }
}

template <class Stream>
asio::awaitable<void> serve_requests(StatePtr s, std::uint64_t id, Stream& stream, beast::flat_buffer& buffer) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  for (;;) {
    // Between requests the idle timeout applies; once a request starts, the request timeout.
    if (buffer.size() == 0) {
      tcp_layer.expires_after(s->options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) break;
      buffer.commit(n);
    }
    tcp_layer.expires_after(s->options.request_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s->options.max_header_bytes));
    parser.body_limit(s->options.max_body_bytes);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    if (hec == bhttp::error::body_limit) {  // Content-Length over the limit
      co_await write_reply(*s, stream, text_reply(413, "Too large\n"), 11, false);
      co_await linger(stream);
      co_return;
    }
    if (hec) break;  // closed, timed out, or not HTTP

    const auto& head = parser.get();
    const unsigned version = head.version();
    const bool head_request = s->options.head_without_body && head.method() == bhttp::verb::head;
    if (s->options.host_allowed && !s->options.host_allowed(head[bhttp::field::host])) {
      co_await write_reply(*s, stream, text_reply(421, s->options.misdirected_text), version, false, head_request);
      co_await linger(stream);
      co_return;
    }
    if (auto early = refusal_by_head(*s, head)) {
      co_await write_reply(*s, stream, std::move(*early), version, false, head_request);
      co_await linger(stream);
      co_return;
    }
    if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
      auto [cec, cn] = co_await bhttp::async_write(stream, cont, use_tuple);
      if (cec) break;
    }
    auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (bec == bhttp::error::body_limit) {  // a chunked body over the limit
      co_await write_reply(*s, stream, text_reply(413, "Too large\n"), version, false, head_request);
      co_await linger(stream);
      co_return;
    }
    if (bec) break;

    bhttp::request<bhttp::string_body> req = parser.release();
    const bool keep_alive = req.keep_alive();
    const bool upgrade = beast::websocket::is_upgrade(req);
    std::string sender = sender_of(tcp_layer, req);
    tcp_layer.expires_never();  // the handler's time is not the client's
    ServerReply reply = co_await answer(s, to_request(req, std::move(sender), upgrade));
    if (s->stopped) break;
    if (reply.upgrade) {
      if (upgrade && hand_over(s, id, stream, req)) co_return;
      spdlog::error("{} http: the reply to {} {} asked for an upgrade that cannot be made", s->options.name,
                    std::string(req.method_string()), loggable(req.target()));
      reply = text_reply(500, "Internal error\n");
    }
    const bool keep = keep_alive && !reply.close;
    if (!co_await write_reply(*s, stream, std::move(reply), version, keep, head_request) || !keep) break;
  }
  end(stream);
}

asio::awaitable<void> serve_connection(StatePtr s, tcp::socket socket) {
  const std::uint64_t id = s->next_connection++;
  beast::flat_buffer buffer;
  if (!s->tls) {
    beast::tcp_stream stream(std::move(socket));
    s->streams[id] = &stream;
    StreamRegistration registration{*s, id};
    co_await serve_requests(s, id, stream, buffer);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *s->tls);
  s->streams[id] = &beast::get_lowest_layer(stream);
  StreamRegistration registration{*s, id};
  beast::get_lowest_layer(stream).expires_after(s->options.request_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
  if (ec) {
    spdlog::debug("{} http: TLS handshake failed: {}", s->options.name, ec.message());
    co_return;
  }
  co_await serve_requests(s, id, stream, buffer);
}

asio::awaitable<void> accept_loop(StatePtr s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(use_tuple);
    if (s->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors and the like: wait a little rather than spin.
      spdlog::warn("{} http: accept failed: {}", s->options.name, ec.message());
      asio::steady_timer pause(s->executor, std::chrono::milliseconds(200));
      auto [wait_ec] = co_await pause.async_wait(use_tuple);
      if (wait_ec) break;
      continue;
    }
    if (s->streams.size() >= s->options.max_connections) {
      spdlog::warn("{} http: {} connections open; refusing another", s->options.name, s->streams.size());
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    asio::co_spawn(s->executor, serve_connection(s, std::move(socket)),
                   [name = s->options.name](std::exception_ptr e) { log_failure(name, e); });
  }
  s->close_all();
}

}  // namespace

HttpServer::HttpServer(asio::any_io_executor executor, ServerOptions options, std::vector<ServerRoute> routes,
                       RequestHandler handler)
    : state_(std::make_shared<ServerState>(std::move(executor), std::move(options), std::move(routes),
                                           std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::listen() {
  ServerState& s = *state_;
  if (s.acceptor.is_open()) return;
  const auto& o = s.options;
  if (o.tls_certificate_file.empty() != o.tls_private_key_file.empty())
    throw std::invalid_argument(o.name + ": HTTPS needs both a certificate file and a private key file");
  if (!o.tls_certificate_file.empty() && o.on_upgrade)
    throw std::invalid_argument(o.name + ": upgrades (on_upgrade) are served over plain HTTP only");
  if (!o.tls_certificate_file.empty() && !s.tls) {
    const std::string chain = read_file(o.name, o.tls_certificate_file);
    const std::string key = read_file(o.name, o.tls_private_key_file);
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    context.use_certificate_chain(asio::buffer(chain), ec);
    if (ec) throw std::invalid_argument(o.name + ": " + o.tls_certificate_file + " is not a PEM certificate chain");
    context.use_private_key(asio::buffer(key), asio::ssl::context::pem, ec);
    if (ec) throw std::invalid_argument(o.name + ": " + o.tls_private_key_file + " is not a PEM private key");
    s.tls.emplace(std::move(context));
  }
  const tcp::endpoint endpoint(listen_ip(o.name, o.listen_address, "0.0.0.0 or 127.0.0.1"), o.port);
  boost::system::error_code ec;
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    throw boost::system::system_error(ec, o.name + ": listening on " + o.listen_address + ":" + std::to_string(o.port));
  }
}

unsigned short HttpServer::bound_port() const {
  if (!state_->acceptor.is_open()) return 0;
  boost::system::error_code ec;
  auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::string HttpServer::url() const {
  return local_url(state_->tls ? "https" : "http", state_->options.listen_address, bound_port());
}

asio::awaitable<void> HttpServer::run() {
  if (state_->stopped) co_return;
  listen();
  if (state_->options.log_listening) spdlog::info("{} http: listening on {}", state_->options.name, url());
  co_await accept_loop(state_);
}

void HttpServer::stop() {
  if (state_) state_->close_all();
}

}  // namespace adapters::http
