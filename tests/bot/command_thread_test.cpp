// The commands' database work on a thread of its own (issue 23): the io thread goes on meanwhile,
// the awaiting coroutine comes back to the io thread, the order of the commands is kept, and a
// pause (a reload) holds them back.
#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bot/core/command_thread.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Runs io until done() or ten seconds pass.
bool run_until(asio::io_context& io, const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

}  // namespace

TEST_CASE("while a command waits on the database, the io thread goes on", "[core][command-thread]") {
  asio::io_context io;
  bot::CommandThread commands("commands");
  std::promise<void> io_ran;
  auto io_ran_future = io_ran.get_future();
  std::thread::id task_thread, resumed_thread;
  bool finished = false;
  // The task waits until a timer of the io thread has fired: were the io thread blocked on it, it
  // would wait out its second instead.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        const bool saw_io = co_await commands.run([&] {
          task_thread = std::this_thread::get_id();
          return io_ran_future.wait_for(1s) == std::future_status::ready;
        });
        resumed_thread = std::this_thread::get_id();
        CHECK(saw_io);
        finished = true;
      },
      asio::detached);
  asio::steady_timer timer(io, 20ms);
  timer.async_wait([&](const boost::system::error_code&) { io_ran.set_value(); });
  REQUIRE(run_until(io, [&] { return finished; }));
  CHECK(task_thread != std::this_thread::get_id());
  CHECK(resumed_thread == std::this_thread::get_id());
}

TEST_CASE("a command thread runs its tasks in the order given, returns their failures, and waits while paused",
          "[core][command-thread]") {
  asio::io_context io;
  bot::CommandThread commands("commands");
  std::vector<int> order;
  int done = 0;
  std::string failure;
  std::optional<bot::CommandThread::Pause> pause(std::in_place, commands);
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await commands.run([&order, i] { order.push_back(i); });
          ++done;
        },
        asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await commands.run([]() -> int { throw std::runtime_error("the database went away"); });
        } catch (const std::exception& e) {
          failure = e.what();
        }
        ++done;
      },
      asio::detached);
  // Paused: nothing runs, however long the io thread turns.
  io.run_for(100ms);
  CHECK(done == 0);
  CHECK(order.empty());  // the thread waits in the pause: reading here races with nothing
  pause.reset();
  REQUIRE(run_until(io, [&] { return done == 6; }));
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(failure == "the database went away");
  // The thread goes on after a failure.
  CHECK(commands.run_and_wait([] { return 7; }) == 7);
}

TEST_CASE("an event handled on a command thread is recorded there and wakes the dispatcher on the io thread",
          "[core][command-thread]") {
  test_support::TempDir dir("command-thread");
  test_support::BotHarness h(dir.file("hallpass.db"));
  // The commands' own connection to the same database, as `hallpass run` opens one on PostgreSQL.
  auto command_store = bot::open_sqlite_store(dir.file("hallpass.db"));
  bot::CommandThread commands("commands");
  h.bot().run_commands_on(commands, *command_store);
  std::vector<std::thread::id> woken_on;
  h.bot().on_outbox_written([&] { woken_on.push_back(std::this_thread::get_id()); });

  asio::io_context io;
  bot::Inbound ev{.platform = "console",
                  .event_id = "ev-1",
                  .actor = "t.garcia",
                  .place = {.channel = "dm:t.garcia", .direct = true},
                  .kind = bot::InboundKind::command,
                  .text = "ask can I friend a parent on facebook?"};
  std::optional<bot::HandleResult> result;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await h.bot().async_handle(ev); }, asio::detached);
  REQUIRE(run_until(io, [&] { return result.has_value(); }));
  CHECK(result->accepted);
  CHECK_FALSE(result->duplicate);
  CHECK(woken_on == std::vector<std::thread::id>{std::this_thread::get_id()});
  // The answer is in the outbox, for the dispatcher of this process (or another worker) to send.
  const auto sent = h.take_sent();
  CHECK(test_support::BotHarness::replies_to(sent, "t.garcia").size() == 1);

  // The same event again (a platform's retry) is known, also through the command thread.
  result.reset();
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await h.bot().async_handle(ev); }, asio::detached);
  REQUIRE(run_until(io, [&] { return result.has_value(); }));
  CHECK(result->duplicate);
  CHECK(h.take_sent().empty());
}
