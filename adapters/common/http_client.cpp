#include "adapters/common/http_client.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "adapters/common/http_proxy.hpp"
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

// One socket to the origin, with its Beast stream and read buffer.
struct HttpConnection {
  explicit HttpConnection(asio::any_io_executor ex) : executor(std::move(ex)) {}

  asio::any_io_executor executor;
  bool tls = false;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool connected = false;

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

// A request waiting for a connection: release() hands it one (or the right to open one), close()
// wakes it with neither.
struct PoolWaiter {
  explicit PoolWaiter(asio::any_io_executor ex) : wake(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer wake;
  std::shared_ptr<HttpConnection> handed;  // an idle connection passed on
  bool may_open = false;                   // a slot passed on: open a new connection
  bool woken = false;
};

struct HttpPool {
  HttpPool(asio::any_io_executor ex, std::size_t cap)
      : executor(std::move(ex)), max_connections(std::max<std::size_t>(1, cap)) {}

  asio::any_io_executor executor;
  std::size_t max_connections;
  bool tls = false;
  std::string host;
  std::string port;
  std::optional<Proxy> proxy;  // from the environment (http_proxy.hpp), when it names one for this host
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
  std::vector<std::shared_ptr<HttpConnection>> idle;  // kept-alive, most recently used last
  std::set<std::shared_ptr<HttpConnection>> busy;     // serving a request now
  std::size_t opening = 0;                            // slots taken by connections being opened
  std::deque<std::shared_ptr<PoolWaiter>> waiters;    // in arrival order

  std::size_t open() const { return idle.size() + busy.size() + opening; }

  // Gives a request a connection: an idle one, else a new one while under the cap; nullptr when
  // the request must wait.
  std::shared_ptr<HttpConnection> take() {
    if (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      busy.insert(c);
      return c;
    }
    if (open() < max_connections) return fresh();
    return nullptr;
  }

  std::shared_ptr<HttpConnection> fresh() {
    auto c = std::make_shared<HttpConnection>(executor);
    c->tls = tls;
    busy.insert(c);
    return c;
  }

  // A request is done with its connection: the first waiter gets it (or, when it was dropped,
  // its slot); otherwise a kept-alive one goes back to the idle list.
  void release(const std::shared_ptr<HttpConnection>& c) {
    busy.erase(c);
    const bool reusable = c->connected;
    if (!reusable) c->drop();
    if (!waiters.empty()) {
      auto w = std::move(waiters.front());
      waiters.pop_front();
      if (reusable) {
        busy.insert(c);
        w->handed = c;
      } else {
        ++opening;  // the slot goes to the waiter, which opens its own connection
        w->may_open = true;
      }
      w->woken = true;
      w->wake.cancel();
      return;
    }
    if (reusable) idle.push_back(c);
  }

