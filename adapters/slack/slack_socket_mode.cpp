#include "adapters/slack/slack_socket_mode.hpp"

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>

#include "adapters/common/http_proxy.hpp"
#include "adapters/slack/slack_envelope_ledger.hpp"
#include "adapters/slack/slack_socket_frames.hpp"
#include "adapters/slack/slack_web_api.hpp"
#include "bot/model/backoff.hpp"
#include "bot/model/metrics.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::slack {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using bot::use_tuple;
constexpr int kMaxConnections = 10;  // Slack's limit per app
// A connection that drops sooner than this after hello counts as a failure, so a server that
// accepts and drops at once is retried with backoff instead of in a tight loop. One that lived
// longer is replaced at once: a drop every few seconds must not cost seconds of deafness.
constexpr auto kShortLived = std::chrono::seconds(2);
// The first reconnect after a drop waits only this much at most (jitter, so that copies dropped
// together do not all call apps.connections.open in the same millisecond); back-off starts with
// the second failure in a row.
constexpr auto kReconnectJitter = std::chrono::milliseconds(20);

namespace {

// One websocket, plain or TLS; Beast's stream types stay inside this file.
class WsTransport {
 public:
  virtual ~WsTransport() = default;
  virtual asio::awaitable<std::pair<beast::error_code, std::string>> read() = 0;
  virtual asio::awaitable<beast::error_code> write(std::string text) = 0;
  virtual asio::awaitable<beast::error_code> close() = 0;
  // Closes the TCP socket at once: pending reads and writes fail.
  virtual void abort() = 0;
};

template <class Next>
class WsTransportOf final : public WsTransport {
 public:
  template <class... Args>
  explicit WsTransportOf(Args&&... args) : ws(std::forward<Args>(args)...) {}

  asio::awaitable<std::pair<beast::error_code, std::string>> read() override {
    buffer.clear();
    auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
    if (ec) co_return std::pair{ec, std::string()};
    co_return std::pair{ec, beast::buffers_to_string(buffer.data())};
  }
  asio::awaitable<beast::error_code> write(std::string text) override {
    ws.text(true);
    auto [ec, n] = co_await ws.async_write(asio::buffer(text), use_tuple);
    co_return ec;
  }
  asio::awaitable<beast::error_code> close() override {
    auto [ec] = co_await ws.async_close(websocket::close_code::normal, use_tuple);
    co_return ec;
  }
  void abort() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  }

  websocket::stream<Next> ws;
  beast::flat_buffer buffer;
};

using PlainWs = WsTransportOf<beast::tcp_stream>;
using TlsWs = WsTransportOf<beast::ssl_stream<beast::tcp_stream>>;

struct Connection {
  explicit Connection(asio::any_io_executor ex) : wake(ex) { wake.expires_at(asio::steady_timer::time_point::max()); }
  std::uint64_t id = 0;
  std::shared_ptr<WsTransport> ws;
  std::deque<std::string> out;  // acks waiting for the writer
  asio::steady_timer wake;      // cancelled to wake the writer; never re-armed
  SteadyClock::time_point opened_at{};
  int in_flight = 0;      // envelopes being handled
  bool open = true;       // still reading
  bool retiring = false;  // Slack asked to reconnect: closes once its successor said hello
  bool closing = false;   // close when the queue is flushed and nothing is in flight
  bool close_sent = false;
};
using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace

struct ReceiverState {
  ReceiverState(asio::any_io_executor ex, SlackWebApi& a, SocketModeOptions opts, EnvelopeHandler h)
      : executor(ex),
        api(a),
        options(std::move(opts)),
        handler(std::move(h)),
        ledger(options.dedupe_ttl),
        reconnect_backoff(options.first_backoff, options.max_backoff),
        changed(ex),
        ledger_changed(ex),
        backoff(ex),
        rotation(ex) {
    target = std::clamp(options.connections, 1, kMaxConnections);
    changed.expires_at(asio::steady_timer::time_point::max());
    ledger_changed.expires_at(asio::steady_timer::time_point::max());
    ssl.set_default_verify_paths();
    ssl.set_verify_mode(asio::ssl::verify_peer);
  }

