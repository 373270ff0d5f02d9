#pragma once
// AuthFailure: why a Bot Framework token (inbound or outbound) was not accepted or obtained.
// The reason is for the log and names the check that failed; it never contains a token or secret.
#include <boost/assert/source_location.hpp>
#include <string>
#include <utility>

namespace adapters::teams {

struct AuthFailure {
  AuthFailure() = default;
  // Explicit, so that result<std::string_view, AuthFailure> is unambiguous.
  explicit AuthFailure(std::string why) : reason(std::move(why)) {}
  std::string reason;
};

// What result<T, AuthFailure>::value() throws on an error: std::runtime_error(reason).
[[noreturn]] void throw_exception_from_error(const AuthFailure& failure, const boost::source_location& location);

}  // namespace adapters::teams
