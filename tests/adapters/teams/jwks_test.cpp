// JWK → PEM public key, JWKS parsing, base64url and the unverified JWT header: pure functions.
#include "adapters/teams/jwks.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/teams/base64url.hpp"
#include "adapters/teams/jwt_header.hpp"
#include "tests/support/test_crypto.hpp"

namespace {

using adapters::teams::base64url_decode;
using adapters::teams::base64url_encode;
using adapters::teams::parse_jwks;
using adapters::teams::signing_key_from_jwk;
using Catch::Matchers::Contains;
using nlohmann::json;

json rsa_jwk(const std::string& kid, const test_support::TestRsaKey& key) {
  return {{"kty", "RSA"}, {"use", "sig"}, {"kid", kid}, {"n", key.n}, {"e", key.e}, {"endorsements", {"msteams"}}};
}

}  // namespace

TEST_CASE("jwks: base64url round trip and refusals", "[unit][teams]") {
  for (const std::string& bytes :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\xff\xfe\x00\x01", 4)})
    CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
  CHECK(base64url_encode("\xfb\xff") == "-_8");  // the URL alphabet, no padding
  CHECK(base64url_decode("-_8=") == std::string("\xfb\xff"));
  CHECK_FALSE(base64url_decode("+/8").has_value());    // the standard alphabet is not base64url
  CHECK_FALSE(base64url_decode("abcde").has_value());  // a lone sextet is not a byte
  CHECK(adapters::teams::base64_decode("+/8=") == std::string("\xfb\xff"));
}

TEST_CASE("jwks: an RSA JWK becomes the same PEM key, from n/e or from its x5c certificate", "[unit][teams]") {
  const auto& key = test_support::test_rsa_key(0);
  auto from_modulus = signing_key_from_jwk(rsa_jwk("k1", key));
  REQUIRE(from_modulus.has_value());
  CHECK(from_modulus->kid == "k1");
  CHECK(from_modulus->public_pem == key.public_pem);
  CHECK(from_modulus->endorsements == std::vector<std::string>{"msteams"});

  const auto& tls = test_support::loopback_tls_identity();
  auto from_certificate = signing_key_from_jwk({{"kty", "RSA"}, {"kid", "x"}, {"x5c", {tls.certificate_der_base64}}});
  REQUIRE(from_certificate.has_value());
  CHECK(from_certificate->public_pem == tls.public_key_pem);
  CHECK(from_certificate->endorsements.empty());
}

TEST_CASE("jwks: keys that cannot verify Bot Framework tokens are left out", "[unit][teams]") {
  const auto& key = test_support::test_rsa_key(0);
  auto reason = [](const json& jwk) {
    auto k = signing_key_from_jwk(jwk);
    return k ? std::string("usable") : k.error().message;
  };
  json no_kid = rsa_jwk("k1", key);
  no_kid.erase("kid");
  CHECK_THAT(reason(no_kid), Contains("no kid"));
  json ec = rsa_jwk("k1", key);
  ec["kty"] = "EC";
  CHECK_THAT(reason(ec), Contains("kty is not RSA"));
  json enc = rsa_jwk("k1", key);
  enc["use"] = "enc";
  CHECK_THAT(reason(enc), Contains("use is not sig"));
  json bad_n = rsa_jwk("k1", key);
  bad_n["n"] = "not base64url!";
  CHECK_THAT(reason(bad_n), Contains("not base64url"));
  // A 512-bit modulus (the first 64 bytes of the real one) is too weak to trust.
  json short_key = rsa_jwk("k1", key);
  short_key["n"] = base64url_encode(base64url_decode(key.n)->substr(0, 64));
  CHECK_THAT(reason(short_key), Contains("shorter than 2048 bits"));
  CHECK_THAT(reason({{"kty", "RSA"}, {"kid", "k"}}), Contains("neither n/e nor x5c"));

  json set = {{"keys", {rsa_jwk("good", key), ec, enc}}};
  auto parsed = parse_jwks(set.dump());
  REQUIRE(parsed.has_value());
  CHECK(parsed->by_kid.size() == 1);
  CHECK(parsed->by_kid.contains("good"));
  CHECK(parsed->skipped.size() == 2);
  CHECK_FALSE(parse_jwks("[]").has_value());
  CHECK_FALSE(parse_jwks("not json").has_value());
}

TEST_CASE("jwt header: Bearer scheme and the unverified header", "[unit][teams]") {
  using adapters::teams::bearer_token;
  using adapters::teams::peek_jwt_header;
  CHECK(bearer_token("Bearer abc.def.ghi").value() == "abc.def.ghi");
  CHECK(bearer_token("BEARER  abc.def.ghi ").value() == "abc.def.ghi");
  CHECK_FALSE(bearer_token("Bearerabc").has_value());
  CHECK_FALSE(bearer_token("Bearer abc def").has_value());
  CHECK_FALSE(bearer_token("Bearer " + std::string(20000, 'a')).has_value());

  std::string header = base64url_encode(R"({"alg":"RS256","kid":"k1","typ":"JWT"})");
  auto h = peek_jwt_header(header + ".e30.c2ln");
  REQUIRE(h.has_value());
  CHECK(h->alg == "RS256");
  CHECK(h->kid == "k1");
  CHECK_THAT(peek_jwt_header(header + ".e30.").error().message, Contains("unsigned"));
  CHECK_THAT(peek_jwt_header(header + "..c2ln").error().message, Contains("empty header or payload"));
  CHECK_THAT(peek_jwt_header(base64url_encode(R"({"kid":"k1"})") + ".e30.c2ln").error().message, Contains("no alg"));
  CHECK_THAT(peek_jwt_header(base64url_encode(R"({"alg":"RS256","kid":7})") + ".e30.c2ln").error().message,
             Contains("kid is not a string"));
}
