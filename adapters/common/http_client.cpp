#include "adapters/common/http_client.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "bot/model/use_tuple.hpp"

namespace adapters::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using bot::use_tuple;

bot::SendErrorKind error_kind_for_status(int status) {
  if (status >= 200 && status < 300) return bot::SendErrorKind::none;
  if (status == 429) return bot::SendErrorKind::rate_limited;
  if (status == 401 || status == 403) return bot::SendErrorKind::auth;
  if (status == 404) return bot::SendErrorKind::not_found;
  if (status >= 500) return bot::SendErrorKind::server;
  return bot::SendErrorKind::bad_request;
}

struct HttpConnection {
  asio::any_io_executor executor;
  bool tls = false;
  std::string host;
  std::string port;
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool connected = false;
  bool busy = false;
  asio::steady_timer idle{executor};

  explicit HttpConnection(asio::any_io_executor ex) : executor(ex) {}

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*secure) : *plain; }

  void drop() {
    if (plain) {
      beast::error_code ignored;
      plain->socket().shutdown(tcp::socket::shutdown_both, ignored);
      plain->close();
    }
    if (secure) beast::get_lowest_layer(*secure).close();
    plain.reset();
    secure.reset();
    buffer.clear();
    connected = false;
  }

  // Closes the socket but keeps the stream objects: a pending read or write completes with
  // operation_aborted and its coroutine still finds the stream alive.
  void abort() {
    beast::error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    connected = false;
  }
};

