#include "adapters/webchat/webchat_adapter.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/http_server.hpp"
#include "adapters/common/http_upgrade.hpp"
#include "adapters/webchat/embedded_assets.hpp"
#include "adapters/webchat/webchat_history.hpp"
#include "adapters/webchat/webchat_protocol.hpp"
#include "adapters/webchat/webchat_routes.hpp"
#include "bot/model/metrics.hpp"
#include "bot/model/secret_text.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::webchat {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr auto kHttpTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxQueuedFrames = 2048;  // a socket this far behind is closed
constexpr std::size_t kRememberedEvents = 10000;
using bot::use_tuple;

// Refs stay unique when the demo restarts on the same database: the store still knows the refs
// of earlier runs, so each run gets its own prefix (the time, and a random part for two runs in
// the same second; the history also skips any ref it restored).
std::string run_ref_prefix() {
  constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  auto base36 = [&](std::uint64_t n) {
    std::string digits;
    do {
      digits.insert(digits.begin(), kDigits[n % 36]);
      n /= 36;
    } while (n > 0);
    return digits;
  };
  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::uniform_int_distribution<std::uint64_t> random(0, 36 * 36 * 36 - 1);
  std::random_device device;
  return "w-" + base36(static_cast<std::uint64_t>(secs)) + base36(random(device)) + "-";
}

void log_failure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("web chat: connection failed: {}", e.what());
  }
}

}  // namespace

// One browser tab: its socket, the person it plays and the frames waiting to be written.
struct Session {
  Session(beast::tcp_stream&& stream, std::string person_id)
      : ws(std::move(stream)), person(std::move(person_id)), wake(ws.get_executor()) {}

  websocket::stream<beast::tcp_stream> ws;
  std::string person;
  std::deque<std::shared_ptr<const std::string>> queue;
  asio::steady_timer wake;  // cancelled to wake the writer
  bool closing = false;
};

// The adapter's state, shared with every connection coroutine (which may outlive the adapter).
struct WebchatServer {
  WebchatServer(asio::io_context& io_context, WebchatOptions opts, const bot::DistrictConfig& cfg, WebchatArchive store)
      : io(io_context),
        options(std::move(opts)),
        config(cfg),
        history(run_ref_prefix(), options.kept_per_place),
        archive(std::move(store)) {
    for (auto& c : config_channels(cfg)) channels.insert(std::move(c));
    restore();
  }

  asio::io_context& io;
  WebchatOptions options;
  const bot::DistrictConfig& config;
  std::optional<adapters::http::HttpServer> listener;  // the listener, once listen() succeeded
  std::set<std::string, std::less<>> channels;         // the config's, and any delivered to
  WebchatHistory history;
  WebchatArchive archive;
  bot::EventSink* sink = nullptr;
  bool stopped = false;
  std::uint64_t next_connection = 1;
  std::map<std::uint64_t, beast::tcp_stream*> streams;  // open WebSockets, closed by stop()
  std::vector<std::shared_ptr<Session>> sessions;
  std::set<std::string> echoed;  // event ids of typed messages already shown
  std::deque<std::string> echoed_order;

  // What the archive kept from earlier runs: the history as it was, every channel it used, and
  // the typed messages already shown (a browser resending one after the restart sees it once).
  void restore() {
    if (!archive.load) return;
    std::vector<std::string> records;
    try {
      for (auto& kept : archive.load()) records.push_back(std::move(kept.record));
    } catch (const std::exception& e) {
      spdlog::error(
          "web chat: the messages of earlier runs could not be read ({}); starting with none, "
          "so cards and threads from before cannot be updated in place",
          e.what());
      return;
    }
    const std::size_t unreadable = history.restore(records);
    if (unreadable > 0) spdlog::warn("web chat: skipped {} unreadable saved message(s) of earlier runs", unreadable);
    for (Entry* entry : history.entries()) {
      entry->json = std::make_shared<const std::string>(entry_json(*entry, config));
      if (entry->place.rfind(kDmPrefix, 0) != 0) channels.insert(entry->place);
      if (!entry->event_id.empty()) first_sighting(entry->event_id);
    }
    if (history.size() > 0) spdlog::info("web chat: {} message(s) of earlier runs restored", history.size());
  }