  int active() const {
    return static_cast<int>(
        std::count_if(connections.begin(), connections.end(), [](const ConnectionPtr& c) { return !c->retiring; }));
  }

  asio::any_io_executor executor;
  SlackWebApi& api;
  SocketModeOptions options;
  EnvelopeHandler handler;
  EnvelopeLedger ledger;
  bot::Backoff reconnect_backoff;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  asio::steady_timer changed;         // wakes the supervisor; never re-armed
  asio::steady_timer ledger_changed;  // wakes duplicates waiting for their first copy
  asio::steady_timer backoff;
  asio::steady_timer rotation;             // the next proactive refresh of the oldest connection
  milliseconds slack_age{0};               // 3/4 of the approximate_connection_time Slack's hello announced
  std::vector<ConnectionPtr> connections;  // said hello, still open
  std::shared_ptr<WsTransport> dialing;    // the connection being opened, aborted by stop()
  int target = 2;
  int failures = 0;  // failed opens and short-lived connections in a row
  milliseconds retry_after{0};
  std::minstd_rand jitter{std::random_device{}()};  // Slack's Retry-After for apps.connections.open
  std::uint64_t next_id = 1;
  bool stopped = false;
  bool disabled = false;
};

namespace {

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("slack: a Socket Mode task failed: {}", ex.what());
  }
}

milliseconds next_backoff(ReceiverState& s) {
  if (s.retry_after.count() > 0) return std::exchange(s.retry_after, milliseconds(0));
  if (s.failures <= 1)
    return milliseconds(std::uniform_int_distribution<long long>(0, kReconnectJitter.count())(s.jitter));
  // Jittered, so that copies restarted together do not all call apps.connections.open at once.
  return s.reconnect_backoff.delay(s.failures - 2);
}

// Asks the connection to close once its queue is flushed and nothing is in flight.
void request_close(Connection& c) {
  c.closing = true;
  c.wake.cancel();
}

void send_frame(Connection& c, std::string frame) {
  if (!c.open || c.close_sent) return;  // the envelope comes back on another connection
  c.out.push_back(std::move(frame));
  c.wake.cancel();
}

void send_ack(Connection& c, const std::string& envelope_id, const std::string& payload) {
  std::string frame;
  try {
    frame = ack_frame(envelope_id, payload);
  } catch (const std::exception& e) {
    spdlog::error("slack: the answer to envelope {} is not JSON ({}); acknowledging without it", envelope_id, e.what());
    frame = ack_frame(envelope_id);
  }
  send_frame(c, std::move(frame));
}

struct Dialed {
  std::shared_ptr<WsTransport> ws;
  std::string error;
};

template <class Ws>
asio::awaitable<std::string> handshake(std::shared_ptr<ReceiverState> s, Ws& t, std::string host, std::string port,
                                       std::string host_header, std::string target,
                                       tcp::resolver::results_type endpoints,
                                       std::optional<adapters::http::Proxy> proxy) {
  auto& lowest = beast::get_lowest_layer(t.ws);
  lowest.expires_after(s->options.handshake_timeout);
  auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
  if (cec) co_return "cannot connect to " + (proxy ? "the proxy " + proxy->label() : host) + ": " + cec.message();
  if (proxy) {
    std::string why = co_await adapters::http::open_tunnel(lowest, *proxy, host, port, s->options.handshake_timeout);
    if (!why.empty()) co_return why;
  }
  // Acks are small frames that must leave at once: without this, Nagle's algorithm holds one
  // back behind the previous until its TCP ACK arrives (up to 40 ms with delayed ACKs).
  beast::error_code nodelay_ec;
  lowest.socket().set_option(tcp::no_delay(true), nodelay_ec);
  if constexpr (std::is_same_v<Ws, TlsWs>) {
    // SNI, and the name the certificate must carry.
    if (!SSL_set_tlsext_host_name(t.ws.next_layer().native_handle(), host.c_str()))
      co_return "cannot set the TLS server name for " + host;
    t.ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(host));
    lowest.expires_after(s->options.handshake_timeout);
    auto [hec] = co_await t.ws.next_layer().async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return "TLS with " + host + " failed: " + hec.message();
  }
  // The websocket's own timeouts take over from here (Beast wants the TCP timer off).
  lowest.expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = s->options.handshake_timeout;
  timeouts.idle_timeout = s->options.idle_timeout;
  timeouts.keep_alive_pings = true;
  t.ws.set_option(timeouts);
  t.ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "Hallpass/" HALLPASS_VERSION); }));
  auto [wec] = co_await t.ws.async_handshake(host_header, target, use_tuple);
  if (wec) co_return "the websocket upgrade at " + host + " failed: " + wec.message();
  co_return std::string();
}

