#pragma once
// Base64url without padding (RFC 4648 §5), the encoding of JWT parts and JWK numbers.
#include <optional>
#include <string>
#include <string_view>

namespace adapters::teams {

std::string base64url_encode(std::string_view bytes);
// Accepts the unpadded form and, for tolerance, trailing '=' padding. Empty optional for any
// character outside the alphabet or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);
// The same for standard base64 ("+/", padded), which JWK x5c certificates use.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace adapters::teams
