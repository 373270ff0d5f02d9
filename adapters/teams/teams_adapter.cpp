#include "adapters/teams/teams_adapter.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "adapters/teams/teams_adapter_state.hpp"
#include "bot/model/metrics.hpp"

namespace adapters::teams {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kMessagesPath = "/api/messages";

Now or_system_clock(Now now) {
  if (now) return now;
  return [] { return std::chrono::system_clock::now(); };
}

ConnectorOptions connector_options(TeamsOptions& o) {
  ConnectorOptions c = o.connector;
  // The service URL for proactive posts is configured, so it is trusted like the others.
  if (!o.service_url.empty()) c.trusted_service_urls.push_back(o.service_url);
  return c;
}

}  // namespace

TeamsState::TeamsState(asio::any_io_executor ex, TeamsOptions opts, ConversationReferences refs, KnownUser known,
                       Now clock)
    : executor(ex),
      options(std::move(opts)),
      now(or_system_clock(std::move(clock))),
      authenticator(executor, options.auth, now),
      tokens(executor, options.token, now),
      connector(
          executor, connector_options(options),
          [this]() -> asio::awaitable<std::string> {
            BotToken t = co_await tokens.token();
            if (!t.ok()) throw std::runtime_error("the token authority refused: " + t.error_text);
            co_return t.access_token;
          },
          [this] { tokens.invalidate(); }),
      references(std::move(refs)),
      known_user(std::move(known)) {
  if (!known_user) known_user = [](std::string_view) { return false; };
  if (options.server.name.empty() || options.server.name == "http") options.server.name = "teams";
}

TeamsAdapter::TeamsAdapter(asio::any_io_executor executor, TeamsOptions options, ConversationReferences references,
                           KnownUser known_user, Now now)
    : state_(std::make_shared<TeamsState>(executor, std::move(options), std::move(references), std::move(known_user),
                                          std::move(now))) {
  // The server's handler holds the state weakly: the state owns the server.
  std::weak_ptr<TeamsState> weak = state_;
  state_->server = std::make_unique<http::HttpServer>(
      executor, state_->options.server, std::vector<http::ServerRoute>{{std::string(kMessagesPath), "POST"}},
      [weak](http::ServerRequest req) -> asio::awaitable<http::ServerReply> {
        auto s = weak.lock();
        if (!s) co_return http::ServerReply{503, "", ""};
        const auto received = std::chrono::steady_clock::now();
        http::ServerReply reply = co_await handle_activity_request(s, std::move(req));
        if (reply.status >= 200 && reply.status < 300) {
          bot::metrics::count("hallpass_acks_total", {{"platform", "teams"}});
          bot::metrics::observe("hallpass_ack_seconds", {{"platform", "teams"}},
                                std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
        }
        co_return reply;
      });
}

TeamsAdapter::~TeamsAdapter() { stop(); }

void TeamsAdapter::listen() { state_->server->listen(); }
unsigned short TeamsAdapter::bound_port() const { return state_->server->bound_port(); }
std::string TeamsAdapter::url() const { return state_->server->url(); }

static void log_warm_up_end(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    spdlog::error("teams: fetching the signing keys at start failed: {}", e.what());
  }
}

asio::awaitable<void> TeamsAdapter::run(bot::EventSink& sink) {
  auto s = state_;
  s->sink = &sink;
  // The keys are fetched now rather than on the first activity, and a failed fetch is retried
  // in seconds; activities meanwhile are answered 503, not 401.
  asio::co_spawn(s->executor, s->authenticator.warm_up(), log_warm_up_end);
  co_await s->server->run();
  s->sink = nullptr;
}

asio::awaitable<bot::SendResult> TeamsAdapter::send(bot::Delivery delivery) {
  auto s = state_;
  try {
    co_return co_await deliver(s, std::move(delivery));
  } catch (const std::exception& e) {
    bot::SendResult r;
    r.error = bot::SendErrorKind::network;
    r.error_text = e.what();
    co_return r;
  }
}

void TeamsAdapter::stop() {
  if (!state_) return;
  state_->stopped = true;
  state_->server->stop();
  state_->authenticator.stop_warm_up();
  state_->connector.close();
}

}  // namespace adapters::teams
