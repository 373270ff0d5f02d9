#include "adapters/slack/slack_installer.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/http_client.hpp"
#include "bot/district/prompts.hpp"

namespace adapters::slack {

namespace asio = boost::asio;
using http::ServerReply;
using http::ServerRequest;

struct InstallerState {
  asio::any_io_executor executor;
  InstallOptions options;
  std::unique_ptr<http::HttpClient> client;
  std::string api_prefix;  // "/api"
  std::shared_ptr<SlackInstallStore> store;
  const bot::Prompts* prompts = nullptr;
  SlackInstaller::Clock clock;
  SlackInstaller::OnInstalled on_installed;

  std::chrono::system_clock::time_point now() const { return clock ? clock() : std::chrono::system_clock::now(); }
};

namespace {

std::string base64_of(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(std::max(0, n)));
  return out;
}

// Pages carry codes and states in their address: nobody caches them, nothing on them runs, and
// no address leaves them in a Referer.
void page_headers(ServerReply& r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

struct Page {
  int status = 200;
  std::string key;  // slack_install.<key>
  bot::PromptVars vars;
};

ServerReply render(const InstallerState& s, const ServerRequest& req, Page page) {
  std::vector<std::string> languages{"en"};
  if (s.prompts) languages = s.prompts->languages();
  const std::string lang = page_language(req.header("accept-language"), languages);
  auto text = [&](const std::string& key, const bot::PromptVars& vars) {
    return s.prompts ? s.prompts->text(lang, "slack_install." + key, vars) : "[slack_install." + key + "]";
  };
  // Every value a person or Slack chose (a workspace's name) is escaped with the sentence.
  const std::string title = escape_html_text(text("title", {}));
  const std::string body = escape_html_text(text(page.key, page.vars));
  ServerReply r;
  r.status = page.status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html lang=\"" + escape_html_text(lang) +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>" + title +
           "</title><style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}"
           "</style></head><body><h1>" +
           title + "</h1><p>" + body + "</p></body></html>\n";
  page_headers(r);
  return r;
}

std::string contact(const InstallerState& s, const ServerRequest& req) {
  if (!s.options.contact.empty()) return s.options.contact;
  std::vector<std::string> languages{"en"};
  if (s.prompts) languages = s.prompts->languages();
  const std::string lang = page_language(req.header("accept-language"), languages);
  return s.prompts ? s.prompts->text(lang, "slack_install.default_contact") : "[slack_install.default_contact]";
}

ServerReply start_install(InstallerState& s) {
  std::array<unsigned char, 16> nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1)
    throw std::runtime_error("no random bytes for an install state");
  const std::string state = make_install_state(s.options.key, nonce, s.now() + kStateLife);
  ServerReply r;
  r.status = 302;
  r.headers.emplace_back("Location", authorize_url(s.options.authorize_base, s.options.client_id, s.options.scopes,
                                                   s.options.redirect_url, state));
  page_headers(r);
  spdlog::info("slack install: sent a browser to Slack to install Hallpass");
  return r;
}

// oauth.v2.access: the client's id and secret by HTTP Basic, as Slack prefers to parameters.
asio::awaitable<http::Response> exchange_code(std::shared_ptr<InstallerState> s, std::string code) {
  http::Request req;
  req.method = "POST";
  req.target = s->api_prefix + "/oauth.v2.access";
  req.content_type = "application/x-www-form-urlencoded";
  std::string body = "code=";
  std::string redirect;
  // form encoding of the two values (a code is URL-safe already; the redirect URL is not).
  auto encode = [](std::string_view v) {
    std::string out;
    for (unsigned char c : v) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
          c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        static const char* digits = "0123456789ABCDEF";
        out += '%';
        out += digits[c >> 4];
        out += digits[c & 15];
      }
    }
    return out;
  };
  body += encode(code);
  body += "&redirect_uri=" + encode(s->options.redirect_url);
  req.body = std::move(body);
  req.headers["Authorization"] = "Basic " + base64_of(s->options.client_id + ":" + s->options.client_secret);
  req.timeout = std::chrono::milliseconds(15000);
  co_return co_await s->client->request(std::move(req));
}

// A token for a workspace that is refused is given back at once, so the app does not stay in it.
asio::awaitable<void> revoke(std::shared_ptr<InstallerState> s, std::string token) {
  http::Request req;
  req.method = "POST";
  req.target = s->api_prefix + "/auth.revoke";
  req.content_type = "application/x-www-form-urlencoded";
  req.headers["Authorization"] = "Bearer " + token;
  http::Response r = co_await s->client->request(std::move(req));
  if (!r.ok()) spdlog::warn("slack install: giving back the refused workspace's token failed: {}", r.error_text);
}

