#pragma once
// EndpointUrl: a configured or discovered URL (OpenID metadata, jwks_uri, a token authority, a
// serviceUrl) split into what HttpClient needs: the origin for the client and the target for
// the request. https only, except plain http to a loopback host, which the in-process test
// servers use; so a misconfiguration can never send a token in clear text over a network.
#include <string>
#include <string_view>

namespace adapters::http {

struct EndpointUrl {
  std::string origin;  // "https://host[:port]": what HttpClient takes
  std::string target;  // "/path?query" (percent-encoded as given); "/" when the URL has no path
  std::string host;    // without IPv6 brackets
};

// Throws std::invalid_argument naming the URL and the problem: not absolute, a scheme other
// than https (or http to 127.0.0.0/8, ::1, localhost), no host, user info, or a fragment.
EndpointUrl parse_endpoint_url(std::string_view url);

// The one loopback rule of the adapters: 127.0.0.0/8, ::1 (bracketed or not), ::ffff:127.x.y.z
// and "localhost". Used for plain-http URLs (only to loopback), the Teams service URLs, and the
// web chat's warning when it listens anywhere else.
bool is_loopback_host(std::string_view host);

}  // namespace adapters::http
