#pragma once
// The yearly renewal of official accounts (LBUSD Code of Ethics §E, Registry 1: "approved and
// registered at the start of the year"). On `registry.renewal_date` every registered account's
// owner is asked whether it is still active, has a new monitor, or was closed. From the next night
// an unanswered account is in its site principals' digest; after `registry.escalate_after_days`
// it is in the superintendent's summary as well.
#include <string_view>

#include "workflows/context.hpp"
#include "workflows/digest.hpp"

namespace workflows {

// Start-up: makes sure the next renewal timer ("registry.renewal", subject its date) exists.
void schedule_registry_timers(Context& ctx);
// Timers whose kind starts with "registry.".
void on_registry_timer(Context& ctx, const bot::Timer& timer);
// Digest: unconfirmed accounts for the site's principals (from the night after the ask).
void collect_renewal_items(const Context& ctx, DigestBook& book);
// The registry's part of the nightly summary: accounts unconfirmed for escalate_after_days or
// more, to the superintendent's place. Nothing when there are none.
void send_registry_summary(Context& ctx, std::string_view night);

}  // namespace workflows
