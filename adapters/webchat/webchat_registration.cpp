#include "adapters/webchat/webchat_registration.hpp"

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/setting_checks.hpp"
#include "adapters/webchat/webchat_adapter.hpp"
#include "adapters/webchat/webchat_protocol.hpp"
#include "adapters/webchat/webchat_rules.hpp"
#include "bot/district/district.hpp"

namespace adapters::webchat {

using settings::setting;

AdapterRegistration registration() {
  AdapterRegistration r;
  r.rules = rules();
  r.priority = 40;
  r.make = [](AdapterStart& start) -> std::unique_ptr<bot::Adapter> {
    WebchatOptions web;
    // Checked by the config loader (and the command line for --port): numbers that fit.
    web.port = static_cast<unsigned short>(std::stoul(setting(start.settings, "port", "8080")));
    web.listen_address = setting(start.settings, "listen", "127.0.0.1");
    if (!http::is_loopback_host(web.listen_address))
      start.warn << "WARNING: the web chat has no sign-in. Listening on " << web.listen_address
                 << " lets anyone who can reach this machine act as any person of the directory. "
                    "Use it only on a trusted network, for a demonstration.\n";
    // The page's own words, from the prompts the district was loaded with (already checked).
    try {
      web.page_strings = page_strings(bot::Prompts::load(bot::hallpass_home() / "prompts"));
    } catch (const std::exception& e) {
      throw AdapterStartError(std::string("the web chat cannot read its prompts: ") + e.what());
    }
    // The web chat keeps its messages in the store, seeing only these two functions.
    WebchatArchive archive;
    if (start.kept.load)
      archive.load = [kept = start.kept] {
        std::vector<ArchivedEntry> entries;
        for (auto& m : kept.load()) entries.push_back({m.place, m.ref, m.body});
        return entries;
      };
    if (start.kept.save)
      archive.save = [kept = start.kept](const ArchivedEntry& e, std::size_t keep) {
        kept.save({e.place, e.ref, e.record}, keep);
      };
    auto chat = std::make_unique<WebchatAdapter>(start.io, web, start.config, std::move(archive));
    try {
      chat->listen();
    } catch (const std::exception& e) {
      throw AdapterStartError("cannot listen on " + web.listen_address + ":" + std::to_string(web.port) + ": " +
                              e.what() + ". Pick another port with --port.");
    }
    start.out << "Hallpass web chat: " << chat->url() << std::endl;
    start.out << start.config.name << " — open the address above, pick a person and type /socialmedia help."
              << std::endl;
    return chat;
  };
  return r;
}

}  // namespace adapters::webchat
