#include "bot/core/outbox_dispatcher.hpp"

#include <map>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/model/markup.hpp"
#include "bot/model/use_tuple.hpp"

namespace bot {

namespace asio = boost::asio;

namespace {
constexpr int kMaxAttempts = 12;
constexpr int kBatch = 100;
constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kLongestBackoff = std::chrono::minutes(5);

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
      wake_(executor),
      idle_(executor) {}

void OutboxDispatcher::add_adapter(Adapter& adapter) { adapters_.push_back(&adapter); }

std::string OutboxDispatcher::directory_key(std::string_view platform) {
  return platform == "console" ? "web" : std::string(platform);
}

void OutboxDispatcher::recover() {
  for (Adapter* a : adapters_) {
    auto tx = store_.begin();
    int n = store_.recover_in_flight(a->platform(), a->idempotent_sends());
    tx->commit();
    if (n > 0 && !a->idempotent_sends())
      spdlog::warn(
          "{} message(s) to {} were being sent when Hallpass stopped; they are marked 'uncertain' "
          "and not sent again, so nobody gets a message twice (see `hallpass outbox`).",
          n, a->platform());
    else if (n > 0)
      spdlog::info("{} interrupted message(s) to {} will be retried (the platform de-duplicates them).", n,
                   a->platform());
  }
}

void OutboxDispatcher::notify() { wake_.cancel(); }

void OutboxDispatcher::request_deletions(std::vector<Outbound> deletions) {
  for (auto& d : deletions) deletions_.push_back(std::move(d));
  notify();
}

void OutboxDispatcher::stop() {
  stopped_ = true;
  wake_.cancel();
}

Adapter* OutboxDispatcher::adapter_for(std::string_view platform) const {
  for (Adapter* a : adapters_)
    if (a->platform() == platform) return a;
  return nullptr;
}

bool OutboxDispatcher::resolve(const OutboxEntry& e, Resolved& out, std::string& error) {
  const Outbound& o = e.outbound;
  Delivery& d = out.delivery;
  d.outbox_id = std::to_string(e.id);
  d.idempotency_key = e.idempotency_key;
  d.message = o.message;
  d.reply_context = o.reply_context;
  d.delete_ref = o.delete_ref;
  d.thread_key = o.thread_key;
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
  const std::string platform(out.adapter->platform());
  if (!o.thread_key.empty() && d.thread_ref.empty()) {
    if (auto root = store_.message_ref(platform, d.channel, o.thread_key))
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
                       .update_missing = prompts_->text(lang, "platform.update_missing")};
    if (const std::string cmd = "talk.cmd." + platform; prompts_->has("en", cmd))
      spell_commands(d.message, prompts_->text(lang, cmd));
  }
  if (!o.update_key.empty()) {
    if (auto ref = store_.message_ref(platform, d.channel, o.update_key)) {
      d.update_ref = *ref;
      d.thread_ref.clear();  // an update replaces the message where it stands
      out.new_thread_root = false;
    } else {
      // Nothing to update yet (first card in this place): post it, and remember it for next time.
      out.record_key = o.update_key;
    }
  }
  return true;
}

bool OutboxDispatcher::in_scope(const OutboxEntry& e) const {
  const Recipient& to = e.outbound.to;
  if (e.id <= scope_->after_id) return false;
  if (to.kind == Recipient::Kind::person) return to.person_id == scope_->person_id;
  if (to.kind == Recipient::Kind::reply)
    return to.platform == scope_->platform && (to.only_user.empty() || to.only_user == scope_->user);
  return false;  // a place: its members read it on their own platform
}

std::vector<OutboxEntry> OutboxDispatcher::due_entries() {
  if (!scope_) return store_.due_outbox(clock_.now(), kBatch);
  // Pages past what it leaves to others, so those can never crowd out its own messages.
  std::vector<OutboxEntry> mine;
  std::int64_t after = scope_->after_id;
  for (;;) {
    auto page = store_.due_outbox_after(clock_.now(), after, kBatch);
    for (auto& e : page) {
      after = e.id;
      if (in_scope(e)) mine.push_back(std::move(e));
    }
    if (page.size() < static_cast<size_t>(kBatch)) return mine;
  }
}

asio::awaitable<void> OutboxDispatcher::wait_until_idle() {
  while (busy_) {
    idle_.expires_at(asio::steady_timer::time_point::max());
    co_await idle_.async_wait(bot::use_tuple);
  }
}

// Deletions go first, so a file is gone before the message that explains why is posted.
asio::awaitable<void> OutboxDispatcher::delete_pass() {
  auto deletions = std::exchange(deletions_, {});
  for (auto& o : deletions) {
    OutboxEntry e{.outbound = std::move(o)};
    Resolved r;
    std::string error;
    if (!resolve(e, r, error)) {
      spdlog::warn("a deletion could not be delivered: {}", error);
      continue;
    }
    SendResult result = co_await r.adapter->send(r.delivery);
    if (!result.ok())
      spdlog::warn("{} could not delete a message in {}: {}", r.adapter->platform(), r.delivery.channel,
                   result.error_text);
  }
}

// Sends one conversation's due messages in order. The entry is resolved again just before it is
// sent, because an earlier message of the same pass may have become the thread root or the card
// it refers to. Stops at the first retryable failure so that later messages keep their order.
asio::awaitable<void> OutboxDispatcher::deliver_conversation(std::vector<OutboxEntry> entries, size_t& delivered) {
  for (auto& e : entries) {
    Resolved r;
    std::string error;
    if (!resolve(e, r, error)) {  // the config cannot have changed since grouping; kept for safety
      auto tx = store_.begin();
      store_.mark_failed(e.id, error);
      tx->commit();
      continue;
    }
    const std::string platform(r.adapter->platform());
    {
      auto tx = store_.begin();
      store_.mark_in_flight(e.id, platform, r.delivery.channel);
      tx->commit();
    }
    SendResult result = co_await r.adapter->send(r.delivery);
    auto tx = store_.begin();
    bool keep_going = true;
    if (result.ok()) {
      store_.mark_sent(e.id, result.ref);
      if (r.new_thread_root) store_.put_message_ref(platform, r.delivery.channel, e.outbound.thread_key, result.ref);
      if (!r.record_key.empty()) store_.put_message_ref(platform, r.delivery.channel, r.record_key, result.ref);
      ++delivered;
    } else if (result.retryable() && e.attempts + 1 < kMaxAttempts) {
      // Retry-After first; otherwise e.attempts failed tries so far, so this is retry e.attempts.
      const auto wait = result.retry_after.count() > 0 ? result.retry_after : retry_backoff_.delay(e.attempts);
      spdlog::warn("outbox {}: {} send to {} failed ({}); retrying in {} ms", e.id, platform, r.delivery.channel,
                   result.error_text, wait.count());
      store_.mark_retry(e.id, clock_.now() + wait, result.error_text);
      keep_going = false;
    } else {
      spdlog::error("outbox {}: {} send to {} failed for good: {}", e.id, platform, r.delivery.channel,
                    result.error_text);
      store_.mark_failed(e.id, result.error_text);
    }
    tx->commit();
    if (!keep_going) break;
  }
}

// One pass over what is due. Messages are grouped by conversation (platform and channel) and the
// conversations are delivered concurrently: a platform that paces one channel (Slack about 1/s,
// Teams 7/s) or waits out a rate limit there must not hold up everybody else's messages.
asio::awaitable<size_t> OutboxDispatcher::deliver_pass() {
  co_await wait_until_idle();
  busy_ = true;
  size_t delivered = 0;
  try {
    co_await delete_pass();
    std::vector<std::vector<OutboxEntry>> conversations;
    std::map<std::string, size_t> index;  // "platform\nchannel" → position in conversations
    // A message waiting for its retry keeps its place: later ones to the same conversation wait too.
    const auto waiting = store_.conversations_awaiting_retry(clock_.now());
    for (auto& e : due_entries()) {
      Resolved r;
      std::string error;
      if (!resolve(e, r, error)) {
        spdlog::error("outbox {}: cannot deliver: {}", e.id, error);
        auto tx = store_.begin();
        store_.mark_failed(e.id, error);
        tx->commit();
        continue;
      }
      const std::string conversation = std::string(r.adapter->platform()) + "\n" + r.delivery.channel;
      if (auto w = waiting.find(conversation); w != waiting.end() && w->second < e.id) continue;
      auto [it, added] = index.try_emplace(conversation, conversations.size());
      if (added) conversations.emplace_back();
      conversations[it->second].push_back(std::move(e));
    }
    size_t running = conversations.size();
    asio::steady_timer all_done(executor_, asio::steady_timer::time_point::max());
    for (auto& entries : conversations)
      asio::co_spawn(executor_, deliver_conversation(std::move(entries), delivered),
                     [&running, &all_done](std::exception_ptr failure) {
                       if (failure) {
                         try {
                           std::rethrow_exception(failure);
                         } catch (const std::exception& ex) {
                           spdlog::error("outbox delivery failed: {}", ex.what());
                         }
                       }
                       if (--running == 0) all_done.cancel();
                     });
    if (running > 0) co_await all_done.async_wait(bot::use_tuple);
  } catch (const std::exception& ex) {
    spdlog::error("outbox delivery pass failed: {}", ex.what());
  }
  busy_ = false;
  idle_.cancel();
  co_return delivered;
}

asio::awaitable<void> OutboxDispatcher::drain() {
  // Stops when a pass delivers nothing: what is left is waiting for a retry time or behind a
  // failed message of the same conversation.
  while (co_await deliver_pass() > 0) {
    auto next = store_.next_outbox_attempt();
    if (!next || *next > clock_.now()) co_return;
  }
}

asio::awaitable<void> OutboxDispatcher::run() {
  while (!stopped_) {
    size_t delivered = co_await deliver_pass();
    auto next = store_.next_outbox_attempt();
    auto wait = std::chrono::milliseconds(60'000);
    if (next) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now());
      wait = std::clamp(until, std::chrono::milliseconds(0), wait);
    }
    if (next && wait.count() == 0) {
      if (delivered > 0) continue;
      wait = std::chrono::milliseconds(250);  // due but held back behind a failed send: do not spin
    }
    wake_.expires_after(wait);
    co_await wake_.async_wait(bot::use_tuple);
  }
}

}  // namespace bot
