#pragma once
// FakeSlackServer: Slack's Web API and Socket Mode on 127.0.0.1 (port 0), inside the test's
// io_context, speaking the documented protocol (api.slack.com; docs/slack.md, "For developers"):
//
// - Web API: POST /api/<method> with JSON or form bodies; the bot token in the Authorization
//   header (the app-level token for apps.connections.open only); HTTP 200 with ok:false for
//   Slack errors; 429 with Retry-After when scripted. chat.postMessage / update / postEphemeral /
//   delete, files.delete, views.open (trigger ids are single-use), conversations.open,
//   users.info, users.lookupByEmail, auth.test, auth.revoke. Every call is recorded with its body
//   and the token it came with.
// - OAuth v2 (installations, api.slack.com/methods/oauth.v2.access): authorize() scripts a person
//   pressing Allow in a workspace; oauth.v2.access then takes that code once, with the app's
//   client id and secret by HTTP Basic (or as parameters) and the redirect_uri, and answers the
//   documented shape (access_token, token_type "bot", scope, bot_user_id, app_id, team,
//   enterprise, authed_user). From then on that workspace's bot token is accepted too, until it
//   is revoked (auth.revoke, or revoke_token()).
// - Socket Mode: apps.connections.open hands out a single-use ws:// URL; the websocket gets
//   hello, then envelopes; acks are recorded with their latency. A connection that closes with
//   envelopes unacknowledged has them delivered again on another open connection (or the next
//   one to open), with retry_attempt counted up, as Slack does. A view_submission's ack with
//   response_action "update" replaces the user's open view; "errors" is recorded.
// - response_url: POST /response/<n> (replace_original replaces the ephemeral message).
//
// Scripting: envelopes (with builders for slash commands, button presses, view submissions,
// DMs and mentions), the same envelope again, disconnect frames, abrupt drops, scripted failures.
// Not thread-safe: call it on the io_context's thread (or while that io_context is not running).
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

struct FakeSlackState;

class FakeSlackServer {
 public:
  FakeSlackServer(boost::asio::io_context& io, std::string bot_token, std::string app_token);
  ~FakeSlackServer();
  FakeSlackServer(const FakeSlackServer&) = delete;
  FakeSlackServer& operator=(const FakeSlackServer&) = delete;

  std::string api_base_url() const;  // "http://127.0.0.1:<port>/api"
  void stop();

  // A member of the workspace: users.info and users.lookupByEmail answer from here.
  void add_user(const std::string& user_id, const std::string& email);
  // The workspace's admin rotates the bot token: from now on only `token` is accepted.
  void rotate_bot_token(const std::string& token);
  // chat.postEphemeral in this channel answers not_in_channel (the bot was never invited).
  void bot_not_in(const std::string& channel);

  // ---- OAuth v2 installations ----
  void set_oauth_client(const std::string& client_id, const std::string& client_secret);
  // A person (installer) in workspace team_id pressed Allow: Slack sent their browser back with
  // `code`. oauth.v2.access takes it once and answers an installation with bot_token; the bot
  // user is "UB" + the team id without its T.
  void authorize(const std::string& code, const std::string& team_id, const std::string& team_name,
                 const std::string& bot_token, const std::string& installer = "U0INSTALLER",
                 const std::string& enterprise_id = {});
  // The workspace removed the app or its token: calls with it answer token_revoked from now on.
  void revoke_token(const std::string& bot_token);
  static std::string bot_user_of(const std::string& team_id);
  // conversations.info knows the channel, with the token of its workspace only (any token when no
  // channel was added).
  void add_channel(const std::string& channel, const std::string& team_id);

  // ---- Socket Mode ----
  // Websockets that said hello and are still open, oldest first (connection numbers).
  std::vector<int> open_connections() const;
  int connections_opened() const;            // ever
  int connections_closed_by_client() const;  // with a close frame from Hallpass
  // From now on apps.connections.open hands out wss:// URLs to a TLS listener whose certificate
  // is self-signed, made up at start: a client that checks certificates must refuse it.
  void hand_out_untrusted_wss();
  // TLS handshakes that listener saw fail (the client refused the certificate).
  int refused_tls_handshakes() const;
  // The next websocket says hello and then goes silent: it reads nothing, so pings go unanswered.
  void silence_next_connection();
  // How long after a disconnect frame the server closes that connection itself.
  void set_disconnect_grace(std::chrono::milliseconds grace);

