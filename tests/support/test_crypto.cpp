#include "tests/support/test_crypto.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "adapters/teams/base64url.hpp"

namespace test_support {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string private_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write private key");
  return bio_text(bio.get());
}

std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PUBKEY(bio.get(), key) == 1, "write public key");
  return bio_text(bio.get());
}

std::string big_endian(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  check(EVP_PKEY_get_bn_param(key, param, &raw) == 1, "read an RSA number");
  std::unique_ptr<BIGNUM, BnFree> bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

Pkey new_rsa_key() {
  Pkey key(EVP_RSA_gen(2048));
  check(key != nullptr, "generate an RSA key");
  return key;
}

TestRsaKey make_rsa_key() {
  Pkey key = new_rsa_key();
  TestRsaKey out;
  out.private_pem = private_pem(key.get());
  out.public_pem = public_pem(key.get());
  out.n = adapters::teams::base64url_encode(big_endian(key.get(), OSSL_PKEY_PARAM_RSA_N));
  out.e = adapters::teams::base64url_encode(big_endian(key.get(), OSSL_PKEY_PARAM_RSA_E));
  return out;
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "make a certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string base64(const unsigned char* data, int size) {
  std::vector<unsigned char> out(static_cast<size_t>(4 * ((size + 2) / 3) + 1));
  int n = EVP_EncodeBlock(out.data(), data, size);
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<size_t>(n));
}

TestTlsIdentity make_tls_identity() {
  Pkey key = new_rsa_key();
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Hallpass test authority"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Its own CA, so the certificate alone is the CA bundle that trusts the server.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign the certificate");

  TestTlsIdentity out;
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert.get()) == 1, "write the certificate");
  out.certificate_pem = bio_text(bio.get());
  out.private_key_pem = private_pem(key.get());
  out.public_key_pem = public_pem(key.get());
  unsigned char* der = nullptr;
  int size = i2d_X509(cert.get(), &der);
  check(size > 0, "encode the certificate");
  out.certificate_der_base64 = base64(der, size);
  OPENSSL_free(der);
  return out;
}

}  // namespace

const TestRsaKey& test_rsa_key(std::size_t index) {
  static std::deque<TestRsaKey> keys;  // a deque: references stay valid as it grows
  while (keys.size() <= index) keys.push_back(make_rsa_key());
  return keys[index];
}

const TestTlsIdentity& loopback_tls_identity() {
  static const TestTlsIdentity identity = make_tls_identity();
  return identity;
}

TempFile::TempFile(std::string_view content) {
  std::string pattern = (std::filesystem::temp_directory_path() / "hallpass-test-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw std::runtime_error("cannot create a temporary file");
  path_ = pattern;
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (written != content.size()) throw std::runtime_error("cannot write the temporary file " + path_);
}

TempFile::~TempFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace test_support
