#pragma once
// FakeConnectProxy: an HTTP proxy as district networks run them (RFC 9110 §9.3.6 CONNECT), on
// 127.0.0.1 (port 0) in the test's io_context. It records each CONNECT's target and
// Proxy-Authorization, then opens the tunnel and copies bytes both ways; or, when told to,
// answers 407 without a tunnel.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

struct FakeConnectProxyState;

class FakeConnectProxy {
 public:
  explicit FakeConnectProxy(boost::asio::io_context& io);
  ~FakeConnectProxy();
  FakeConnectProxy(const FakeConnectProxy&) = delete;
  FakeConnectProxy& operator=(const FakeConnectProxy&) = delete;

  unsigned short port() const;
  void refuse_with_407(bool refuse);
  // Every CONNECT target ("127.0.0.1:443") and its Proxy-Authorization header ("" when none).
  const std::vector<std::string>& targets() const;
  const std::vector<std::string>& authorizations() const;
  // The first bytes the client sent into each tunnel (for a plain-http origin: the first request's
  // head, e.g. a websocket upgrade).
  const std::vector<std::string>& first_bytes() const;

 private:
  std::shared_ptr<FakeConnectProxyState> state_;
};

}  // namespace test_support
