#include "tests/support/fake_http_listener.hpp"

#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "adapters/slack/slack_http_requests.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

struct FakeHttpListenerState {
  FakeHttpListenerState(asio::io_context& io, FakeHttpListener::Route r, FakeHttpListener::Upgrade u,
                        std::shared_ptr<asio::ssl::context> t)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        route(std::move(r)),
        upgrade(std::move(u)),
        tls(std::move(t)),
        port(acceptor.local_endpoint().port()) {}

  tcp::acceptor acceptor;
  FakeHttpListener::Route route;
  FakeHttpListener::Upgrade upgrade;
  std::shared_ptr<asio::ssl::context> tls;
  unsigned short port;  // kept: a closed acceptor has no endpoint
  bool stopped = false;
  std::set<beast::tcp_stream*> open;  // sessions stop() closes
};

namespace {

using StatePtr = std::shared_ptr<FakeHttpListenerState>;

// Keeps a session's socket in the open set while the session owns it.
struct Tracked {
  Tracked(FakeHttpListenerState& s, beast::tcp_stream& stream) : s(s), stream(&stream) { s.open.insert(&stream); }
  ~Tracked() { release(); }
  void release() {
    if (stream) s.open.erase(stream);
    stream = nullptr;
  }
  FakeHttpListenerState& s;
  beast::tcp_stream* stream;
};

template <class Stream>
asio::awaitable<void> serve(StatePtr s, Stream& stream, Tracked& tracked) {
  beast::flat_buffer buffer;
  while (!s->stopped) {
    FakeRequest req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kToken);
    if (ec || s->stopped) break;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      if (s->upgrade && beast::websocket::is_upgrade(req)) {
        tracked.release();  // the hook owns the connection now
        co_await s->upgrade(std::move(stream), std::move(req));
        co_return;
      }
    }
    const bool keep = req.keep_alive();
    FakeResponse r = co_await s->route(req);
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res.set(name, value);
    res.body() = std::move(r.body);
    res.keep_alive(keep);
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, kToken);
    if (wec || !keep) break;
  }
}

asio::awaitable<void> session(StatePtr s, tcp::socket socket) {
  beast::error_code ignored;
  if (!s->tls) {
    beast::tcp_stream stream(std::move(socket));
    Tracked tracked(*s, stream);
    co_await serve(s, stream, tracked);
    if (tracked.stream) stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *s->tls);
  Tracked tracked(*s, beast::get_lowest_layer(stream));
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kToken);
  if (hec) co_return;  // e.g. a client that does not trust the certificate
  co_await serve(s, stream, tracked);
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(StatePtr s) {
  while (!s->stopped) {
    auto [ec, socket] = co_await s->acceptor.async_accept(kToken);
    if (ec) break;
    asio::co_spawn(s->acceptor.get_executor(), session(s, std::move(socket)), asio::detached);
  }
}

}  // namespace

FakeHttpListener::FakeHttpListener(asio::io_context& io, Route route, Upgrade upgrade,
                                   std::shared_ptr<asio::ssl::context> tls)
    : state_(std::make_shared<FakeHttpListenerState>(io, std::move(route), std::move(upgrade), std::move(tls))) {
  asio::co_spawn(io, accept_loop(state_), asio::detached);
}

FakeHttpListener::~FakeHttpListener() { stop(); }

void FakeHttpListener::stop() {
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (auto* stream : state_->open) stream->socket().close(ignored);
}

unsigned short FakeHttpListener::port() const { return state_->port; }

std::string FakeHttpListener::origin() const {
  return std::string(state_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

asio::any_io_executor FakeHttpListener::executor() const { return state_->acceptor.get_executor(); }

std::map<std::string, std::string> form_fields(std::string_view body) {
  auto fields = adapters::slack::parse_form_urlencoded(body);
  return fields ? std::move(*fields) : std::map<std::string, std::string>();
}

}  // namespace test_support
