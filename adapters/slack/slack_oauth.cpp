#include "adapters/slack/slack_oauth.hpp"

#include "adapters/common/json_fields.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

namespace adapters::slack {

namespace {

using json_fields::member;
using json_fields::str;
using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

constexpr std::size_t kMaxQuery = 4096;
constexpr std::size_t kMaxCode = 256;
constexpr std::size_t kMaxState = 256;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string to_hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* data, std::size_t n) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bits = (bits << 8) | data[i];
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kBase64Url[(bits >> count) & 63];
    }
  }
  if (count > 0) out += kBase64Url[(bits << (6 - count)) & 63];
  return out;
}

std::optional<std::vector<unsigned char>> from_base64url(std::string_view text) {
  std::vector<unsigned char> out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const auto at = kBase64Url.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<unsigned char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// The state's own key: the install secret is also the key that encrypts tokens, so the two uses
// get different keys (HMAC of a label), and a state never helps anyone decrypt a token.
std::array<unsigned char, 32> state_key(const InstallKey& key) {
  std::array<unsigned char, 32> out{};
  static constexpr std::string_view kLabel = "hallpass slack oauth state v1";
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(kLabel.data()),
       kLabel.size(), out.data(), &len);
  return out;
}

std::array<unsigned char, 32> sign(const InstallKey& key, std::string_view payload) {
  const auto k = state_key(key);
  std::array<unsigned char, 32> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), mac.data(), &len);
  return mac;
}

void append_query(std::string& out, std::string_view name, std::string_view value) {
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += name;
  out += '=';
  for (unsigned char c : value) {
    if (alnum(static_cast<char>(c)) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* digits = "0123456789ABCDEF";
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
}

// %-decoding of one query part ("+" is a space); false on a bad escape.
bool query_decode(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return true;
}

bool printable_token(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

Result<InstallKey> parse_install_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  InstallKey key{};
  if (text.size() == 64 && std::all_of(text.begin(), text.end(), is_hex)) {
    for (std::size_t i = 0; i < 32; ++i)
      key[i] = static_cast<unsigned char>(hex_value(text[2 * i]) * 16 + hex_value(text[2 * i + 1]));
    return key;
  }
  if (text.size() == 44 && text.ends_with("=")) {
    unsigned char out[48] = {};
    const int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(text.data()), 44);
    // 44 characters with one "=" decode to 33 bytes, the last one padding.
    if (n == 33 && !text.ends_with("==")) {
      std::memcpy(key.data(), out, 32);
      return key;
    }
  }
  return fail(
      "the install secret must be 32 random bytes, as 64 hex digits (openssl rand -hex 32) or in base64 "
      "(openssl rand -base64 32)");
}

Result<std::set<std::string>> parse_team_list(std::string_view text) {
  std::set<std::string> teams;
  std::string current;
  auto take = [&]() -> std::string {
    if (current.empty()) return {};
    std::string bad;
    const bool ok = current.size() >= 3 && current.size() <= 20 && (current[0] == 'T' || current[0] == 'E') &&
                    std::all_of(current.begin(), current.end(),
                                [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
    if (!ok) bad = current;
    teams.insert(current);
    current.clear();
    return bad;
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == ';') {
      if (auto bad = take(); !bad.empty()) return fail("\"" + bad + "\" is not a Slack team id (T… or E…)");
    } else {
      current += c;
    }
  }
  if (auto bad = take(); !bad.empty()) return fail("\"" + bad + "\" is not a Slack team id (T… or E…)");
  return teams;
}

std::string authorize_url(std::string_view authorize_base, std::string_view client_id, std::string_view scopes,
                          std::string_view redirect_uri, std::string_view state) {
  std::string out(authorize_base);
  append_query(out, "client_id", client_id);
  append_query(out, "scope", scopes);
  append_query(out, "redirect_uri", redirect_uri);
  append_query(out, "state", state);
  return out;
}

std::string make_install_state(const InstallKey& key, const std::array<unsigned char, 16>& nonce,
                               std::chrono::system_clock::time_point expires) {
  unsigned char body[24];
  std::memcpy(body, nonce.data(), 16);
  auto secs = static_cast<std::uint64_t>(
      std::max<long long>(0, std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count()));
  for (int i = 7; i >= 0; --i) {
    body[16 + i] = static_cast<unsigned char>(secs & 0xff);
    secs >>= 8;
  }
  const std::string payload = base64url(body, sizeof body);
  const auto mac = sign(key, payload);
  return payload + "." + to_hex(mac.data(), mac.size());
}

Result<InstallState> check_install_state(const InstallKey& key, std::string_view state,
                                         std::chrono::system_clock::time_point now) {
  const auto dot = state.find('.');
  if (state.empty() || state.size() > kMaxState || dot == std::string_view::npos || state.size() - dot - 1 != 64)
    return fail("the state is not one Hallpass made");
  const std::string_view payload = state.substr(0, dot);
  const std::string_view given = state.substr(dot + 1);
  if (!std::all_of(given.begin(), given.end(), is_hex)) return fail("the state is not one Hallpass made");
  std::array<unsigned char, 32> given_mac{};
  for (std::size_t i = 0; i < 32; ++i)
    given_mac[i] = static_cast<unsigned char>(hex_value(given[2 * i]) * 16 + hex_value(given[2 * i + 1]));
  const auto expected = sign(key, payload);
  if (CRYPTO_memcmp(expected.data(), given_mac.data(), 32) != 0) return fail("the state's signature does not match");
  auto body = from_base64url(payload);
  if (!body || body->size() != 24) return fail("the state is not one Hallpass made");
  std::uint64_t secs = 0;
  for (int i = 0; i < 8; ++i) secs = (secs << 8) | (*body)[16 + static_cast<std::size_t>(i)];
  InstallState out;
  out.nonce_hex = to_hex(body->data(), 16);
  // Hallpass signs expiries minutes ahead; anything past year 10000 was not made by it.
  if (secs > 253402300799ULL) return fail("the state is not one Hallpass made");
  out.expires = std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<long long>(secs)));
  if (out.expires <= now) return fail("the state has expired");
  return out;
}

