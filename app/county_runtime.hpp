#pragma once
// One worker serving a county's districts (hallpass run --districts, docs/scale-out.md): one
// bot::Runtime per district (its Bot, outbox dispatcher and scheduler) on one io_context, every
// district's store a view of the worker's one database connection, and the adapters made once,
// from county.yaml, their own state kept in the county's rows (the empty district key; a district
// file's stem is never empty). Every district's dispatcher delivers through those adapters; what
// arrives goes through the CountyRouter to the district it belongs to.
//
// reload() reads the folder again: changed district files are reloaded (DistrictReloader), new
// ones start serving, removed ones stop (their pending outbox rows stay in the database);
// county.yaml waits for a restart.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/adapter_registry.hpp"
#include "app/county_folder.hpp"
#include "app/county_router.hpp"
#include "app/district_reload.hpp"
#include "app/runtime.hpp"
#include "bot/model/clock.hpp"
#include "bot/store/store.hpp"

namespace app {

class CountyRuntime {
 public:
  // A district's store by its key ("" the county's own rows: the adapters' state). Throws
  // bot::StoreOpenError.
  using OpenStore = std::function<std::unique_ptr<bot::Store>(const std::string& key)>;

  CountyRuntime(boost::asio::io_context& io, CountyFolder folder, OpenStore open_store, const bot::Clock& clock,
                const Registry& registry = adapter_registry());
  ~CountyRuntime();
  CountyRuntime(const CountyRuntime&) = delete;
  CountyRuntime& operator=(const CountyRuntime&) = delete;

  // PostgreSQL: the events' transactions run on `threads` command threads (bot/core/command_thread.hpp),
  // each on its own connection: connect() opens one and says how to open a district's store on it.
  // A district's events always go to the same thread, so they keep their order. Before prepare();
  // throws what connect() throws.
  void use_command_threads(size_t threads, const std::function<OpenStore()>& connect);
  // Opens the stores, makes each district's runtime and the adapters (their start-up lines to
  // out). False, with one sentence on err, when something cannot start.
  bool prepare(const AdapterOverrides& overrides, std::ostream& out, std::ostream& err);
  // Several workers on one database (Runtime::use_leases), for every district now and later.
  void use_leases(const std::string& owner, std::chrono::milliseconds length);
  // As Runtime::catch_stop_signals.
  void catch_stop_signals();
  // Starts every district and the adapters, then runs the io_context until stopped.
  int run();
  // What run() does before running the io_context.
  void start();
  // Re-reads the folder. Call on the bot's thread.
  ReloadOutcome reload();

  bot::Runtime::Readiness readiness() const;
  bot::Store& county_store() { return *county_store_; }
  const CountyRouter& router() const { return router_; }
  // The keys served, in order.
  std::vector<std::string> keys() const;

 private:
  struct Member;
  struct CommandLane {
    std::unique_ptr<bot::CommandThread> thread;
    OpenStore open;  // a district's store on the thread's connection
  };
  // Opens the district's stores and makes its runtime: with the command lanes paused.
  std::unique_ptr<Member> open_member(CountyDistrict d, std::ostream& err);
  // Every command lane waits until the result is destroyed.
  std::vector<std::unique_ptr<bot::CommandThread::Pause>> pause_commands();
  void serve_all();
  std::vector<const CountyDistrict*> served_districts() const;
  void shut_down(std::chrono::milliseconds grace);
  boost::asio::awaitable<void> shut_down_steps(std::chrono::milliseconds grace);
  boost::asio::awaitable<void> run_adapter(bot::Adapter* adapter);

  boost::asio::io_context& io_;
  CountyFolder folder_;
  OpenStore open_store_;
  const bot::Clock& clock_;
  const Registry& registry_;
  CountyRouter router_;
  bot::District county_district_;  // what the adapters are made from: county.yaml's platforms
  std::unique_ptr<bot::Store> county_store_;
  std::vector<std::unique_ptr<bot::Adapter>> adapters_;
  std::vector<std::unique_ptr<Member>> members_;  // by key
  std::vector<std::unique_ptr<Member>> retired_;  // removed by a reload; kept while their coroutines end
  std::optional<std::pair<std::string, std::chrono::milliseconds>> leases_;
  // Ended first (~CountyRuntime): their last transactions still find their districts.
  std::vector<CommandLane> lanes_;
  std::optional<boost::asio::signal_set> signals_;
  boost::asio::steady_timer grace_;
  size_t running_adapters_ = 0;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace app
