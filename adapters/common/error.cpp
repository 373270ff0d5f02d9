#include "adapters/common/error.hpp"

#include <stdexcept>
#include <utility>

namespace adapters {

Error protocol_error(std::string message) { return Error{ErrorKind::protocol, std::move(message)}; }

Error auth_error(std::string message) { return Error{ErrorKind::auth, std::move(message)}; }

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  if (error.kind == ErrorKind::protocol) throw std::invalid_argument(error.message);
  throw std::runtime_error(error.message);
}

}  // namespace adapters
