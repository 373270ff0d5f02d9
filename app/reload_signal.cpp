#include "app/reload_signal.hpp"

#include <systemd/sd-daemon.h>

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <memory>

namespace app {
namespace {

void wait_for_hangup(std::shared_ptr<boost::asio::signal_set> hangup, std::function<ReloadOutcome()> reload) {
  hangup->async_wait([hangup, reload](const boost::system::error_code& ec, int) {
    if (ec) return;
    sd_notify(0, "RELOADING=1\nSTATUS=Reloading the district's file");
    auto outcome = reload();
    sd_notify(0, outcome.applied ? "READY=1\nSTATUS=Hallpass is running (configuration reloaded)"
                                 : "READY=1\nSTATUS=Hallpass is running (the last reload was refused: see the log)");
    wait_for_hangup(hangup, reload);
  });
}

}  // namespace

void reload_on_hangup(boost::asio::io_context& io, std::function<ReloadOutcome()> reload) {
  wait_for_hangup(std::make_shared<boost::asio::signal_set>(io, SIGHUP), std::move(reload));
}

}  // namespace app
