#include "tests/support/fake_connect_proxy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <utility>

#include "bot/model/use_tuple.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using bot::use_tuple;

struct FakeConnectProxyState {
  explicit FakeConnectProxyState(asio::io_context& io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}
  tcp::acceptor acceptor;
  bool refuse = false;
  bool stopped = false;
  std::vector<std::string> targets, authorizations, first_bytes;
};

namespace {

asio::awaitable<void> copy(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to,
                           std::shared_ptr<FakeConnectProxyState> note_first = nullptr) {
  char data[16 * 1024];
  for (;;) {
    auto [rec, n] = co_await from->async_read_some(asio::buffer(data), use_tuple);
    if (rec || n == 0) break;
    if (note_first) std::exchange(note_first, nullptr)->first_bytes.emplace_back(data, n);
    auto [wec, wn] = co_await asio::async_write(*to, asio::buffer(data, n), use_tuple);
    if (wec) break;
  }
  boost::system::error_code ignored;
  to->shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> serve(std::shared_ptr<FakeConnectProxyState> s, std::shared_ptr<tcp::socket> client) {
  boost::beast::flat_buffer buffer;
  bhttp::request_parser<bhttp::empty_body> parser;
  auto [rec, rn] = co_await bhttp::async_read_header(*client, buffer, parser, use_tuple);
  if (rec) co_return;
  const auto& req = parser.get();
  const std::string target(req.target());
  s->targets.push_back(target);
  s->authorizations.emplace_back(req[bhttp::field::proxy_authorization]);
  if (req.method() != bhttp::verb::connect || s->refuse) {
    std::string no = s->refuse ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n"
                                 "Content-Length: 0\r\n\r\n"
                               : "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(*client, asio::buffer(no), use_tuple);
    co_return;
  }
  const auto colon = target.rfind(':');
  auto origin = std::make_shared<tcp::socket>(client->get_executor());
  tcp::resolver resolver(client->get_executor());
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(target.substr(0, colon), target.substr(colon + 1), use_tuple);
  if (!resolve_ec) {
    auto [cec, ep] = co_await asio::async_connect(*origin, endpoints, use_tuple);
    if (cec) resolve_ec = cec;
  }
  if (resolve_ec) {
    std::string bad = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(*client, asio::buffer(bad), use_tuple);
    co_return;
  }
  std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
  co_await asio::async_write(*client, asio::buffer(ok), use_tuple);
  if (buffer.size() > 0) {
    s->first_bytes.emplace_back(static_cast<const char*>(buffer.data().data()), buffer.size());
    co_await asio::async_write(*origin, buffer.data(), use_tuple);
    asio::co_spawn(client->get_executor(), copy(client, origin), asio::detached);
  } else {
    asio::co_spawn(client->get_executor(), copy(client, origin, s), asio::detached);
  }
  co_await copy(origin, client);
}

asio::awaitable<void> accept_loop(std::shared_ptr<FakeConnectProxyState> s) {
  while (!s->stopped) {
    auto client = std::make_shared<tcp::socket>(s->acceptor.get_executor());
    auto [ec] = co_await s->acceptor.async_accept(*client, use_tuple);
    if (ec) co_return;
    asio::co_spawn(s->acceptor.get_executor(), serve(s, client), asio::detached);
  }
}

}  // namespace

FakeConnectProxy::FakeConnectProxy(asio::io_context& io) : state_(std::make_shared<FakeConnectProxyState>(io)) {
  asio::co_spawn(io, accept_loop(state_), asio::detached);
}

FakeConnectProxy::~FakeConnectProxy() {
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

unsigned short FakeConnectProxy::port() const { return state_->acceptor.local_endpoint().port(); }
void FakeConnectProxy::refuse_with_407(bool refuse) { state_->refuse = refuse; }
const std::vector<std::string>& FakeConnectProxy::targets() const { return state_->targets; }
const std::vector<std::string>& FakeConnectProxy::authorizations() const { return state_->authorizations; }
const std::vector<std::string>& FakeConnectProxy::first_bytes() const { return state_->first_bytes; }

}  // namespace test_support
