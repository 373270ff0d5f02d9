#include "tests/support/fake_bot_connector.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "tests/support/fake_http_listener.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

struct FakeConnectorState {
  FakeConnectorState(std::string tok, std::string base) : token(std::move(tok)), base_path(std::move(base)) {
    while (base_path.ends_with('/')) base_path.pop_back();
  }

  struct Failure {
    std::string part;
    int status;
    std::optional<int> retry_after_s;
    std::string body;
  };

  std::optional<FakeHttpListener> http;
  std::string token;
  std::function<bool(const std::string&)> token_check;  // replaces token when set
  std::string base_path;
  std::vector<FakeBotConnector::Member> roster;
  std::vector<Failure> failures;
  struct Hold {
    std::string part;
    std::chrono::milliseconds hold;
  };
  std::vector<Hold> holds;
  std::set<asio::steady_timer*> held;  // requests being held, woken by release_held()
  std::vector<FakeBotConnector::Activity> writes;
  std::map<std::string, json> current;  // activity id → latest content
  std::vector<FakeBotConnector::Created> created;
  std::vector<FakeBotConnector::Request> requests;
  int unauthorized = 0;
  long long next_activity = 1700000000001LL;
  long long next_operation = 1;
};

namespace {

struct Reply {
  int status = 200;
  std::string body = "{}";
  std::optional<int> retry_after_s;
};

Reply json_reply(int status, const json& body) { return {status, body.dump(), std::nullopt}; }

Reply error(int status, const std::string& code, const std::string& message) {
  return json_reply(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Splits at '/' before decoding, so an encoded conversation id stays one segment.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    size_t slash = path.find('/');
    out.push_back(decode(path.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

std::string base_of(const std::string& conversation_id) {
  return conversation_id.substr(0, conversation_id.find(";messageid="));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

json member_json(const FakeBotConnector::Member& m) {
  std::string given = m.name.substr(0, m.name.find(' '));
  std::string surname = m.name.find(' ') == std::string::npos ? "" : m.name.substr(m.name.find(' ') + 1);
  return {{"id", m.id},
          {"name", m.name},
          {"aadObjectId", m.aad_object_id},
          {"email", m.email},
          {"userPrincipalName", m.user_principal_name},
          {"givenName", given},
          {"surname", surname},
          {"tenantId", "tenant-1"},
          {"userRole", "user"}};
}

std::string record(FakeConnectorState& s, FakeBotConnector::Write kind, const std::string& conversation,
                   std::string activity_id, std::string reply_to, json body) {
  if (activity_id.empty()) activity_id = std::to_string(s.next_activity++);
  if (kind == FakeBotConnector::Write::remove)
    s.current.erase(activity_id);
  else
    s.current[activity_id] = body;
  s.writes.push_back({kind, conversation, activity_id, std::move(reply_to), std::move(body), SteadyClock::now()});
  return activity_id;
}

Reply create_conversation(FakeConnectorState& s, const json& p) {
  const json bot = p.value("bot", json::object());
  const json members = p.value("members", json::array());
  const json channel_data = p.value("channelData", json::object());
  std::string tenant = p.value("tenantId", "");
  if (tenant.empty() && channel_data.contains("tenant")) tenant = channel_data["tenant"].value("id", "");
  if (!bot.is_object() || bot.value("id", "").empty()) return error(400, "BadArgument", "bot.id is required");
  if (tenant.empty()) return error(400, "BadArgument", "the tenant is required");
  const std::string channel = channel_data.contains("channel") ? channel_data["channel"].value("id", "") : "";
  if (!channel.empty()) {  // a new thread in a channel, with its first message
    if (!p.contains("activity") || !p["activity"].is_object())
      return error(400, "BadArgument", "a channel thread needs an activity");
    std::string id = record(s, FakeBotConnector::Write::post, channel, "", "", p["activity"]);
    std::string conversation = channel + ";messageid=" + id;
    s.created.push_back({conversation, p});
    return json_reply(201, {{"id", conversation}, {"activityId", id}});
  }
  if (!members.is_array() || members.size() != 1 || !members[0].is_object() || members[0].value("id", "").empty())
    return error(400, "BadArgument", "a personal conversation needs exactly one member");
  std::string user = members[0]["id"].get<std::string>();
  std::string conversation = "a:fake-personal-" + (user.starts_with("29:") ? user.substr(3) : user);
  s.created.push_back({conversation, p});
  return json_reply(201, {{"id", conversation}});
}

Reply route(FakeConnectorState& s, const http::request<http::string_body>& req, const std::string& path) {
  if (!path.starts_with(s.base_path + "/v3/")) return error(404, "NotFound", "unknown endpoint");
  const std::string authorization(req[http::field::authorization]);
  const bool authorized = s.token_check ? authorization.starts_with("Bearer ") && s.token_check(authorization.substr(7))
                                        : authorization == "Bearer " + s.token;
  if (!authorized) {
    ++s.unauthorized;
    return json_reply(401, {{"message", "Authorization has been denied for this request."}});
  }
  const std::string decoded = decode(path);
  for (auto it = s.failures.begin(); it != s.failures.end(); ++it) {
    if (decoded.find(it->part) == std::string::npos && path.find(it->part) == std::string::npos) continue;
    FakeConnectorState::Failure f = *it;
    s.failures.erase(it);
    Reply r;
    r.status = f.status;
    r.retry_after_s = f.retry_after_s;
    if (!f.body.empty())
      r.body = f.body;
    else if (f.status == 429)
      r.body = error(429, "TooManyRequests", "Too many requests").body;
    else if (f.status == 403)
      r.body =
          json{{"errorCode", 209},
               {"message", R"({"subCode":"MessageWritesBlocked","details":"Thread is blocked from message writes."})"}}
              .dump();
    else
      r.body = error(f.status, "ServiceError", "scripted failure").body;
    return r;
  }

  auto seg = segments(std::string_view(path).substr(s.base_path.size() + 4));  // after "/v3/"
  const auto method = req.method();
  json body;
  if (method == http::verb::post || method == http::verb::put) {
    body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) return error(400, "BadSyntax", "the body is not a JSON object");
  }
  if (seg.empty() || seg[0] != "conversations") return error(404, "NotFound", "unknown endpoint");
  if (seg.size() == 1 && method == http::verb::post) return create_conversation(s, body);
  if (seg.size() < 3) return error(404, "NotFound", "unknown endpoint");
  const std::string& conversation = seg[1];

  if (seg[2] == "activities") {
    using W = FakeBotConnector::Write;
    if (seg.size() == 3 && method == http::verb::post) {
      if (body.value("type", "") != "message") return error(400, "BadArgument", "type must be message");
      std::string id = record(s, W::post, conversation, "", body.value("replyToId", ""), body);
      return json_reply(201, {{"id", id}});
    }
    if (seg.size() != 4) return error(404, "NotFound", "unknown endpoint");
    const std::string& activity_id = seg[3];
    if (method == http::verb::post) {
      if (body.value("type", "") != "message") return error(400, "BadArgument", "type must be message");
      std::string id = record(s, W::reply, conversation, "", activity_id, body);
      return json_reply(201, {{"id", id}});
    }
    if (!s.current.contains(activity_id))
      return error(404, "ActivityNotFoundInConversation", "Activity not found in the conversation");
    if (method == http::verb::put) {
      record(s, W::update, conversation, activity_id, "", body);
      return json_reply(200, {{"id", activity_id}});
    }
    if (method == http::verb::delete_) {
      record(s, W::remove, conversation, activity_id, "", json());
      return {200, "", std::nullopt};
    }
  }

  if (seg[2] == "members" && method == http::verb::get) {
    if (seg.size() == 3) {
      json all = json::array();
      for (const auto& m : s.roster) all.push_back(member_json(m));
      return json_reply(200, all);
    }
    if (seg.size() == 4) {
      const std::string who = lower(seg[3]);
      for (const auto& m : s.roster)
        if (lower(m.id) == who || lower(m.aad_object_id) == who || lower(m.email) == who ||
            lower(m.user_principal_name) == who)
          return json_reply(200, member_json(m));
      return error(404, "MemberNotFoundInConversation", "The member is not part of the conversation.");
    }
  }
  return error(404, "NotFound", "unknown endpoint");
}

asio::awaitable<FakeResponse> answer(std::shared_ptr<FakeConnectorState> s, const FakeRequest& req) {
  if (!s) co_return FakeResponse{503, "", "application/json; charset=utf-8", {}};
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  const std::string decoded_path = decode(path);
  for (auto it = s->holds.begin(); it != s->holds.end(); ++it) {
    if (decoded_path.find(it->part) == std::string::npos && path.find(it->part) == std::string::npos) continue;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, it->hold);
    s->holds.erase(it);
    s->held.insert(&timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    s->held.erase(&timer);
    break;
  }
  Reply r = route(*s, req, path);
  std::string logged = decode(path);
  if (logged.starts_with(s->base_path)) logged = logged.substr(s->base_path.size());
  s->requests.push_back({std::string(req.method_string()), logged, r.status, SteadyClock::now()});
  FakeResponse res{r.status,
                   std::move(r.body),
                   "application/json; charset=utf-8",
                   {{"X-Correlating-OperationId", "op-" + std::to_string(s->next_operation++)}}};
  if (r.retry_after_s) res.headers.emplace_back("Retry-After", std::to_string(*r.retry_after_s));
  co_return res;
}

}  // namespace

FakeBotConnector::FakeBotConnector(asio::io_context& io, std::string expected_token, std::string base_path)
    : state_(std::make_shared<FakeConnectorState>(std::move(expected_token), std::move(base_path))) {
  state_->http.emplace(io, [weak = std::weak_ptr(state_)](const FakeRequest& req) { return answer(weak.lock(), req); });
}

FakeBotConnector::~FakeBotConnector() { stop(); }

void FakeBotConnector::stop() {
  state_->http->stop();
  release_held();
}

std::string FakeBotConnector::origin() const { return state_->http->origin(); }

std::string FakeBotConnector::service_url() const { return origin() + state_->base_path + "/"; }

void FakeBotConnector::expect_token(std::string token) {
  state_->token = std::move(token);
  state_->token_check = nullptr;
}

void FakeBotConnector::accept_tokens(std::function<bool(const std::string&)> check) {
  state_->token_check = std::move(check);
}

void FakeBotConnector::add_member(Member member) { state_->roster.push_back(std::move(member)); }

void FakeBotConnector::fail_next(const std::string& path_part, int status, std::optional<int> retry_after_s,
                                 std::string body) {
  state_->failures.push_back({path_part, status, retry_after_s, std::move(body)});
}

void FakeBotConnector::hold_next(const std::string& path_part, std::chrono::milliseconds hold) {
  state_->holds.push_back({path_part, hold});
}

void FakeBotConnector::release_held() {
  for (auto* t : state_->held) t->cancel();
}

int FakeBotConnector::held() const { return static_cast<int>(state_->held.size()); }

std::vector<FakeBotConnector::Activity> FakeBotConnector::activities(const std::string& conversation) const {
  if (conversation.empty()) return state_->writes;
  std::vector<Activity> out;
  for (const auto& a : state_->writes)
    if (base_of(a.conversation_id) == base_of(conversation)) out.push_back(a);
  return out;
}

std::vector<SteadyClock::time_point> FakeBotConnector::write_times(const std::string& conversation) const {
  std::vector<SteadyClock::time_point> out;
  for (const auto& a : activities(conversation)) out.push_back(a.at);
  return out;
}

json FakeBotConnector::current(const std::string& activity_id) const {
  auto it = state_->current.find(activity_id);
  return it == state_->current.end() ? json() : it->second;
}

std::vector<FakeBotConnector::Created> FakeBotConnector::created_conversations() const { return state_->created; }
std::vector<FakeBotConnector::Request> FakeBotConnector::requests() const { return state_->requests; }
int FakeBotConnector::unauthorized_requests() const { return state_->unauthorized; }

}  // namespace test_support
