#pragma once
// What the bot hands a turn to: the workflows implement it and the app injects them, so the core
// knows no workflow and the workflows know the core only through this page.
#include <string>

#include "bot/model/clock.hpp"
#include "bot/model/effects.hpp"
#include "bot/model/inbound.hpp"
#include "bot/store/domain_store.hpp"

namespace bot {

struct Person;

// One turn of the bot: inside the open transaction, what happened and who did it.
struct Turn {
  DomainStore& store;  // the workflows see the domain only, never the delivery machinery
  Effects& effects;
  TimePoint now;
  const Inbound* event = nullptr;  // null for timers and start-up
  const Person* actor = nullptr;   // null for timers and start-up
  std::string thread_key;          // the domain thread the event happened in ("R-1001"), if any
};

class Router {
 public:
  virtual ~Router() = default;
  // A command, button press, form submission or message from a person the directory knows.
  virtual void route_event(const Turn& turn) = 0;
  // A timer the workflows set, now due.
  virtual void route_timer(const Turn& turn, const Timer& timer) = 0;
  // Once at start-up, before the first event: standing timers (the next nightly digest).
  virtual void start_up(const Turn& turn) = 0;
};

}  // namespace bot