// Connects to the websocket URL apps.connections.open returned, as given (ws or wss).
asio::awaitable<Dialed> dial(std::shared_ptr<ReceiverState> s, std::string url) {
  Dialed out;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    out.error = "apps.connections.open returned a URL that does not parse";
    co_return out;
  }
  const std::string scheme(parsed->scheme());
  const bool tls = scheme == "wss";
  if (!tls && scheme != "ws") {
    out.error = "apps.connections.open returned a " + scheme + " URL, not ws or wss";
    co_return out;
  }
  const std::string host = parsed->host_address();
  // No ?: with strings here: GCC 12 mis-compiles class temporaries of ?: in coroutines.
  std::string port = tls ? "443" : "80";
  std::string host_header = host;
  if (parsed->has_port()) {
    port = std::string(parsed->port());
    host_header += ":" + port;
  }
  std::string target(parsed->encoded_target());
  if (target.empty()) target = "/";

  // Through the proxy the environment names, when it names one for this host.
  std::optional<adapters::http::Proxy> proxy;
  try {
    proxy = adapters::http::proxy_for(scheme, host);
  } catch (const std::invalid_argument& e) {
    out.error = e.what();
    co_return out;
  }
  std::string dial_host = host, dial_port = port;
  if (proxy) {
    dial_host = proxy->host;
    dial_port = proxy->port;
  }
  tcp::resolver resolver(s->executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(dial_host, dial_port, use_tuple);
  if (rec) {
    out.error = "cannot resolve " + dial_host + ": " + rec.message();
    co_return out;
  }
  if (tls) {
    auto t = std::make_shared<TlsWs>(s->executor, s->ssl);
    s->dialing = t;
    out.error = co_await handshake(s, *t, host, port, host_header, target, endpoints, proxy);
    out.ws = t;
  } else {
    auto t = std::make_shared<PlainWs>(s->executor);
    s->dialing = t;
    out.error = co_await handshake(s, *t, host, port, host_header, target, endpoints, proxy);
    out.ws = t;
  }
  s->dialing.reset();
  if (!out.error.empty()) out.ws.reset();
  co_return out;
}

