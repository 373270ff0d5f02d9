#pragma once
// The unverified header of a compact JWS ("header.payload.signature"), read before verification
// only to choose the key (kid) and to refuse an algorithm before any key is used with it.
// Nothing in it is trusted: the signature check that follows decides.
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "adapters/common/error.hpp"

namespace adapters::teams {

struct JwtHeader {
  std::string alg;
  std::string kid;  // empty when absent
};

// Refuses anything but three non-empty base64url parts whose first decodes to a JSON object
// with a string "alg" (the signature may not be empty: unsigned tokens are refused here already).
boost::system::result<JwtHeader, Error> peek_jwt_header(std::string_view token);

// "Bearer <token>" → the token. The scheme is case-insensitive (RFC 7235); anything else
// (no header, another scheme, an empty token, spaces inside it) is refused.
boost::system::result<std::string_view, Error> bearer_token(std::string_view authorization_header);

}  // namespace adapters::teams
