// hallpass run / hallpass demo: the bot with its adapters, until stopped.
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include <algorithm>
#include <optional>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/matrix_registration.hpp"
#include "app/adapter_registry.hpp"
#include "app/admin_server.hpp"
#include "app/cli/admin_start.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/county_run.hpp"
#include "app/cli/logging_setup.hpp"
#include "app/cli/store_open.hpp"
#include "app/district_reload.hpp"
#include "app/reload_signal.hpp"
#include "app/runtime.hpp"
#include "bot/core/command_thread.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"

namespace cli {

namespace {
constexpr const char* kDemoHelp =
    R"(Usage: hallpass demo [--config FILE] [--db FILE] [--port N] [--listen ADDRESS] [--admin-port N]

Starts Hallpass with the built-in web chat: open the printed address in a browser, pick a person
and play the whole flow (a teacher files a request, the principal endorses it, the superintendent
decides). No accounts are needed. Defaults: the sample district, hallpass-demo.db in this folder,
port 8080 on 127.0.0.1. The demo has no sign-in: anyone who reaches the port can act as anyone,
so it listens on this machine only unless --listen (or HALLPASS_LISTEN) says otherwise.
)";

constexpr const char* kRunHelp =
    R"(Usage: hallpass run --config FILE [--db FILE] [--district KEY] [--admin-port N [--admin-listen ADDRESS]]
       hallpass run --districts DIR [--db FILE|URL] [--admin-port N [--admin-listen ADDRESS]]

Starts Hallpass with the adapters the district config enables (adapters: web, slack, matrix, teams).
The district's file is required: `hallpass demo` is the way to try the fictional sample district.
Secrets come from the environment variables the config names. Stops on SIGINT or SIGTERM.
--district KEY (or HALLPASS_DISTRICT) names the district's rows in a PostgreSQL database that
several districts share (docs/postgresql.md).
SIGHUP (systemctl reload hallpass, or `hallpass reload`) reloads the district's file without
dropping a connection; a file that does not validate is refused and the bot goes on as it was.

--admin-port N opens the admin listener (on 127.0.0.1 unless --admin-listen says otherwise):
/healthz, /readyz and /metrics (Prometheus) for the district's monitoring, and POST /reload
(on a loopback listener only). 0 lets the OS pick.

--districts DIR (or HALLPASS_DISTRICTS_DIR) serves every district of a county folder from one
process: DIR/county.yaml sets the platforms they share (adapters:, as in a district file; no web
chat), and each other DIR/<key>.yaml is one district, its key the file's name, with workspaces:
(its Slack team ids, Teams tenant ids, Matrix rooms) instead of adapters:. Each event goes to the
district of its workspace. All districts share one database connection: PostgreSQL (--db
postgres://… or HALLPASS_DATABASE_URL; several workers may run the same folder), or SQLite, where
--db FILE holds the county's own rows and FILE's name with .<key> each district's. SIGHUP or
POST /reload re-reads the folder: changed files are reloaded, new ones start serving, removed ones
stop (docs/scale-out.md, "One worker, many districts"). --config and --districts exclude each other.
)";

// "--admin-port" as a port number, or nullopt (with the message written) when it is not one.
std::optional<unsigned short> port_option(const Args& a, const std::string& name) {
  const std::string port = a.get(name);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stol(port) > 65535) {
    std::cerr << "hallpass: " << name << " must be a number from 0 to 65535\n";
    return std::nullopt;
  }
  return static_cast<unsigned short>(std::stol(port));
}

// Names this process among the workers sharing a database: host:pid:random (a restarted worker
// with a recycled pid is still another worker, whose leases do not cover the dead one's rows).
std::string worker_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  std::random_device random;
  char tail[16];
  std::snprintf(tail, sizeof tail, "%08x", static_cast<unsigned>(random()));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + tail;
}

// How long a worker holds the rows it claims: a minute. HALLPASS_LEASE_SECONDS shortens it, for
// tests and benches only (a worker that sends for longer than a lease renews it every third of one).
std::chrono::milliseconds lease_length() {
  const char* v = std::getenv("HALLPASS_LEASE_SECONDS");
  if (!v || !*v) return std::chrono::seconds(60);
  char* end = nullptr;
  const double seconds = std::strtod(v, &end);
  if (end == v || *end || !(seconds >= 0.3 && seconds <= 3600)) {
    spdlog::warn("HALLPASS_LEASE_SECONDS={} is not a number of seconds from 0.3 to 3600; leases last 60 s", v);
    return std::chrono::seconds(60);
  }
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// On PostgreSQL, how many threads run the events' transactions, each on its own connection
// (bot/core/command_thread.hpp): HALLPASS_COMMAND_THREADS, else `fallback`. 0 runs them on the io
// thread, as on SQLite (to compare, in the benches).
size_t command_threads(size_t fallback) {
  const char* v = std::getenv("HALLPASS_COMMAND_THREADS");
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (end == v || *end || n < 0 || n > 64) {
    spdlog::warn("HALLPASS_COMMAND_THREADS={} is not a number from 0 to 64; {} is used", v, fallback);
    return fallback;
  }
  return static_cast<size_t>(n);
}
}  // namespace

