// Commands per second through the Matrix adapter: the fake homeserver (loopback, same thread)
// queues N "!socialmedia help" commands; the adapter syncs them into a sink that counts them.
// Measures the adapter's sync, parsing and hand-over, not the workflows (see command_latency_bench).
// Usage: matrix_sync_bench [commands=2000] [per_batch=50]
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "adapters/matrix/matrix_adapter.hpp"
#include "tests/support/fake_matrix_server.hpp"

namespace {

class CountingSink final : public bot::EventSink {
 public:
  bot::HandleResult handle(const bot::Inbound& event) override {
    if (event.kind == bot::InboundKind::command) ++commands;
    return {};
  }
  long commands = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const long total = argc > 1 ? std::atol(argv[1]) : 2000;
  const long per_batch = argc > 2 ? std::atol(argv[2]) : 50;
  spdlog::set_level(spdlog::level::warn);
  boost::asio::io_context io;
  test_support::FakeMatrixServer server(io, "@hallpass:bench", "bench-token");
  server.add_room("!room:bench");
  adapters::matrix::MatrixOptions o{
      .homeserver = server.origin(), .access_token = "bench-token", .user_id = "@hallpass:bench", .device_id = "BENCH"};
  o.sync_timeout_ms = 50;
  std::optional<std::string> token;
  adapters::matrix::SyncCheckpoint cp{.load = [&token] { return token; },
                                      .save = [&token](std::string t) { token = std::move(t); }};
  adapters::matrix::MatrixAdapter adapter(io.get_executor(), o, cp);
  CountingSink sink;
  boost::asio::co_spawn(io, adapter.run(sink), boost::asio::detached);
  while (!token) io.run_one();  // the initial sync is done

  auto start = std::chrono::steady_clock::now();
  long posted = 0;
  while (sink.commands < total) {
    // Keep at most one batch waiting, so each sync carries about per_batch events.
    if (posted - sink.commands < per_batch && posted < total) {
      for (long i = 0; i < per_batch && posted < total; ++i, ++posted)
        server.post("!room:bench", "@user:bench", "!socialmedia help");
    }
    io.run_one();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("matrix sync: %ld commands in %.3f s = %.0f commands/s (%d syncs, %ld per batch)\n", total, secs,
              total / secs, server.sync_requests(), per_batch);
  adapter.stop();
  server.stop();
  return 0;
}
