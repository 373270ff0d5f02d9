#include "adapters/common/endpoint_url.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <stdexcept>

namespace adapters::http {

namespace urls = boost::urls;

bool is_loopback_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  if (auto v4 = urls::parse_ipv4_address(host)) return v4->is_loopback();
  if (auto v6 = urls::parse_ipv6_address(host)) {
    if (v6->is_loopback()) return true;
    // ::ffff:127.x.y.z is an IPv4 loopback address written as IPv6.
    return v6->is_v4_mapped() && v6->to_bytes()[12] == 127;
  }
  return false;
}

EndpointUrl parse_endpoint_url(std::string_view url) {
  auto fail = [&](const char* what) { return std::invalid_argument("the URL " + std::string(url) + " " + what); };
  auto parsed = urls::parse_absolute_uri(url);
  if (!parsed) throw fail("is not an absolute URL");
  const urls::url_view& u = *parsed;
  if (u.scheme_id() != urls::scheme::https && u.scheme_id() != urls::scheme::http)
    throw fail("must start with https://");
  if (!u.has_authority() || u.encoded_host().empty()) throw fail("has no host");
  if (u.has_userinfo()) throw fail("must not carry a user name or password");
  if (u.has_fragment()) throw fail("must not have a #fragment");
  EndpointUrl out;
  switch (u.host_type()) {
    case urls::host_type::ipv4: out.host = u.host_ipv4_address().to_string(); break;
    case urls::host_type::ipv6: out.host = u.host_ipv6_address().to_string(); break;
    default: out.host = u.host(); break;
  }
  if (u.scheme_id() == urls::scheme::http && !is_loopback_host(out.host))
    throw fail("must use https:// (http is only for loopback test servers)");
  out.origin = std::string(u.scheme()) + "://" + std::string(u.encoded_host_and_port());
  out.target = std::string(u.encoded_target());
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  return out;
}

}  // namespace adapters::http
