#pragma once
// SIGHUP reloads the district's file (what `systemctl reload hallpass` sends).
#include <boost/asio/io_context.hpp>
#include <functional>

#include "app/district_reload.hpp"

namespace app {

// From now on, each SIGHUP runs `reload` (a district's file read again, or a county worker's
// folder) on the bot's thread, between two turns; under systemd the service reports RELOADING
// then READY. Call it before the adapters start: until then a SIGHUP would end the process, its
// default action. The wait ends when the io_context stops.
void reload_on_hangup(boost::asio::io_context& io, std::function<ReloadOutcome()> reload);

}  // namespace app
