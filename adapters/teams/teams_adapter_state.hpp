#pragma once
// What the parts of TeamsAdapter share (private to adapters/teams): the inbound endpoint is in
// teams_inbound.cpp, delivery in teams_outbound.cpp, the wiring in teams_adapter.cpp.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "adapters/teams/teams_adapter.hpp"

namespace adapters::teams {

// One e-mail look-up in flight: later messages of the same person wait for it instead of asking too.
struct EmailLookup {
  explicit EmailLookup(boost::asio::any_io_executor ex) : done(ex, boost::asio::steady_timer::time_point::max()) {}
  boost::asio::steady_timer done;  // cancelled when the answer is in
  bool finished = false;
  std::string email;
};

struct TeamsState {
  TeamsState(boost::asio::any_io_executor executor, TeamsOptions options, ConversationReferences references,
             KnownUser known_user, Now now);

  std::string bot_id() const { return "28:" + options.auth.app_id; }

  boost::asio::any_io_executor executor;
  TeamsOptions options;
  Now now;
  ActivityAuthenticator authenticator;
  BotTokenSource tokens;
  ConnectorClient connector;
  ReferenceBook references;
  KnownUser known_user;
  bot::EventSink* sink = nullptr;  // set by run(); requests before it are answered 503
  std::map<std::string, std::shared_ptr<EmailLookup>> email_lookups;  // by Teams user id, while asked
  // Look-ups that failed, by user id: not asked again before then (30 messages were 30 look-ups).
  std::map<std::string, std::chrono::steady_clock::time_point> email_unknown_until;
  std::unique_ptr<http::HttpServer> server;
  bool stopped = false;
};

// POST /api/messages: validates, remembers, hands the event to the sink, answers.
boost::asio::awaitable<http::ServerReply> handle_activity_request(std::shared_ptr<TeamsState> state,
                                                                  http::ServerRequest request);

// One delivery: finds the conversation, renders, calls the Connector.
boost::asio::awaitable<bot::SendResult> deliver(std::shared_ptr<TeamsState> state, bot::Delivery delivery);

// The person's e-mail, from what was learnt before or by asking the Connector for the member of
// the conversation; empty when neither knows it. Remembered for next time; a failure is
// remembered for a while too, and callers asking about a person already being looked up share
// that look-up.
boost::asio::awaitable<std::string> learn_email(std::shared_ptr<TeamsState> state, const ConversationReference& where,
                                                std::string user_id);

}  // namespace adapters::teams
