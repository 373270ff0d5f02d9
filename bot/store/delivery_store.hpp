#pragma once
// The delivery machinery of the store: what bot/core and bot/app need to receive events once,
// deliver messages, fire timers and let adapters keep their own values. Workflows never see it
// (they get bot/store/domain_store.hpp).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/model/clock.hpp"
#include "bot/model/effects.hpp"
#include "bot/store/domain_store.hpp"

namespace bot {

enum class OutboxState { pending, in_flight, sent, failed, uncertain };

struct OutboxEntry {
  std::int64_t id = 0;
  Outbound outbound;
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  TimePoint next_attempt{};
  std::string idempotency_key;
  std::string platform;  // where it went, once sent
  std::string channel;
  std::string ref;
  std::string last_error;
};

// Events: true the first time (platform, event_id) is seen; false for a duplicate.
class EventLog {
 public:
  virtual ~EventLog() = default;
  virtual bool record_event(std::string_view platform, std::string_view event_id, TimePoint now) = 0;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void enqueue(const Outbound& o, TimePoint now) = 0;
  virtual std::vector<OutboxEntry> due_outbox(TimePoint now, int limit) = 0;
  // The same, only entries with an id above after_id (what one console run enqueued itself).
  virtual std::vector<OutboxEntry> due_outbox_after(TimePoint now, std::int64_t after_id, int limit) = 0;
  // The newest outbox id, 0 when the outbox is empty.
  virtual std::int64_t last_outbox_id() = 0;
  virtual std::optional<TimePoint> next_outbox_attempt() = 0;
  // Conversations ("platform\nchannel") with a message waiting for its retry time, each with the
  // id of the first such message: later messages to the same conversation wait behind it.
  virtual std::map<std::string, std::int64_t> conversations_awaiting_retry(TimePoint now) = 0;
  virtual void mark_in_flight(std::int64_t id, std::string_view platform, std::string_view channel) = 0;
  virtual void mark_sent(std::int64_t id, std::string_view ref) = 0;
  virtual void mark_retry(std::int64_t id, TimePoint next, std::string_view error) = 0;
  virtual void mark_failed(std::int64_t id, std::string_view error) = 0;
  // After a restart: entries left in flight become pending (retry_safe) or uncertain.
  virtual int recover_in_flight(std::string_view platform, bool retry_safe) = 0;
  virtual std::vector<OutboxEntry> outbox_entries() = 0;  // for tests and `hallpass outbox`
  // Back to pending at `next` without counting an attempt (it was never attempted, or a check
  // after a restart found it did not arrive); platform and channel recorded so that later
  // messages to the same conversation keep waiting behind it.
  virtual void mark_deferred(std::int64_t id, std::string_view platform, std::string_view channel, TimePoint next,
                             std::string_view error) = 0;
  virtual void mark_uncertain(std::int64_t id, std::string_view error) = 0;
  // The earliest retry time after `now` of a pending entry (none: nothing waits for a later time).
  virtual std::optional<TimePoint> next_outbox_retry(TimePoint now) = 0;
  // Several workers on one database (issue 23): the due pending entries (at most `limit`, oldest
  // first) that no other worker holds, leased to `owner` until `until`. Two workers never get the
  // same entry while its lease lasts; a worker that died loses its leases when they expire.
  // recover_in_flight takes back only in-flight entries whose lease expired (or that never had one).
  virtual std::vector<OutboxEntry> claim_due_outbox(TimePoint now, int limit, std::string_view owner,
                                                    TimePoint until) = 0;
  // The in-flight entries whose lease expired (their worker died while sending), leased to `owner`
  // until `until`, for that worker to reconcile: two live workers never reconcile the same entry.
  virtual std::vector<OutboxEntry> claim_expired_in_flight(TimePoint now, std::string_view owner, TimePoint until) = 0;
  // A worker still sending an entry keeps it (the lease runs to `until`); one that will not send
  // it (stopping, or it waits for a retry) gives it back so that any worker may take it at once.
  // Both only while `owner` holds the lease.
  virtual void renew_outbox_lease(std::int64_t id, std::string_view owner, TimePoint until) = 0;
  virtual void release_outbox_lease(std::int64_t id, std::string_view owner) = 0;
  // The conversation an entry goes to ("platform\nchannel", as the dispatcher keys its queues),
  // written with it by enqueue(). claim_due_outbox gives a conversation to one worker at a time:
  // not while another worker holds a live lease on any of its entries (sending, queued, or sent
  // and kept for its pacing), and an entry only with every earlier waiting entry of its
  // conversation. Without a key function (or when it returns ""), the recipient as written is
  // the conversation. Set by the dispatcher; called inside enqueue(), so it must not use the store.
  using ConversationKey = std::function<std::string(const Outbound&)>;
  virtual void key_conversations(ConversationKey key) = 0;
  // When a due entry that claim_due_outbox does not give `owner` (its conversation is another
  // worker's) may be free: the earliest end of the other workers' leases in such conversations.
  virtual std::optional<TimePoint> next_outbox_handoff(TimePoint now, std::string_view owner) = 0;
  // An idle worker's periodic look, in one visit: whether a pass would find anything (a due
  // pending entry whose own lease is free, or an in-flight entry whose lease expired; more than
  // a pass takes is fine, never less), and next_outbox_retry(now).
  struct OutboxLook {
    bool work = false;
    std::optional<TimePoint> next_retry;
  };
  virtual OutboxLook look_at_outbox(TimePoint now) = 0;
};

// Platform references of posted messages: thread roots and messages that may be updated.
class MessageRefs {
 public:
  virtual ~MessageRefs() = default;
  virtual std::optional<std::string> message_ref(std::string_view platform, std::string_view channel,
                                                 std::string_view key) = 0;
  virtual void put_message_ref(std::string_view platform, std::string_view channel, std::string_view key,
                               std::string_view ref) = 0;
  // The domain thread key ("R-1001") of a thread whose root has this platform reference.
  virtual std::optional<std::string> thread_key_of(std::string_view platform, std::string_view channel,
                                                   std::string_view ref) = 0;
  // Where the message remembered under a key was posted: (platform, channel, ref).
  struct PostedMessage {
    std::string platform, channel, ref;
  };
  virtual std::optional<PostedMessage> posted_message(std::string_view key) = 0;
};

// Timers as the core sees them: scheduling the same (kind, subject, due) twice keeps one.
// (Workflows cancel theirs through TimerCancellation.)
class TimerQueue {
 public:
  virtual ~TimerQueue() = default;
  virtual void schedule(const TimerRequest& t) = 0;
  virtual std::vector<Timer> due_timers(TimePoint now) = 0;
  virtual std::optional<TimePoint> next_timer() = 0;
  virtual void mark_timer_fired(std::int64_t id, TimePoint at) = 0;
  // The due timers no other worker holds, leased to `owner` until `until` (see claim_due_outbox).
  virtual std::vector<Timer> claim_due_timers(TimePoint now, std::string_view owner, TimePoint until) = 0;
};

// Small values adapters keep between runs (Matrix's sync token "matrix.next_batch", Teams'
// conversation references "teams.ref.…"), each under its platform's keys: the `checkpoints` table.
class AdapterStateStore {
 public:
  virtual ~AdapterStateStore() = default;
  virtual std::optional<std::string> adapter_state(std::string_view key) = 0;
  virtual void set_adapter_state(std::string_view key, std::string_view value) = 0;
  // Stores the value only where the key holds none (or ""), in one statement: of several workers
  // claiming one key, exactly one is told true (a Slack OAuth state is taken once).
  virtual bool claim_adapter_state(std::string_view key, std::string_view value) = 0;
  // Every value (not "") whose key starts with the prefix, ordered by key: a list kept as one key
  // per item instead of an index that two workers would read, change and overwrite.
  virtual std::vector<std::pair<std::string, std::string>> adapter_states(std::string_view prefix) = 0;
  virtual void remove_adapter_state(std::string_view key) = 0;
};

// Messages an adapter keeps for itself: the web chat is its own platform, so it keeps what Slack
// keeps on its servers (what it showed, and the refs threads and card updates need).
class KeptMessageStore {
 public:
  virtual ~KeptMessageStore() = default;
  struct KeptMessage {
    std::string place, ref, body;
  };
  // Oldest first.
  virtual std::vector<KeptMessage> kept_messages(std::string_view platform) = 0;
  // Adds the message, or replaces the one with its ref where it stands; then forgets the oldest of
  // its place beyond `keep`. Two statements, no transaction of its own (callers may hold none).
  virtual void keep_message(std::string_view platform, const KeptMessage& message, std::size_t keep) = 0;
};

// Everything the core and the app use to deliver.
class DeliveryStore : public EventLog,
                      public Outbox,
                      public MessageRefs,
                      public TimerQueue,
                      public AdapterStateStore,
                      public KeptMessageStore {};

}  // namespace bot
