#include "workflows/startup.hpp"

#include "workflows/digest.hpp"
#include "workflows/registry_renewal.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

void on_startup(Context& ctx) {
  schedule_next_digest(ctx);
  schedule_registry_timers(ctx);
  for (const auto& r : ctx.store.open_requests()) schedule_deadline_timers(ctx, r);
}

}  // namespace workflows