namespace {

Response failure(bot::SendErrorKind kind, std::string text) {
  Response r;
  r.error = kind;
  r.error_text = std::move(text);
  return r;
}

bot::SendErrorKind kind_of(const beast::error_code& ec) {
  return ec == beast::error::timeout ? bot::SendErrorKind::timeout : bot::SendErrorKind::network;
}

asio::awaitable<beast::error_code> connect(std::shared_ptr<HttpConnection> impl, std::chrono::milliseconds timeout) {
  tcp::resolver resolver(impl->executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(impl->host, impl->port, use_tuple);
  if (rec) co_return rec;
  if (impl->tls) {
    impl->secure.emplace(impl->executor, impl->ssl_ctx);
    // SNI, and the name the certificate must carry.
    if (!SSL_set_tlsext_host_name(impl->secure->native_handle(), impl->host.c_str()))
      co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    impl->secure->set_verify_callback(asio::ssl::host_name_verification(impl->host));
  } else {
    impl->plain.emplace(impl->executor);
  }
  impl->lowest().expires_after(timeout);
  auto [cec, ep] = co_await impl->lowest().async_connect(endpoints, use_tuple);
  if (cec) co_return cec;
  if (impl->tls) {
    impl->lowest().expires_after(timeout);
    auto [hec] = co_await impl->secure->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return hec;
  }
  impl->connected = true;
  co_return beast::error_code{};
}

struct Exchange {
  beast::error_code ec;
  bool wrote = false;
  std::optional<bhttp::response<bhttp::string_body>> response;
};

template <class Stream>
asio::awaitable<Exchange> exchange_on(Stream& stream, std::shared_ptr<HttpConnection> impl,
                                      bhttp::request<bhttp::string_body> req, std::chrono::milliseconds timeout) {
  Exchange out;
  impl->lowest().expires_after(timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) {
    out.ec = wec;
    co_return out;
  }
  out.wrote = true;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  impl->lowest().expires_after(timeout);
  auto [rec, rn] = co_await bhttp::async_read(stream, impl->buffer, parser, use_tuple);
  if (rec) {
    out.ec = rec;
    co_return out;
  }
  out.response = parser.release();
  co_return out;
}

asio::awaitable<Exchange> exchange(std::shared_ptr<HttpConnection> impl, bhttp::request<bhttp::string_body> req,
                                   std::chrono::milliseconds timeout) {
  if (impl->tls) co_return co_await exchange_on(*impl->secure, impl, std::move(req), timeout);
  co_return co_await exchange_on(*impl->plain, impl, std::move(req), timeout);
}

asio::awaitable<Response> perform(std::shared_ptr<HttpConnection> impl, Request request) {
  bhttp::request<bhttp::string_body> req;
  req.method(bhttp::string_to_verb(request.method));
  req.target(request.target);
  req.version(11);
  req.set(bhttp::field::host, impl->host);
  req.set(bhttp::field::user_agent, "Hallpass/" HALLPASS_VERSION);
  req.set(bhttp::field::accept, "application/json");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.set(bhttp::field::content_type, request.content_type);
    req.body() = request.body;
  }
  req.keep_alive(true);
  req.prepare_payload();

  // A kept-alive connection may have been closed by the server meanwhile: when a reused
  // connection fails before any response byte, connect again once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl->connected;
    if (!impl->connected) {
      impl->drop();
      beast::error_code cec = co_await connect(impl, request.timeout);
      if (cec) {
        impl->drop();
        co_return failure(kind_of(cec), "cannot connect to " + impl->host + ": " + cec.message());
      }
    }
    Exchange ex = co_await exchange(impl, req, request.timeout);
    if (ex.ec) {
      impl->drop();
      bool stale = ex.ec == bhttp::error::end_of_stream || ex.ec == asio::error::connection_reset ||
                   ex.ec == asio::error::broken_pipe || ex.ec == asio::error::eof;
      if (reused && stale && attempt == 0) continue;
      co_return failure(kind_of(ex.ec), request.method + " to " + impl->host + " failed: " + ex.ec.message());
    }
    auto& res = *ex.response;
    if (!res.keep_alive()) impl->drop();
    Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    out.error = error_kind_for_status(out.status);
    if (!out.ok()) out.error_text = "HTTP " + std::to_string(out.status) + " from " + impl->host;
    if (auto it = out.headers.find("retry-after"); it != out.headers.end()) {
      try {
        out.retry_after = std::chrono::seconds(std::stol(it->second));
      } catch (const std::exception&) {
        // An HTTP date instead of seconds: the caller falls back to its own backoff.
      }
    }
    co_return out;
  }
  co_return failure(bot::SendErrorKind::network, "unreachable");
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, const std::string& origin, const std::string& ca_file)
    : impl_(std::make_shared<HttpConnection>(executor)) {
  std::string rest;
  if (origin.starts_with("https://")) {
    impl_->tls = true;
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    throw std::invalid_argument("the URL " + origin + " must start with https:// or http://");
  }
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    impl_->host = rest.substr(0, colon);
    impl_->port = rest.substr(colon + 1);
  } else {
    impl_->host = rest;
    impl_->port = impl_->tls ? "443" : "80";
  }
  if (impl_->host.starts_with("[") && impl_->host.ends_with("]"))
    impl_->host = impl_->host.substr(1, impl_->host.size() - 2);
  if (impl_->host.empty()) throw std::invalid_argument("the URL " + origin + " has no host");
  if (impl_->tls) {
    if (ca_file.empty()) {
      impl_->ssl_ctx.set_default_verify_paths();
    } else {
      // Only this bundle: a private test authority must not widen trust for anything else.
      beast::error_code ec;
      impl_->ssl_ctx.load_verify_file(ca_file, ec);
      if (ec) throw std::invalid_argument("cannot read the CA file " + ca_file + ": " + ec.message());
    }
    impl_->ssl_ctx.set_verify_mode(asio::ssl::verify_peer);
  }
}

HttpClient::~HttpClient() { impl_->abort(); }

void HttpClient::close() { impl_->abort(); }

asio::awaitable<Response> HttpClient::request(Request request) {
  auto impl = impl_;
  while (impl->busy) {
    impl->idle.expires_at(asio::steady_timer::time_point::max());
    co_await impl->idle.async_wait(use_tuple);
  }
  impl->busy = true;
  Response out;
  try {
    out = co_await perform(impl, std::move(request));
  } catch (const std::exception& e) {
    impl->drop();
    out = failure(bot::SendErrorKind::network, e.what());
  }
  impl->busy = false;
  impl->idle.cancel();
  co_return out;
}

}  // namespace adapters::http
