#pragma once
// SocketModeReceiver: Slack's Socket Mode, kept connected; each envelope is handed to the
// EnvelopeHandler and acknowledged on the socket it came on, once the handler accepted it.
//
// run() keeps `connections` websockets open (1 to 10; Slack sends each envelope to one of them):
// apps.connections.open with the app-level token, then the returned URL as given (wss: TLS with
// certificate and host-name checks and SNI; ws: plain, for loopback test servers); a connection
// counts once Slack said hello. One connection is opened at a time; a dropped connection that had
// lived is replaced at once (a few ms of jitter), exponential backoff and jitter only from the
// second failure in a row (failed opens, connections dropped right after hello). A disconnect frame (warning,
// refresh_requested) makes the connection "retiring": its successor is opened first, and it is closed once the
// successor said hello (make before break), after its envelopes in progress were acknowledged. link_disabled ends run()
// with an error log. Beast pings a quiet socket and drops it when nothing comes back (the watchdog); a dropped
// connection is replaced. Envelope ids are remembered for dedupe_ttl: a repeated envelope is acknowledged with the
// first answer and not handled again. Everything runs on the executor's one thread.
//
// Staggered lifetimes: Slack refreshes (or drops) a connection at an age, so connections of the same age go down
// together. One connection in turn, the oldest, is refreshed proactively (make before break, as for a disconnect
// frame) every max_age / connections (±10% jitter): each lives about max_age (capped at 3/4 of the
// approximate_connection_time Slack's hello announces, so this comes before Slack's own refresh) and their ages stay
// max_age / connections apart, also after a drop of all of them made them young together.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>

#include "adapters/slack/slack_envelope_handler.hpp"

namespace adapters::slack {

class SlackWebApi;

struct SocketModeOptions {
  int connections = 2;  // capped at 10, Slack's limit per app
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};
  // Beast pings after half of this without a frame, and drops the socket after all of it.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  // Connecting (TCP, TLS, upgrade) until hello; also the close handshake.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds dedupe_ttl{std::chrono::minutes(10)};
  // How long a connection lives before it is refreshed proactively (see above); 0: never.
  std::chrono::milliseconds max_age{std::chrono::hours(1)};
};

struct ReceiverState;  // connections, ledger and timers, in the .cpp

class SocketModeReceiver {
 public:
  // api must outlive the receiver; it opens the connections (apps.connections.open).
  SocketModeReceiver(boost::asio::any_io_executor executor, SlackWebApi& api, SocketModeOptions options,
                     EnvelopeHandler handler);
  ~SocketModeReceiver();
  SocketModeReceiver(const SocketModeReceiver&) = delete;
  SocketModeReceiver& operator=(const SocketModeReceiver&) = delete;

  // Connects and keeps connected until stop() or link_disabled; returns once the sockets closed.
  boost::asio::awaitable<void> run();
  // Closes every socket with a close frame (envelopes in progress are acknowledged first).
  // Safe to call twice.
  void stop();

  // Connections that said hello and are not being replaced.
  int open_connections() const;
  // True once Slack said link_disabled (Socket Mode turned off for the app).
  bool disabled() const;

 private:
  std::shared_ptr<ReceiverState> state_;
};

}  // namespace adapters::slack