Result<OAuthRedirect> parse_oauth_redirect(std::string_view query) {
  if (query.size() > kMaxQuery) return fail("the redirect's query is longer than 4 KiB");
  std::map<std::string, std::string> fields;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name, value;
    if (!query_decode(pair.substr(0, eq), name) ||
        (eq != std::string_view::npos && !query_decode(pair.substr(eq + 1), value)))
      return fail("malformed %-escape in the redirect's query");
    if (name != "code" && name != "state" && name != "error") continue;  // Slack may add others
    if (fields.contains(name)) return fail("the redirect's query repeats " + name);
    fields[name] = std::move(value);
  }
  OAuthRedirect out;
  out.code = fields["code"];
  out.state = fields["state"];
  out.error = fields["error"];
  if (out.state.empty()) return fail("the redirect has no state");
  if (out.state.size() > kMaxState || !printable_token(out.state)) return fail("the redirect's state is malformed");
  if (out.code.empty() == out.error.empty()) return fail("the redirect has neither a code nor an error, or both");
  if (out.code.size() > kMaxCode || !printable_token(out.code)) return fail("the redirect's code is malformed");
  if (out.error.size() > 64 ||
      !std::all_of(out.error.begin(), out.error.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
    return fail("the redirect's error is malformed");
  return out;
}

Result<OAuthInstallation> parse_oauth_access(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return fail("oauth.v2.access did not answer with a JSON object");
  const json& j = *parsed;
  const json& ok = member(j, "ok");
  if (!ok.is_boolean() || !ok.get<bool>()) {
    std::string error = str(j, "error");
    if (error.empty()) error = "ok:false without an error";
    return fail(error);
  }
  OAuthInstallation out;
  out.team_id = str(member(j, "team"), "id");
  out.team_name = str(member(j, "team"), "name");
  out.enterprise_id = str(member(j, "enterprise"), "id");
  const json& enterprise_install = member(j, "is_enterprise_install");
  out.enterprise_install = enterprise_install.is_boolean() && enterprise_install.get<bool>();
  out.app_id = str(j, "app_id");
  out.bot_user_id = str(j, "bot_user_id");
  out.bot_token = str(j, "access_token");
  out.scopes = str(j, "scope");
  out.installer = str(member(j, "authed_user"), "id");
  if (str(j, "token_type") != "bot" || !out.bot_token.starts_with("xoxb-"))
    return fail("oauth.v2.access gave no bot token (token_type is not \"bot\")");
  // An org-wide install has no team; Hallpass maps workspaces, so it needs one.
  if (out.team_id.empty()) return fail("oauth.v2.access named no workspace (team.id)");
  if (out.bot_user_id.empty()) return fail("oauth.v2.access named no bot user (bot_user_id)");
  return out;
}

std::optional<Uninstall> uninstall_event(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object() || str(*parsed, "type") != "event_callback") return std::nullopt;
  const json& event = member(*parsed, "event");
  const std::string type = str(event, "type");
  if (type != "app_uninstalled" && type != "tokens_revoked") return std::nullopt;
  Uninstall out;
  out.team_id = str(*parsed, "team_id");
  out.event_id = str(*parsed, "event_id");
  if (out.team_id.empty()) return std::nullopt;
  out.app_uninstalled = type == "app_uninstalled";
  const json& bots = member(member(event, "tokens"), "bot");
  if (bots.is_array())
    for (const json& b : bots)
      if (b.is_string()) out.revoked_bot_users.push_back(b.get<std::string>());
  return out;
}

std::string page_language(std::string_view accept_language, const std::vector<std::string>& available) {
  struct Choice {
    double q;
    std::size_t order;
    std::string lang;
  };
  std::vector<Choice> choices;
  std::size_t order = 0;
  while (!accept_language.empty() && order < 32) {
    const auto comma = accept_language.find(',');
    std::string_view item = accept_language.substr(0, comma);
    accept_language = comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);
    double q = 1.0;
    if (const auto semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
      if (params.starts_with("q=")) {
        const std::string qs(params.substr(2, 5));
        q = (qs.size() > 0 && (qs[0] == '0' || qs[0] == '1')) ? std::atof(qs.c_str()) : 0.0;
      }
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::string primary;
    for (char c : item.substr(0, item.find('-'))) primary += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (q > 0 && std::find(available.begin(), available.end(), primary) != available.end())
      choices.push_back({q, order, primary});
    ++order;
  }
  std::stable_sort(choices.begin(), choices.end(), [](const Choice& a, const Choice& b) { return a.q > b.q; });
  return choices.empty() ? std::string("en") : choices.front().lang;
}

std::string escape_html_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace adapters::slack
