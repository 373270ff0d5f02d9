#pragma once
// Routes an event to the workflow that handles it: commands, button presses, form submissions
// and messages; and timers to the workflow that set them.
#include "bot/store.hpp"
#include "workflows/context.hpp"

namespace workflows {

void route_event(Context& ctx);
void route_timer(Context& ctx, const bot::Timer& timer);

}  // namespace workflows