  // Saves an entry as it is now. A failure is logged, never thrown: the message is shown already.
  void persist(const Entry& entry) {
    if (!archive.save) return;
    try {
      archive.save(ArchivedEntry{entry.place, entry.ref, entry_record(entry)}, options.kept_per_place);
    } catch (const std::exception& e) {
      spdlog::error("web chat: message {} in {} could not be saved ({}); it will be gone after a restart", entry.ref,
                    entry.place, e.what());
    }
  }

  void enqueue(Session& s, std::shared_ptr<const std::string> frame) {
    if (s.closing) return;
    if (s.queue.size() >= kMaxQueuedFrames) {
      spdlog::warn("web chat: {} is not reading; closing the connection", s.person);
      s.closing = true;
      beast::get_lowest_layer(s.ws).close();
      s.wake.cancel();
      return;
    }
    s.queue.push_back(std::move(frame));
    s.wake.cancel();
  }

  void enqueue(Session& s, std::string frame) { enqueue(s, std::make_shared<const std::string>(std::move(frame))); }

  void refresh_and_push(Entry& entry, bool replaced) {
    entry.json = std::make_shared<const std::string>(entry_json(entry, config));
    auto frame = std::make_shared<const std::string>(entry_frame(entry, replaced));
    for (auto& s : sessions) {
      if (visible_to(entry, s->person)) enqueue(*s, frame);
    }
  }

  // True the first time an event id is seen: a resent frame is not shown twice.
  bool first_sighting(const std::string& event_id) {
    if (!echoed.insert(event_id).second) return false;
    echoed_order.push_back(event_id);
    if (echoed_order.size() > kRememberedEvents) {
      echoed.erase(echoed_order.front());
      echoed_order.pop_front();
    }
    return true;
  }

