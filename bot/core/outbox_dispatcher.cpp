#include "bot/core/outbox_dispatcher.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/metrics.hpp"
#include "bot/model/use_tuple.hpp"

namespace bot {

namespace asio = boost::asio;

namespace {
constexpr int kMaxAttempts = 12;
constexpr int kBatch = 100;
constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kLongestBackoff = std::chrono::minutes(5);
// Lease mode: a worker keeps a conversation this long after its last message there (the sent
// row's lease), so that its pacing stays the conversation's: Slack's bucket (5 at once, then one a
// second) is full again after 5 s, Teams' one- and two-second windows are long past. While it
// keeps one it looks for new rows there this often (another worker may have written them).
constexpr auto kKeepConversation = std::chrono::seconds(5);
constexpr auto kKeptConversationLook = std::chrono::milliseconds(250);

// The prompts write commands as "/socialmedia …"; each platform types them its own way (Matrix
// "!socialmedia": Element keeps unknown slash commands; Teams "@Hallpass socialmedia"). Quotes are
// the policy's own words and stay as they are.
void spell_commands(Message& m, const std::string& spelling) {
  static const std::string kWritten = "/socialmedia";
  if (spelling.empty() || spelling == kWritten) return;
  const auto respell = [&](std::string& text) {
    for (size_t at = text.find(kWritten); at != std::string::npos; at = text.find(kWritten, at + spelling.size())) {
      if (at > 0 && text[at - 1] != ' ' && text[at - 1] != '\n' && text[at - 1] != '*' && text[at - 1] != '(' &&
          text[at - 1] != '"' && text[at - 1] != '`')
        continue;
      text.replace(at, kWritten.size(), spelling);
    }
  };
  for (auto& b : m.blocks) {
    if (b.kind != BlockKind::quote) respell(b.text);
    for (auto& f : b.fields) respell(f.value);
  }
  respell(m.fallback);
}
}  // namespace

OutboxDispatcher::OutboxDispatcher(asio::any_io_executor executor, Store& store, const DistrictConfig& config,
                                   const Clock& clock)
    : executor_(executor),
      store_(store),
      config_(config),
      clock_(clock),
      retry_backoff_(kFirstBackoff, kLongestBackoff),
      wake_(executor) {}

void OutboxDispatcher::add_adapter(Adapter& adapter) { adapters_.push_back(&adapter); }

OutboxDispatcher::~OutboxDispatcher() {
  if (!lease_owner_.empty()) store_.key_conversations({});
}

template <class F>
asio::awaitable<std::invoke_result_t<F&, Store&>> OutboxDispatcher::in_store(F f) {
  if (!db_thread_) co_return f(store_);
  Store& store = *db_store_;
  co_return co_await db_thread_->run([f = std::move(f), &store]() mutable { return f(store); });
}

void OutboxDispatcher::use_leases(std::string owner, std::chrono::milliseconds length) {
  lease_owner_ = std::move(owner);
  lease_length_ = std::max(length, std::chrono::milliseconds(300));
  // Every row this worker writes is keyed by the conversation its lane will be (see spawn_due).
  key_store(store_);
  for (Store* s : keyed_stores_) key_store(*s);
}

void OutboxDispatcher::key_conversations_in(Store& store) {
  keyed_stores_.push_back(&store);
  if (!lease_owner_.empty()) key_store(store);
}

void OutboxDispatcher::key_store(Store& store) {
  // Reads only the config and the adapters (route()), which change only while the threads that
  // write rows are paused (a reload).
  store.key_conversations([this](const Outbound& o) { return conversation_of(o); });
}

void OutboxDispatcher::use_database_thread(CommandThread& thread, Store& store) {
  db_thread_ = &thread;
  db_store_ = &store;
  key_conversations_in(store);  // the rows written there (commands, timers, notes) are claimed by conversation too
}

std::string OutboxDispatcher::conversation_of(const Outbound& o) const {
  Resolved r;
  std::string error;
  if (!route(o, r, error)) return {};  // the store keys it by its recipient
  return std::string(r.adapter->platform()) + "\n" + r.delivery.channel;
}

// The functions taking a Store& run on the database thread when there is one (in_store): they read
// only what is fixed before run() (the lease owner and length, the adapters) and their arguments.
bool OutboxDispatcher::keep_conversation(Store& store, std::int64_t id, TimePoint now) const {
  if (lease_owner_.empty()) return false;
  store.renew_outbox_lease(id, lease_owner_, now + kKeepConversation);
  return true;
}

bool OutboxDispatcher::record_sent(Store& store, const OutboxEntry& e, const Resolved& r, const std::string& platform,
                                   const std::string& ref, TimePoint now) const {
  store.mark_sent(e.id, ref);
  // Remembered for later replies in its thread and for updates of the same card.
  if (r.new_thread_root) store.put_message_ref(platform, r.delivery.channel, e.outbound.thread_key, ref);
  if (!r.record_key.empty()) store.put_message_ref(platform, r.delivery.channel, r.record_key, ref);
  return keep_conversation(store, e.id, now);
}

void OutboxDispatcher::kept_conversation() { keeping_until_ = std::chrono::steady_clock::now() + kKeepConversation; }

void OutboxDispatcher::release(Store& store, std::int64_t id) const {
  if (!lease_owner_.empty()) store.release_outbox_lease(id, lease_owner_);
}

asio::awaitable<void> OutboxDispatcher::keep_leases() {
  const auto now = std::chrono::steady_clock::now();
  if (lease_owner_.empty() || now < next_lease_check_) co_return;
  next_lease_check_ = now + lease_length_ / 3;
  try {
    const std::vector<std::int64_t> sending(active_.begin(), active_.end());
    const auto platforms = idempotent_platforms();
    const TimePoint until = clock_.now() + lease_length_;
    co_await in_store([&](Store& store) {
      {
        auto tx = store.begin();
        for (std::int64_t id : sending) store.renew_outbox_lease(id, lease_owner_, until);
        tx->commit();
      }
      recover_platforms(store, platforms);  // a dead worker's in-flight rows to idempotent platforms: pending again
    });
  } catch (const std::exception& ex) {
    spdlog::error("outbox leases could not be renewed: {}", ex.what());
  }
  co_await reconcile_in_flight();  // the others: checked, as after a restart
  full_scan_ = true;               // and pending rows whose lease expired are claimed by the next pass
}

std::string OutboxDispatcher::directory_key(std::string_view platform) {
  return platform == "console" ? "web" : std::string(platform);
}

std::vector<std::string> OutboxDispatcher::idempotent_platforms() const {
  // The others are left in flight: reconcile_in_flight() asks the adapter whether each one arrived.
  std::vector<std::string> out;
  for (Adapter* a : adapters_)
    if (a->idempotent_sends()) out.emplace_back(a->platform());
  return out;
}

void OutboxDispatcher::recover_platforms(Store& store, const std::vector<std::string>& platforms) const {
  for (const auto& platform : platforms) {
    auto tx = store.begin();
    int n = store.recover_in_flight(platform, true);
    tx->commit();
    if (n > 0)
      spdlog::info("{} interrupted message(s) to {} will be retried (the platform de-duplicates them).", n, platform);
  }
}

// At start-up, before run(): on the dispatcher's own store.
void OutboxDispatcher::recover() {
  recover_platforms(store_, idempotent_platforms());
  full_scan_ = true;
}

asio::awaitable<void> OutboxDispatcher::reconcile_in_flight() {
  const TimePoint now = clock_.now();
  std::vector<OutboxEntry> left = co_await in_store([&](Store& store) {
    std::vector<OutboxEntry> found;
    if (!lease_owner_.empty()) {
      // Only rows whose worker's lease expired; claimed, so that no other worker checks them too.
      auto tx = store.begin();
      found = store.claim_expired_in_flight(now, lease_owner_, now + lease_length_);
      std::erase_if(found, [&](const OutboxEntry& e) {
        Adapter* a = adapter_for(e.platform);
        if (a && !a->idempotent_sends()) return false;
        release(store, e.id);  // recover() retries these, or a worker that runs their platform does
        return true;
      });
      tx->commit();
    } else {
      for (auto& e : store.outbox_entries())
        if (e.state == OutboxState::in_flight) found.push_back(std::move(e));
    }
    return found;
  });
  if (left.empty()) co_return;
  spdlog::warn("{} message(s) were being sent when Hallpass stopped; checking whether they arrived", left.size());
  for (auto& e : left) {
    Adapter* a = adapter_for(e.platform);
    if (!a || a->idempotent_sends()) continue;  // not running now: left as it is for a later start
    Resolved r;
    std::string error;
    Reconciliation found;
    if (co_await resolve(e, r, error) && r.adapter == a) {
      for (int attempt = 0;; ++attempt) {
        found = co_await a->reconcile(r.delivery);
        if (found.outcome != Reconciliation::Outcome::retry || attempt >= 3 || stopped_) break;
        asio::steady_timer pause(executor_);
        pause.expires_after(retry_backoff_.delay(attempt));
        co_await pause.async_wait(bot::use_tuple);
      }
    }
    const std::string platform(a->platform());
    const TimePoint at = clock_.now();
    const bool arrived = found.outcome == Reconciliation::Outcome::sent;
    const bool missing = found.outcome == Reconciliation::Outcome::not_sent;
    // The note reads the config: made here, not where the database work runs. (No ?: with a class
    // temporary in a coroutine: GCC 12 mis-compiles it.)
    std::optional<Outbound> note;
    if (!arrived && !missing) note = may_be_missing_note(e);
    const bool kept = co_await in_store([&](Store& store) {
      bool keeps = false;
      auto tx = store.begin();
      if (arrived) {
        spdlog::info("outbox {}: it had arrived in {} before Hallpass stopped; not sent again", e.id, e.channel);
        keeps = record_sent(store, e, r, platform, found.ref, at);
      } else if (missing) {
        spdlog::info("outbox {}: it had not arrived in {} when Hallpass stopped; sending it now", e.id, e.channel);
        store.mark_deferred(e.id, platform, e.channel, at, "interrupted; it had not arrived");
        release(store, e.id);
      } else {
        spdlog::warn(
            "outbox {}: {} cannot tell whether it arrived in {}; marked 'uncertain' and not sent again, so "
            "nobody gets it twice; the reader is told that a message may be missing (see `hallpass outbox`)",
            e.id, platform, e.channel);
        store.mark_uncertain(e.id, "interrupted; whether it arrived cannot be checked");
        if (note) store.enqueue(*note, at);
        keeps = keep_conversation(store, e.id, at);
      }
      tx->commit();
      return keeps;
    });
    if (kept) kept_conversation();
  }
  full_scan_ = true;
}

std::optional<Outbound> OutboxDispatcher::may_be_missing_note(const OutboxEntry& e) const {
  if (!prompts_) return std::nullopt;
  const Outbound& o = e.outbound;
  std::string lang = config_.default_language;
  const Person* reader = nullptr;
  if (o.to.kind == Recipient::Kind::person)
    reader = config_.person(o.to.person_id);
  else if (o.to.kind == Recipient::Kind::reply && !o.to.only_user.empty())
    reader = config_.person_by_handle(directory_key(o.to.platform), o.to.only_user);
  if (reader) lang = reader->language;
  Outbound note;
  note.to = o.to;
  note.thread_key = o.thread_key;
  note.message.paragraph(prompts_->text(lang, "platform.may_be_missing"));
  note.message.fallback = note.message.plain_text();
  return note;
}

void OutboxDispatcher::notify() {
  notified_ = true;
  wake_.cancel();
}

void OutboxDispatcher::request_deletions(std::vector<Outbound> deletions) {
  for (auto& d : deletions) deletions_.push_back(std::move(d));
  notify();
}

void OutboxDispatcher::stop() {
  stopped_ = true;
  wake_.cancel();
  signal_change();
}

Adapter* OutboxDispatcher::adapter_for(std::string_view platform) const {
  for (Adapter* a : adapters_)
    if (a->platform() == platform) return a;
  return nullptr;
}

// Which adapter and channel a message goes to (no store reads: also called inside enqueue()).
bool OutboxDispatcher::route(const Outbound& o, Resolved& out, std::string& error) const {
  Delivery& d = out.delivery;
  switch (o.to.kind) {
    case Recipient::Kind::person: {
      const Person* p = config_.person(o.to.person_id);
      if (!p) return error = "unknown person " + o.to.person_id, false;
      auto reachable = [&](Adapter* a) {
        return a && (p->handles.contains(directory_key(a->platform())) || (!p->email.empty() && a->reaches_by_email()));
      };
      Adapter* a = adapter_for(o.to.platform);
      if (!reachable(a)) {
        a = nullptr;
        for (Adapter* cand : adapters_)
          if (reachable(cand)) {
            a = cand;
            break;
          }
      }
      if (!a)
        return error =
                   "no running platform reaches " + p->id + " (add their platform id or email in the people directory)",
               false;
      out.adapter = a;
      if (auto h = p->handles.find(directory_key(a->platform())); h != p->handles.end())
        d.channel = "dm:" + h->second;
      else
        d.channel = "email:" + p->email;
      d.person_label = p->name;
      break;
    }
    case Recipient::Kind::place: {
      const Place* place = config_.place(o.to.place_id);
      if (!place) return error = "unknown place " + o.to.place_id, false;
      for (Adapter* a : adapters_)
        if (auto it = place->addresses.find(directory_key(a->platform())); it != place->addresses.end()) {
          out.adapter = a;
          d.channel = it->second;
          break;
        }
      if (!out.adapter) return error = "no running platform has an address for " + place->id, false;
      break;
    }
    case Recipient::Kind::reply: {
      out.adapter = adapter_for(o.to.platform);
      if (!out.adapter) return error = "the " + o.to.platform + " adapter is not running", false;
      d.channel = o.to.channel;
      d.thread_ref = o.to.thread_ref;
      d.ephemeral_user = o.to.only_user;
      break;
    }
  }
  return true;
}

asio::awaitable<bool> OutboxDispatcher::resolve(const OutboxEntry& e, Resolved& out, std::string& error) {
  const Outbound& o = e.outbound;
  Delivery& d = out.delivery;
  d.outbox_id = std::to_string(e.id);
  d.idempotency_key = e.idempotency_key;
  d.message = o.message;
  d.reply_context = o.reply_context;
  d.delete_ref = o.delete_ref;
  d.thread_key = o.thread_key;
  if (!route(o, out, error)) co_return false;
  const std::string platform(out.adapter->platform());
  // The thread's root and the message to update, in one visit to the database.
  const bool wants_root = !o.thread_key.empty() && d.thread_ref.empty();
  const bool wants_update = !o.update_key.empty();
  std::optional<std::string> root;
  std::optional<std::string> earlier;
  if (wants_root || wants_update) {
    co_await in_store([&](Store& store) {
      if (wants_root) root = store.message_ref(platform, d.channel, o.thread_key);
      if (wants_update) earlier = store.message_ref(platform, d.channel, o.update_key);
    });
  }
  if (wants_root) {
    if (root)
      d.thread_ref = *root;
    else
      out.new_thread_root = true;
  }
  out.record_key = o.record_key;
  if (prompts_) {
    // The reader's language: the person's, the asker's for a reply, else the district's.
    std::string lang = config_.default_language;
    const Person* reader = nullptr;
    if (o.to.kind == Recipient::Kind::person)
      reader = config_.person(o.to.person_id);
    else if (o.to.kind == Recipient::Kind::reply && !o.to.only_user.empty())
      reader = config_.person_by_handle(directory_key(platform), o.to.only_user);
    if (reader) lang = reader->language;
    d.message.notes = {.shortened = prompts_->text(lang, "platform.shortened"),
                       .quote_shortened = prompts_->text(lang, "platform.quote_shortened"),
                       .form_not_opened = prompts_->text(lang, "platform.form_not_opened"),
                       .thread_missing = o.thread_key.empty()
                                             ? prompts_->text(lang, "platform.thread_missing")
                                             : prompts_->text(lang, "platform.thread_missing_named",
                                                              {{"thread", markup::escape(o.thread_key)}}),
                       .update_missing = prompts_->text(lang, "platform.update_missing"),
                       .form_how = prompts_->text(lang, "platform.form_how"),
                       .form_required = prompts_->text(lang, "platform.form_required"),
                       .form_one_of = prompts_->text(lang, "platform.form_one_of"),
                       .form_any_of = prompts_->text(lang, "platform.form_any_of"),
                       .form_now = prompts_->text(lang, "platform.form_now")};
    if (const std::string cmd = "talk.cmd." + platform; prompts_->has("en", cmd))
      spell_commands(d.message, prompts_->text(lang, cmd));
  }
  if (wants_update) {
    if (earlier) {
      d.update_ref = *earlier;
      d.thread_ref.clear();  // an update replaces the message where it stands
      out.new_thread_root = false;
    } else {
      // Nothing to update yet (first card in this place): post it, and remember it for next time.
      out.record_key = o.update_key;
    }
  }
  co_return true;
}

bool OutboxDispatcher::in_scope(const OutboxEntry& e) const {
  const Recipient& to = e.outbound.to;
  if (e.id <= scope_->after_id) return false;
  if (to.kind == Recipient::Kind::person) return to.person_id == scope_->person_id;
  if (to.kind == Recipient::Kind::reply)
    return to.platform == scope_->platform && (to.only_user.empty() || to.only_user == scope_->user);
  return false;  // a place: its members read it on their own platform
}

std::vector<OutboxEntry> OutboxDispatcher::due_entries(Store& store, std::int64_t after_id, TimePoint now) const {
  // Pages through every due row above after_id (a console run: past what it leaves to others, so
  // those can never crowd out its own messages).
  std::vector<OutboxEntry> out;
  std::int64_t after = after_id;
  if (scope_) after = std::max(after, scope_->after_id);
  if (!lease_owner_.empty() && !scope_) {
    // Claimed rows are this worker's until their lease ends: a page holds none claimed before.
    for (;;) {
      auto page = store.claim_due_outbox(now, kBatch, lease_owner_, now + lease_length_);
      const bool last = page.size() < static_cast<size_t>(kBatch);
      for (auto& e : page) out.push_back(std::move(e));
      if (last) return out;
    }
  }
  for (;;) {
    auto page = store.due_outbox_after(now, after, kBatch);
    for (auto& e : page) {
      after = e.id;
      if (!scope_ || in_scope(e)) out.push_back(std::move(e));
    }
    if (page.size() < static_cast<size_t>(kBatch)) return out;
  }
}

void OutboxDispatcher::signal_change() {
  for (auto* t : change_waiters_) t->cancel();
}

asio::awaitable<void> OutboxDispatcher::wait_for_change(std::chrono::steady_clock::time_point until) {
  asio::steady_timer t(executor_, until);
  change_waiters_.insert(&t);
  co_await t.async_wait(bot::use_tuple);
  change_waiters_.erase(&t);
}

asio::awaitable<void> OutboxDispatcher::wait_until_idle() {
  while (busy_) co_await wait_for_change(std::chrono::steady_clock::time_point::max());
}

// Deletions go first, so a file is gone before the message that explains why is posted.
asio::awaitable<void> OutboxDispatcher::delete_pass() {
  auto deletions = std::exchange(deletions_, {});
  for (auto& o : deletions) {
    OutboxEntry e{.outbound = std::move(o)};
    Resolved r;
    std::string error;
    if (!co_await resolve(e, r, error)) {
      spdlog::warn("a deletion could not be delivered: {}", error);
      continue;
    }
    SendResult result = co_await r.adapter->send(r.delivery);
    if (!result.ok())
      spdlog::warn("{} could not delete a message in {}: {}", r.adapter->platform(), r.delivery.channel,
                   result.error_text);
  }
}

// Sends one message. The entry is resolved again just before it is sent, because an earlier
// message of the same conversation may have become the thread root or the card it refers to.
// False at a retryable failure: the conversation stops there so that later messages keep their order.
asio::awaitable<bool> OutboxDispatcher::deliver_one(OutboxEntry e) {
  Resolved r;
  std::string error;
  if (!co_await resolve(e, r, error)) {  // the config cannot have changed since grouping; kept for safety
    co_await in_store([&](Store& store) {
      auto tx = store.begin();
      store.mark_failed(e.id, error);
      release(store, e.id);  // never attempted: its conversation is free for whoever sends the next
      tx->commit();
    });
    co_return true;
  }
  const std::string platform(r.adapter->platform());
  // In flight only from the moment the request may post: a message still waiting for its pacing
  // slot when Hallpass stops was never attempted, and stays pending instead of 'uncertain'.
  bool attempted = false;
  if (r.adapter->reports_attempts())
    r.delivery.on_attempt = [this, &attempted, id = e.id, platform, channel = r.delivery.channel] {
      return mark_attempt(attempted, id, platform, channel);
    };
  else
    co_await mark_attempt(attempted, e.id, platform, r.delivery.channel);
  SendResult result = co_await r.adapter->send(r.delivery);
  const TimePoint now = clock_.now();
  // What the store is told, decided (and logged) here, written below in one transaction.
  enum class Mark { sent, deferred, retry, failed } mark = Mark::failed;
  auto wait = std::chrono::milliseconds(0);
  bool keep_going = true;
  if (result.error == SendErrorKind::rate_limited)
    metrics::count("hallpass_rate_limited_total", {{"platform", platform}});
  if (result.ok()) {
    metrics::count("hallpass_deliveries_total", {{"platform", platform}, {"result", "sent"}});
    mark = Mark::sent;
  } else if (result.retryable() && !attempted) {
    // Never attempted (paced beyond the adapter's patience, or woken by a stop): not counted as a
    // try; when stopping, it is due again at the next start.
    wait = result.retry_after.count() > 0 ? result.retry_after : kFirstBackoff;
    if (stopping_) wait = std::chrono::milliseconds(0);
    if (!stopping_)
      spdlog::info("outbox {}: {} to {} waits {} ms ({})", e.id, platform, r.delivery.channel, wait.count(),
                   result.error_text);
    mark = Mark::deferred;
    keep_going = false;
  } else if (result.retryable() && e.attempts + 1 < kMaxAttempts) {
    // Retry-After first; otherwise e.attempts failed tries so far, so this is retry e.attempts.
    wait = result.retry_after.count() > 0 ? result.retry_after : retry_backoff_.delay(e.attempts);
    spdlog::warn("outbox {}: {} send to {} failed ({}); retrying in {} ms", e.id, platform, r.delivery.channel,
                 result.error_text, wait.count());
    metrics::count("hallpass_deliveries_total", {{"platform", platform}, {"result", "retry"}});
    mark = Mark::retry;
    keep_going = false;
  } else {
    spdlog::error("outbox {}: {} send to {} failed for good: {}", e.id, platform, r.delivery.channel,
                  result.error_text);
    metrics::count("hallpass_deliveries_total", {{"platform", platform}, {"result", "failed"}});
  }
  const bool kept = co_await in_store([&](Store& store) {
    bool keeps = false;
    auto tx = store.begin();
    switch (mark) {
      case Mark::sent: keeps = record_sent(store, e, r, platform, result.ref, now); break;
      case Mark::deferred:
        store.mark_deferred(e.id, platform, r.delivery.channel, now + wait, result.error_text);
        break;
      case Mark::retry: store.mark_retry(e.id, now + wait, result.error_text); break;
      case Mark::failed:
        store.mark_failed(e.id, result.error_text);
        keeps = keep_conversation(store, e.id, now);  // it was attempted: it counts towards the conversation's pace
        break;
    }
    if (!keep_going) release(store, e.id);  // waits for a retry: whichever worker is free then sends it
    tx->commit();
    return keeps;
  });
  if (kept) kept_conversation();
  co_return keep_going;
}

asio::awaitable<void> OutboxDispatcher::mark_attempt(bool& attempted, std::int64_t id, std::string platform,
                                                     std::string channel) {
  if (attempted) co_return;
  attempted = true;
  co_await in_store([&](Store& store) {
    auto tx = store.begin();
    store.mark_in_flight(id, platform, channel);
    tx->commit();
  });
}

// One conversation's worker: sends its lane in order until the lane is empty, a retryable
// failure, or stop_sending(). What is left in the lane stays pending in the store.
asio::awaitable<void> OutboxDispatcher::deliver_conversation(std::string conversation) {
  for (;;) {
    auto lane = lanes_.find(conversation);
    if (lane == lanes_.end() || lane->second.empty() || stopping_ || stopped_) break;
    OutboxEntry e = std::move(lane->second.front());
    lane->second.pop_front();
    const std::int64_t id = e.id;
    bool keep_going = false;
    try {
      keep_going = co_await deliver_one(std::move(e));
    } catch (const std::exception& ex) {
      spdlog::error("outbox {}: delivery failed: {}", id, ex.what());
    }
    active_.erase(id);
    if (!keep_going) {
      // A retry time now exists that run() may not know of (it may sleep for a minute while
      // every row was in flight): it looks again.
      notify();
      break;
    }
  }
  // What is left was never attempted: the lane ends here (a pass meanwhile starts a new one), and
  // its rows are given back, for another worker or the next start.
  std::vector<std::int64_t> left;
  if (auto lane = lanes_.find(conversation); lane != lanes_.end()) {
    for (const auto& e : lane->second) {
      left.push_back(e.id);
      active_.erase(e.id);
    }
    lanes_.erase(lane);
  }
  if (!left.empty() && !lease_owner_.empty()) {
    try {
      co_await in_store([&](Store& store) {
        auto tx = store.begin();
        for (std::int64_t id : left) release(store, id);
        tx->commit();
      });
    } catch (const std::exception& ex) {
      spdlog::error("outbox leases could not be given back: {}", ex.what());
    }
  }
  signal_change();
}

// Hands what is due to the conversations' workers, starting a worker for a conversation that has
// none. Returns how many messages it handed out. Grouping needs no database (route(), not
// resolve()): a worker resolves each message just before it sends it.
asio::awaitable<size_t> OutboxDispatcher::spawn_due() {
  const bool full = std::exchange(full_scan_, false);
  const std::int64_t after = full ? 0 : cursor_;
  const TimePoint now = clock_.now();
  std::map<std::string, std::int64_t> waiting;
  std::vector<OutboxEntry> due;
  co_await in_store([&](Store& store) {
    // A message waiting for its retry keeps its place: later ones to the same conversation wait too.
    waiting = store.conversations_awaiting_retry(now);
    due = due_entries(store, after, now);
  });
  std::vector<std::pair<std::int64_t, std::string>> undeliverable;
  std::vector<std::int64_t> given_back;
  size_t handed = 0;
  for (auto& e : due) {
    cursor_ = std::max(cursor_, e.id);
    // In a lane already. (The rows a lane sent while this pass read were read before they were
    // marked, on the same database thread, and this pass resumes before that lane does.)
    if (active_.contains(e.id)) continue;
    Resolved r;
    std::string error;
    if (!route(e.outbound, r, error)) {
      spdlog::error("outbox {}: cannot deliver: {}", e.id, error);
      undeliverable.emplace_back(e.id, std::move(error));
      continue;
    }
    std::string conversation = std::string(r.adapter->platform()) + "\n" + r.delivery.channel;
    if (auto w = waiting.find(conversation); w != waiting.end() && w->second < e.id) {
      given_back.push_back(e.id);
      continue;
    }
    active_.insert(e.id);
    ++handed;
    auto [lane, added] = lanes_.try_emplace(conversation);
    lane->second.push_back(std::move(e));
    if (added)
      asio::co_spawn(executor_, deliver_conversation(conversation), [](std::exception_ptr failure) {
        if (!failure) return;
        try {
          std::rethrow_exception(failure);
        } catch (const std::exception& ex) {
          spdlog::error("outbox delivery failed: {}", ex.what());
        }
      });
  }
  if (!undeliverable.empty() || (!given_back.empty() && !lease_owner_.empty())) {
    co_await in_store([&](Store& store) {
      auto tx = store.begin();
      for (const auto& [id, why] : undeliverable) {
        store.mark_failed(id, why);
        release(store, id);
      }
      for (std::int64_t id : given_back) release(store, id);
      tx->commit();
    });
  }
  co_return handed;
}

// One pass over what is due: deletions, then the due messages handed to their conversations'
// workers (a platform that paces one channel, Slack about 1/s, Teams 7/s, or waits out a rate
// limit there must not hold up everybody else's messages, so the pass does not wait for them).
asio::awaitable<size_t> OutboxDispatcher::deliver_pass() {
  co_await wait_until_idle();
  busy_ = true;
  size_t handed = 0;
  try {
    co_await delete_pass();
    if (!stopping_ && !stopped_) handed = co_await spawn_due();
  } catch (const std::exception& ex) {
    spdlog::error("outbox delivery pass failed: {}", ex.what());
  }
  busy_ = false;
  signal_change();
  co_return handed;
}

asio::awaitable<void> OutboxDispatcher::drain() {
  // Returns when nothing is being delivered and a pass hands out nothing: what is left is waiting
  // for a retry time or behind a failed message of the same conversation.
  for (;;) {
    full_scan_ = true;
    co_await deliver_pass();
    if (lanes_.empty()) co_return;
    while (!lanes_.empty()) co_await wait_for_change(std::chrono::steady_clock::time_point::max());
  }
}

asio::awaitable<void> OutboxDispatcher::settle(std::chrono::steady_clock::time_point until) {
  while (std::chrono::steady_clock::now() < until && !stopped_) {
    co_await deliver_pass();
    if (lanes_.empty()) co_return;
    co_await wait_for_change(until);
  }
}

void OutboxDispatcher::stop_sending() {
  stopping_ = true;
  wake_.cancel();
  signal_change();
}

asio::awaitable<void> OutboxDispatcher::idle(std::chrono::steady_clock::time_point until) {
  while (!lanes_.empty() && std::chrono::steady_clock::now() < until) co_await wait_for_change(until);
}

std::chrono::milliseconds OutboxDispatcher::wait_until(TimePoint at, std::chrono::milliseconds cap) const {
  const auto until =
      std::chrono::duration_cast<std::chrono::milliseconds>(at - clock_.now()) + std::chrono::milliseconds(1);
  return std::clamp(until, std::chrono::milliseconds(1), cap);
}

// The periodic look of a worker with nothing in hand (several workers): one visit, two statements,
// instead of a lease round, a pass and a retry look (about eight statements in five visits). A
// county worker looks at each of its districts every third of a lease, so this is its idle cost.
asio::awaitable<bool> OutboxDispatcher::quiet_look(std::chrono::milliseconds& wait) {
  const bool in_hand =
      !lanes_.empty() || !active_.empty() || !deletions_.empty() || std::chrono::steady_clock::now() < keeping_until_;
  if (lease_owner_.empty() || in_hand) co_return false;
  const TimePoint now = clock_.now();
  const Outbox::OutboxLook look = co_await in_store([&](Store& store) { return store.look_at_outbox(now); });
  if (look.work || notified_ || stopped_) co_return false;
  wait = lease_length_ / 3;
  if (look.next_retry) wait = wait_until(*look.next_retry, wait);
  co_return true;
}

asio::awaitable<void> OutboxDispatcher::run() {
  co_await reconcile_in_flight();
  bool timer_woke = false;
  while (!stopped_) {
    notified_ = false;
    // Woken by the timer with nothing in hand: nothing to do unless the look finds something.
    if (auto wait = std::chrono::milliseconds(0); std::exchange(timer_woke, false) && co_await quiet_look(wait)) {
      wake_.expires_after(wait);
      auto [ec] = co_await wake_.async_wait(bot::use_tuple);
      if (!ec) full_scan_ = true;
      timer_woke = !ec;
      continue;
    }
    co_await keep_leases();
    co_await deliver_pass();
    if (stopped_) break;
    if (std::exchange(notified_, false)) continue;  // written while the pass ran
    // What is due now is in the workers' lanes or waits behind a retry; the next retry time frees
    // both (a full scan then). No polling: at a thousand answers a second, re-reading the rows in
    // the lanes would cost the acknowledgements their milliseconds.
    auto wait = std::chrono::milliseconds(60'000);
    if (!lease_owner_.empty()) {
      wait = std::min(wait, lease_length_ / 3);  // renew, and take dead workers' rows
      // Conversations this worker delivers or keeps: rows other workers write there are this
      // worker's to send, and only a look finds them.
      if (!lanes_.empty() || std::chrono::steady_clock::now() < keeping_until_)
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(kKeptConversationLook));
    }
    // A conversation another worker keeps, with rows due in it: free when its lease ends. Asked
    // at most every look, not at every pass (a pass follows every command).
    bool look_for_handoff = false;
    if (const auto now = std::chrono::steady_clock::now(); !lease_owner_.empty() && now >= next_handoff_check_) {
      next_handoff_check_ = now + kKeptConversationLook;
      look_for_handoff = true;
    }
    const TimePoint now = clock_.now();
    std::optional<TimePoint> handoff;
    const std::optional<TimePoint> next = co_await in_store([&](Store& store) {
      if (look_for_handoff) handoff = store.next_outbox_handoff(now, lease_owner_);
      return store.next_outbox_retry(now);
    });
    if (look_for_handoff) next_handoff_ = handoff;
    // A notify() or stop() while the database was asked found no timer waiting to cancel.
    if (stopped_) break;
    if (std::exchange(notified_, false)) continue;
    if (auto free = next_handoff_; !lease_owner_.empty() && free && *free > clock_.now())
      wait = wait_until(*free, wait);
    if (next) wait = wait_until(*next, wait);
    wake_.expires_after(wait);
    auto [ec] = co_await wake_.async_wait(bot::use_tuple);
    if (!ec) full_scan_ = true;  // a retry time came (or the minute's look): read every due row
    timer_woke = !ec;
  }
}

}  // namespace bot
