#pragma once
// One Hallpass process for tests and benches, wired as the product wires it: bot::Runtime (the
// bot core, the workflow router, the outbox dispatcher and the scheduler) over a district loaded
// with app::load_district and a real SQLite file. A test that plays a restart makes a new Process
// (or restart()s) over the same file. The io_context is the Process's own; the test runs it
// (run_one_for, poll) after start().
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/runtime.hpp"
#include "bot/district/district.hpp"
#include "bot/model/adapter.hpp"
#include "bot/model/clock.hpp"
#include "bot/store/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace test_support {

// The sample district, loaded once with the adapter registry's platforms.
const bot::District& sample_district();

struct ProcessOptions {
  // The database file; empty: hallpass.db in a folder of the Process's own, removed with it.
  std::string db;
  // Set: a ManualClock that starts here (tests move it); unset: the system clock.
  std::optional<bot::TimePoint> manual_start;
  // Unset: the sample district. Must outlive the Process.
  const bot::District* district = nullptr;
  // Set: the store is this PostgreSQL database (a libpq conninfo) instead of a SQLite file.
  std::string postgres;
};

class Process {
 public:
  explicit Process(ProcessOptions options = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  boost::asio::io_context& io() { return *io_; }
  bot::Store& store() { return *store_; }
  const bot::Clock& clock() const { return *clock_; }
  // The ManualClock; only when options.manual_start was set.
  bot::ManualClock& manual_clock();
  const bot::District& district() const { return *district_; }
  const std::string& db() const { return db_; }
  bot::Runtime& runtime() { return *runtime_; }
  bot::Bot& bot() { return runtime_->bot(); }
  bot::OutboxDispatcher& dispatcher() { return runtime_->dispatcher(); }

  // Adds an adapter (which must outlive the Process's start()ed run) before start().
  void add_adapter(bot::Adapter& adapter);
  // What Runtime::run does before it runs the io_context (no signal handling).
  void start();
  // A new Runtime over the same store and clock, as after a restart of Hallpass (not started).
  void restart();

  // Set when an added adapter's run() returned, or threw (then also `failure`).
  bool adapter_done() const;
  std::exception_ptr failure() const;

 private:
  class Watched;
  std::optional<TempDir> dir_;
  std::string db_;
  const bot::District* district_;
  std::unique_ptr<boost::asio::io_context> io_;  // destroyed last: nothing it would resume is gone before it
  std::unique_ptr<bot::Store> store_;
  std::unique_ptr<bot::Clock> clock_;
  std::vector<std::unique_ptr<Watched>> watched_;
  std::unique_ptr<bot::Runtime> runtime_;
};

}  // namespace test_support
