// Activities per second through the Teams adapter's POST /api/messages, and how long Teams waits
// for the HTTP answer (p50/p99). Each activity carries a Bot Framework token signed with the fake
// identity's RSA key and is fully validated (signature, claims, endorsement; the keys are cached
// after the first request, as in production). By default each activity is then handled by the real
// bot core and committed to an SQLite file before the answer, as in production (the replies wait
// in the outbox; delivering them is not timed). "endpoint" as the third argument measures the
// endpoint alone (HTTP, JWT validation, parsing, reference bookkeeping) with a sink that counts.
// Everything (fakes, adapter, clients) shares one thread, over loopback sockets.
// Usage: teams_activity_bench [activities=5000] [concurrent_clients=8] [core|endpoint]
#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "app/adapter_registry.hpp"
#include "bot/core/bot.hpp"
#include "bot/district/district.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"

namespace {

// The fake identity's tenant: the adapter accepts activities from it only, as a district's would.
const std::string kTenant = test_support::FakeBotFrameworkAuthOptions{}.tenant_id;

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Counts events and hands them on to the core when there is one.
class CountingSink final : public bot::EventSink {
 public:
  explicit CountingSink(bot::EventSink* core) : core_(core) {}
  bot::HandleResult handle(const bot::Inbound& event) override {
    ++events;
    return core_ ? core_->handle(event) : bot::HandleResult{};
  }
  long events = 0;

 private:
  bot::EventSink* core_;
};

std::string activity(long n, const std::string& service_url, const std::string& bot_id) {
  nlohmann::json a{
      {"type", "message"},
      {"id", std::to_string(1795000000000LL + n)},
      {"timestamp", "2026-11-24T18:00:00.000Z"},
      {"channelId", "msteams"},
      {"serviceUrl", service_url},
      {"from", {{"id", "29:user-" + std::to_string(n % 50)}, {"name", "A teacher"}}},
      {"conversation",
       {{"id", "a:chat-" + std::to_string(n % 50)}, {"conversationType", "personal"}, {"tenantId", kTenant}}},
      {"recipient", {{"id", bot_id}, {"name", "Hallpass"}}},
      {"channelData", {{"tenant", {{"id", kTenant}}}}},
      {"text", "socialmedia help"}};
  return a.dump();
}

// One client posting its share of the activities one after another, timing each answer.
asio::awaitable<void> client_loop(adapters::http::HttpClient& client, std::vector<std::string> bodies,
                                  std::string authorization, std::vector<double>& latencies_ms, long& failures) {
  for (auto& body : bodies) {
    adapters::http::Request r;
    r.method = "POST";
    r.target = "/api/messages";
    r.body = std::move(body);
    r.headers["Authorization"] = authorization;
    const auto start = Clock::now();
    adapters::http::Response res = co_await client.request(std::move(r));
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (res.status != 200) ++failures;
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const long total = argc > 1 ? std::atol(argv[1]) : 5000;
  const long clients = std::max(1L, argc > 2 ? std::atol(argv[2]) : 8);
  const bool with_core = !(argc > 3 && std::string(argv[3]) == "endpoint");
  spdlog::set_level(spdlog::level::warn);
  asio::io_context io;
  test_support::FakeBotConnector connector(io, "unused");
  test_support::FakeBotFrameworkAuthOptions fo;
  fo.service_url = connector.service_url();
  test_support::FakeBotFrameworkAuth identity(io, fo);

  adapters::teams::TeamsOptions o = identity.teams_options(connector.service_url());
  std::map<std::string, std::string> saved;
  adapters::teams::ConversationReferences refs{
      .load = [&saved](const std::string& k) -> std::optional<std::string> {
        auto it = saved.find(k);
        return it == saved.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      .save = [&saved](const std::string& k, const std::string& v) { saved[k] = v; }};
  // Everyone is in the directory: no e-mail look-ups.
  adapters::teams::TeamsAdapter adapter(io.get_executor(), o, refs, [](std::string_view) { return true; });
  adapter.listen();
  auto district = app::load_district(bot::sample_config_path().string(), std::cerr);
  if (!district) return 1;
  // Hallpass as a test Process, never started (the replies wait in the outbox), over a SQLite file
  // in a folder of its own, removed with it (with the -wal and -shm).
  test_support::Process process({.district = &*district});
  bot::Bot& core = process.bot();
  core.start_up();
  CountingSink sink(with_core ? &core : nullptr);
  asio::co_spawn(io, adapter.run(sink), asio::detached);

  const std::string bot_id = "28:" + fo.app_id;
  // The Bot Framework reuses its token for an hour; the adapter verifies it on every request.
  const std::string authorization = identity.authorization();
  std::vector<std::unique_ptr<adapters::http::HttpClient>> http;
  for (long c = 0; c < clients; ++c)
    http.push_back(std::make_unique<adapters::http::HttpClient>(io.get_executor(), adapter.url()));

  // Warm-up: the first request fetches the OpenID metadata and the keys.
  {
    std::vector<double> ignored;
    long failures = 0;
    bool done = false;
    asio::co_spawn(io, client_loop(*http[0], {activity(-1, o.service_url, bot_id)}, authorization, ignored, failures),
                   [&](std::exception_ptr) { done = true; });
    while (!done) io.run_one();
    if (failures > 0) return std::fprintf(stderr, "the warm-up activity was refused\n"), 1;
  }

  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  long failures = 0;
  long finished = 0;
  const auto start = Clock::now();
  for (long c = 0; c < clients; ++c) {
    std::vector<std::string> bodies;
    for (long n = c; n < total; n += clients) bodies.push_back(activity(n, o.service_url, bot_id));
    asio::co_spawn(io,
                   client_loop(*http[static_cast<size_t>(c)], std::move(bodies), authorization,
                               latencies[static_cast<size_t>(c)], failures),
                   [&](std::exception_ptr) { ++finished; });
  }
  while (finished < clients) io.run_one();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::printf(
      "teams /api/messages (%s): %ld signed activities, %ld clients, in %.3f s = %.0f activities/s; "
      "answer latency p50 %.2f ms, p99 %.2f ms; %ld refused, %ld handed to the sink\n",
      with_core ? "real core, SQLite file" : "endpoint only", total, clients, secs, static_cast<double>(total) / secs,
      percentile(all, 0.50), percentile(all, 0.99), failures, sink.events - 1);
  adapter.stop();
  for (auto& c : http) c->close();
  connector.stop();
  identity.stop();
  io.poll();
  return failures == 0 ? 0 : 1;
}
