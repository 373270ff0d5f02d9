#include "app/cli/county_run.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/cli/admin_start.hpp"
#include "app/cli/logging_setup.hpp"
#include "app/cli/store_open.hpp"
#include "app/county_folder.hpp"
#include "app/county_runtime.hpp"
#include "app/reload_signal.hpp"
#include "bot/store/store.hpp"

namespace cli {

std::string district_file(const std::string& county_file, const std::string& key) {
  if (key.empty()) return county_file;
  const std::filesystem::path p(county_file);
  return (p.parent_path() / (p.stem().string() + "." + key + p.extension().string())).string();
}

int run_county(CountyRunOptions o) {
  auto folder = app::load_county_folder(o.dir, std::cerr);
  if (!folder) return 1;
  const StoreChoice choice = store_choice(o.db);
  if (!choice.error.empty()) return std::cerr << "hallpass run: " << choice.error << '\n', 1;
  // Each district's key is its file's stem: HALLPASS_DISTRICT is not used here.
  bot::StoreOptions options = store_options(bot::OpenMode::create);
  options.district.clear();
  // One anchor file holds one chain's heads and a county has a chain per district: a district's
  // heads go to the anchor file named with its key (anchors.log → anchors.<key>.log), which
  // `hallpass audit verify --district KEY --anchor FILE` reads.
  const std::string anchor = options.anchor_file;
  options.anchor_file.clear();
  const auto with_anchor = [options, anchor](const std::string& key) {
    bot::StoreOptions mine = options;
    if (!anchor.empty() && !key.empty()) mine.anchor_file = district_file(anchor, key);
    return mine;
  };
  // Every district's store on one connection: a worker's thousand districts are not a thousand
  // connections.
  const auto connect = [&choice, options, with_anchor]() -> app::CountyRuntime::OpenStore {
    auto shared = bot::open_shared_postgres(choice.target, options);
    return [shared, with_anchor](const std::string& key) {
      bot::StoreOptions mine = with_anchor(key);
      mine.district = key;
      return bot::open_district_store(shared, mine);
    };
  };
  app::CountyRuntime::OpenStore open;
  if (choice.postgres) {
    try {
      open = connect();
    } catch (const std::exception& e) {
      return std::cerr << "hallpass run: " << e.what() << '\n', 1;
    }
  } else {
    open = [db = choice.target, with_anchor](const std::string& key) {
      return bot::open_sqlite_store(district_file(db, key), with_anchor(key));
    };
  }
  bot::SystemClock clock;
  boost::asio::io_context io;
  app::CountyRuntime county(io, std::move(*folder), std::move(open), clock);
  // As with one district: from here a SIGTERM stops politely, and a SIGHUP reloads.
  county.catch_stop_signals();
  app::reload_on_hangup(io, [&county] { return county.reload(); });
  if (choice.postgres && o.command_threads > 0) {
    // The events' transactions on threads of their own, each with its own connection: the io
    // thread goes on acknowledging and delivering while commands wait on the database.
    try {
      county.use_command_threads(o.command_threads, connect);
    } catch (const std::exception& e) {
      return std::cerr << "hallpass run: " << e.what() << '\n', 1;
    }
  }
  if (!county.prepare({}, announcements(), std::cerr)) return 1;
  if (choice.postgres) {
    county.use_leases(o.worker_id, o.lease);
    spdlog::info("worker {}: outbox rows and timers are leased for {} ms", o.worker_id, o.lease.count());
  }
  std::optional<app::AdminServer> admin;
  if (o.admin) {
    o.admin->reload = [&county] { return county.reload(); };
    if (!start_admin(io, admin, [&] {
          admin.emplace(
              io.get_executor(), *o.admin, [&county] { return county.readiness(); }, county.county_store(), clock);
        }))
      return 1;
  }
  boost::asio::post(io, [] { sd_notify(0, "READY=1\nSTATUS=Hallpass is running (county)"); });
  return county.run();
}

}  // namespace cli
