#pragma once
// The completion token Hallpass awaits Asio and Beast operations with: the error code comes back in
// a tuple instead of as an exception, so expected errors (a cancelled timer, a closed socket) are
// branched on and unexpected ones thrown where they are met (STYLE.md). One definition for the core
// and every adapter; Boost 1.81 has no default token.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bot {

constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace bot
