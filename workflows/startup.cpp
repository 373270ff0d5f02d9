#include "workflows/startup.hpp"

#include "workflows/digest.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

void on_startup(Context& ctx) {
  schedule_next_digest(ctx);
  for (const auto& r : ctx.store.open_requests()) schedule_deadline_timers(ctx, r);
}

}  // namespace workflows
