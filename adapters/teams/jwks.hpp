#pragma once
// JWK sets (RFC 7517) as the Bot Framework publishes them: RSA keys with a kid and, beside the
// standard fields, "endorsements": the channel ids the key may sign for. Each usable key becomes
// a PEM public key, the form libjwt verifies RS256/RS384/RS512 signatures with. Pure: no I/O.
#include <boost/system/result.hpp>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/error.hpp"

namespace adapters::teams {

struct SigningKey {
  std::string kid;
  std::string public_pem;                 // "-----BEGIN PUBLIC KEY-----…" (SubjectPublicKeyInfo)
  std::vector<std::string> endorsements;  // channel ids; empty: the key is not restricted
};

// An RSA JWK → key: from "n" and "e" (base64url big-endian), or else from the first "x5c"
// certificate (base64 DER). Refuses another kty, a "use" other than "sig", no kid, numbers that
// do not decode, and RSA moduli under 2048 bits.
boost::system::result<SigningKey, Error> signing_key_from_jwk(const nlohmann::json& jwk);

struct KeySet {
  std::map<std::string, std::shared_ptr<const SigningKey>> by_kid;
  std::vector<std::string> skipped;  // why each unusable key was left out (for the log)
};

// A JWKS document → its usable keys. Refuses a body that is not {"keys":[…]}; a set with no
// usable key is returned empty (the caller decides).
boost::system::result<KeySet, Error> parse_jwks(std::string_view body);

}  // namespace adapters::teams
