#include "adapters/teams/jwt_header.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "adapters/teams/base64url.hpp"

namespace adapters::teams {

// Bigger than any Bot Framework token (about 1.5 KB) by far; bounds the work an anonymous caller can cause.
constexpr size_t kMaxTokenBytes = 16 * 1024;

boost::system::result<std::string_view, Error> bearer_token(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  if (header.empty()) return auth_error("no Authorization header");
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || (header[kScheme.size()] != ' ' && header[kScheme.size()] != '\t'))
    return auth_error("the Authorization header is not a Bearer token");
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(header[i]))) != kScheme[i])
      return auth_error("the Authorization header is not a Bearer token");
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  if (token.empty()) return auth_error("the Bearer token is empty");
  if (token.size() > kMaxTokenBytes) return auth_error("the Bearer token is too long");
  if (token.find_first_of(" \t") != std::string_view::npos) return auth_error("the Bearer token contains spaces");
  return token;
}

boost::system::result<JwtHeader, Error> peek_jwt_header(std::string_view token) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return auth_error("the token is not a compact JWT (three parts)");
  if (first == 0 || second == first + 1) return auth_error("the token has an empty header or payload");
  if (second + 1 == token.size()) return auth_error("the token is unsigned");
  auto bytes = base64url_decode(token.substr(0, first));
  if (!bytes) return auth_error("the token header is not base64url");
  nlohmann::json header = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return auth_error("the token header is not a JSON object");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return auth_error("the token header has no alg");
  JwtHeader out;
  out.alg = alg->get<std::string>();
  if (auto kid = header.find("kid"); kid != header.end()) {
    if (!kid->is_string()) return auth_error("the token header's kid is not a string");
    out.kid = kid->get<std::string>();
  }
  return out;
}

}  // namespace adapters::teams
