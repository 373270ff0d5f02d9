#pragma once
// SlackHttpReceiver: Slack's HTTP mode, for districts that run Hallpass behind a load balancer
// instead of using Socket Mode. A plain HTTP/1.1 server (TLS ends at the district's load balancer
// or reverse proxy) with Slack's three Request URLs:
//
//   POST /slack/commands       slash commands, form fields
//   POST /slack/interactivity  buttons and modals, "payload=<json>"
//   POST /slack/events         Events API, JSON; answers url_verification with its challenge
//   GET  /slack/install, /slack/oauth_redirect   only with install_pages (a workspace's install)
//
// Every request is checked first: X-Slack-Request-Timestamp and X-Slack-Signature (v0 HMAC-SHA256
// with the signing secret, at most 5 minutes from the clock). A request that fails is answered
// 401 and goes no further. A request that passes is handed to the EnvelopeHandler as
// (type, payload JSON, "") — the same payload object Socket Mode delivers — and answered 200
// (with the ack's payload as the JSON body, if any) once the handler accepts it, or 503 so that
// Slack delivers it again. Slack's retries carry X-Slack-Retry-Num; they are de-duplicated by the
// core on the payload's event id, not here.
//
// The transport (routes, 404/405/413, keep-alive, timeouts, connection limits) is
// adapters/common/HttpServer; this file is what Slack's HTTP mode adds to it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "adapters/common/http_server.hpp"
#include "adapters/slack/slack_envelope_handler.hpp"

namespace adapters::slack {

struct SlackHttpOptions {
  // An IP address or "localhost". The default suits a reverse proxy on the same machine; a load
  // balancer elsewhere needs "0.0.0.0" (or the address it connects to).
  std::string listen_address = "127.0.0.1";
  unsigned short port = 3000;                // 0: the OS picks one (see bound_port())
  std::string signing_secret;                // Basic Information → App Credentials → Signing Secret
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies are answered 413
  std::size_t max_connections = 512;         // further connections are closed at once
  // How long a kept-alive connection may wait for its next request. Longer than the usual load
  // balancer idle timeout (60 s), so the balancer, not Hallpass, closes idle connections and
  // never sends a request into a connection that is being closed.
  std::chrono::milliseconds idle_timeout{75000};
  // How long one request may take to arrive once its first byte did (slow senders are cut off).
  std::chrono::milliseconds request_timeout{10000};
  // The clock the replay window is checked against; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
  // HTTP mode with installations (slack_installer.hpp): GET /slack/install and
  // GET /slack/oauth_redirect are answered by this, unsigned (a browser calls them). Unset: they
  // are 404 like any other path.
  http::RequestHandler install_pages;
};

struct SlackHttpState;  // the options and the handler, in the .cpp

class SlackHttpReceiver {
 public:
  // The handler is called on the executor's thread, one call per verified request; it must
  // outlive the receiver's connections. Nothing is bound before listen() or run().
  SlackHttpReceiver(boost::asio::any_io_executor executor, SlackHttpOptions options, EnvelopeHandler handler);
  ~SlackHttpReceiver();
  SlackHttpReceiver(const SlackHttpReceiver&) = delete;
  SlackHttpReceiver& operator=(const SlackHttpReceiver&) = delete;

  // listen, bound_port, url, run and stop are HttpServer's (adapters/common/http_server.hpp);
  // listen() and run() also throw std::invalid_argument when there is no signing secret.
  void listen();
  unsigned short bound_port() const;
  std::string url() const;
  boost::asio::awaitable<void> run();
  void stop();

 private:
  std::shared_ptr<SlackHttpState> state_;  // shared with the server's handler
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace adapters::slack
