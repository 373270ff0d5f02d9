#pragma once
// The admin listener: what a district's monitoring asks of a service, on its own port, apart from
// the platforms' endpoints (loopback unless the IT team says otherwise: it needs no sign-in, so
// it tells nothing about people or messages, only counts).
//   GET /healthz   200 "ok" while the bot's loop runs (it answers from that loop)
//   GET /readyz    200 when the store answers, the bot has started and is not stopping, and every
//                  adapter is connected or retrying; else 503 with the reason
//   GET /metrics   Prometheus text format: the bot's counters (bot/model/metrics) and the
//                  store's counts (outbox depth and age, audit rows, timers due)
//   POST /reload   reloads the district's file (what `hallpass reload` sends); 200 with what
//                  changed, 422 with the problems when the file does not validate. Served only on a
//                  loopback listener: the listener has no sign-in, and a listener opened to the
//                  network for Prometheus must not let anyone there reload (SIGHUP does the same).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>

#include "adapters/common/http_server.hpp"
#include "app/district_reload.hpp"
#include "app/runtime.hpp"
#include "bot/model/clock.hpp"
#include "bot/store/store_statistics.hpp"

namespace app {

struct AdminOptions {
  std::string listen_address = "127.0.0.1";
  unsigned short port = 0;  // 0: the OS picks one
  // What POST /reload runs (on the bot's thread); empty: /reload answers 404.
  std::function<ReloadOutcome()> reload;
};

class AdminServer {
 public:
  AdminServer(boost::asio::any_io_executor executor, AdminOptions options, const bot::Runtime& runtime,
              bot::StatisticsSource& store, const bot::Clock& clock);
  // A county worker: its readiness is its districts' together.
  AdminServer(boost::asio::any_io_executor executor, AdminOptions options,
              std::function<bot::Runtime::Readiness()> readiness, bot::StatisticsSource& store,
              const bot::Clock& clock);
  void listen();  // binds now (throws like HttpServer::listen)
  std::string url() const;
  boost::asio::awaitable<void> run();
  void stop();

 private:
  adapters::http::ServerReply answer(const adapters::http::ServerRequest& request);
  adapters::http::ServerReply ready();
  adapters::http::ServerReply metrics();
  adapters::http::ServerReply reload();

  std::function<ReloadOutcome()> reload_;
  bool loopback_ = true;

  std::function<bot::Runtime::Readiness()> readiness_;
  bot::StatisticsSource& store_;
  const bot::Clock& clock_;
  std::unique_ptr<adapters::http::HttpServer> server_;
};

}  // namespace app
