// Hallpass's own HTTP client against libcurl, for issue 19's question: should outbound HTTP move
// to libcurl (Debian's libcurl4-openssl-dev) for proxies, pooling and HTTP/2? Both fetch the same
// small JSON answer over TLS from one origin on 127.0.0.1 (the fake platform server the tests use),
// N requests with C in flight at once, each on kept-alive connections:
//   hallpass: adapters/common/http_client (Asio and Beast, a pool of up to C connections);
//   libcurl:  the curl command line (libcurl's multi interface: --parallel --parallel-max C), one
//             process for all N transfers, so its start-up is paid once.
// Printed: requests per second and latency p50/p99 for each.
// Usage: outbound_http_bench [requests=4000] [in_flight=8]
#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "tests/support/fake_http_listener.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_crypto.hpp"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Figures {
  double seconds = 0;
  std::vector<double> latencies_ms;
};

void print(const char* who, int requests, Figures& f) {
  std::sort(f.latencies_ms.begin(), f.latencies_ms.end());
  const auto at = [&](double q) {
    return f.latencies_ms.empty() ? 0.0 : f.latencies_ms[static_cast<size_t>(q * (f.latencies_ms.size() - 1))];
  };
  std::printf("  %-9s %6.0f requests/s   p50 %6.2f ms   p99 %6.2f ms   (%zu answers)\n", who, requests / f.seconds,
              at(0.5), at(0.99), f.latencies_ms.size());
}

asio::awaitable<void> worker(adapters::http::HttpClient* client, std::atomic<int>* next, int requests,
                             std::vector<double>* latencies) {
  while (true) {
    const int i = (*next)++;
    if (i >= requests) co_return;
    adapters::http::Request r;
    r.target = "/api/conversations.info?n=" + std::to_string(i);
    const auto start = Clock::now();
    auto reply = co_await client->request(r);
    if (reply.ok()) latencies->push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

Figures with_hallpass(const std::string& origin, const std::string& ca, int requests, int in_flight) {
  asio::io_context io;
  adapters::http::HttpClient client(io.get_executor(), origin, ca, static_cast<size_t>(in_flight));
  Figures f;
  f.latencies_ms.reserve(requests);
  std::atomic<int> next{0};
  const auto start = Clock::now();
  for (int w = 0; w < in_flight; ++w)
    asio::co_spawn(io, worker(&client, &next, requests, &f.latencies_ms), asio::detached);
  io.run();
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return f;
}

Figures with_curl(const std::string& origin, const std::string& ca, int requests, int in_flight,
                  const test_support::TempDir& dir) {
  const std::string config = dir.file("curl.cfg");
  {
    std::ofstream out(config);
    for (int i = 0; i < requests; ++i)
      out << "url = \"" << origin << "/api/conversations.info?n=" << i << "\"\noutput = \"/dev/null\"\n";
  }
  const std::string times = dir.file("times.txt");
  const std::string command = "curl --silent --parallel --parallel-max " + std::to_string(in_flight) + " --cacert '" +
                              ca + "' -w '%{time_total}\\n' -K '" + config + "' > '" + times + "'";
  Figures f;
  const auto start = Clock::now();
  const int rc = std::system(command.c_str());
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (rc != 0) std::fprintf(stderr, "outbound_http_bench: curl exited with %d\n", rc);
  std::ifstream in(times);
  for (double t; in >> t;) f.latencies_ms.push_back(t * 1000);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 4000;
  const int in_flight = argc > 2 ? std::atoi(argv[2]) : 8;
  if (requests < 100 || in_flight < 1) {
    std::fprintf(stderr, "usage: outbound_http_bench [requests ≥ 100] [in_flight ≥ 1]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  test_support::TempDir dir("outbound-http-bench");
  const auto& identity = test_support::loopback_tls_identity();
  std::ofstream(dir.file("ca.pem")) << identity.certificate_pem;
  auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->use_certificate_chain(asio::buffer(identity.certificate_pem));
  tls->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);

  // The server on its own thread, so each client has the other core to itself.
  asio::io_context server_io;
  std::atomic<int> served{0};
  test_support::FakeHttpListener server(
      server_io,
      [&served](const test_support::FakeRequest&) -> asio::awaitable<test_support::FakeResponse> {
        ++served;
        co_return test_support::FakeResponse{.body = R"({"ok":true,"channel":{"id":"C0LINCOLN1","name":"lincoln"}})"};
      },
      nullptr, tls);
  auto guard = asio::make_work_guard(server_io);
  std::thread serving([&] { server_io.run(); });
  const std::string origin = server.origin();

  std::printf("%d HTTPS requests to %s, %d in flight\n", requests, origin.c_str(), in_flight);
  auto ours = with_hallpass(origin, dir.file("ca.pem"), requests, in_flight);
  print("hallpass", requests, ours);
  auto curl = with_curl(origin, dir.file("ca.pem"), requests, in_flight, dir);
  print("libcurl", requests, curl);

  guard.reset();
  asio::post(server_io, [&] { server.stop(); });
  serving.join();
  return ours.latencies_ms.size() == static_cast<size_t>(requests) ? 0 : 1;
}
