#include "adapters/teams/connector_client.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/common/pacer.hpp"
#include "bot/model/backoff.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::teams {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using bot::use_tuple;

// Writes to one conversation: a ticket line, so they go out in call order, one at a time. Their
// pace (the rate windows, a Retry-After holding the whole conversation) is the Pacer's.
struct ConversationQueue {
  explicit ConversationQueue(asio::any_io_executor ex) : turn(ex, SteadyClock::time_point::max()) {}
  std::uint64_t next_ticket = 0;
  std::uint64_t serving = 0;
  asio::steady_timer turn;  // cancelled to wake the line when serving moves on
};

struct ConnectorState {
  ConnectorState(asio::any_io_executor ex, ConnectorOptions opts, TokenSource tok, TokenReset reset)
      : executor(ex),
        options(std::move(opts)),
        token(std::move(tok)),
        reset_token(std::move(reset)),
        retry_backoff(options.first_backoff, options.max_backoff),
        pacer(options.write_limits) {}

  asio::any_io_executor executor;
  ConnectorOptions options;
  TokenSource token;
  TokenReset reset_token;
  std::vector<ServiceUrl> trusted;
  std::map<std::string, std::unique_ptr<http::HttpClient>> clients;  // by origin
  std::map<std::string, std::unique_ptr<ConversationQueue>> queues;  // by conversation
  std::set<asio::steady_timer*> sleeping;                            // woken by close()
  bot::Backoff retry_backoff;
  Pacer pacer;  // keyed by conversation, like queues
  bool closed = false;

  bool is_trusted(const ServiceUrl& url) const {
    return std::any_of(trusted.begin(), trusted.end(), [&](const ServiceUrl& t) {
      if (t.origin != url.origin) return false;
      return t.base_path.empty() || url.base_path == t.base_path || url.base_path.starts_with(t.base_path + "/");
    });
  }

  http::HttpClient& client_for(const std::string& origin) {
    auto& c = clients[origin];
    if (!c) c = std::make_unique<http::HttpClient>(executor, origin, options.ca_file);
    return *c;
  }

  // Forgets conversations with nobody waiting and nothing inside the longest window.
  void sweep(SteadyClock::time_point now) {
    for (auto it = queues.begin(); it != queues.end();) {
      const ConversationQueue& q = *it->second;
      const bool idle = q.serving == q.next_ticket;
      if (idle && pacer.idle(it->first, now)) {
        pacer.forget(it->first);
        it = queues.erase(it);
      } else {
        ++it;
      }
    }
  }
};

namespace {

http::Response failure(bot::SendErrorKind kind, std::string text) {
  http::Response r;
  r.error = kind;
  r.error_text = std::move(text);
  return r;
}

// Sleeps until `until` unless close() comes first.
asio::awaitable<void> sleep_until(std::shared_ptr<ConnectorState> s, SteadyClock::time_point until) {
  if (s->closed) co_return;
  asio::steady_timer timer(s->executor, until);
  s->sleeping.insert(&timer);
  co_await timer.async_wait(use_tuple);
  s->sleeping.erase(&timer);
}

// Waits until a write to the conversation keeps within every rate window and any Retry-After.
asio::awaitable<void> pace(std::shared_ptr<ConnectorState> s, std::string conversation) {
  while (!s->closed) {
    const SteadyClock::time_point earliest = s->pacer.ready_at(conversation);
    if (earliest <= SteadyClock::now()) co_return;
    co_await sleep_until(s, earliest);
  }
}

// Holds a conversation's turn for the life of one call, and passes it on however the call ends.
class Turn {
 public:
  Turn(std::shared_ptr<ConnectorState> s, std::string key) : s_(std::move(s)), key_(std::move(key)) {
    auto& q = s_->queues[key_];
    if (!q) q = std::make_unique<ConversationQueue>(s_->executor);
    queue_ = q.get();
    ticket_ = queue_->next_ticket++;
  }
  ~Turn() {
    ++queue_->serving;
    queue_->turn.cancel();
    if (s_->queues.size() > 64) s_->sweep(SteadyClock::now());
  }
  Turn(const Turn&) = delete;
  Turn& operator=(const Turn&) = delete;

  asio::awaitable<void> wait() {
    while (queue_->serving != ticket_ && !s_->closed) co_await queue_->turn.async_wait(use_tuple);
  }