// apps.connections.open, the websocket, and Slack's hello. nullptr (and a log line) on failure.
asio::awaitable<ConnectionPtr> open_connection(std::shared_ptr<ReceiverState> s) {
  ApiOutcome opened = co_await s->api.open_socket_url();
  if (!opened.ok()) {
    if (opened.result.error == bot::SendErrorKind::auth)
      spdlog::error(
          "slack: Slack refused the app-level token ({}); check adapters.slack.app_token (xapp-…, "
          "scope connections:write)",
          opened.result.error_text);
    else
      spdlog::warn("slack: cannot open a Socket Mode connection: {}", opened.result.error_text);
    if (opened.result.error == bot::SendErrorKind::rate_limited) s->retry_after = opened.result.retry_after;
    co_return nullptr;
  }
  if (opened.response.url.empty()) {
    spdlog::warn("slack: apps.connections.open answered without a URL");
    co_return nullptr;
  }
  Dialed d = co_await dial(s, opened.response.url);
  if (!d.ws) {
    spdlog::warn("slack: cannot open a Socket Mode connection: {}", d.error);
    co_return nullptr;
  }
  // Until hello: the handshake timeout, enforced by closing the socket (no racing of reads).
  auto got_hello = std::make_shared<bool>(false);
  asio::steady_timer deadline(s->executor);
  deadline.expires_after(s->options.handshake_timeout);
  std::weak_ptr<WsTransport> weak = d.ws;
  s->dialing = d.ws;
  deadline.async_wait([weak, got_hello](const boost::system::error_code& ec) {
    if (ec || *got_hello) return;
    if (auto ws = weak.lock()) ws->abort();
  });
  auto [ec, text] = co_await d.ws->read();
  *got_hello = true;
  deadline.cancel();
  s->dialing.reset();
  if (ec) {
    spdlog::warn("slack: the Socket Mode connection closed before hello: {}", ec.message());
    co_return nullptr;
  }
  auto frame = parse_frame(text);
  if (!frame || frame->kind != FrameKind::hello) {
    spdlog::warn("slack: the Socket Mode connection did not start with hello");
    d.ws->abort();
    co_return nullptr;
  }
  auto c = std::make_shared<Connection>(s->executor);
  c->id = s->next_id++;
  c->ws = d.ws;
  c->opened_at = SteadyClock::now();
  if (frame->approximate_connection_time > 0)
    s->slack_age = std::chrono::seconds(frame->approximate_connection_time) * 3 / 4;
  spdlog::info("slack: Socket Mode connection {} open ({} for the app)", c->id, frame->num_connections);
  co_return c;
}

asio::awaitable<void> write_loop(ConnectionPtr c) {
  for (;;) {
    while (c->open && c->out.empty() && !(c->closing && c->in_flight == 0)) co_await c->wake.async_wait(use_tuple);
    if (!c->open) break;
    if (!c->out.empty()) {
      std::string frame = std::move(c->out.front());
      c->out.pop_front();
      if (auto ec = co_await c->ws->write(std::move(frame))) {
        spdlog::warn("slack: writing to Socket Mode connection {} failed: {}", c->id, ec.message());
        c->ws->abort();
        break;
      }
      continue;
    }
    // Flushed, nothing in flight: the close handshake (the read loop sees it end).
    c->close_sent = true;
    if (auto ec = co_await c->ws->close()) c->ws->abort();
    break;
  }
}

asio::awaitable<void> handle_envelope(std::shared_ptr<ReceiverState> s, ConnectionPtr c, Envelope e) {
  const auto received = SteadyClock::now();
  ++c->in_flight;
  auto st = s->ledger.state(e.envelope_id, SteadyClock::now());
  // A copy delivered again while the first is still being handled (after a dropped connection):
  // wait for the first, then answer this one the same way.
  while (st == EnvelopeLedger::State::in_progress) {
    co_await s->ledger_changed.async_wait(use_tuple);
    st = s->ledger.state(e.envelope_id, SteadyClock::now());
  }
  if (st == EnvelopeLedger::State::done) {
    spdlog::debug("slack: envelope {} was handled before; acknowledging it again", e.envelope_id);
    send_ack(*c, e.envelope_id, s->ledger.ack_payload(e.envelope_id));
  } else {
    s->ledger.begin(e.envelope_id);
    AckReply reply;
    reply.accepted = false;
    try {
      reply = co_await s->handler(e.type, e.payload, e.envelope_id);
    } catch (const std::exception& ex) {
      spdlog::error("slack: envelope {} failed: {}", e.envelope_id, ex.what());
    }
    if (reply.accepted) {
      // Slack takes a payload only where the envelope says it does.
      std::string payload;
      if (e.accepts_response_payload) payload = std::move(reply.payload_json);
      s->ledger.finish(e.envelope_id, payload, SteadyClock::now());
      send_ack(*c, e.envelope_id, payload);
      bot::metrics::count("hallpass_acks_total", {{"platform", "slack"}});
      bot::metrics::observe("hallpass_ack_seconds", {{"platform", "slack"}},
                            std::chrono::duration<double>(SteadyClock::now() - received).count());
    } else {
      s->ledger.abandon(e.envelope_id);
      // Slack delivers only Events API envelopes again; a slash command or an interaction left
      // unacknowledged is lost, and the person sees Slack's error.
      if (e.type == EnvelopeType::events_api)
        spdlog::warn("slack: envelope {} was not recorded; it is not acknowledged, so Slack delivers it again",
                     e.envelope_id);
      else
        spdlog::warn(
            "slack: envelope {} was not recorded; it is not acknowledged, and Slack does not deliver a slash "
            "command or an interaction again: the person sees an error and must try again",
            e.envelope_id);
    }
    s->ledger_changed.cancel();
  }
  --c->in_flight;
  c->wake.cancel();
}

