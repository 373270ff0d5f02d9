#include "adapters/webchat/webchat_routes.hpp"

#include <algorithm>
#include <cctype>

namespace adapters::webchat {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The host name of a Host header, without the port: "[::1]:8080" → "[::1]".
std::string_view host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  return host.substr(0, host.find(':'));
}

HttpReply text_reply(unsigned status, std::string body) {
  return HttpReply{status, "text/plain; charset=utf-8", std::move(body), ""};
}

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%') {
        if (i + 2 >= raw.size()) return {};
        int hi = hex_value(raw[i + 1]);
        int lo = hex_value(raw[i + 2]);
        if (hi < 0 || lo < 0) return {};
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else if (raw[i] == '+') {
        out += ' ';
      } else {
        out += raw[i];
      }
    }
    return out;
  }
  return {};
}

std::string_view content_type_for(std::string_view path) {
  auto ends_with = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

HttpReply route_request(std::string_view method, std::string_view target, const std::vector<EmbeddedAsset>& assets,
                        const std::string& bootstrap_json) {
  if (method != "GET" && method != "HEAD") {
    HttpReply reply = text_reply(405, "Only GET and HEAD are served here.\n");
    reply.allow = "GET, HEAD";
    return reply;
  }
  std::string_view path = target_path(target);
  if (path == "/api/bootstrap") return HttpReply{200, "application/json", bootstrap_json, ""};
  if (path == "/ws") return text_reply(426, "This address takes a WebSocket connection.\n");
  if (path == "/") path = "/index.html";
  for (const auto& asset : assets) {
    if (asset.path == path) {
      return HttpReply{200, std::string(content_type_for(path)), std::string(asset.content), ""};
    }
  }
  return text_reply(404, "Not found.\n");
}

bool host_allowed(std::string_view host_header, bool loopback_only) {
  if (!loopback_only) return true;
  std::string_view name = host_name(host_header);
  return name == "127.0.0.1" || iequals(name, "localhost") || name == "[::1]";
}

bool origin_allowed(std::string_view origin, std::string_view host_header) {
  if (origin.empty()) return true;
  constexpr std::string_view kHttp = "http://";
  if (origin.size() <= kHttp.size() || !iequals(origin.substr(0, kHttp.size()), kHttp)) {
    return false;
  }
  return iequals(origin.substr(kHttp.size()), host_header);
}

}  // namespace adapters::webchat
