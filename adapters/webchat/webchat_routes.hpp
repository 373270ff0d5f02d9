#pragma once
// The web chat's HTTP side as pure functions (no Beast here, so they are tested without a
// server): which response a request gets, and the checks made before a WebSocket upgrade.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/webchat/embedded_assets.hpp"

namespace adapters::webchat {

struct HttpReply {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::string allow;  // for 405: the methods allowed
};

// Answers GET and HEAD of "/" (index.html), "/<asset>" and "/api/bootstrap". The WebSocket
// path "/ws" answers 426 when asked without an upgrade. HEAD gets the GET body; the caller
// sends only its length.
HttpReply route_request(std::string_view method, std::string_view target, const std::vector<EmbeddedAsset>& assets,
                        const std::string& bootstrap_json);

// The path of a request target without its query: "/ws?person=x" → "/ws".
std::string_view target_path(std::string_view target);
// A query parameter, percent-decoded; empty when absent or malformed.
std::string query_param(std::string_view target, std::string_view name);

// A server bound to loopback answers only to loopback host names (127.0.0.1, localhost, [::1]),
// so a web page on another site cannot reach it through DNS rebinding.
bool host_allowed(std::string_view host_header, bool loopback_only);
// A browser's WebSocket must come from this server's own pages: Origin (when sent) must be
// http://<Host>. Non-browser clients send no Origin.
bool origin_allowed(std::string_view origin, std::string_view host_header);

std::string_view content_type_for(std::string_view path);

// Headers every response carries: no framing, no sniffing, only this server's own scripts.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace adapters::webchat