void on_disconnect(std::shared_ptr<ReceiverState> s, Connection& c, const Frame& f) {
  switch (f.reason) {
    case DisconnectReason::link_disabled:
      spdlog::error(
          "slack: Socket Mode is turned off for this Slack app (link_disabled); Hallpass stops "
          "listening to Slack. Turn Socket Mode on in the app's settings and restart Hallpass.");
      s->disabled = true;
      s->stopped = true;
      for (auto& other : s->connections) request_close(*other);
      break;
    case DisconnectReason::too_many_websockets:
      // More than 10 sockets for the app (other copies of Hallpass running?): keep fewer.
      if (s->target > 1) --s->target;
      spdlog::warn(
          "slack: Slack refuses more Socket Mode connections for this app (too_many_websockets); "
          "keeping {} from now on. Is another copy of Hallpass running with the same app?",
          s->target);
      c.retiring = true;
      request_close(c);
      break;
    default:
      spdlog::info("slack: Slack asks to reconnect connection {} ({}); opening its successor first", c.id,
                   f.reason_text.empty() ? "no reason given" : f.reason_text);
      c.retiring = true;
      break;
  }
  s->changed.cancel();
}

asio::awaitable<void> read_loop(std::shared_ptr<ReceiverState> s, ConnectionPtr c) {
  for (;;) {
    auto [ec, text] = co_await c->ws->read();
    if (ec) {
      const bool expected = c->close_sent || c->closing || s->stopped;
      if (expected)
        spdlog::info("slack: Socket Mode connection {} closed", c->id);
      else
        spdlog::warn("slack: Socket Mode connection {} dropped: {}; replacing it", c->id, ec.message());
      if (!expected) bot::metrics::count("hallpass_reconnects_total", {{"platform", "slack"}});
      if (!expected && !c->retiring) {
        if (SteadyClock::now() - c->opened_at < kShortLived)
          ++s->failures;
        else
          s->failures = 0;  // it lived: the next open waits only the jitter
      }
      break;
    }
    auto frame = parse_frame(text);
    if (!frame) {
      spdlog::warn("slack: a Socket Mode frame was refused: {}", frame.error().message);
      continue;
    }
    if (frame->kind == FrameKind::disconnect)
      on_disconnect(s, *c, *frame);
    else if (frame->kind == FrameKind::envelope)
      asio::co_spawn(s->executor, handle_envelope(s, c, std::move(frame->envelope)), log_failure);
  }
  c->open = false;
  c->wake.cancel();
  std::erase(s->connections, c);
  s->changed.cancel();
}

// The oldest retiring connection closes now that a successor is open.
void retire_one(ReceiverState& s) {
  for (auto& c : s.connections)
    if (c->retiring && !c->closing) {
      request_close(*c);
      return;
    }
}