  // Handles one browser frame. Runs without suspending, so the echo of a typed message is in
  // the history before anything the core posts in answer to it.
  void handle_frame(Session& s, const std::string& text) {
    auto frame = parse_client_frame(text);
    if (!frame) {
      enqueue(s, error_frame(frame.error()));
      return;
    }
    if (stopped || sink == nullptr) {
      enqueue(s, error_frame({frame->event_id, "Hallpass is shutting down.", "shutting_down", ""}));
      return;
    }
    const auto now = std::chrono::system_clock::now();
    auto inbound = resolve_frame(*frame, history, s.person, channels, now);
    if (!inbound) {
      enqueue(s, error_frame(inbound.error()));
      return;
    }
    if (frame->kind == ClientFrameKind::send && first_sighting(frame->event_id)) {
      std::string place = inbound->place.direct ? std::string(kDmPrefix) + s.person : inbound->place.channel;
      // A command is shown only to who typed it, as chat platforms do. The thread is the one the
      // browser named (the core may know it by the ref of a lost root its first message stands for).
      Entry& echo = history.post_user(std::move(place), frame->thread_ref, s.person, frame->text,
                                      inbound->kind == bot::InboundKind::command, now, frame->event_id);
      // What looks like a password is shown but never written to the database (the core refuses
      // it; docs/registry.md).
      if (!bot::looks_like_password(frame->text)) persist(echo);
      refresh_and_push(echo, false);
    }
    bot::HandleResult result;
    const auto received = std::chrono::steady_clock::now();
    try {
      result = sink->handle(*inbound);
    } catch (const std::exception& e) {
      // The contract says handle() never throws; a web chat connection must survive if it does.
      spdlog::error("web chat: event {} failed: {}", frame->event_id, e.what());
      result.accepted = false;
    }
    if (result.accepted) {
      enqueue(s, ack_frame(frame->event_id, result.duplicate));
      bot::metrics::count("hallpass_acks_total", {{"platform", "web"}});
      bot::metrics::observe("hallpass_ack_seconds", {{"platform", "web"}},
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    } else {
      enqueue(s, error_frame({frame->event_id, "Hallpass could not record that. Please try again in a moment.",
                              "not_recorded", ""}));
    }
  }

  bot::SendResult deliver(const bot::Delivery& delivery) {
    if (delivery.update_ref.empty() && delivery.channel.rfind(kDmPrefix, 0) == 0 &&
        web_person(config, std::string_view(delivery.channel).substr(kDmPrefix.size())) == nullptr) {
      return bot::SendResult{
          "",
          bot::SendErrorKind::not_found,
          "no person \"" + delivery.channel.substr(kDmPrefix.size()) + "\" in the web chat's directory",
          {}};
    }
    auto outcome = history.post(delivery, std::chrono::system_clock::now());
    if (!outcome) {
      return bot::SendResult{"", outcome.error().kind, outcome.error().message, {}};
    }
    Entry& entry = *outcome->entry;
    if (outcome->stands_in) {
      spdlog::warn("web chat: {} {} is no longer kept; posted {} at the top of {} with a notice, standing for it",
                   delivery.update_ref.empty() ? "thread root" : "message", entry.stands_for, entry.ref, entry.place);
    }
    if (!outcome->repeated) {
      if (entry.place.rfind(kDmPrefix, 0) != 0) channels.insert(entry.place);
      persist(entry);
      refresh_and_push(entry, outcome->replaced);
    }
    return bot::SendResult{entry.ref, bot::SendErrorKind::none, "", {}};
  }

  void close_all() {
    stopped = true;
    if (listener) listener->stop();  // the listener and the HTTP connections
    for (auto& [id, stream] : streams) stream->close();
    for (auto& s : sessions) {
      s->closing = true;
      s->wake.cancel();
    }
  }
};

namespace {

using ServerPtr = std::shared_ptr<WebchatServer>;

// Forgets a connection when its coroutine ends, however it ends.
struct StreamRegistration {
  WebchatServer& impl;
  std::uint64_t id;
  ~StreamRegistration() { impl.streams.erase(id); }
};

asio::awaitable<void> write_loop(std::shared_ptr<Session> s) {
  while (!s->closing) {
    if (s->queue.empty()) {
      s->wake.expires_at(asio::steady_timer::time_point::max());
      co_await s->wake.async_wait(use_tuple);
      continue;
    }
    std::shared_ptr<const std::string> frame = s->queue.front();
    s->ws.text(true);
    auto [ec, n] = co_await s->ws.async_write(asio::buffer(*frame), use_tuple);
    if (ec) {
      // The reader sees the closed socket and ends the session.
      s->closing = true;
      beast::get_lowest_layer(s->ws).close();
      break;
    }
    s->queue.pop_front();
  }
}

asio::awaitable<void> read_loop(ServerPtr impl, std::shared_ptr<Session> s) {
  const std::size_t limit = impl->options.max_message_bytes;
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    bool too_big = false;
    // Read in pieces so a frame over the limit is discarded as it comes and refused with an
    // error frame, instead of closing the socket as read_message_max would.
    do {
      auto [ec, n] = co_await s->ws.async_read_some(buffer, 16 * 1024, use_tuple);
      if (ec) co_return;
      if (buffer.size() > limit) {
        too_big = true;
        buffer.clear();
      }
    } while (!s->ws.is_message_done());
    if (impl->stopped) co_return;
    if (too_big) {
      impl->enqueue(*s,
                    error_frame("", "That message is too large: the limit is " + std::to_string(limit) + " bytes."));
    } else if (s->ws.got_binary()) {
      impl->enqueue(*s, error_frame("", "Send JSON text frames, not binary ones."));
    } else {
      impl->handle_frame(*s, beast::buffers_to_string(buffer.data()));
    }
  }
}

asio::awaitable<void> serve_websocket(ServerPtr impl, std::uint64_t id, beast::tcp_stream stream,
                                      http::request<http::string_body> req) {
  auto s = std::make_shared<Session>(std::move(stream), query_param(req.target(), "person"));
  impl->streams[id] = &beast::get_lowest_layer(s->ws);

  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.keep_alive_pings = true;  // an idle tab answers pings and stays connected
  s->ws.set_option(timeouts);
  s->ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "Hallpass"); }));
  // Frames up to this size are read and refused politely; beyond it the socket is closed.
  s->ws.read_message_max(std::max<std::size_t>(impl->options.max_message_bytes * 16, 1 << 20));

  auto [accept_ec] = co_await s->ws.async_accept(req, use_tuple);
  if (accept_ec) co_return;

  if (web_person(impl->config, s->person) == nullptr || impl->stopped) {
    const std::string refusal = s->person.empty()
                                    ? error_frame("", "Choose a person: connect to /ws?person=<person id>.")
                                    : error_frame("", "There is no person \"" + s->person + "\" in this district.");
    s->ws.text(true);
    auto [write_ec, n] = co_await s->ws.async_write(asio::buffer(refusal), use_tuple);
    if (!write_ec) {
      co_await s->ws.async_close(websocket::close_reason(websocket::close_code::policy_error, "unknown person"),
                                 use_tuple);
    }
    co_return;
  }

  impl->sessions.push_back(s);
  impl->enqueue(*s, hello_frame(s->person, impl->history.visible_to(s->person)));
  asio::co_spawn(impl->io, write_loop(s), log_failure);
  co_await read_loop(impl, s);

  s->closing = true;
  s->wake.cancel();
  std::erase(impl->sessions, s);
}

