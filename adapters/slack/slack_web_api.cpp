#include "adapters/slack/slack_web_api.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/common/http_client.hpp"
#include "adapters/common/pacer.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::slack {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using bot::use_tuple;

struct WebApiState {
  WebApiState(asio::any_io_executor ex, WebApiOptions opts)
      : executor(ex), options(std::move(opts)), pacer(options.posts_per_second, options.burst) {
    const auto scheme_end = options.base_url.find("://");
    if (scheme_end == std::string::npos)
      throw std::invalid_argument("the Slack API URL " + options.base_url + " must start with https:// or http://");
    const auto path_start = options.base_url.find('/', scheme_end + 3);
    origin = options.base_url.substr(0, path_start);
    if (path_start != std::string::npos) prefix = options.base_url.substr(path_start);
    while (prefix.ends_with("/")) prefix.pop_back();
    for (int i = 0; i < std::max(1, options.connections); ++i) {
      clients.push_back(std::make_unique<http::HttpClient>(ex, origin));  // throws for a bad origin
      busy.push_back(false);
    }
  }

  struct Cached {
    ApiResponse value;
    SteadyClock::time_point expires;
  };

  asio::any_io_executor executor;
  WebApiOptions options;
  std::string origin;  // scheme://host[:port]
  std::string prefix;  // "/api"
  std::vector<std::unique_ptr<http::HttpClient>> clients;
  std::vector<bool> busy;
  // Calls waiting for a connection, first come first served: release() hands the connection to
  // the first of them, so a call that came later never takes it first.
  struct ConnectionWait {
    asio::steady_timer woken;
    std::optional<std::size_t> given;
  };
  std::deque<ConnectionWait*> waiting_for_connection;
  Pacer pacer;
  std::set<asio::steady_timer*> sleeping;    // woken by close()
  std::map<std::string, std::string> dm_of;  // user id → DM channel id
  std::map<std::string, Cached> users;       // user id → users.info
  std::map<std::string, Cached> emails;      // e-mail → users.lookupByEmail
  // Per method: recent 429s on channels (when, channel), to tell a workspace-wide limit.
  std::map<std::string, std::deque<std::pair<SteadyClock::time_point, std::string>>> channel_429s;
  bool closed = false;
  bool no_waiting = false;  // stop_waiting()
};

