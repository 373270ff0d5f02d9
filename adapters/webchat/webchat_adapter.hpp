#pragma once
// WebchatAdapter: the built-in web chat of `hallpass demo`. An HTTP server (the adapters' one
// listener, adapters/common/http_server) that serves the
// embedded page (adapters/webchat/static/) and GET /api/bootstrap, and a WebSocket endpoint
// /ws?person=<id> through which the page plays any person of the directory. The web chat is its
// own platform: it keeps the message history (webchat_history.hpp), bounded per place, in memory
// and in its archive (webchat_archive.hpp), so a restart keeps threads and cards going, and
// pushes each message to every open socket whose person may see it. Frames: webchat_protocol.hpp.
//
// There is no authentication: anyone who reaches the port can act as anybody. It listens on
// loopback by default and then answers only to loopback host names and same-origin pages.
// Everything runs on the io_context's one thread; Beast stays in the .cpp.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/webchat/webchat_archive.hpp"
#include "adapters/webchat/webchat_history.hpp"
#include "bot/district/config.hpp"
#include "bot/model/adapter.hpp"

namespace adapters::webchat {

struct WebchatOptions {
  std::string listen_address = "127.0.0.1";           // an IP address, or "localhost"
  unsigned short port = 8080;                         // 0: the OS picks one (see bound_port())
  std::size_t max_message_bytes = 64 * 1024;          // larger frames from a browser are refused
  std::size_t kept_per_place = kDefaultKeptPerPlace;  // newest messages kept per channel and DM
  // The page's own words per language (webchat_protocol.hpp's page_strings), served with the page.
  std::map<std::string, std::map<std::string, std::string>> page_strings;
};

// The demo has no authentication, so the CLI warns when it is asked to listen anywhere but
// loopback (adapters::http::is_loopback_host, the one rule).

struct WebchatServer;  // the server behind the adapter, in the .cpp

class WebchatAdapter final : public bot::Adapter {
 public:
  // The config must outlive the adapter (people for the switcher, channels for the sidebar).
  // The history is restored from the archive now; without one (tests) it lives in memory only.
  WebchatAdapter(boost::asio::io_context& io, WebchatOptions options, const bot::DistrictConfig& config,
                 WebchatArchive archive = {});
  ~WebchatAdapter() override;
  WebchatAdapter(const WebchatAdapter&) = delete;
  WebchatAdapter& operator=(const WebchatAdapter&) = delete;

  std::string_view platform() const override { return "web"; }

  // Binds and listens now, so the caller can print url() before run(). Idempotent.
  // Throws boost::system::system_error (address in use, no permission) or
  // std::invalid_argument (listen_address is not an IP address) with a message for the user.
  void listen();
  // The port listened on (the OS's pick when options.port is 0); 0 before listen().
  unsigned short bound_port() const;
  // "http://127.0.0.1:<port>/": where to open the page (loopback for 0.0.0.0, :: and localhost).
  std::string url() const;

  // Listens (if listen() was not called) and serves until stop(), the io_context stopping or
  // the coroutine's cancellation; then closes every connection.
  boost::asio::awaitable<void> run(bot::EventSink& sink) override;
  // Posts into the history, saves it to the archive and pushes it to the sockets that may see it.
  // channel: "#name" or "dm:<person id>". Never suspends. A repeated idempotency_key returns the
  // first ref. A thread root or update_ref no longer kept: posted at the top with a notice (and
  // a warning in the log), never refused.
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override;
  bool idempotent_sends() const override { return true; }

  // Closes the listener and every connection; run() then returns. Safe to call twice.
  void stop() override;

 private:
  std::shared_ptr<WebchatServer> server_;  // shared with the connection coroutines
};

}  // namespace adapters::webchat