// Refusals of an upgrade close the connection: whatever sent them is not the web chat's page.
adapters::http::ServerReply refusal(int status, std::string body) {
  adapters::http::ServerReply reply = adapters::http::text_reply(status, std::move(body));
  reply.close = true;
  return reply;
}

// Every HTTP request: the page, its assets and the bootstrap (webchat_routes.hpp), or the
// checks before a WebSocket upgrade. The Host header was checked by the listener already.
adapters::http::ServerReply answer_http(const adapters::http::ServerRequest& req, const std::string& bootstrap) {
  if (req.upgrade) {
    if (target_path(req.target) != "/ws") return refusal(404, "Not found.\n");
    if (!origin_allowed(req.header("origin"), req.header("host")))
      return refusal(403, "The web chat accepts connections from its own page only.\n");
    adapters::http::ServerReply accept;
    accept.upgrade = true;
    return accept;
  }
  HttpReply routed = route_request(req.method, req.target, embedded_assets(), bootstrap);
  adapters::http::ServerReply reply{static_cast<int>(routed.status), std::move(routed.content_type),
                                    std::move(routed.body)};
  if (!routed.allow.empty()) reply.headers.emplace_back("Allow", std::move(routed.allow));
  return reply;
}

// An accepted upgrade, handed over by the listener. A function, not a lambda, so what it needs
// is in its own frame (the listener may be gone before it runs).
asio::awaitable<void> take_websocket(std::weak_ptr<WebchatServer> weak, adapters::http::Upgrade upgrade) {
  ServerPtr impl = weak.lock();
  if (!impl) co_return;
  const std::uint64_t id = impl->next_connection++;
  StreamRegistration registration{*impl, id};
  co_await serve_websocket(impl, id, std::move(upgrade.stream), std::move(upgrade.request));
}