  // Sends an envelope on a connection (0: the next open one, in turn). With no connection open
  // it is counted as a dispatch failure and sent to the next connection that opens. Returns the
  // envelope id.
  std::string deliver(const std::string& type, nlohmann::json payload, int connection = 0,
                      std::string envelope_id = {});
  // Sends an envelope delivered before once more, with the same id (0: the next connection).
  void deliver_again(const std::string& envelope_id, int connection = 0);
  // Slack's retry of an event: the same payload in a new envelope, retry_attempt counted up.
  // Returns the new envelope id.
  std::string retry_in_new_envelope(const std::string& envelope_id);
  // {"type":"disconnect","reason":reason} on the connection; closed by the server after the grace.
  void disconnect(int connection, const std::string& reason);
  // Closes the connection's TCP socket at once (no close frame).
  void drop(int connection);
  // Slack's refresh at an age, at its most abrupt: from now on every connection's TCP socket is
  // closed (no disconnect frame, no close frame) once it has been open this long.
  void drop_at_age(std::chrono::milliseconds age);
  // How often the last open connection closed, leaving none (Slack could deliver nothing then).
  int times_without_connection() const;

  struct Delivered {
    std::string envelope_id;
    std::string trigger_id;
  };
  Delivered slash_command(const std::string& user, const std::string& channel, const std::string& text,
                          int connection = 0);
  // A button pressed on message `ts` in channel (ephemeral: on an ephemeral message, with a response_url).
  Delivered block_action(const std::string& user, const std::string& channel, const std::string& ts,
                         const std::string& action_id, const std::string& value, bool ephemeral = false);
  // Submits the view open for user (the last views.open or response_action update) with values
  // by input key (multi-choice values comma-separated).
  Delivered view_submission(const std::string& user, const std::map<std::string, std::string>& values);
  // message.im in the user's DM with the bot / app_mention in a channel; returns the envelope id.
  std::string dm_message(const std::string& user, const std::string& text);
  std::string mention(const std::string& user, const std::string& channel, const std::string& text,
                      const std::string& thread_ts = {});
  // A thread reply in a channel (message event with thread_ts).
  std::string thread_reply(const std::string& user, const std::string& channel, const std::string& thread_ts,
                           const std::string& text);

  struct Ack {
    std::string envelope_id;
    nlohmann::json payload;  // null for a plain ack
    int connection = 0;
    std::chrono::steady_clock::duration latency{};  // from writing the envelope to reading the ack
  };
  std::vector<Ack> acks() const;
  std::size_t ack_count() const;
  bool acked(const std::string& envelope_id) const;
  int acks_of(const std::string& envelope_id) const;
  int dispatch_failures() const;
  int redeliveries() const;  // envelopes sent again because their connection closed unacknowledged
  std::optional<nlohmann::json> open_view(const std::string& user) const;

  // ---- Web API ----
  struct Call {
    std::string method;
    nlohmann::json body;  // JSON body, or form fields as strings
    std::string token;    // the Bearer token it came with ("" for none, or HTTP Basic)
  };
  std::vector<Call> calls(const std::string& method = {}) const;
  // The next call of method answers HTTP status (429: with Retry-After and "ratelimited").
  void fail_next(const std::string& method, int status, int retry_after_seconds = 1);
  // The next call of method answers ok:false with this Slack error.
  void refuse_next(const std::string& method, const std::string& error);
  int failed_requests() const;
  // The next call of method is carried out (a message is posted; with carry_out false, not) but
  // never answered, as when Hallpass is killed while it waits for the answer.
  void hang_next(const std::string& method, bool carry_out = true);

  struct Message {
    std::string channel;
    std::string ts;
    std::string thread_ts;
    std::string text;       // the notification text
    nlohmann::json blocks;  // current content
    std::string user;       // ephemeral: the one user who sees it
    bool ephemeral = false;
    int edits = 0;            // chat.update or response_url replacements
    nlohmann::json metadata;  // chat.postMessage's metadata (event_type, event_payload)
    // When it was posted (steady clock), for tests of pacing.
    std::chrono::steady_clock::time_point at{};
  };
  // Messages the bot posted in a channel (a DM is "D" + the user id without its U), in order.
  std::vector<Message> messages(const std::string& channel) const;
  // The messages of a channel whose text or blocks contain needle.
  std::vector<Message> find(const std::string& channel, const std::string& needle) const;
  std::vector<nlohmann::json> response_url_posts() const;
  std::size_t message_count() const;  // in all channels

  static std::string dm_channel(const std::string& user);  // "D" + user without the leading U

 private:
  std::shared_ptr<FakeSlackState> state_;
};

// Text of a message's blocks and notification, for "contains" checks.
std::string message_text(const FakeSlackServer::Message& m);

}  // namespace test_support
