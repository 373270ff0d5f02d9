#pragma once
// Delivery: one message ready for one adapter, with the platform address already resolved.
#include <chrono>
#include <string>

#include "bot/model/message.hpp"

namespace bot {

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
