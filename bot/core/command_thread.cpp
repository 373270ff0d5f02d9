#include "bot/core/command_thread.hpp"

#include <spdlog/spdlog.h>

namespace bot {

CommandThread::CommandThread(std::string name)
    : work_(boost::asio::make_work_guard(io_)), thread_([this, name = std::move(name)] {
        // A task's exception goes to its awaiting coroutine; anything else is logged, and the
        // thread goes on with the next task (nothing aborts).
        for (;;) {
          try {
            io_.run();
            return;
          } catch (const std::exception& e) {
            spdlog::error("{}: a task failed: {}", name, e.what());
          }
        }
      }) {}

CommandThread::~CommandThread() {
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

CommandThread::Pause::Pause(CommandThread& thread) : resume_(std::make_shared<std::promise<void>>()) {
  if (thread.on_this_thread()) return;  // nothing else runs there meanwhile anyway
  auto paused = std::make_shared<std::promise<void>>();
  auto is_paused = paused->get_future();
  boost::asio::post(thread.io_, [paused, resumed = resume_->get_future().share()] {
    paused->set_value();
    resumed.wait();
  });
  is_paused.wait();
}

CommandThread::Pause::~Pause() { resume_->set_value(); }

}  // namespace bot
