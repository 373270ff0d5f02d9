#pragma once
// Delivery: one message ready for one adapter, with the platform address already resolved.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "bot/model/message.hpp"

namespace bot {

// Delivery::on_attempt.
using AttemptHook = std::function<boost::asio::awaitable<void>()>;

struct Delivery {
  std::string outbox_id;        // stable across retries; adapters with idempotent sends key on it
  std::string idempotency_key;  // created before the first try and kept (Matrix txn id)
  std::string channel;          // platform address of the conversation
  std::string thread_ref;       // post as a reply in this thread (platform ref of the root); may be empty
  std::string thread_key;       // the domain thread this belongs to ("R-1001"); a hint for display
  std::string update_ref;       // replace this earlier message instead of posting a new one
  std::string ephemeral_user;   // platform user id: show only to this person in channel
  std::string person_label;     // display name of the recipient for DMs (console, web chat)
  std::string reply_context;    // from the Inbound this answers (Slack trigger_id for a modal)
  std::string delete_ref;       // delete this message or file instead of posting (see Outbound::delete_ref)
  Message message;
  // Set by the dispatcher for adapters that report attempts (Adapter::reports_attempts): called
  // just before the request that may post the message leaves, after any pacing wait. Until then
  // the message was never attempted and a stop leaves it pending; from then on a crash leaves
  // its outcome unknown. May be called more than once (retries inside the adapter). Awaited: the
  // dispatcher records the attempt in the database (on PostgreSQL, on a thread of its own) before
  // the request may leave, without holding the io thread meanwhile.
  AttemptHook on_attempt;
};

// After a restart, what an adapter found out about a message that was being sent when Hallpass
// stopped (Adapter::reconcile).
struct Reconciliation {
  enum class Outcome {
    unknown,   // cannot be checked: it stays 'uncertain' and the reader is told one may be missing
    sent,      // it arrived: ref is the platform's reference
    not_sent,  // it did not arrive: send it now
    retry,     // the check itself failed for now (network): check again later
  };
  Outcome outcome = Outcome::unknown;
  std::string ref;
};

// Why a send (or anything an adapter does: adapters::Error) failed, so the dispatcher and the
// adapters' own retries decide between retry and giving up. protocol: what arrived could not be
// read (a malformed payload or frame); never retried.
enum class SendErrorKind { none, network, timeout, rate_limited, auth, bad_request, not_found, server, protocol };

// The kinds worth trying again later: the network, a timeout, a rate limit, the server's own fault.
inline bool retryable(SendErrorKind kind) {
  return kind == SendErrorKind::network || kind == SendErrorKind::timeout || kind == SendErrorKind::rate_limited ||
         kind == SendErrorKind::server;
}

struct SendResult {
  std::string ref;  // the platform's reference to the posted message (ts, activity id, event id)
  SendErrorKind error = SendErrorKind::none;
  std::string error_text;
  std::chrono::milliseconds retry_after{0};

  bool ok() const { return error == SendErrorKind::none; }
  bool retryable() const { return bot::retryable(error); }
};

}  // namespace bot
