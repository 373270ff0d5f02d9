#include "bot/core/bot.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/outbox_dispatcher.hpp"
#include "bot/model/markup.hpp"
#include "bot/model/metrics.hpp"

namespace bot {

Bot::Bot(const DistrictConfig& config, const Prompts& prompts, Router& router, Store& store, const Clock& clock)
    : config_(config), prompts_(prompts), router_(router), store_(store), clock_(clock) {}

void Bot::write_effects(Store& store, Effects& fx) {
  const TimePoint now = clock_.now();
  for (auto& o : fx.messages) {
    if (!o.delete_ref.empty()) continue;  // deletions are never stored: see commit()
    if (o.message.fallback.empty()) o.message.fallback = o.message.plain_text();
    store.enqueue(o, now);
  }
  for (const auto& t : fx.timers) store.schedule(t);
}

namespace {
std::string_view kind_name(InboundKind kind) {
  switch (kind) {
    case InboundKind::command: return "command";
    case InboundKind::message: return "message";
    case InboundKind::action: return "action";
    case InboundKind::form_submission: return "form";
  }
  return "other";
}
}  // namespace

HandleResult Bot::handle(const Inbound& event) {
  Wakes wakes;
  HandleResult result = command_thread_
                            ? command_thread_->run_and_wait([&] { return handle_in(*command_store_, event, wakes); })
                            : handle_in(store_, event, wakes);
  wake(wakes);
  return result;
}

boost::asio::awaitable<HandleResult> Bot::async_handle(const Inbound& event) {
  if (!command_thread_) co_return handle(event);
  Wakes wakes;
  std::weak_ptr<int> alive = alive_;
  Store& store = *command_store_;
  HandleResult result =
      co_await command_thread_->run([this, &store, &event, &wakes] { return handle_in(store, event, wakes); });
  if (!alive.expired()) wake(wakes);
  co_return result;
}

HandleResult Bot::handle_in(Store& store, const Inbound& event, Wakes& wakes) {
  const Person* actor = config_.person_by_handle(OutboxDispatcher::directory_key(event.platform), event.actor);
  if (!actor) actor = config_.person_by_email(event.actor_email);
  try {
    auto tx = store.begin();
    if (!store.record_event(event.platform, event.event_id, clock_.now())) {
      metrics::count("hallpass_events_duplicate_total", {{"platform", event.platform}});
      return {true, true};
    }
    metrics::count("hallpass_events_handled_total", {{"platform", event.platform}, {"kind", kind_name(event.kind)}});
    Effects fx;
    std::string thread_key = thread_key_of(store, event, actor);
    // The console names a thread by its domain key ("@in #channel/R-1001"), also when another
    // platform, not the console, showed the thread's first message.
    if (thread_key.empty() && event.platform == "console") thread_key = event.place.thread_ref;
    if (!actor) {
      Message m;
      m.paragraph(prompts_.text(config_.default_language, "core.unknown_person"));
      // Unknown people can only be answered where they wrote.
      fx.send({.to = {.kind = Recipient::Kind::reply,
                      .platform = event.platform,
                      .channel = event.place.channel,
                      .thread_ref = event.place.thread_ref,
                      .only_user = event.actor},
               .message = std::move(m)});
      store.append_audit({.at = clock_.now(),
                          .actor = event.platform + ":" + event.actor,
                          .action = "refused:unknown_person",
                          .subject = "",
                          .details = "{}",
                          .source = event.platform + ":" + event.event_id});
    } else {
      router_.route_event({store, fx, clock_.now(), &event, actor, thread_key});
    }
    commit(store, *tx, fx, wakes);
    return {true, false};
  } catch (const std::exception& e) {
    spdlog::error("handling {} event {} from {} failed: {}", event.platform, event.event_id, event.actor, e.what());
    tell_failure(store, event, actor, wakes);
    return {true, false};
  }
}

// The domain thread ("R-1001") whose root the event answers. The dispatcher records a root under
// the channel it delivered to, and a person's DM is addressed as "dm:<handle>" (or "email:<address>"),
// while the platform reports the DM's own id (Slack "D…", a Matrix room, the web chat's "dm"):
// a reply in a thread is looked up under those addresses too. Only the actor's own DM is looked
// at, and not only when the platform says "direct" (a Matrix DM is known as one only once joined).
std::string Bot::thread_key_of(Store& store, const Inbound& event, const Person* actor) {
  if (event.place.thread_ref.empty()) return {};
  const auto under = [&](const std::string& channel) {
    return store.thread_key_of(event.platform, channel, event.place.thread_ref).value_or("");
  };
  std::string key = under(event.place.channel);
  if (key.empty()) {
    std::string handle = event.actor;
    if (actor)
      if (auto h = actor->handles.find(OutboxDispatcher::directory_key(event.platform)); h != actor->handles.end())
        handle = h->second;
    key = under("dm:" + handle);
    if (key.empty() && handle != event.actor) key = under("dm:" + event.actor);
    if (key.empty() && actor && !actor->email.empty()) key = under("email:" + actor->email);
  }
  return key;
}

// The effects go into the transaction, it commits, and only then are the dispatcher and the
// scheduler woken (wake(), on the io thread): what they read is always committed.
//
// A deletion's reference (e.g. a file that may show a minor) must not reach the database, so it
// goes to the dispatcher in memory. A crash before delivery loses the request; the person was
// told to delete the file themselves where Hallpass cannot.
void Bot::commit(Store& store, Transaction& tx, Effects& fx, Wakes& wakes) {
  write_effects(store, fx);
  tx.commit();
  for (auto& o : fx.messages)
    if (!o.delete_ref.empty()) wakes.deletions.push_back(o);
  wakes.outbox = wakes.outbox || !fx.messages.empty();
  wakes.timers = wakes.timers || !fx.timers.empty();
}

void Bot::wake(Wakes& wakes) {
  if (!wakes.deletions.empty() && deletions_requested_) deletions_requested_(std::move(wakes.deletions));
  if (wakes.outbox && outbox_written_) outbox_written_();
  if (wakes.timers && timers_written_) timers_written_();
  wakes = {};
}

// The workflow failed and its transaction rolled back: nothing changed. Record the event so a
// platform retry does not fail again and again, and tell the person plainly.
void Bot::tell_failure(Store& store, const Inbound& event, const Person* actor, Wakes& wakes) {
  try {
    auto tx = store.begin();
    store.record_event(event.platform, event.event_id, clock_.now());
    Effects fx;
    Message m;
    m.paragraph(prompts_.text(actor ? actor->language : config_.default_language, "core.failed"));
    fx.send({.to = {.kind = Recipient::Kind::reply,
                    .platform = event.platform,
                    .channel = event.place.channel,
                    .thread_ref = event.place.thread_ref,
                    .only_user = event.actor},
             .message = std::move(m)});
    commit(store, *tx, fx, wakes);
  } catch (const std::exception& e) {
    spdlog::error("could not record the failure of event {}: {}", event.event_id, e.what());
  }
}

void Bot::start_up() {
  auto tx = store_.begin();
  Effects fx;
  router_.start_up({store_, fx, clock_.now()});
  Wakes wakes;
  commit(store_, *tx, fx, wakes);
  wake(wakes);
}

int Bot::fire_due_timers() {
  // Here, on the bot's own store, never waiting for the command thread: a reload that adds a
  // district starts it (Runtime::start) while the command threads are paused.
  Wakes wakes;
  const int fired = fire_due_timers_in(store_, wakes);
  wake(wakes);
  return fired;
}

boost::asio::awaitable<int> Bot::async_fire_due_timers() {
  if (!command_thread_) co_return fire_due_timers();
  Wakes wakes;
  std::weak_ptr<int> alive = alive_;
  Store& store = *command_store_;
  const int fired = co_await command_thread_->run([this, &store, &wakes] { return fire_due_timers_in(store, wakes); });
  if (!alive.expired()) wake(wakes);
  co_return fired;
}

boost::asio::awaitable<std::optional<TimePoint>> Bot::async_next_timer() {
  if (!command_thread_) co_return store_.next_timer();
  Store& store = *command_store_;
  co_return co_await command_thread_->run([&store] { return store.next_timer(); });
}

// Its wake-ups are collected and run by the caller, on the io thread.
int Bot::fire_due_timers_in(Store& store, Wakes& wakes) {
  int fired = 0;
  const auto due = lease_owner_.empty()
                       ? store.due_timers(clock_.now())
                       : store.claim_due_timers(clock_.now(), lease_owner_, clock_.now() + lease_length_);
  for (const auto& timer : due) {
    try {
      auto tx = store.begin();
      Effects fx;
      router_.route_timer({store, fx, clock_.now()}, timer);
      store.mark_timer_fired(timer.id, clock_.now());
      commit(store, *tx, fx, wakes);
      metrics::count("hallpass_timers_fired_total", {{"kind", timer.kind}});
      ++fired;
    } catch (const std::exception& e) {
      spdlog::error("timer {} {} for {} failed: {}", timer.id, timer.kind, timer.subject, e.what());
      auto tx = store.begin();
      store.mark_timer_fired(timer.id, clock_.now());  // a failing timer must not block the others
      tx->commit();
    }
  }
  return fired;
}

boost::asio::awaitable<void> Bot::drained() {
  if (drained_) co_await drained_();
}

}  // namespace bot
