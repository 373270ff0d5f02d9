#include "adapters/slack/slack_http_requests.hpp"

#include "adapters/common/json_fields.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_payloads.hpp"
#include "bot/model/text.hpp"

namespace adapters::slack {

namespace {

using json_fields::member;
using json_fields::str;
using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

}  // namespace

Result<void> verify_slack_signature(std::string_view signing_secret, std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    std::chrono::system_clock::time_point now) {
  if (signing_secret.empty()) return fail("no signing secret configured");
  if (timestamp_header.empty() || timestamp_header.size() > 12 ||
      !std::all_of(timestamp_header.begin(), timestamp_header.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail("malformed X-Slack-Request-Timestamp");
  const long long ts = std::stoll(std::string(timestamp_header));
  const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (std::llabs(now_s - ts) > 5 * 60) return fail("stale X-Slack-Request-Timestamp");

  constexpr std::string_view kPrefix = "v0=";
  if (signature_header.size() != kPrefix.size() + 64 || signature_header.substr(0, 3) != kPrefix)
    return fail("malformed X-Slack-Signature");
  unsigned char given[32];
  for (std::size_t i = 0; i < 32; ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nibble(signature_header[3 + 2 * i]);
    const int lo = nibble(signature_header[4 + 2 * i]);
    if (hi < 0 || lo < 0) return fail("malformed X-Slack-Signature");
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }

  std::string base = "v0:";
  base.append(timestamp_header);
  base += ':';
  base.append(raw_body);
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), signing_secret.data(), static_cast<int>(signing_secret.size()),
            reinterpret_cast<const unsigned char*>(base.data()), base.size(), expected, &len) ||
      len != 32)
    return fail("HMAC-SHA256 failed");
  if (CRYPTO_memcmp(expected, given, 32) != 0) return fail("signature mismatch");
  return {};
}

Result<std::map<std::string, std::string>> parse_form_urlencoded(std::string_view body) {
  auto decode = [](std::string_view s, std::string& out) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%') {
        if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
          return false;
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return true;
  };
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!decode(pair.substr(0, eq), key) || (eq != std::string_view::npos && !decode(pair.substr(eq + 1), value)))
      return fail("malformed %-escape in form body");
    // A %FF or a cut character is not UTF-8: replaced, so the command is still answered.
    if (!bot::is_utf8(key) || !bot::is_utf8(value)) {
      spdlog::warn("slack: a form field held bytes that are not UTF-8; read with U+FFFD in their place");
      key = bot::scrub_utf8(key);
      value = bot::scrub_utf8(value);
    }
    fields[std::move(key)] = std::move(value);
  }
  return fields;
}

Result<bot::Inbound> parse_slash_command_form(std::string_view body, std::chrono::system_clock::time_point now) {
  auto fields = parse_form_urlencoded(body);
  if (!fields) return fields.error();
  return slash_command_to_inbound(*fields, {}, now);
}

Result<std::string> interactive_payload_from_form(std::string_view body) {
  auto fields = parse_form_urlencoded(body);
  if (!fields) return fields.error();
  auto it = fields->find("payload");
  if (it == fields->end()) return fail("interactive body without payload");
  auto parsed = parse_json(it->second);
  if (!parsed || !parsed->is_object()) return fail("interactive payload is not a JSON object");
  return Result<std::string>(boost::system::in_place_value, it->second);
}

std::optional<std::string> url_verification_challenge(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || str(*parsed, "type") != "url_verification") return std::nullopt;
  const json& c = member(*parsed, "challenge");
  if (!c.is_string()) return std::nullopt;
  return c.get<std::string>();
}

}  // namespace adapters::slack
