// hallpass run / hallpass demo: the bot with its adapters, until stopped.
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include <algorithm>

#include "app/adapter_registry.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "app/runtime.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"

namespace cli {

namespace {
constexpr const char* kDemoHelp = R"(Usage: hallpass demo [--config FILE] [--db FILE] [--port N] [--listen ADDRESS]

Starts Hallpass with the built-in web chat: open the printed address in a browser, pick a person
and play the whole flow (a teacher files a request, the principal endorses it, the superintendent
decides). No accounts are needed. Defaults: the sample district, hallpass-demo.db in this folder,
port 8080 on 127.0.0.1. The demo has no sign-in: anyone who reaches the port can act as anyone,
so it listens on this machine only unless --listen says otherwise.
)";

constexpr const char* kRunHelp = R"(Usage: hallpass run [--config FILE] [--db FILE]

Starts Hallpass with the adapters the district config enables (adapters: web, slack, matrix, teams).
Secrets come from the environment variables the config names. Stops on SIGINT or SIGTERM.
)";
}  // namespace

int cmd_run(int argc, char** argv, bool demo) {
  Args a = parse_args(argc, argv, 2, {"--config", "--db", "--port", "--listen"}, {"--help"});
  if (a.has("--help")) return std::cout << (demo ? kDemoHelp : kRunHelp), 0;
  if (!a.error.empty()) return std::cerr << "hallpass: " << a.error << "\n\n" << (demo ? kDemoHelp : kRunHelp), 2;
  app::AdapterOverrides overrides{.force_web = demo};
  if (a.has("--port")) {
    const std::string port = a.get("--port");
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stol(port) > 65535)
      return std::cerr << "hallpass: --port must be a number from 0 to 65535\n", 2;
    overrides.web["port"] = port;
  }
  if (a.has("--listen")) overrides.web["listen"] = a.get("--listen");
  auto district = app::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;

  auto store = open_store(demo ? "demo" : "run", a.get("--db", demo ? "hallpass-demo.db" : "hallpass.db"),
                          bot::OpenMode::create, std::cerr);
  if (!store) return 1;
  bot::SystemClock clock;
  boost::asio::io_context io;
  bot::Runtime runtime(io, *district, *store, clock);
  // From here a SIGTERM (systemd, a test, Ctrl-C) stops the bot politely, even one that comes
  // while the adapters start and before their start-up lines announce it.
  runtime.catch_stop_signals();
  auto adapters = app::make_adapters(io, *district, *store, overrides, std::cout, std::cerr);
  if (!adapters) return 1;
  for (auto& adapter : *adapters) runtime.add_adapter(*adapter);
  return runtime.run(true);
}

}  // namespace cli
