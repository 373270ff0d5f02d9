// hallpass run / hallpass demo: the bot with its adapters, until stopped.
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/slack/slack_adapter.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "adapters/webchat/webchat_adapter.hpp"
#include "bot/cli/adapter_settings_check.hpp"
#include "bot/cli/args.hpp"
#include "bot/cli/commands.hpp"
#include "bot/cli/store_open.hpp"
#include "bot/district.hpp"
#include "bot/runtime.hpp"
#include "bot/store.hpp"

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
  auto district = bot::load_district(a.get("--config", bot::sample_config_path().string()), std::cerr);
  if (!district) return 1;

  adapters::webchat::WebchatOptions web;
  bool want_web = demo;
  if (auto it = district->config.adapters.find("web"); it != district->config.adapters.end()) {
    want_web = want_web || it->second.enabled;
    if (auto p = it->second.settings.find("port"); p != it->second.settings.end()) web.port = std::stoi(p->second);
    if (auto l = it->second.settings.find("listen"); l != it->second.settings.end()) web.listen_address = l->second;
  }
  std::optional<adapters::matrix::MatrixOptions> matrix;
  if (auto it = district->config.adapters.find("matrix"); it != district->config.adapters.end() && it->second.enabled) {
    try {
      matrix = adapters::matrix::options_from_settings(it->second.settings);
    } catch (const std::exception& e) {
      std::cerr << "hallpass: " << e.what() << " in " << district->config.file.string() << " (see docs/matrix.md)\n";
      return 1;
    }
    // The rooms the bot may join: every place's Matrix address.
    for (const auto& site : district->config.sites)
      if (auto a = site.approvals.addresses.find("matrix"); a != site.approvals.addresses.end())
        matrix->rooms.insert(a->second);
    if (auto a = district->config.superintendent_place.addresses.find("matrix");
        a != district->config.superintendent_place.addresses.end())
      matrix->rooms.insert(a->second);
  }
  std::optional<adapters::slack::SlackOptions> slack;
  if (auto it = district->config.adapters.find("slack"); it != district->config.adapters.end() && it->second.enabled) {
    if (!check_slack_settings(district->config, std::cerr)) return 1;
    slack = adapters::slack::options_from_settings(it->second.settings);
    // People the directory knows by Slack id; the adapter reads anyone else's e-mail from Slack.
    const bot::DistrictConfig* config = &district->config;
    slack->known_user = [config](std::string_view id) { return config->person_by_handle("slack", id) != nullptr; };
  }
  std::optional<adapters::teams::TeamsOptions> teams;
  if (auto it = district->config.adapters.find("teams"); it != district->config.adapters.end() && it->second.enabled) {
    if (!check_teams_settings(district->config, std::cerr)) return 1;
    teams = adapters::teams::options_from_settings(it->second.settings);
  }
  for (const auto& [name, settings] : district->config.adapters)
    if (settings.enabled && name != "web" && name != "matrix" && name != "slack" && name != "teams") {
      std::cerr << "hallpass: the " << name << " adapter is enabled in " << district->config.file.string()
                << " but this build of Hallpass does not include it yet. Set adapters." << name
                << ".enabled: false, or use the web chat.\n";
      return 1;
    }
  if (!want_web && !matrix && !slack && !teams) {
    std::cerr << "hallpass run: no adapter is enabled in " << district->config.file.string()
              << ". Enable one under adapters:, or try hallpass demo.\n";
    return 1;
  }
  if (a.has("--port")) {
    try {
      web.port = static_cast<unsigned short>(std::stoul(a.get("--port")));
    } catch (const std::exception&) {
      return std::cerr << "hallpass: --port must be a number from 0 to 65535\n", 2;
    }
  }
  if (a.has("--listen")) web.listen_address = a.get("--listen");
  if (!adapters::webchat::is_loopback_address(web.listen_address))
    std::cerr << "WARNING: the web chat has no sign-in. Listening on " << web.listen_address
              << " lets anyone who can reach this machine act as any person of the directory. "
                 "Use it only on a trusted network, for a demonstration.\n";

  auto store = open_store(demo ? "demo" : "run", a.get("--db", demo ? "hallpass-demo.db" : "hallpass.db"),
                          bot::OpenMode::create, std::cerr);
  if (!store) return 1;
  bot::SystemClock clock;
  boost::asio::io_context io;
  bot::Runtime runtime(io, *district, *store, clock);
  // From here a SIGTERM (systemd, a test, Ctrl-C) stops the bot politely, even one that comes
  // while the adapters start and before the "Hallpass … " lines below announce it.
  runtime.catch_stop_signals();
  // Adapters in priority order: a person reachable on several platforms is written to on the first.
  std::optional<adapters::slack::SlackAdapter> slack_adapter;
  if (slack) {
    const int connections = slack->socket.connections;
    const bool socket_mode = slack->socket_mode;
    slack_adapter.emplace(io.get_executor(), std::move(*slack));
    try {
      slack_adapter->listen();  // HTTP mode: now, so a port in use stops Hallpass at once
    } catch (const std::exception& e) {
      std::cerr << "hallpass: " << e.what() << "\n";
      return 1;
    }
    runtime.add_adapter(*slack_adapter);
    if (socket_mode)
      std::cout << "Hallpass on Slack (Socket Mode, " << connections
                << (connections == 1 ? " connection)" : " connections)") << std::endl;
    else
      std::cout << "Slack Request URLs: " << slack_adapter->url()
                << "/slack/{commands,interactivity,events} — put https://<your host>/slack/... in the app's settings"
                << std::endl;
  }
  std::optional<adapters::matrix::MatrixAdapter> matrix_adapter;
  if (matrix) {
    // The adapter sees only its checkpoint, never the store.
    adapters::matrix::SyncCheckpoint checkpoint{
        .load = [&store] { return store->checkpoint("matrix.next_batch"); },
        .save = [&store](std::string token) { store->set_checkpoint("matrix.next_batch", token); }};
    matrix_adapter.emplace(io.get_executor(), std::move(*matrix), std::move(checkpoint));
    runtime.add_adapter(*matrix_adapter);
    std::cout << "Hallpass on Matrix as " << district->config.adapters.at("matrix").settings.at("user_id") << std::endl;
  }
  std::optional<adapters::teams::TeamsAdapter> teams_adapter;
  if (teams) {
    // The adapter sees only its conversation references, never the store.
    adapters::teams::ConversationReferences references{
        .load = [&store](const std::string& key) { return store->checkpoint(key); },
        .save = [&store](const std::string& key, const std::string& value) { store->set_checkpoint(key, value); }};
    const bot::DistrictConfig& config = district->config;
    auto known = [&config](std::string_view user) { return config.person_by_handle("teams", user) != nullptr; };
    const std::string where = teams->server.listen_address + ":" + std::to_string(teams->server.port);
    try {
      teams_adapter.emplace(io.get_executor(), std::move(*teams), std::move(references), std::move(known));
      teams_adapter->listen();
    } catch (const std::exception& e) {
      std::cerr << "hallpass: the Teams adapter cannot start on " << where << ": " << e.what()
                << " (see docs/teams.md)\n";
      return 1;
    }
    runtime.add_adapter(*teams_adapter);
    std::cout << "Hallpass on Teams: messaging endpoint " << teams_adapter->url()
              << "/api/messages (put https://<your host>/api/messages in the Azure Bot's configuration)" << std::endl;
  }
  if (!want_web) return runtime.run(true);
  // The web chat keeps its messages in the store, seeing only these two functions.
  adapters::webchat::WebchatArchive archive{
      .load =
          [&store] {
            std::vector<adapters::webchat::ArchivedEntry> kept;
            for (auto& m : store->kept_messages("web")) kept.push_back({m.place, m.ref, m.body});
            return kept;
          },
      .save = [&store](const adapters::webchat::ArchivedEntry& e, std::size_t keep) {
        store->keep_message("web", {e.place, e.ref, e.record}, keep);
      }};
  adapters::webchat::WebchatAdapter chat(io, web, district->config, std::move(archive));
  try {
    chat.listen();
  } catch (const std::exception& e) {
    std::cerr << "hallpass: cannot listen on " << web.listen_address << ":" << web.port << ": " << e.what()
              << ". Pick another port with --port.\n";
    return 1;
  }
  runtime.add_adapter(chat);
  std::cout << "Hallpass web chat: " << chat.url() << std::endl;
  std::cout << district->config.name << " — open the address above, pick a person and type /socialmedia help."
            << std::endl;
  return runtime.run(true);
}

}  // namespace cli