  // Fails everything: every socket closes, waiters wake with nothing.
  void abort_all() {
    for (auto& c : idle) c->drop();
    idle.clear();
    for (const auto& c : busy) c->abort();
    for (auto& w : waiters) {
      w->woken = true;
      w->wake.cancel();
    }
    waiters.clear();
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

// Opens the connection: TCP (to the proxy, and a CONNECT tunnel through it, when there is one),
// then the TLS handshake with SNI and certificate verification. Empty, or why it failed.
struct Opened {
  beast::error_code ec;
  std::string why;  // set instead of ec when the proxy refused the tunnel
};

asio::awaitable<Opened> connect(std::shared_ptr<HttpPool> pool, std::shared_ptr<HttpConnection> impl,
                                std::chrono::milliseconds timeout) {
  tcp::resolver resolver(impl->executor);
  // No ?: with strings here: GCC 12 mis-compiles class temporaries of ?: in coroutines.
  std::string dial_host = pool->host, dial_port = pool->port;
  if (pool->proxy) {
    dial_host = pool->proxy->host;
    dial_port = pool->proxy->port;
  }
  auto [rec, endpoints] = co_await resolver.async_resolve(dial_host, dial_port, use_tuple);
  if (rec) co_return Opened{rec, {}};
  if (impl->tls) {
    impl->secure.emplace(impl->executor, pool->ssl_ctx);
    // SNI, and the name the certificate must carry.
    if (!SSL_set_tlsext_host_name(impl->secure->native_handle(), pool->host.c_str()))
      co_return Opened{beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()), {}};
    impl->secure->set_verify_callback(asio::ssl::host_name_verification(pool->host));
  } else {
    impl->plain.emplace(impl->executor);
  }
  impl->lowest().expires_after(timeout);
  auto [cec, ep] = co_await impl->lowest().async_connect(endpoints, use_tuple);
  if (cec) co_return Opened{cec, {}};
  if (pool->proxy) {
    std::string why = co_await open_tunnel(impl->lowest(), *pool->proxy, pool->host, pool->port, timeout);
    if (!why.empty()) co_return Opened{{}, why};
  }
  if (impl->tls) {
    impl->lowest().expires_after(timeout);
    auto [hec] = co_await impl->secure->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return Opened{hec, {}};
  }
  impl->connected = true;
  co_return Opened{};
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

asio::awaitable<Response> perform(std::shared_ptr<HttpPool> pool, std::shared_ptr<HttpConnection> impl,
                                  Request request) {
  bhttp::request<bhttp::string_body> req;
  req.method(bhttp::string_to_verb(request.method));
  req.target(request.target);
  req.version(11);
  req.set(bhttp::field::host, pool->host);
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
      Opened opened = co_await connect(pool, impl, request.timeout);
      if (!opened.why.empty()) {
        impl->drop();
        co_return failure(bot::SendErrorKind::network, "cannot connect to " + pool->host + ": " + opened.why);
      }
      if (opened.ec) {
        impl->drop();
        std::string through;
        if (pool->proxy) through = " through the proxy " + pool->proxy->label();
        co_return failure(kind_of(opened.ec), "cannot connect to " + pool->host + through + ": " + opened.ec.message());
      }
    }
    Exchange ex = co_await exchange(impl, req, request.timeout);
    if (ex.ec) {
      impl->drop();
      bool stale = ex.ec == bhttp::error::end_of_stream || ex.ec == asio::error::connection_reset ||
                   ex.ec == asio::error::broken_pipe || ex.ec == asio::error::eof;
      if (reused && stale && attempt == 0) continue;
      co_return failure(kind_of(ex.ec), request.method + " to " + pool->host + " failed: " + ex.ec.message());
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
    if (!out.ok()) out.error_text = "HTTP " + std::to_string(out.status) + " from " + pool->host;
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

HttpClient::HttpClient(asio::any_io_executor executor, const std::string& origin, const std::string& ca_file,
                       std::size_t max_connections)
    : pool_(std::make_shared<HttpPool>(executor, max_connections)) {
  std::string rest;
  if (origin.starts_with("https://")) {
    pool_->tls = true;
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    throw std::invalid_argument("the URL " + origin + " must start with https:// or http://");
  }
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    pool_->host = rest.substr(0, colon);
    pool_->port = rest.substr(colon + 1);
  } else {
    pool_->host = rest;
    pool_->port = pool_->tls ? "443" : "80";
  }
  if (pool_->host.starts_with("[") && pool_->host.ends_with("]"))
    pool_->host = pool_->host.substr(1, pool_->host.size() - 2);
  if (pool_->host.empty()) throw std::invalid_argument("the URL " + origin + " has no host");
  pool_->proxy = proxy_for(pool_->tls ? "https" : "http", pool_->host);
  if (pool_->tls) {
    if (ca_file.empty()) {
      pool_->ssl_ctx.set_default_verify_paths();
    } else {
      // Only this bundle: a private test authority must not widen trust for anything else.
      beast::error_code ec;
      pool_->ssl_ctx.load_verify_file(ca_file, ec);
      if (ec) throw std::invalid_argument("cannot read the CA file " + ca_file + ": " + ec.message());
    }
    pool_->ssl_ctx.set_verify_mode(asio::ssl::verify_peer);
  }
}

HttpClient::~HttpClient() { pool_->abort_all(); }

void HttpClient::close() { pool_->abort_all(); }

std::size_t HttpClient::open_connections() const { return pool_->open(); }
std::size_t HttpClient::waiting_requests() const { return pool_->waiters.size(); }

asio::awaitable<Response> HttpClient::request(Request request) {
  auto pool = pool_;
  std::shared_ptr<HttpConnection> conn = pool->take();
  if (!conn) {
    auto waiter = std::make_shared<PoolWaiter>(pool->executor);
    pool->waiters.push_back(waiter);
    while (!waiter->woken) co_await waiter->wake.async_wait(use_tuple);
    if (waiter->handed) {
      conn = std::move(waiter->handed);
    } else if (waiter->may_open) {
      --pool->opening;
      conn = pool->fresh();
    } else {
      co_return failure(bot::SendErrorKind::network, "the connection to " + pool->host + " was closed");
    }
  }
  Response out;
  try {
    out = co_await perform(pool, conn, std::move(request));
  } catch (const std::exception& e) {
    conn->drop();
    out = failure(bot::SendErrorKind::network, e.what());
  }
  pool->release(conn);
  co_return out;
}

}  // namespace adapters::http