// How long each connection lives before its proactive refresh: max_age, or less when Slack's hello
// announced it keeps connections for a shorter time.
milliseconds lifetime(const ReceiverState& s) {
  milliseconds age = s.options.max_age;
  if (s.slack_age.count() > 0 && s.slack_age < age) age = s.slack_age;
  return age;
}

// Refreshes the oldest connection every lifetime / connections (±10%), one at a time, so that the
// connections' ages stay apart: Slack's refresh at an age, or the end of a connection's life, never
// takes them all at once. The supervisor opens the successor before the old one closes.
asio::awaitable<void> rotate(std::shared_ptr<ReceiverState> s) {
  while (!s->stopped) {
    const milliseconds period = lifetime(*s) / s->target;
    const long long spread = std::max<long long>(period.count() / 10, 1);
    s->rotation.expires_after(period +
                              milliseconds(std::uniform_int_distribution<long long>(-spread, spread)(s->jitter)));
    co_await s->rotation.async_wait(use_tuple);
    if (s->stopped) break;
    // Not while a connection is missing or being replaced: that one comes first, and it is young.
    if (s->active() < s->target || s->active() != static_cast<int>(s->connections.size())) continue;
    auto oldest =
        std::min_element(s->connections.begin(), s->connections.end(),
                         [](const ConnectionPtr& a, const ConnectionPtr& b) { return a->opened_at < b->opened_at; });
    if (oldest == s->connections.end()) continue;
    spdlog::debug("slack: refreshing Socket Mode connection {}, the oldest, before Slack would", (*oldest)->id);
    (*oldest)->retiring = true;
    s->changed.cancel();
  }
}

asio::awaitable<void> supervise(std::shared_ptr<ReceiverState> s) {
  if (s->options.max_age.count() > 0) asio::co_spawn(s->executor, rotate(s), log_failure);
  while (!s->stopped) {
    if (s->active() >= s->target) {
      co_await s->changed.async_wait(use_tuple);
      continue;
    }
    {
      s->backoff.expires_after(next_backoff(*s));
      co_await s->backoff.async_wait(use_tuple);
      if (s->stopped) break;
    }
    ConnectionPtr c = co_await open_connection(s);
    if (!c) {
      ++s->failures;
      continue;
    }
    if (s->stopped) {
      c->ws->abort();
      break;
    }
    // Not back to 0 until it lived (read_loop): a server that accepts and drops at once still
    // meets back-off from the second drop on, but failed opens before do not delay the next.
    s->failures = std::min(s->failures, 1);
    s->connections.push_back(c);
    asio::co_spawn(s->executor, write_loop(c), log_failure);
    asio::co_spawn(s->executor, read_loop(s, c), log_failure);
    retire_one(*s);
  }
  for (auto& c : s->connections) request_close(*c);
  while (!s->connections.empty()) co_await s->changed.async_wait(use_tuple);
}

}  // namespace

SocketModeReceiver::SocketModeReceiver(asio::any_io_executor executor, SlackWebApi& api, SocketModeOptions options,
                                       EnvelopeHandler handler)
    : state_(std::make_shared<ReceiverState>(executor, api, std::move(options), std::move(handler))) {}

SocketModeReceiver::~SocketModeReceiver() {
  stop();
  // Nothing may outlive the receiver holding its sockets open.
  for (auto& c : state_->connections) c->ws->abort();
}

asio::awaitable<void> SocketModeReceiver::run() { co_await supervise(state_); }

void SocketModeReceiver::stop() {
  auto& s = *state_;
  s.stopped = true;
  for (auto& c : s.connections) request_close(*c);
  if (s.dialing) s.dialing->abort();
  s.backoff.cancel();
  s.rotation.cancel();
  s.changed.cancel();
}

int SocketModeReceiver::open_connections() const { return state_->active(); }

bool SocketModeReceiver::disabled() const { return state_->disabled; }

}  // namespace adapters::slack
