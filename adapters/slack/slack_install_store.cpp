#include "adapters/slack/slack_install_store.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

namespace adapters::slack {

namespace {

using nlohmann::json;
using protocol_detail::fail;
using protocol_detail::parse_json;

constexpr std::string_view kPrefix = "v1:";
constexpr std::size_t kIv = 12;
constexpr std::size_t kTag = 16;
const std::string kRecordKey = "slack.installation.";
const std::string kStateKey = "slack.oauth_state.";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(0, n)));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 8192) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as bytes.
  if (text.ends_with("=="))
    size -= 2;
  else if (text.ends_with("="))
    size -= 1;
  out.resize(size);
  return out;
}

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string seal_token(const InstallKey& key, std::string_view team_id, std::string_view token) {
  std::vector<unsigned char> out(kIv + token.size() + kTag);
  if (RAND_bytes(out.data(), static_cast<int>(kIv)) != 1) throw std::runtime_error("no random bytes for an IV");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(team_id.data()),
                        static_cast<int>(team_id.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kIv, &len, reinterpret_cast<const unsigned char*>(token.data()),
                        static_cast<int>(token.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kIv + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), out.data() + kIv + token.size()) !=
          1)
    throw std::runtime_error("AES-256-GCM failed");
  return std::string(kPrefix) + base64(out);
}

Result<std::string> open_token(const InstallKey& key, std::string_view team_id, std::string_view sealed) {
  if (!sealed.starts_with(kPrefix)) return fail("the sealed token is not in the v1 form");
  auto bytes = unbase64(sealed.substr(kPrefix.size()));
  if (!bytes || bytes->size() < kIv + kTag) return fail("the sealed token is not in the v1 form");
  const std::size_t n = bytes->size() - kIv - kTag;
  std::string token(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes->data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(team_id.data()),
                        static_cast<int>(team_id.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(token.data()), &len, bytes->data() + kIv,
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), bytes->data() + kIv + n) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(token.data()) + len, &len) == 1;
  if (!ok) return fail("the sealed token does not open with this install secret (changed secret, or changed value)");
  return token;
}

std::string installation_record(const InstallKey& key, const Installation& i) {
  return json{{"team_id", i.team_id},
              {"team_name", i.team_name},
              {"enterprise_id", i.enterprise_id},
              {"app_id", i.app_id},
              {"bot_user_id", i.bot_user_id},
              {"scopes", i.scopes},
              {"installer", i.installer},
              {"installed_at", unix_seconds(i.installed_at)},
              {"bot_token_sealed", seal_token(key, i.team_id, i.bot_token)}}
      .dump();
}

Result<Installation> read_installation_record(const InstallKey& key, std::string_view record) {
  auto parsed = parse_json(record);
  if (!parsed || !parsed->is_object()) return fail("the installation record is not a JSON object");
  const json& j = *parsed;
  auto text = [&](const char* name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Installation i;
  i.team_id = text("team_id");
  if (i.team_id.empty()) return fail("the installation record has no team_id");
  i.team_name = text("team_name");
  i.enterprise_id = text("enterprise_id");
  i.app_id = text("app_id");
  i.bot_user_id = text("bot_user_id");
  i.scopes = text("scopes");
  i.installer = text("installer");
  // Seconds from 1970 to 9999 only: a changed record must not overflow the clock's nanoseconds.
  if (auto at = j.find("installed_at"); at != j.end() && at->is_number_integer()) {
    const long long secs = at->get<long long>();
    if (secs >= 0 && secs <= 253402300799LL)
      i.installed_at = std::chrono::system_clock::time_point(std::chrono::seconds(secs));
  }
  auto token = open_token(key, i.team_id, text("bot_token_sealed"));
  if (!token) return token.error();
  i.bot_token = std::move(*token);
  return i;
}

SlackInstallStore::SlackInstallStore(AdapterState state, InstallKey key) : state_(std::move(state)), key_(key) {}

std::optional<Installation> SlackInstallStore::load(const std::string& team_id, std::string* problem) const {
  auto value = state_.load(kRecordKey + team_id);
  if (!value || value->empty()) return std::nullopt;
  return open_record(team_id, *value, problem);
}

std::optional<Installation> SlackInstallStore::open_record(const std::string& team_id, const std::string& record,
                                                           std::string* problem) const {
  auto read = read_installation_record(key_, record);
  if (!read) {
    if (problem) *problem = read.error().message;
    return std::nullopt;
  }
  if (read->team_id != team_id) {
    if (problem) *problem = "the record names another team";
    return std::nullopt;
  }
  return std::move(*read);
}

std::vector<Installation> SlackInstallStore::load_all(std::vector<std::string>& problems) const {
  std::vector<Installation> out;
  for (const auto& [key, record] : state_.list(kRecordKey)) {
    const std::string team = key.substr(kRecordKey.size());
    std::string problem;
    if (auto i = open_record(team, record, &problem))
      out.push_back(std::move(*i));
    else
      problems.push_back(team + ": " + problem);
  }
  return out;
}

void SlackInstallStore::put(const Installation& installation) {
  state_.save(kRecordKey + installation.team_id, installation_record(key_, installation));
}

bool SlackInstallStore::remove(const std::string& team_id) {
  auto value = state_.load(kRecordKey + team_id);
  const bool had = value && !value->empty();
  if (had) state_.remove(kRecordKey + team_id);
  return had;
}

bool SlackInstallStore::take_state(const std::string& nonce_hex, std::chrono::system_clock::time_point expires,
                                   std::chrono::system_clock::time_point now) {
  const auto seconds = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  if (!state_.claim(kStateKey + nonce_hex, std::to_string(seconds(expires)))) return false;
  // The used states that can no longer come back (their own expiry passed) are forgotten; an
  // older version's "used" marks too. Read after the claim, so a state is never forgotten first.
  for (const auto& [key, value] : state_.list(kStateKey)) {
    char* end = nullptr;
    const long long until = std::strtoll(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0' || until < seconds(now)) state_.remove(key);
  }
  return true;
}

std::optional<std::string> SlackInstallStore::team_of(const std::string& place) const {
  auto value = state_.load("slack.team_of." + place);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

void SlackInstallStore::set_team_of(const std::string& place, const std::string& team_id) {
  state_.save("slack.team_of." + place, team_id);
}

}  // namespace adapters::slack