int cmd_run(int argc, char** argv, bool demo) {
  Args a = parse_args(
      argc, argv, 2,
      {"--config", "--db", "--district", "--port", "--listen", "--admin-port", "--admin-listen", "--districts"},
      {"--help"});
  if (a.has("--help")) return std::cout << (demo ? kDemoHelp : kRunHelp), 0;
  if (!a.error.empty()) return std::cerr << "hallpass: " << a.error << "\n\n" << (demo ? kDemoHelp : kRunHelp), 2;
  const char* districts_dir = std::getenv("HALLPASS_DISTRICTS_DIR");
  const bool county = !demo && (a.has("--districts") || (!a.has("--config") && districts_dir && *districts_dir));
  if (county && a.has("--config"))
    return std::cerr << "hallpass run: --config and --districts exclude each other: --config FILE runs one district, "
                        "--districts DIR a county folder's districts\n",
           2;
  if (county && a.has("--district"))
    return std::cerr << "hallpass run: --district is not used with --districts: each district's key is its file's "
                        "name in the folder\n",
           2;
  if (county && (a.has("--port") || a.has("--listen")))
    return std::cerr << "hallpass run: --port and --listen are the web chat's, which a county folder does not use\n", 2;
  if (demo && a.has("--districts")) return std::cerr << "hallpass demo: --districts is for hallpass run\n", 2;
  // A service started without its district must not quietly run the fictional sample one, whose
  // web chat has no sign-in.
  if (!demo && !county && !a.has("--config"))
    return std::cerr << "hallpass run: --config FILE is required (the district's file). To try Hallpass with the "
                        "sample district, run: hallpass demo\n",
           2;
  app::AdapterOverrides overrides{.force_web = demo};
  if (a.has("--port")) {
    if (!port_option(a, "--port")) return 2;
    overrides.web["port"] = a.get("--port");
  }
  std::optional<app::AdminOptions> admin_options;
  if (a.has("--admin-port")) {
    auto port = port_option(a, "--admin-port");
    if (!port) return 2;
    admin_options = app::AdminOptions{.listen_address = a.get("--admin-listen", "127.0.0.1"), .port = *port};
  } else if (a.has("--admin-listen")) {
    return std::cerr << "hallpass: --admin-listen needs --admin-port\n", 2;
  }
  if (a.has("--listen")) {
    overrides.web["listen"] = a.get("--listen");
  } else if (const char* listen = std::getenv("HALLPASS_LISTEN"); demo && listen && *listen) {
    // The container image sets it: there the demo must listen beyond the container's loopback.
    overrides.web["listen"] = listen;
  }
  if (county)
    return run_county({.dir = a.get("--districts", districts_dir ? districts_dir : ""),
                       .db = a.get("--db", "hallpass.db"),
                       .admin = admin_options,
                       .worker_id = worker_id(),
                       .lease = lease_length(),
                       .command_threads = command_threads(2)});
  const std::string config_file = a.get("--config", bot::sample_config_path().string());
  auto district = app::load_district(config_file, std::cerr);
  if (!district) return 1;
  // Before the runtime takes the district's services: the reloader puts the policy library
  // behind the stand-in a reload re-points.
  app::DistrictReloader reloader(*district, config_file);

  const auto open = [&] {
    return open_store(demo ? "demo" : "run", a.get("--db", demo ? "hallpass-demo.db" : "hallpass.db"),
                      bot::OpenMode::create, std::cerr, a.get("--district"));
  };
  auto store = open();
  if (!store) return 1;
  bot::SystemClock clock;
  boost::asio::io_context io;
  bot::Runtime runtime(io, *district, *store, clock);
  // Declared after the runtime: the threads end (their last transactions done) before the bot goes.
  std::unique_ptr<bot::Store> command_store;
  std::unique_ptr<bot::CommandThread> command_thread;
  const bool postgres = store_choice(a.get("--db", "")).postgres;
  if (postgres) {
    // Several workers may share this database: each claims what it delivers and fires.
    const std::string id = worker_id();
    const auto lease = lease_length();
    runtime.use_leases(id, lease);
    spdlog::info("worker {}: outbox rows and timers are leased for {} ms", id, lease.count());
    // The district's database work (events, timers, the deliveries' claims and marks) on a thread
    // and a connection of its own: the io thread goes on acknowledging and sending while it waits
    // on the database.
    if (command_threads(1) > 0) {
      command_store = open();
      if (!command_store) return 1;
      command_thread = std::make_unique<bot::CommandThread>("commands");
      runtime.run_commands_on(*command_thread, *command_store);
    }
  }
  // From here a SIGTERM (systemd, a test, Ctrl-C) stops the bot politely, even one that comes
  // while the adapters start and before their start-up lines announce it.
  runtime.catch_stop_signals();
  auto adapters = app::make_adapters(io, *district, *store, overrides, announcements(), std::cerr);
  if (!adapters) return 1;
  // A reload changes what the events' transactions read: not while one runs. A room it names is
  // joined when invited, without a restart.
  const auto reload = [&reloader, &command_thread, &district, &adapters] {
    std::optional<bot::CommandThread::Pause> pause;
    if (command_thread) pause.emplace(*command_thread);
    app::ReloadOutcome outcome = reloader.reload();
    if (outcome.applied)
      for (auto& a : *adapters)
        if (auto* matrix = dynamic_cast<adapters::matrix::MatrixAdapter*>(a.get()))
          matrix->serve_rooms(adapters::matrix::rooms_of(district->config));
    return outcome;
  };
  // Before the adapters start: until then a SIGHUP would end the process.
  app::reload_on_hangup(io, reload);
  for (auto& adapter : *adapters) runtime.add_adapter(*adapter);
  std::optional<app::AdminServer> admin;
  if (admin_options) {
    admin_options->reload = reload;
    if (!start_admin(io, admin, [&] { admin.emplace(io.get_executor(), *admin_options, runtime, *store, clock); }))
      return 1;
  }
  // Under systemd's Type=notify, `systemctl start` returns once the store is open, the outbox
  // recovered and the adapters started (the first thing the loop runs). Elsewhere this is a no-op.
  boost::asio::post(io, [] { sd_notify(0, "READY=1\nSTATUS=Hallpass is running"); });
  return runtime.run(true);
}

}  // namespace cli