bool allowed(const InstallerState& s, const OAuthInstallation& i) {
  return s.options.allowed_teams.contains(i.team_id) ||
         (!i.enterprise_id.empty() && s.options.allowed_teams.contains(i.enterprise_id));
}

asio::awaitable<ServerReply> finish_install(std::shared_ptr<InstallerState> s, ServerRequest req) {
  const auto q = req.target.find('?');
  // No ?: with strings in a coroutine (GCC 12 mis-compiles their temporaries).
  std::string query;
  if (q != std::string::npos) query = req.target.substr(q + 1);
  auto redirect = parse_oauth_redirect(query);
  if (!redirect) {
    spdlog::warn("slack install: refused a redirect from {}: {}", req.sender, redirect.error().message);
    co_return render(*s, req, {400, "bad_link", {}});
  }
  auto state = check_install_state(s->options.key, redirect->state, s->now());
  if (!state) {
    spdlog::warn("slack install: refused a redirect from {}: {}", req.sender, state.error().message);
    const bool expired = state.error().message.find("expired") != std::string::npos;
    co_return render(*s, req, {400, expired ? "expired" : "bad_link", {}});
  }
  // Taken now, whatever follows: a state is good for one try.
  if (!s->store->take_state(state->nonce_hex, state->expires, s->now())) {
    spdlog::warn("slack install: refused a redirect from {}: its state was used before", req.sender);
    co_return render(*s, req, {400, "reused", {}});
  }
  if (!redirect->error.empty()) {
    spdlog::info("slack install: the person at {} did not install Hallpass ({})", req.sender, redirect->error);
    const std::string key = redirect->error == "access_denied" ? "denied" : "failed";
    co_return render(*s, req, {200, key, {{"reason", redirect->error}, {"contact", contact(*s, req)}}});
  }
  http::Response answer = co_await exchange_code(s, redirect->code);
  Result<OAuthInstallation> installed = protocol_error("oauth.v2.access: " + answer.error_text);
  if (answer.ok()) installed = parse_oauth_access(answer.body);
  if (!installed) {
    spdlog::error("slack install: oauth.v2.access failed: {}", installed.error().message);
    co_return render(*s, req, {502, "failed", {{"reason", installed.error().message}, {"contact", contact(*s, req)}}});
  }
  if (!allowed(*s, *installed)) {
    std::string enterprise;
    if (!installed->enterprise_id.empty()) enterprise = ", enterprise " + http::loggable(installed->enterprise_id);
    spdlog::warn(
        "slack install: refused workspace {} ({}{}): not in adapters.slack.allowed_teams; the token Slack gave is "
        "given back",
        http::loggable(installed->team_id), http::loggable(installed->team_name), enterprise);
    asio::co_spawn(s->executor, revoke(s, installed->bot_token), asio::detached);
    co_return render(
        *s, req,
        {403,
         "not_allowed",
         {{"team", installed->team_name}, {"team_id", installed->team_id}, {"contact", contact(*s, req)}}});
  }
  Installation record{.team_id = installed->team_id,
                      .team_name = installed->team_name,
                      .enterprise_id = installed->enterprise_id,
                      .app_id = installed->app_id,
                      .bot_user_id = installed->bot_user_id,
                      .bot_token = installed->bot_token,
                      .scopes = installed->scopes,
                      .installer = installed->installer,
                      .installed_at = s->now()};
  s->store->put(record);
  spdlog::info("slack install: installed in workspace {} ({}) by {}; scopes {}", record.team_id,
               http::loggable(record.team_name), http::loggable(record.installer), http::loggable(record.scopes));
  if (s->on_installed) s->on_installed(record);
  co_return render(*s, req, {200, "installed", {{"team", record.team_name}}});
}

}  // namespace

SlackInstaller::SlackInstaller(asio::any_io_executor executor, InstallOptions options, const std::string& api_base_url,
                               std::shared_ptr<SlackInstallStore> store, const bot::Prompts* prompts, Clock clock,
                               OnInstalled on_installed)
    : state_(std::make_shared<InstallerState>()) {
  const http::EndpointUrl url = http::parse_endpoint_url(api_base_url);  // throws for a bad URL
  state_->executor = executor;
  state_->options = std::move(options);
  state_->client = std::make_unique<http::HttpClient>(executor, url.origin);
  state_->api_prefix = url.target == "/" ? std::string() : url.target;
  while (state_->api_prefix.ends_with("/")) state_->api_prefix.pop_back();
  state_->store = std::move(store);
  state_->prompts = prompts;
  state_->clock = std::move(clock);
  state_->on_installed = std::move(on_installed);
}

SlackInstaller::~SlackInstaller() = default;

asio::awaitable<ServerReply> SlackInstaller::handle(ServerRequest request) {
  auto s = state_;
  if (request.path == "/slack/install") co_return start_install(*s);
  co_return co_await finish_install(s, std::move(request));
}

}  // namespace adapters::slack
