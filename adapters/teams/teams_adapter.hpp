#pragma once
// TeamsAdapter: Hallpass as a Microsoft Teams bot (platform "teams"), through the Bot Framework.
//
// Inbound: an HTTP server with POST /api/messages (the bot's messaging endpoint; plain HTTP behind
// the district's TLS reverse proxy, or HTTPS with a certificate). For each request, in order:
//   1. the Authorization: Bearer JWT is validated (ActivityAuthenticator) against the activity's
//      channelId and serviceUrl; anything else is answered 401 and changes nothing, except while
//      no signing keys could be fetched yet (run() fetches them at once and retries in
//      seconds): then 503 with Retry-After, since the token is not known to be bad;
//   2. an activity from a tenant that is not one of accepted_tenants is answered 403 and
//      nothing of it is kept (a valid token does not say which organization sent it);
//   3. the activity's service URL is trusted, so the bot's token may go there;
//   4. its conversation reference is remembered (ReferenceBook), installations included;
//   5. for a person the directory does not know by Teams id, the e-mail is asked of the
//      Connector once (and kept; a failed look-up is not repeated for a while), so the core can
//      match the directory by e-mail. Unless the e-mail is known already, the request is
//      answered 200 first and the look-up and step 6 run after it: no answer to Teams waits for
//      an outbound call (past 15 s Teams sends the activity again); the reply waits instead;
//   6. the event goes to the core, which records it with its outbox in one transaction and
//      de-duplicates a re-sent activity by its id; the request is then answered 200 with an
//      empty body (500 when the core could not record it, so Teams sends it again).
// Replies go out later through the outbox (send()). Invoke activities are answered 501: Hallpass
// cards use Action.Submit, which arrives as a message.
//
// Outbound (send): channels as the core names them:
//   "dm:<29:…>"        the person's personal chat: the saved reference, else a new personal
//                      conversation (tenant and service URL from the latest reference or the
//                      configuration); "dm:<address>" with an '@' is looked up by e-mail
//   "email:<address>"  the personal chat saved for that e-mail (reaches_by_email())
//   "19:…"             a channel or group chat (a place's address, or where an event came from)
// In a channel, a message without thread_ref starts a new thread (its ref = the root's id) and one
// with thread_ref replies in that thread. update_ref replaces a card (PUT), delete_ref deletes.
// Teams has no ephemeral messages: a delivery for ephemeral_user goes to that person's personal
// chat instead. A form is a card with inputs wherever it is posted. SendResult.ref = the
// activity id. Calls are paced and retried by ConnectorClient (429/412/502/504, 7/s per
// conversation).
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/http_server.hpp"
#include "adapters/common/setting_checks.hpp"
#include "adapters/teams/connector_client.hpp"
#include "adapters/teams/conversation_references.hpp"
#include "adapters/teams/teams_auth.hpp"
#include "bot/model/adapter.hpp"

namespace adapters::teams {

// Microsoft's global service URL, for proactive posts before any activity arrived [B].
inline constexpr std::string_view kDefaultServiceUrl = "https://smba.trafficmanager.net/teams/";
inline constexpr unsigned short kDefaultPort = 3978;  // the Bot Framework's usual local port

struct TeamsOptions {
  AuthOptions auth;            // inbound: app id (audience), OpenID metadata, issuer, CA file
  BotTokenOptions token;       // outbound: client credentials and the token authority
  ConnectorOptions connector;  // trusted service URLs, retries, pacing, CA file
  std::string service_url = std::string(kDefaultServiceUrl);  // for proactive posts (trusted)
  std::string tenant_id;  // for new personal chats and threads; else the activities'
  // The Microsoft 365 organizations (tenant ids) whose activities are accepted; empty: any. From
  // the config this is never empty for a single-tenant bot (its own tenant, or `tenants`).
  std::vector<std::string> accepted_tenants;
  std::string bot_name = "Hallpass";
  http::ServerOptions server;  // listen address and port, body limit, optional TLS
  std::size_t max_activity_bytes = kMaxActivityBytes;
};

// Builds the options from the config's adapters.teams settings:
//   app_id, app_secret (${ENV}), tenant_id, multi_tenant, openid_metadata_url, issuer, authority,
//   ca_file, service_urls (extra allowed service URLs, comma-separated), service_url (for
//   proactive posts), listen, port, tls_certificate, tls_private_key, bot_name, tenants (the
//   organizations whose activities are accepted, comma-separated; default: tenant_id).
// Throws std::invalid_argument naming the first bad setting (check_settings lists them all).
TeamsOptions options_from_settings(const std::map<std::string, std::string>& settings);

using settings::SettingProblem;
// Every problem of the settings at once, for hallpass check-config.
std::vector<SettingProblem> check_settings(const std::map<std::string, std::string>& settings);

// True when the directory knows this Teams user id as someone's teams handle (cmd_run: the
// config's people). For anyone else the adapter learns the e-mail from the Connector.
using KnownUser = std::function<bool(std::string_view user_id)>;

struct TeamsState;  // the server, the clients and the references, in the .cpp files

class TeamsAdapter final : public bot::Adapter {
 public:
  // Throws std::invalid_argument for options the authenticator, token source, Connector client or
  // server refuse (see their headers). now: the clock tokens are checked with (system clock if empty).
  TeamsAdapter(boost::asio::any_io_executor executor, TeamsOptions options, ConversationReferences references,
               KnownUser known_user, Now now = {});
  ~TeamsAdapter() override;
  TeamsAdapter(const TeamsAdapter&) = delete;
  TeamsAdapter& operator=(const TeamsAdapter&) = delete;

  std::string_view platform() const override { return kPlatform; }
  // Binds now, so the caller can print url() before run(). Idempotent. Throws as HttpServer::listen.
  void listen();
  unsigned short bound_port() const;
  std::string url() const;  // "http(s)://<address>:<port>"; the endpoint is url() + "/api/messages"

  boost::asio::awaitable<void> run(bot::EventSink& sink) override;
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override;
  bool reaches_by_email() const override { return true; }
  // Ends run(), closes connections and fails calls in flight. Safe to call twice.
  void stop() override;

 private:
  std::shared_ptr<TeamsState> state_;
};

}  // namespace adapters::teams
