#pragma once
// SlackAdapter: Hallpass as a Slack app (platform "slack").
//
// Receiving: run() keeps Socket Mode connected (SocketModeReceiver), or in HTTP mode serves
// Slack's Request URLs (SlackHttpReceiver); both hand what arrives to handle_envelope(). handle_envelope turns a
// payload into a bot::Inbound, fills the actor's e-mail from users.info when the directory does not know their Slack id
// (the core then matches by e-mail), hands it to the sink and says how to acknowledge. A view_submission's ack waits
// briefly (form_reply_wait, or until the outbox is drained) for the core's answer to the form: a form with input errors
// goes back as response_action "errors", a next form as response_action "update"; anything else is a plain ack and is
// posted normally.
//
// Sending: send() renders Block Kit and calls chat.postMessage (threads through thread_ts),
// chat.update, chat.postEphemeral, views.open, chat.delete or files.delete. Channels "dm:U…" are
// opened with conversations.open, "email:<address>" with users.lookupByEmail first. An update of
// an ephemeral message goes through the response_url of the button pressed on it. When Slack
// refuses a message a person is waiting for, that person is told (a form that did not open) or
// gets it in their DM (an ephemeral reply in a channel the bot is not in). SendResult::ref is the
// message's ts. Everything runs on the executor's one thread.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/adapter_state.hpp"
#include "adapters/common/setting_checks.hpp"
#include "adapters/slack/slack_envelope_handler.hpp"
#include "adapters/slack/slack_http_receiver.hpp"
#include "adapters/slack/slack_oauth.hpp"
#include "adapters/slack/slack_socket_mode.hpp"
#include "adapters/slack/slack_web_api.hpp"
#include "bot/model/adapter.hpp"

namespace bot {
class Prompts;
}

namespace adapters::slack {

struct SlackOptions {
  WebApiOptions api;         // base URL, tokens, pacing
  SocketModeOptions socket;  // connections, backoff, watchdog
  SlackHttpOptions http;     // HTTP mode: signing secret, listen address and port
  bool socket_mode = true;   // false: HTTP mode (Slack's Request URLs, served by SlackHttpReceiver)
  // True when the directory knows this Slack user id (cmd_run asks the config, never the store).
  // Others get their e-mail read with users.info. Unset: everyone's is read.
  std::function<bool(std::string_view user_id)> known_user;
  // How long a view_submission's ack waits for the core's answer (Slack allows 3 s in all).
  std::chrono::milliseconds form_reply_wait{2000};
  // HTTP mode with an installation per workspace (install.enabled(); docs/slack-install.md): the
  // receiver also serves /slack/install and /slack/oauth_redirect, and every event is answered
  // with its own workspace's bot token (api.bot_token is unused). Installations are kept through
  // state (the app's AdapterState); the pages' sentences come from prompts.
  InstallOptions install;
  AdapterState state;
  const bot::Prompts* prompts = nullptr;
};

// Options from the config's adapters.slack settings: mode (socket | http; default socket),
// bot_token (required), app_token (required in socket mode), connections (1–10, default 2),
// api_base_url (default https://slack.com/api), signing_secret (required in http mode), listen
// (default 127.0.0.1), port (default 3000; 0: any free port). Throws std::invalid_argument
// naming the first problem (check_settings lists them all).
SlackOptions options_from_settings(const std::map<std::string, std::string>& settings);

using settings::SettingProblem;
// Every problem of the settings at once, for hallpass check-config: keys that are not Slack
// settings (with the one probably meant), missing secrets, values out of range.
std::vector<SettingProblem> check_settings(const std::map<std::string, std::string>& settings);

struct SlackState;  // the API client, the receiver and what the adapter remembers, in the .cpp

class SlackAdapter final : public bot::Adapter {
 public:
  SlackAdapter(boost::asio::any_io_executor executor, SlackOptions options);
  ~SlackAdapter() override;
  SlackAdapter(const SlackAdapter&) = delete;
  SlackAdapter& operator=(const SlackAdapter&) = delete;

  std::string_view platform() const override { return "slack"; }
  // HTTP mode: binds the listen address and port now, so url() can be shown before run().
  // Throws std::runtime_error saying where and why it cannot listen. Nothing in Socket Mode.
  void listen();
  // HTTP mode: "http://<address>:<port>" once listening (the Request URLs are below /slack/);
  // empty in Socket Mode.
  std::string url() const;

  // Checks the bot token (auth.test), then receives until stop(): Socket Mode connections, or
  // the HTTP mode's Request URLs (listening first if listen() was not called).
  boost::asio::awaitable<void> run(bot::EventSink& sink) override;
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override;
  // Calls Delivery::on_attempt just before the Web API request leaves (after pacing).
  bool reports_attempts() const override { return true; }
  // A chat.postMessage carries its outbox key in the message metadata: the channel's history
  // (conversations.history / replies with include_all_metadata) tells whether it arrived.
  // Updates and deletions can safely be made again (not_sent); ephemeral messages and modals
  // leave nothing to look for (unknown).
  boost::asio::awaitable<bot::Reconciliation> reconcile(bot::Delivery delivery) override;

  // One delivery from Slack → the core → how to acknowledge it. envelope_id is empty in HTTP
  // mode. Not accepted while run() has not started (Slack then delivers it again).
  boost::asio::awaitable<AckReply> handle_envelope(EnvelopeType type, std::string payload_json,
                                                   std::string envelope_id);
  // handle_envelope as the EnvelopeHandler a receiver takes. The adapter must outlive it.
  EnvelopeHandler envelope_handler();

  // Ends run(): closes the Socket Mode connections or the HTTP listener and its connections
  // (envelopes arriving until the close are still handled and acknowledged); sends waiting for
  // their pacing slot end at once, never attempted. Safe to call twice.
  void stop();
  // Socket Mode connections open and not being replaced (for tests and health checks).
  int open_connections() const;
  // Install mode: the workspaces installed now (team ids), for the start-up line and tests.
  std::vector<std::string> installed_teams() const;

 private:
  // The receiver's options; in install mode, with the install pages and the installations loaded.
  SlackHttpOptions http_options();
  std::shared_ptr<SlackState> state_;
};

}  // namespace adapters::slack