// The listener's options: as the web chat has always answered (the security headers on every
// reply, HEAD as GET without the body, 16 KB requests, 30 s to send one, no connection cap).
adapters::http::ServerOptions listener_options(const WebchatOptions& o, bool loopback_only) {
  adapters::http::ServerOptions out;
  out.name = "web chat";
  out.listen_address = o.listen_address;
  out.port = o.port;
  out.max_header_bytes = 16 * 1024;
  out.max_body_bytes = 16 * 1024;
  out.max_connections = std::numeric_limits<std::size_t>::max();
  out.idle_timeout = kHttpTimeout;
  out.request_timeout = kHttpTimeout;
  out.log_listening = false;  // the caller prints the page's address
  if (loopback_only) {        // DNS rebinding: a loopback server answers to loopback host names only
    out.host_allowed = [](std::string_view host) { return host_allowed(host, true); };
    out.misdirected_text = "This web chat answers at http://127.0.0.1 (or localhost) only.\n";
  }
  out.reply_headers = {{"Cache-Control", "no-cache"},
                       {"X-Content-Type-Options", "nosniff"},
                       {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
                       {"Referrer-Policy", "no-referrer"},
                       {"X-Frame-Options", "DENY"}};
  out.head_without_body = true;
  return out;
}

}  // namespace

WebchatAdapter::WebchatAdapter(asio::io_context& io, WebchatOptions options, const bot::DistrictConfig& config,
                               WebchatArchive archive)
    : server_(std::make_shared<WebchatServer>(io, std::move(options), config, std::move(archive))) {}

WebchatAdapter::~WebchatAdapter() { stop(); }

void WebchatAdapter::listen() {
  if (server_->listener) return;
  // The web chat's own message for an address that is not one (its hint: loopback).
  adapters::http::listen_ip("web chat", server_->options.listen_address, "127.0.0.1");
  const bool loopback_only = adapters::http::is_loopback_host(server_->options.listen_address);
  std::weak_ptr<WebchatServer> weak = server_;
  auto options = listener_options(server_->options, loopback_only);
  options.on_upgrade = [weak](adapters::http::Upgrade upgrade) { return take_websocket(weak, std::move(upgrade)); };
  adapters::http::HttpServer& listener = server_->listener.emplace(
      server_->io.get_executor(), std::move(options), std::vector<adapters::http::ServerRoute>{{"*", "*"}},
      [weak](adapters::http::ServerRequest req) -> asio::awaitable<adapters::http::ServerReply> {
        // Built per request from the live directory, so a reloaded district's people appear.
        std::string bootstrap;
        if (auto server = weak.lock(); server && req.path == "/api/bootstrap")
          bootstrap = bootstrap_json(server->config, server->options.max_message_bytes, server->options.page_strings);
        co_return answer_http(req, bootstrap);
      });
  try {
    listener.listen();
  } catch (const boost::system::system_error& e) {
    server_->listener.reset();
    throw boost::system::system_error(e.code(), "web chat");  // the message the web chat always gave
  } catch (...) {
    server_->listener.reset();
    throw;
  }
}

unsigned short WebchatAdapter::bound_port() const { return server_->listener ? server_->listener->bound_port() : 0; }

std::string WebchatAdapter::url() const {
  return adapters::http::local_url("http", server_->options.listen_address, bound_port()) + "/";
}

asio::awaitable<void> WebchatAdapter::run(bot::EventSink& sink) {
  if (server_->stopped) co_return;
  listen();
  server_->sink = &sink;
  co_await server_->listener->run();
  server_->close_all();
}

asio::awaitable<bot::SendResult> WebchatAdapter::send(bot::Delivery delivery) {
  // The web chat takes no files, so nothing it shows can be asked to be deleted.
  if (!delivery.delete_ref.empty())
    co_return bot::SendResult{.error = bot::SendErrorKind::bad_request,
                              .error_text = "the web chat has no files to delete"};
  co_return server_->deliver(delivery);
}

void WebchatAdapter::stop() {
  if (server_) server_->close_all();
}

}  // namespace adapters::webchat
