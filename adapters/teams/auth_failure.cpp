#include "adapters/teams/auth_failure.hpp"

#include <stdexcept>

namespace adapters::teams {

void throw_exception_from_error(const AuthFailure& failure, const boost::source_location&) {
  throw std::runtime_error(failure.reason);
}

}  // namespace adapters::teams