namespace {

ApiOutcome failure(bot::SendErrorKind kind, std::string text) {
  ApiOutcome out;
  out.result.error = kind;
  out.result.error_text = std::move(text);
  return out;
}

// 429s from this many different channels of one method within kWideWindow: the limit is wider than
// a channel (Slack's workspace-wide limit), so the method pauses as a whole.
constexpr std::size_t kWideChannels = 3;
constexpr auto kWideWindow = std::chrono::seconds(10);

// Waits d unless close() or stop_waiting() comes first; false then.
asio::awaitable<bool> sleep_for(std::shared_ptr<WebApiState> s, milliseconds d) {
  if (s->closed || s->no_waiting) co_return false;
  asio::steady_timer timer(s->executor);
  timer.expires_after(d);
  s->sleeping.insert(&timer);
  co_await timer.async_wait(use_tuple);
  s->sleeping.erase(&timer);
  co_return !s->closed && !s->no_waiting;
}

// A free connection's index; waits for one, in turn, when all are busy. (While calls wait, no
// connection is free: release() hands it on.)
asio::awaitable<std::size_t> acquire(std::shared_ptr<WebApiState> s) {
  for (std::size_t i = 0; i < s->busy.size(); ++i)
    if (!s->busy[i]) {
      s->busy[i] = true;
      co_return i;
    }
  WebApiState::ConnectionWait wait{asio::steady_timer(s->executor, asio::steady_timer::time_point::max()), {}};
  s->waiting_for_connection.push_back(&wait);
  // A wait destroyed unserved (its io_context gone) leaves the line.
  struct LeaveLine {
    WebApiState& s;
    WebApiState::ConnectionWait* w;
    ~LeaveLine() { std::erase(s.waiting_for_connection, w); }
  } leave{*s, &wait};
  while (!wait.given) co_await wait.woken.async_wait(use_tuple);
  co_return *wait.given;
}

void release(WebApiState& s, std::size_t i) {
  if (s.waiting_for_connection.empty()) {
    s.busy[i] = false;
    return;
  }
  WebApiState::ConnectionWait* next = s.waiting_for_connection.front();
  s.waiting_for_connection.pop_front();
  next->given = i;  // stays busy: it is the next call's now
  next->woken.cancel();
}

// How a call may wait: ordinary calls wait out pacing and a few 429s; a call someone's ack is
// waiting for (users.info while an envelope is handled) never waits, and times out sooner.
struct Patience {
  bool waits = true;
  std::chrono::milliseconds timeout{0};
};

// A 429 on one channel: true when channels enough were limited lately to pause the whole method.
bool limit_is_wider(WebApiState& s, const std::string& method, const std::string& channel) {
  auto& seen = s.channel_429s[method];
  const auto now = SteadyClock::now();
  seen.emplace_back(now, channel);
  while (!seen.empty() && seen.front().first + kWideWindow < now) seen.pop_front();
  std::set<std::string> channels;
  for (const auto& [at, c] : seen) channels.insert(c);
  return channels.size() >= kWideChannels;
}

// Slack's answers that say the token itself is no longer good (rotated, expired, revoked), as
// opposed to one that lacks a scope or is of the wrong kind, which a new copy would not change.
bool token_went_stale(const std::string& error) {
  return error == "invalid_auth" || error == "token_expired" || error == "token_revoked" || error == "not_authed";
}

// The token read again from its source, kept for the calls after this one; nothing when it cannot
// be read or has not changed (trying the same token again would only be refused again).
std::optional<std::string> read_token_again(WebApiState& s, bool app_token) {
  std::string* current = app_token ? &s.options.app_token : &s.options.bot_token;
  const auto& reread = app_token ? s.options.reread_app_token : s.options.reread_bot_token;
  if (!reread) return std::nullopt;
  std::optional<std::string> fresh = reread();
  if (!fresh || fresh->empty() || *fresh == *current) return std::nullopt;
  *current = *fresh;
  return fresh;
}

asio::awaitable<ApiOutcome> perform(std::shared_ptr<WebApiState> s, std::string method, std::string body,
                                    std::string content_type, bool app_token, std::string pace_channel,
                                    Patience patience, bot::AttemptHook on_attempt = {}) {
  // A 429 on chat.postMessage concerns that channel; on other methods the method as a whole.
  // (No ?: with strings here: GCC 12 mis-compiles class temporaries of ?: in coroutines.)
  std::string pause_key = method;
  if (!pace_channel.empty()) pause_key += " " + pace_channel;
  const std::string pace_key = "channel " + pace_channel;
  std::string authorization = "Bearer ";
  if (app_token)
    authorization += s->options.app_token;
  else
    authorization += s->options.bot_token;
  bool token_read_again = false;
  for (int attempt = 0;; ++attempt) {
    if (s->closed) co_return failure(bot::SendErrorKind::network, method + ": the Slack client is closed");
    const auto now = SteadyClock::now();
    milliseconds wait = s->pacer.paused_for(pause_key, now);
    // The method as a whole, when the platform's 429s said the limit is wider than a channel.
    if (!pace_channel.empty()) wait = std::max(wait, s->pacer.paused_for(method, now));
    if (!pace_channel.empty()) wait = std::max(wait, s->pacer.reserve(pace_key, now));
    if (wait > s->options.max_pacing_wait || (!patience.waits && wait.count() > 0) ||
        (s->no_waiting && wait.count() > 0)) {
      if (!pace_channel.empty()) s->pacer.release(pace_key);
      ApiOutcome out = failure(bot::SendErrorKind::rate_limited,
                               method + ": paced (" + std::to_string(wait.count()) + " ms to wait)");
      out.result.retry_after = wait;
      co_return out;
    }
    if (wait.count() > 0) {
      // Not in the condition above: GCC 12 mis-compiles co_await inside && and ?:.
      const bool awake = co_await sleep_for(s, wait);
      if (!awake && !s->closed) co_return failure(bot::SendErrorKind::rate_limited, method + ": stopping, not waiting");
      if (!awake) co_return failure(bot::SendErrorKind::network, method + ": the Slack client is closed");
    }

    http::Request req;
    req.method = "POST";
    req.target = s->prefix + "/" + method;
    req.body = body;
    req.content_type = content_type;
    req.timeout = patience.timeout;
    req.headers["Authorization"] = authorization;
    const std::size_t i = co_await acquire(s);
    if (on_attempt) co_await on_attempt();
    http::Response r = co_await s->clients[i]->request(std::move(req));
    release(*s, i);

    if (r.status == 0) {
      spdlog::warn("slack: {} failed: {}", method, r.error_text);
      co_return failure(r.error, method + ": " + r.error_text);
    }
    ApiOutcome out;
    std::optional<std::chrono::seconds> retry_after;
    if (r.retry_after.count() > 0) retry_after = std::chrono::ceil<std::chrono::seconds>(r.retry_after);
    out.result = to_send_result(r.status, retry_after, r.body);
    if (auto parsed = parse_api_response(r.body)) out.response = std::move(*parsed);
    out.body = std::move(r.body);
    if (out.result.error == bot::SendErrorKind::rate_limited) {
      // This channel only (the waits above): the others go on. Only when several channels of the
      // method were limited lately is the limit the workspace's, and the method pauses as a whole.
      s->pacer.pause(pause_key, SteadyClock::now() + out.result.retry_after);
      if (!pace_channel.empty() && limit_is_wider(*s, method, pace_channel)) {
        spdlog::info("slack: {} rate limited on {} channels within {} s; pausing it for every channel", method,
                     kWideChannels, std::chrono::duration_cast<std::chrono::seconds>(kWideWindow).count());
        s->pacer.pause(method, SteadyClock::now() + out.result.retry_after);
      }
      const bool again = patience.waits && !s->no_waiting && attempt < s->options.rate_limit_retries &&
                         out.result.retry_after <= s->options.max_retry_after;
      if (again)
        spdlog::info("slack: {} rate limited ({}); trying again after {} ms", method, pause_key,
                     out.result.retry_after.count());
      else
        spdlog::info("slack: {} rate limited ({}); the caller retries after {} ms", method, pause_key,
                     out.result.retry_after.count());
      if (again) continue;
      co_return out;
    }
    if (out.result.error == bot::SendErrorKind::auth && !token_read_again && token_went_stale(out.response.error)) {
      token_read_again = true;
      if (auto fresh = read_token_again(*s, app_token)) {
        authorization = "Bearer " + *fresh;
        spdlog::warn("slack: {} answered {}; the token's source holds a new one: trying the call once more with it",
                     method, out.response.error);
        continue;
      }
    }
    if (!out.result.ok()) {
      out.result.error_text = method + ": " + out.result.error_text;
      spdlog::warn("slack: {} failed: {}", method, out.result.error_text);
    }
    co_return out;
  }
}

}  // namespace

