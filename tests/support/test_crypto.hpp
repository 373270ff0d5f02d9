#pragma once
// Key material for tests, made with OpenSSL when first asked for and reused for the rest of the
// process (an RSA key takes tens of milliseconds): RSA signing keys, a self-signed TLS identity
// for 127.0.0.1, and temporary files to hand a CA bundle to the code under test.
#include <cstddef>
#include <string>
#include <string_view>

namespace test_support {

struct TestRsaKey {
  std::string private_pem;
  std::string public_pem;  // SubjectPublicKeyInfo
  std::string n;           // modulus, base64url (as in a JWK)
  std::string e;           // exponent, base64url ("AQAB")
};

// The index-th 2048-bit test key; the same index gives the same key for the whole process.
const TestRsaKey& test_rsa_key(std::size_t index);

// A self-signed certificate (its own CA) for IP 127.0.0.1 and DNS localhost, valid now.
struct TestTlsIdentity {
  std::string certificate_pem;  // also the CA bundle that trusts it
  std::string private_key_pem;
  std::string certificate_der_base64;  // standard base64, as in a JWK x5c entry
  std::string public_key_pem;          // of the certificate's key
};
const TestTlsIdentity& loopback_tls_identity();

// A file in the temporary directory with the given content, removed on destruction.
class TempFile {
 public:
  explicit TempFile(std::string_view content);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace test_support
