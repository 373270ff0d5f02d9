#pragma once
// Error: why something an adapter did failed — a payload it could not read, a token it refused,
// a post it could not make — as one type for every platform, with a kind that retries decide by
// (bot::SendErrorKind: network, timeout, rate_limited and server are worth retrying; auth,
// bad_request, not_found and protocol are not) and a message for the log, or for the person
// where the function returning it says so. A message never contains a token or a secret.
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "bot/model/delivery.hpp"

namespace adapters {

using ErrorKind = bot::SendErrorKind;

struct Error {
  ErrorKind kind = ErrorKind::protocol;
  std::string message;

  bool retryable() const { return bot::retryable(kind); }
};

// What arrived could not be read (kind protocol).
Error protocol_error(std::string message);
// A credential was refused or could not be obtained (kind auth).
Error auth_error(std::string message);

// What result<T, Error>::value() throws on an error: std::invalid_argument(message) for kind
// protocol (bad input), std::runtime_error(message) for the others.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace adapters
