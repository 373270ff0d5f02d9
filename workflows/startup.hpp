#pragma once
// What the workflows do once when Hallpass starts, before the first event and before the timers
// missed while it was stopped fire: make sure their standing timers exist.
#include "workflows/context.hpp"

namespace workflows {

// Schedules the next nightly digest, and the warning and escalation timers of every open request
// (requests filed before these timers existed get theirs; a timer that already fired is kept as
// it is, since the store's timers are unique on kind, subject and due). Writes timers only.
void on_startup(Context& ctx);

}  // namespace workflows