 private:
  std::shared_ptr<ConnectorState> s_;
  std::string key_;
  ConversationQueue* queue_ = nullptr;
  std::uint64_t ticket_ = 0;
};

std::string correlation(const http::Response& r) {
  auto it = r.headers.find("x-correlating-operationid");
  return it == r.headers.end() ? std::string() : " (operation " + it->second + ")";
}

asio::awaitable<http::Response> perform(std::shared_ptr<ConnectorState> s, ConnectorCall call) {
  auto url = parse_service_url(call.service_url);
  if (!url) co_return failure(bot::SendErrorKind::auth, url.error().message + "; nothing was sent");
  if (!s->is_trusted(*url))
    co_return failure(bot::SendErrorKind::auth,
                      "the service URL " + url->normalized() +
                          " is neither configured nor from a validated activity; the token was not sent");
  if (s->closed) co_return failure(bot::SendErrorKind::network, "the Connector client is closed");

  std::optional<Turn> turn;
  if (!call.conversation.empty()) {
    turn.emplace(s, call.conversation);
    co_await turn->wait();
  }
  const bool paced = turn.has_value();  // writes to a conversation; other calls go at once
  http::Response out;
  bool token_renewed = false;  // a 401 gets one more try with a new token, outside max_attempts
  for (int attempt = 1;; ++attempt) {
    if (paced) co_await pace(s, call.conversation);
    if (s->closed) co_return failure(bot::SendErrorKind::network, "the Connector client is closed");
    std::string token;
    try {
      token = co_await s->token();
    } catch (const std::exception& e) {
      co_return failure(bot::SendErrorKind::network, std::string("no bot token: ") + e.what());
    }
    if (token.empty()) co_return failure(bot::SendErrorKind::network, "no bot token");
    http::Request req;
    req.method = call.method;
    req.target = url->base_path + call.path;
    req.body = call.body;
    req.headers["Authorization"] = "Bearer " + token;
    req.timeout = s->options.request_timeout;
    out = co_await s->client_for(url->origin).request(std::move(req));
    if (paced) s->pacer.answered(call.conversation, SteadyClock::now());
    if (out.status == 401 && !s->closed) {
      if (!token_renewed) {
        token_renewed = true;
        spdlog::warn("teams: the Connector refused the bot token ({} {}{}); asking for a new one and trying again",
                     call.method, call.path, correlation(out));
        if (s->reset_token) s->reset_token();
        --attempt;
        continue;
      }
      // A fresh token refused too: most often the token service and the Connector disagree for a
      // while (a secret just rotated). The outbox tries again later, with a new token each time.
      out.error = bot::SendErrorKind::server;
      break;
    }
    if (out.ok() || !retry_status(out.status) || attempt >= s->options.max_attempts || s->closed) break;
    const milliseconds wait = out.retry_after.count() > 0 ? out.retry_after : s->retry_backoff.delay(attempt - 1);
    if (wait > s->options.longest_wait) break;
    spdlog::info("teams: {} {} answered {}{}; retrying in {} ms", call.method, call.path, out.status, correlation(out),
                 wait.count());
    if (paced)
      s->pacer.pause(call.conversation, SteadyClock::now() + wait);
    else
      co_await sleep_until(s, SteadyClock::now() + wait);
  }
  if (!out.ok()) out.error_text += correlation(out);
  co_return out;
}

bot::SendResult result_of(const http::Response& r) {
  if (r.status == 0) {
    bot::SendResult out;
    out.error = r.error;
    out.error_text = r.error_text;
    return out;
  }
  bot::SendResult out = to_send_result(r.status, r.retry_after, r.body);
  if (r.status == 401 && r.error == bot::SendErrorKind::server) {  // refused after a new token (perform)
    out.error = bot::SendErrorKind::server;
    out.error_text = "the Connector refused a newly issued bot token (" + out.error_text +
                     "); if this persists, check adapters.teams.app_id, app_secret and tenant_id";
  }
  if (!out.ok()) out.error_text += correlation(r);
  return out;
}

}  // namespace

ConnectorClient::ConnectorClient(asio::any_io_executor executor, ConnectorOptions options, TokenSource token,
                                 TokenReset reset_token)
    : state_(std::make_shared<ConnectorState>(executor, std::move(options), std::move(token), std::move(reset_token))) {
  for (const auto& u : state_->options.trusted_service_urls) {
    auto parsed = parse_service_url(u);
    if (!parsed) throw std::invalid_argument(parsed.error().message);
    state_->trusted.push_back(std::move(*parsed));
  }
}

ConnectorClient::~ConnectorClient() { close(); }

Result<void> ConnectorClient::trust(std::string_view service_url) {
  auto parsed = parse_service_url(service_url);
  if (!parsed) return parsed.error();
  if (!state_->is_trusted(*parsed)) state_->trusted.push_back(std::move(*parsed));
  return {};
}

bool ConnectorClient::trusted(std::string_view service_url) const {
  auto parsed = parse_service_url(service_url);
  return parsed && state_->is_trusted(*parsed);
}

asio::awaitable<http::Response> ConnectorClient::call(ConnectorCall call) {
  auto s = state_;
  try {
    co_return co_await perform(s, std::move(call));
  } catch (const std::exception& e) {
    co_return failure(bot::SendErrorKind::network, e.what());
  }
}

asio::awaitable<bot::SendResult> ConnectorClient::send(ConnectorCall c) {
  http::Response r = co_await call(std::move(c));
  co_return result_of(r);
}

asio::awaitable<CreatedConversation> ConnectorClient::create_conversation(ConnectorCall c) {
  http::Response r = co_await call(std::move(c));
  CreatedConversation out;
  out.result = result_of(r);
  if (!out.result.ok()) co_return out;
  auto parsed = parse_conversation_resource(r.body);
  if (!parsed) {
    out.result.error = bot::SendErrorKind::server;
    out.result.error_text = parsed.error().message;
    co_return out;
  }
  out.conversation = std::move(*parsed);
  out.result.ref = out.conversation.id;
  co_return out;
}

asio::awaitable<MemberLookup> ConnectorClient::member(ConnectorCall c) {
  http::Response r = co_await call(std::move(c));
  MemberLookup out;
  out.result = result_of(r);
  if (!out.result.ok()) co_return out;
  auto parsed = parse_member(r.body);
  if (!parsed) {
    out.result.error = bot::SendErrorKind::server;
    out.result.error_text = parsed.error().message;
    co_return out;
  }
  out.member = std::move(*parsed);
  out.result.ref = out.member.id;
  co_return out;
}

void ConnectorClient::close() {
  state_->closed = true;
  for (auto& [origin, client] : state_->clients) client->close();
  for (auto* t : state_->sleeping) t->cancel();
  for (auto& [key, q] : state_->queues) q->turn.cancel();
}

}  // namespace adapters::teams