std::string form_encode(const std::map<std::string, std::string>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    auto add = [&out](const std::string& text) {
      for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
      }
    };
    add(key);
    out += '=';
    add(value);
  }
  return out;
}

SlackWebApi::SlackWebApi(asio::any_io_executor executor, WebApiOptions options)
    : state_(std::make_shared<WebApiState>(executor, std::move(options))) {}

SlackWebApi::~SlackWebApi() { close(); }

void SlackWebApi::stop_waiting() {
  state_->no_waiting = true;
  for (auto* t : state_->sleeping) t->cancel();
}

void SlackWebApi::close() {
  state_->closed = true;
  for (auto* t : state_->sleeping) t->cancel();
  for (auto& c : state_->clients) c->close();
}

asio::awaitable<ApiOutcome> SlackWebApi::call_json(std::string method, std::string body_json, std::string pace_channel,
                                                   bot::AttemptHook on_attempt) {
  std::string type = "application/json; charset=utf-8";
  Patience patience{true, state_->options.timeout};
  ApiOutcome out =
      co_await perform(state_, method, body_json, type, false, pace_channel, patience, std::move(on_attempt));
  co_return out;
}

asio::awaitable<ApiOutcome> SlackWebApi::call_form(std::string method, std::map<std::string, std::string> fields) {
  std::string body = form_encode(fields);
  std::string type = "application/x-www-form-urlencoded";
  std::string no_channel;
  Patience patience{true, state_->options.timeout};
  ApiOutcome out = co_await perform(state_, method, body, type, false, no_channel, patience);
  co_return out;
}

