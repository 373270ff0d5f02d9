#pragma once
#include <string>
#include <string_view>

namespace bot {
// Lower-case hex SHA-256 of the bytes (OpenSSL).
std::string sha256_hex(std::string_view bytes);
// 32 random hex characters from OpenSSL's generator (transaction ids, event ids).
std::string random_id();
}  // namespace bot
