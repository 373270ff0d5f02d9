#pragma once
// What happens to a request when time passes: the review window closes with no response.
#include "bot/store/domain_store.hpp"
#include "workflows/context.hpp"

namespace workflows {

// Timer "overdue": the requester and the approvers are told once; the cards show it.
void on_overdue_timer(Context& ctx, const bot::Timer& timer);

}  // namespace workflows
