#pragma once
// A thread of its own for the commands' database work (issue 23). The store's calls are
// synchronous, and on PostgreSQL each is a round trip to the server: run on the io thread, a
// command's ten or so round trips held up every acknowledgement, delivery and sync of the worker
// while they lasted. A command's transaction runs here instead, on a connection only this thread
// uses, and the coroutine that asked for it waits without holding the io thread.
//
// Tasks run one at a time, in the order they were given: a district's commands keep their order.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

namespace bot {

class CommandThread {
 public:
  // name: for the logs ("commands-1").
  explicit CommandThread(std::string name);
  // Runs what was given before, then ends the thread.
  ~CommandThread();
  CommandThread(const CommandThread&) = delete;
  CommandThread& operator=(const CommandThread&) = delete;

  // Runs f on this thread; the awaiting coroutine resumes on its own executor with f's result
  // (or f's exception).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
    using Result = std::invoke_result_t<F&>;
    co_return co_await boost::asio::co_spawn(
        io_,
        [f = std::move(f)]() mutable -> boost::asio::awaitable<Result> {
          if constexpr (std::is_void_v<Result>) {
            f();
            co_return;
          } else {
            co_return f();
          }
        },
        boost::asio::use_awaitable);
  }

  // Runs f on this thread and waits for it (for callers that are not coroutines). On this thread
  // itself, f runs at once.
  template <class F>
  std::invoke_result_t<F&> run_and_wait(F f) {
    if (on_this_thread()) return f();
    std::packaged_task<std::invoke_result_t<F&>()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  bool on_this_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // While a Pause lives, the thread waits (after finishing what it was given before): the caller
  // may change what its tasks read (a district reloaded, a store opened or closed on its
  // connection) without racing them. Not on this thread itself.
  class Pause {
   public:
    explicit Pause(CommandThread& thread);
    ~Pause();
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;

   private:
    std::shared_ptr<std::promise<void>> resume_;
  };

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace bot
