#pragma once
// The one interface every platform adapter implements (console, web chat, Slack, Teams, Matrix).
//
// Adapters own everything platform-specific and never touch the store or a workflow: they turn
// platform events into Inbound and hand them to the EventSink, and they render and post
// Deliveries. Everything runs on the bot's single io_context thread.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "bot/model/delivery.hpp"
#include "bot/model/inbound.hpp"

namespace bot {

// What the core tells an adapter after handling an event.
struct HandleResult {
  bool accepted = true;    // durably recorded (or a duplicate of something recorded)
  bool duplicate = false;  // seen before; nothing was done again
  // A sentence for the person, to be shown at once where the platform allows an immediate reply
  // (a Slack slash command's response): set by a sink that handed the event to no bot (a county
  // worker that serves no district there).
  std::string immediate_reply;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Handles one event synchronously: de-duplicates, runs the workflow and commits its effects
  // with the outbox in one transaction. When it returns accepted, the adapter may acknowledge
  // the event to the platform. Never throws.
  virtual HandleResult handle(const Inbound& event) = 0;
  // The same for an adapter's coroutine: a sink whose database work runs on a thread of its own
  // (PostgreSQL, bot/core/command_thread.hpp) lets the io thread go on meanwhile. `event` must
  // live until it completes.
  virtual boost::asio::awaitable<HandleResult> async_handle(const Inbound& event) { co_return handle(event); }
  // Completes when every message caused so far has been delivered or has failed for good
  // (the console waits on it before reading the next line). Sinks without an outbox finish at once.
  virtual boost::asio::awaitable<void> drained() { co_return; }
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  // "slack", "teams", "matrix", "web", "console": the key of handles and places in the config.
  virtual std::string_view platform() const = 0;
  // Connects, reads and reconnects until the io_context stops or the coroutine is cancelled.
  virtual boost::asio::awaitable<void> run(EventSink& sink) = 0;
  // Renders and posts one delivery. Never throws: failures come back in SendResult.
  virtual boost::asio::awaitable<SendResult> send(Delivery delivery) = 0;
  // True when a repeated send of the same idempotency_key cannot produce a second message,
  // so a delivery interrupted by a crash may be retried safely.
  virtual bool idempotent_sends() const { return false; }
  // True when send() accepts the channel "email:<address>": the adapter finds the person's own
  // conversation from their email (Slack users.lookupByEmail, Teams saved conversation references),
  // so a directory imported with emails only still reaches people who have no platform id in it.
  virtual bool reaches_by_email() const { return false; }
  // Stops receiving and closes connections politely (a websocket close frame, a listener closed),
  // so that run() returns; called on SIGTERM before the process ends. Safe to call twice.
  virtual void stop() {}
  // True when send() calls Delivery::on_attempt before the request that may post leaves, so a
  // message still waiting inside the adapter (pacing) is known never to have been attempted.
  virtual bool reports_attempts() const { return false; }
  // After a restart: whether a message that was in flight when Hallpass stopped arrived (Slack
  // looks for the outbox key in the message metadata of the channel's history). The default
  // cannot tell. Never throws.
  virtual boost::asio::awaitable<Reconciliation> reconcile(Delivery delivery) {
    (void)delivery;
    co_return Reconciliation{};
  }
};

}  // namespace bot
