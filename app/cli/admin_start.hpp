#pragma once
// Starting the admin listener the same way for one district and for a county: `make` emplaces the
// server into `admin`; then it listens, its address is announced and it runs. When it cannot
// listen, one sentence on stderr and false: the command stops with exit code 1.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <iostream>
#include <optional>

#include "app/admin_server.hpp"
#include "app/cli/logging_setup.hpp"

namespace cli {

template <class Make>
bool start_admin(boost::asio::io_context& io, std::optional<app::AdminServer>& admin, Make make) {
  try {
    make();
    admin->listen();
  } catch (const std::exception& e) {
    std::cerr << "hallpass: the admin listener cannot start: " << e.what() << '\n';
    return false;
  }
  announcements() << "Hallpass admin: " << admin->url() << " (/healthz, /readyz, /metrics)" << std::endl;
  boost::asio::co_spawn(io, admin->run(), boost::asio::detached);
  return true;
}

}  // namespace cli
