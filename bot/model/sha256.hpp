#pragma once
#include <string>
#include <string_view>

namespace bot {
// Lower-case hex SHA-256 of the bytes (OpenSSL).
std::string sha256_hex(std::string_view bytes);
// Lower-case hex HMAC-SHA256 of the bytes under key (OpenSSL). The key is only read, never kept.
std::string hmac_sha256_hex(std::string_view key, std::string_view bytes);
// 32 random hex characters from OpenSSL's generator (transaction ids, event ids).
std::string random_id();
}  // namespace bot
