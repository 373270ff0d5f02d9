#include "adapters/teams/jwks.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include "adapters/teams/base64url.hpp"

namespace adapters::teams {

namespace {

using nlohmann::json;

// Smaller RSA keys are breakable; Microsoft's signing keys are 2048 bits.
constexpr int kMinRsaBits = 2048;

struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string string_field(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

boost::system::result<Pkey, Error> key_from_modulus(const std::string& n64, const std::string& e64) {
  auto n_bytes = base64url_decode(n64);
  auto e_bytes = base64url_decode(e64);
  if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty()) return auth_error("n or e is not base64url");
  std::unique_ptr<BIGNUM, BnFree> n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n_bytes->data()), static_cast<int>(n_bytes->size()), nullptr));
  std::unique_ptr<BIGNUM, BnFree> e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e_bytes->data()), static_cast<int>(e_bytes->size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!n || !e || !builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
    return auth_error("cannot build the RSA parameters");
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return auth_error("n and e are not an RSA public key");
  return Pkey(raw);
}

boost::system::result<Pkey, Error> key_from_certificate(const std::string& x5c) {
  auto der = base64_decode(x5c);
  if (!der) return auth_error("x5c is not base64");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert) return auth_error("x5c is not a DER certificate");
  EVP_PKEY* key = X509_get_pubkey(cert.get());  // a new reference
  if (!key) return auth_error("the x5c certificate has no usable public key");
  return Pkey(key);
}

boost::system::result<std::string, Error> public_pem(EVP_PKEY* key) {
  if (!EVP_PKEY_is_a(key, "RSA")) return auth_error("not an RSA key");
  if (EVP_PKEY_get_bits(key) < kMinRsaBits) return auth_error("the RSA key is shorter than 2048 bits");
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) return auth_error("cannot write the key as PEM");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return {boost::system::in_place_value, data, static_cast<size_t>(size)};
}

}  // namespace

boost::system::result<SigningKey, Error> signing_key_from_jwk(const json& jwk) {
  if (!jwk.is_object()) return auth_error("the key is not a JSON object");
  SigningKey out;
  out.kid = string_field(jwk, "kid");
  if (out.kid.empty()) return auth_error("a key has no kid");
  const std::string label = "key " + out.kid + ": ";
  if (string_field(jwk, "kty") != "RSA") return auth_error(label + "kty is not RSA");
  if (jwk.contains("use") && string_field(jwk, "use") != "sig") return auth_error(label + "use is not sig");
  boost::system::result<Pkey, Error> key = auth_error("neither n/e nor x5c");
  std::string n = string_field(jwk, "n"), e = string_field(jwk, "e");
  if (!n.empty() && !e.empty()) {
    key = key_from_modulus(n, e);
  } else if (auto x5c = jwk.find("x5c");
             x5c != jwk.end() && x5c->is_array() && !x5c->empty() && x5c->front().is_string()) {
    key = key_from_certificate(x5c->front().get<std::string>());
  }
  if (!key) return auth_error(label + key.error().message);
  auto pem = public_pem(key->get());
  if (!pem) return auth_error(label + pem.error().message);
  out.public_pem = std::move(*pem);
  if (auto endorsements = jwk.find("endorsements"); endorsements != jwk.end()) {
    if (!endorsements->is_array()) return auth_error(label + "endorsements is not a list");
    for (const auto& channel : *endorsements)
      if (channel.is_string()) out.endorsements.push_back(channel.get<std::string>());
  }
  return out;
}

boost::system::result<KeySet, Error> parse_jwks(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return auth_error("the JWKS is not a JSON object with a keys list");
  KeySet out;
  for (const auto& jwk : doc["keys"]) {
    auto key = signing_key_from_jwk(jwk);
    if (!key) {
      out.skipped.push_back(key.error().message);
      continue;
    }
    std::string kid = key->kid;
    out.by_kid[kid] = std::make_shared<const SigningKey>(std::move(*key));
  }
  return out;
}

}  // namespace adapters::teams
