#include "app/admin_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "bot/model/metrics.hpp"

namespace app {

namespace http = adapters::http;

namespace {

bool is_loopback(const std::string& listen_address) {
  if (listen_address == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(listen_address, ec);
  return !ec && address.is_loopback();
}

}  // namespace

AdminServer::AdminServer(boost::asio::any_io_executor executor, AdminOptions options, const bot::Runtime& runtime,
                         bot::StatisticsSource& store, const bot::Clock& clock)
    : AdminServer(
          std::move(executor), std::move(options), [&runtime] { return runtime.readiness(); }, store, clock) {}

AdminServer::AdminServer(boost::asio::any_io_executor executor, AdminOptions options,
                         std::function<bot::Runtime::Readiness()> readiness, bot::StatisticsSource& store,
                         const bot::Clock& clock)
    : reload_(options.reload), readiness_(std::move(readiness)), store_(store), clock_(clock) {
  loopback_ = is_loopback(options.listen_address);
  http::ServerOptions server;
  server.name = "admin";
  server.listen_address = options.listen_address;
  server.port = options.port;
  server.max_body_bytes = 0;
  server.head_without_body = true;
  server.reply_headers = {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
  std::vector<http::ServerRoute> routes;
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    routes.push_back({path, "GET"});
    routes.push_back({path, "HEAD"});
  }
  routes.push_back({"/reload", "POST"});
  server_ = std::make_unique<http::HttpServer>(
      executor, std::move(server), std::move(routes),
      [this](http::ServerRequest request) -> boost::asio::awaitable<http::ServerReply> { co_return answer(request); });
}

void AdminServer::listen() { server_->listen(); }
std::string AdminServer::url() const { return server_->url(); }
boost::asio::awaitable<void> AdminServer::run() { return server_->run(); }
void AdminServer::stop() { server_->stop(); }

http::ServerReply AdminServer::answer(const http::ServerRequest& request) {
  if (request.path == "/healthz") return http::text_reply(200, "ok\n");
  if (request.path == "/readyz") return ready();
  if (request.path == "/reload") return reload();
  return metrics();
}

http::ServerReply AdminServer::ready() {
  const auto r = readiness_();
  std::string why;
  if (!r.started)
    why = "starting";
  else if (r.stopping)
    why = "stopping";
  else if (r.adapters_running < r.adapters)
    why = std::to_string(r.adapters - r.adapters_running) + " of " + std::to_string(r.adapters) + " adapters stopped";
  if (why.empty()) {
    try {
      store_.statistics(clock_.now());
    } catch (const std::exception& e) {
      spdlog::warn("admin: /readyz: the store does not answer: {}", e.what());
      why = "the store does not answer";
    }
  }
  if (!why.empty()) return http::text_reply(503, "not ready: " + why + "\n");
  return http::text_reply(200, "ready\n");
}

http::ServerReply AdminServer::metrics() {
  std::string out = bot::metrics::exposition();
  try {
    const auto now = clock_.now();
    const auto st = store_.statistics(now);
    std::vector<std::pair<std::string, double>> outbox;
    for (const char* state : {"pending", "in_flight", "sent", "failed", "uncertain"}) {
      auto it = st.outbox_by_state.find(state);
      outbox.push_back(
          {std::string("state=\"") + state + "\"", it == st.outbox_by_state.end() ? 0.0 : double(it->second)});
    }
    bot::metrics::append_gauge(out, "hallpass_outbox_messages", "Messages in the outbox, by state.", outbox);
    const double age = st.oldest_waiting ? std::chrono::duration<double>(now - *st.oldest_waiting).count() : 0.0;
    bot::metrics::append_gauge(out, "hallpass_outbox_oldest_waiting_seconds",
                               "Age of the oldest message not delivered yet (0: none waits).", {{"", age}});
    std::vector<std::pair<std::string, double>> events;
    for (const auto& [platform, n] : st.events_by_platform)
      events.push_back({"platform=\"" + platform + "\"", double(n)});
    bot::metrics::append_gauge(out, "hallpass_events_remembered", "Events remembered for de-duplication, by platform.",
                               events);
    bot::metrics::append_gauge(out, "hallpass_audit_rows", "Rows in the audit log.", {{"", double(st.audit_rows)}});
    bot::metrics::append_gauge(out, "hallpass_timers_due", "Timers due and not fired yet.",
                               {{"", double(st.timers_due)}});
    bot::metrics::append_gauge(out, "hallpass_timers_fired", "Timers fired since the database was created.",
                               {{"", double(st.timers_fired)}});
  } catch (const std::exception& e) {
    spdlog::warn("admin: /metrics: the store does not answer: {}", e.what());
  }
  auto reply = http::text_reply(200, std::move(out));
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return reply;
}

http::ServerReply AdminServer::reload() {
  if (!reload_) return http::text_reply(404, "not found\n");
  if (!loopback_)
    return http::text_reply(403,
                            "reload is served on a loopback admin listener only; send SIGHUP instead "
                            "(systemctl reload hallpass)\n");
  const ReloadOutcome outcome = reload_();
  nlohmann::json body{{"applied", outcome.applied}};
  if (outcome.applied) {
    body["summary"] = outcome.summary;
    body["not_applied"] = outcome.not_applied;
  } else {
    body["problems"] = outcome.problems;
  }
  return http::json_reply(outcome.applied ? 200 : 422, body.dump());
}

}  // namespace app
