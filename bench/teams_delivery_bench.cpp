// Two figures of issue 17 for the Teams adapter, over loopback sockets against the fake Bot
// Connector and the fake Bot Framework identity, everything on one thread:
//  1. slow write: conversation A's write takes slow_ms at the Connector; conversation B's write
//     starts 500 ms later. Printed: how long B's write took (the issue: 9.5 s with one connection
//     per service URL; botbuilder 45 ms; the goal < 200 ms).
//  2. stalled look-up: a person the directory does not know by Teams id writes; the Connector's
//     member look-up (their e-mail) takes stall_ms. Printed: how long Teams waited for the HTTP
//     answer to its POST /api/messages (the goal < 1 s; Teams re-sends after 15 s), and when the
//     event reached the core. The same with the look-up answered 429 with Retry-After: 20.
// Usage: teams_delivery_bench [slow_ms=10000] [stall_ms=20000]
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "adapters/common/http_client.hpp"
#include "adapters/teams/connector_calls.hpp"
#include "adapters/teams/connector_client.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"

namespace {

// The fake identity's tenant: the adapter accepts activities from it only, as a district's would.
const std::string kTenant = test_support::FakeBotFrameworkAuthOptions{}.tenant_id;

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double ms_since(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

asio::awaitable<std::string> fixed_token() { co_return std::string("bench-token"); }

int slow_write(milliseconds slow) {
  asio::io_context io;
  test_support::FakeBotConnector fake(io, "bench-token");
  adapters::teams::ConnectorOptions o;
  o.trusted_service_urls = {fake.service_url()};
  adapters::teams::ConnectorClient client(io.get_executor(), o, [] { return fixed_token(); });
  const std::string a = "19:conversation-a@thread.tacv2", b = "19:conversation-b@thread.tacv2";
  auto write = [&](const std::string& to, const char* text) {
    return client.send(adapters::teams::send_to_conversation(fake.service_url(), to,
                                                             nlohmann::json{{"type", "message"}, {"text", text}}));
  };
  // Warm: the connection to the service is open and kept alive, as in a running bot.
  bool warm = false;
  asio::co_spawn(io, write(b, "warm"), [&](std::exception_ptr, bot::SendResult) { warm = true; });
  while (!warm) io.run_one();

  fake.hold_next("conversation-a", slow);
  std::optional<Clock::time_point> a_done, b_done;
  const auto a_start = Clock::now();
  asio::co_spawn(io, write(a, "A"), [&](std::exception_ptr, bot::SendResult) { a_done = Clock::now(); });
  while (Clock::now() - a_start < milliseconds(500)) io.run_one_for(milliseconds(10));
  const auto b_start = Clock::now();
  asio::co_spawn(io, write(b, "B"), [&](std::exception_ptr, bot::SendResult) { b_done = Clock::now(); });
  while (!(a_done && b_done)) io.run_one_for(milliseconds(10));
  std::printf(
      "slow write: A's write held %lld ms at the Connector; B's write started 500 ms after A's, took %.1f ms "
      "(A took %.1f ms)\n",
      static_cast<long long>(slow.count()), ms_since(b_start, *b_done), ms_since(a_start, *a_done));
  fake.stop();
  io.poll();
  return 0;
}

class TimingSink final : public bot::EventSink {
 public:
  bot::HandleResult handle(const bot::Inbound&) override {
    reached = Clock::now();
    return {};
  }
  std::optional<Clock::time_point> reached;
};

int stalled_lookup(milliseconds stall) {
  asio::io_context io;
  test_support::FakeBotConnector connector(io, "unused");
  test_support::FakeBotFrameworkAuthOptions fo;
  fo.service_url = connector.service_url();
  test_support::FakeBotFrameworkAuth identity(io, fo);
  auto* id = &identity;
  connector.accept_tokens([id](const std::string& t) { return id->issued(t); });
  connector.add_member({"29:new-teacher", "New Teacher", "aad-new", "new.teacher@district.example", ""});
  connector.add_member({"29:other-teacher", "Other Teacher", "aad-other", "other.teacher@district.example", ""});

  adapters::teams::TeamsOptions o = identity.teams_options(connector.service_url());
  std::map<std::string, std::string> saved;
  adapters::teams::ConversationReferences refs{
      .load = [&saved](const std::string& k) -> std::optional<std::string> {
        auto it = saved.find(k);
        return it == saved.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      .save = [&saved](const std::string& k, const std::string& v) { saved[k] = v; }};
  // Nobody is known by Teams id: the new teacher's e-mail is looked up.
  adapters::teams::TeamsAdapter adapter(io.get_executor(), o, refs, [](std::string_view) { return false; });
  adapter.listen();
  TimingSink sink;
  asio::co_spawn(io, adapter.run(sink), [](std::exception_ptr) {});
  adapters::http::HttpClient client(io.get_executor(), adapter.url());

  auto post = [&](const std::string& id_, const std::string& from) {
    nlohmann::json a{
        {"type", "message"},
        {"id", id_},
        {"timestamp", "2026-11-24T18:00:00.000Z"},
        {"channelId", "msteams"},
        {"serviceUrl", connector.service_url()},
        {"from", {{"id", from}, {"name", "Someone"}}},
        {"conversation", {{"id", "a:chat-" + from}, {"conversationType", "personal"}, {"tenantId", kTenant}}},
        {"recipient", {{"id", "28:" + fo.app_id}, {"name", "Hallpass"}}},
        {"channelData", {{"tenant", {{"id", kTenant}}}}},
        {"text", "socialmedia help"}};
    adapters::http::Request r;
    r.method = "POST";
    r.target = "/api/messages";
    r.body = a.dump();
    r.headers["Authorization"] = identity.authorization();
    r.timeout = milliseconds(120000);
    return client.request(std::move(r));
  };
  // Warm: the signing keys and the bot token are fetched (a look-up of someone not in the roster).
  bool warm = false;
  asio::co_spawn(io, post("1", "29:someone-else"), [&](std::exception_ptr, adapters::http::Response) { warm = true; });
  while (!warm || !sink.reached) io.run_one_for(milliseconds(10));
  sink.reached.reset();

  // How long Teams waits for its answer, and when the event reaches the core, for one new person.
  auto measure = [&](const char* what, const std::string& activity_id, const std::string& from) {
    std::optional<Clock::time_point> answered;
    int status = 0;
    sink.reached.reset();
    const auto start = Clock::now();
    asio::co_spawn(io, post(activity_id, from), [&](std::exception_ptr, adapters::http::Response r) {
      answered = Clock::now();
      status = r.status;
    });
    while (!(answered && sink.reached)) io.run_one_for(milliseconds(10));
    std::printf("%s: Teams got HTTP %d after %.1f ms; the event reached the core after %.1f ms\n", what, status,
                ms_since(start, *answered), ms_since(start, *sink.reached));
  };
  connector.hold_next("/members/", stall);
  const std::string stalled = "stalled look-up (held " + std::to_string(stall.count()) + " ms)";
  measure(stalled.c_str(), "2", "29:new-teacher");
  // The other case: the look-up is throttled with Retry-After: 20, which is waited out.
  connector.fail_next("/members/", 429, 20);
  measure("throttled look-up (429, Retry-After: 20)", "3", "29:other-teacher");
  adapter.stop();
  client.close();
  connector.stop();
  identity.stop();
  io.poll();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const milliseconds slow(argc > 1 ? std::atol(argv[1]) : 10000);
  const milliseconds stall(argc > 2 ? std::atol(argv[2]) : 20000);
  spdlog::set_level(spdlog::level::err);
  if (int rc = slow_write(slow)) return rc;
  return stalled_lookup(stall);
}