asio::awaitable<ApiOutcome> SlackWebApi::open_socket_url() {
  std::string method = "apps.connections.open";
  std::string empty;
  std::string type = "application/x-www-form-urlencoded";
  // Not retried here: the receiver backs off itself, honouring Retry-After.
  Patience patience{false, state_->options.timeout};
  ApiOutcome out = co_await perform(state_, method, empty, type, true, empty, patience);
  co_return out;
}

asio::awaitable<ApiOutcome> SlackWebApi::auth_test() {
  std::map<std::string, std::string> none;
  co_return co_await call_form("auth.test", none);
}

asio::awaitable<ApiOutcome> SlackWebApi::open_dm(std::string user_id) {
  auto s = state_;
  ApiOutcome out;
  if (auto it = s->dm_of.find(user_id); it != s->dm_of.end()) {
    out.response.ok = true;
    out.response.channel = it->second;
    co_return out;
  }
  // Built first: GCC 12 mis-compiles a braced initializer inside a co_await expression.
  std::map<std::string, std::string> fields{{"users", user_id}};
  out = co_await call_form("conversations.open", fields);
  if (out.ok() && out.response.channel.empty())
    out = failure(bot::SendErrorKind::server, "conversations.open answered without a channel id");
  if (out.ok()) s->dm_of[user_id] = out.response.channel;
  co_return out;
}

asio::awaitable<ApiOutcome> SlackWebApi::user_info(std::string user_id) {
  auto s = state_;
  const auto now = SteadyClock::now();
  if (auto it = s->users.find(user_id); it != s->users.end() && it->second.expires > now) {
    ApiOutcome out;
    out.response = it->second.value;
    co_return out;
  }
  // Asked while an envelope waits for its ack: no waiting on pacing or 429s, a short timeout.
  std::string method = "users.info";
  std::string body = form_encode({{"user", user_id}});
  std::string type = "application/x-www-form-urlencoded";
  std::string no_channel;
  Patience patience{false, s->options.lookup_timeout};
  ApiOutcome out = co_await perform(s, method, body, type, false, no_channel, patience);
  if (out.ok()) s->users[user_id] = {out.response, SteadyClock::now() + s->options.user_cache_ttl};
  co_return out;
}

asio::awaitable<ApiOutcome> SlackWebApi::lookup_by_email(std::string email) {
  auto s = state_;
  const auto now = SteadyClock::now();
  if (auto it = s->emails.find(email); it != s->emails.end() && it->second.expires > now) {
    ApiOutcome out;
    out.response = it->second.value;
    co_return out;
  }
  // Built first: GCC 12 mis-compiles a braced initializer inside a co_await expression.
  std::map<std::string, std::string> fields{{"email", email}};
  ApiOutcome out = co_await call_form("users.lookupByEmail", fields);
  if (out.ok() && out.response.user_id.empty())
    out = failure(bot::SendErrorKind::server, "users.lookupByEmail answered without a user id");
  if (out.ok()) s->emails[email] = {out.response, SteadyClock::now() + s->options.user_cache_ttl};
  co_return out;
}

}  // namespace adapters::slack
