#include "adapters/common/http_proxy.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <stdexcept>

#include "bot/model/use_tuple.hpp"

namespace adapters::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using bot::use_tuple;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// The first variable of the list that is set and not empty: its name and value.
std::optional<std::pair<std::string, std::string>> first_set(const EnvironmentReader& env,
                                                             std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const char* v = env(name); v && *v) return std::pair<std::string, std::string>{name, v};
  return std::nullopt;
}

// Whether NO_PROXY's list covers the host: "*", the host itself, or a domain it is under.
bool bypassed(std::string_view list, std::string host) {
  host = lower(host);
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string entry = lower(trim(list.substr(start, comma == std::string_view::npos ? list.npos : comma - start)));
    start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.starts_with("[")) {  // [::1] or [::1]:443
      entry = entry.substr(1, entry.find(']') - 1);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
      entry = entry.substr(0, entry.find(':'));  // a port: every port counts
    }
    if (entry.starts_with(".")) entry.erase(0, 1);
    if (host == entry || (host.size() > entry.size() && host.ends_with("." + entry))) return true;
  }
  return false;
}

Proxy parse_proxy(const std::string& variable, const std::string& value) {
  const std::string said = variable +
                           " is not a proxy Hallpass can use: write http://host:port (with user:password@ "
                           "before the host if the proxy asks for one)";
  std::string url = value.find("://") == std::string::npos ? "http://" + value : value;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument(said);
  if (lower(parsed->scheme()) != "http")
    throw std::invalid_argument(variable + " names a " + std::string(parsed->scheme()) +
                                " proxy; Hallpass speaks to HTTP proxies only (http://host:port, CONNECT)");
  Proxy p;
  p.host = parsed->host_address();
  if (p.host.empty()) throw std::invalid_argument(said);
  p.port = parsed->has_port() ? std::string(parsed->port()) : "1080";
  if (p.port.empty() || p.port.size() > 5 || p.port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p.port) == 0 || std::stoi(p.port) > 65535)
    throw std::invalid_argument(said);
  if (parsed->has_userinfo()) {
    std::string credentials = parsed->user() + ":" + parsed->password();
    std::string encoded(beast::detail::base64::encoded_size(credentials.size()), '\0');
    encoded.resize(beast::detail::base64::encode(encoded.data(), credentials.data(), credentials.size()));
    p.authorization = "Basic " + encoded;
  }
  return p;
}

}  // namespace

std::optional<Proxy> proxy_for(std::string_view scheme, std::string_view host, const EnvironmentReader& environment) {
  EnvironmentReader env = environment ? environment : [](const char* name) { return std::getenv(name); };
  const bool secure = scheme == "https" || scheme == "wss";
  auto chosen = secure ? first_set(env, {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
                       : first_set(env, {"http_proxy", "all_proxy", "ALL_PROXY"});
  if (!chosen) return std::nullopt;
  if (auto no_proxy = first_set(env, {"no_proxy", "NO_PROXY"});
      no_proxy && bypassed(no_proxy->second, std::string(host)))
    return std::nullopt;
  return parse_proxy(chosen->first, chosen->second);
}

boost::asio::awaitable<std::string> open_tunnel(beast::tcp_stream& stream, const Proxy& proxy, std::string host,
                                                std::string port, std::chrono::milliseconds timeout) {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string authority = (ipv6 ? "[" + host + "]" : host) + ":" + port;
  bhttp::request<bhttp::empty_body> connect{bhttp::verb::connect, authority, 11};
  connect.set(bhttp::field::host, authority);
  connect.set(bhttp::field::user_agent, "Hallpass/" HALLPASS_VERSION);
  if (!proxy.authorization.empty()) connect.set(bhttp::field::proxy_authorization, proxy.authorization);
  stream.expires_after(timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, connect, use_tuple);
  if (wec) co_return "the proxy " + proxy.label() + " did not take the request: " + wec.message();
  // The answer to CONNECT has headers only; what follows belongs to the tunnel, so the header is
  // read without reading ahead.
  beast::flat_buffer buffer(16 * 1024);
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);
  auto [rec, rn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
  if (rec) co_return "the proxy " + proxy.label() + " did not answer CONNECT: " + rec.message();
  if (buffer.size() != 0) co_return "the proxy " + proxy.label() + " sent bytes after its answer to CONNECT";
  const int status = parser.get().result_int();
  if (status == 407)
    co_return "the proxy " + proxy.label() + " asks for a user and password (407): put them in the proxy URL";
  if (status / 100 != 2)
    co_return "the proxy " + proxy.label() + " refused a tunnel to " + authority + " (HTTP " + std::to_string(status) +
        ")";
  co_return std::string();
}

}  // namespace adapters::http
