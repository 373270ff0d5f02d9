#include "tests/support/bot_process.hpp"

#include <iostream>
#include <stdexcept>

#include "app/adapter_registry.hpp"

namespace test_support {

const bot::District& sample_district() {
  static const bot::District d = [] {
    auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
    if (!loaded) throw std::runtime_error("the sample district does not load");
    return std::move(*loaded);
  }();
  return d;
}

// An added adapter as the Runtime sees it: the same adapter, and the Process notes when its run()
// returns or throws (the Runtime itself only logs that).
class Process::Watched final : public bot::Adapter {
 public:
  explicit Watched(bot::Adapter& inner) : inner_(inner) {}
  std::string_view platform() const override { return inner_.platform(); }
  boost::asio::awaitable<void> run(bot::EventSink& sink) override {
    try {
      co_await inner_.run(sink);
    } catch (...) {
      failure = std::current_exception();
    }
    done = true;
    if (failure) std::rethrow_exception(failure);
  }
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override {
    co_return co_await inner_.send(std::move(delivery));
  }
  bool idempotent_sends() const override { return inner_.idempotent_sends(); }
  bool reaches_by_email() const override { return inner_.reaches_by_email(); }
  void stop() override { inner_.stop(); }
  bool reports_attempts() const override { return inner_.reports_attempts(); }
  boost::asio::awaitable<bot::Reconciliation> reconcile(bot::Delivery delivery) override {
    co_return co_await inner_.reconcile(std::move(delivery));
  }

  bool done = false;
  std::exception_ptr failure;

 private:
  bot::Adapter& inner_;
};

Process::Process(ProcessOptions options)
    : district_(options.district ? options.district : &sample_district()),
      io_(std::make_unique<boost::asio::io_context>()) {
  if (options.db.empty()) {
    dir_.emplace("process");
    db_ = dir_->file("hallpass.db");
  } else {
    db_ = options.db;
  }
  store_ = options.postgres.empty() ? bot::open_sqlite_store(db_) : bot::open_postgres_store(options.postgres);
  if (options.manual_start)
    clock_ = std::make_unique<bot::ManualClock>(*options.manual_start);
  else
    clock_ = std::make_unique<bot::SystemClock>();
  restart();
}

Process::~Process() {
  // Nothing resumes after this: the io_context is not run again.
  runtime_->stop();
}

bot::ManualClock& Process::manual_clock() {
  auto* manual = dynamic_cast<bot::ManualClock*>(clock_.get());
  if (!manual) throw std::logic_error("this Process runs on the system clock: give ProcessOptions::manual_start");
  return *manual;
}

void Process::add_adapter(bot::Adapter& adapter) {
  watched_.push_back(std::make_unique<Watched>(adapter));
  runtime_->add_adapter(*watched_.back());
}

void Process::start() { runtime_->start(/*stop_on_signal=*/false); }

void Process::restart() {
  runtime_.reset();
  watched_.clear();
  runtime_ = std::make_unique<bot::Runtime>(*io_, *district_, *store_, *clock_);
}

bool Process::adapter_done() const {
  for (const auto& w : watched_)
    if (w->done) return true;
  return false;
}

std::exception_ptr Process::failure() const {
  for (const auto& w : watched_)
    if (w->failure) return w->failure;
  return nullptr;
}

}  // namespace test_support
