#pragma once
// The nightly digest: one direct message to each person something waits for (principals,
// the superintendent and designees, employees whose answer is needed, and whatever other
// workflows add), listing each item with the days left, overdue first; and a summary for the
// superintendent's place. Nobody gets an empty digest.
//
// The digest runs from a store timer (kind "digest", subject the local night "2026-12-01", due at
// `digest.time` that night in the district's time zone). Each firing schedules the next night's,
// so exactly one is waiting; a digest missed by less than `digest.catch_up_hours` (Hallpass was
// stopped) is sent late, once; an older one is skipped and recorded in the audit log.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/model/effects.hpp"
#include "bot/model/request.hpp"
#include "bot/store/domain_store.hpp"
#include "workflows/context.hpp"

namespace workflows {

// Where an item is listed in a digest, in this order.
enum class DigestSection {
  to_act,            // the person must act: endorse, decide, investigate, …
  your_answer,       // the person's own request waits for their answer
  waiting_for_info,  // the person decides it once the employee has answered
};

// One thing waiting for one person. Rendered in the reader's language at send time, so the
// collector gives language-neutral values and prompt keys only.
struct DigestItem {
  DigestSection section = DigestSection::to_act;
  std::string id;        // "R-1001"; shown and used to order items with the same due date
  std::string line_key;  // prompt of the line; its placeholders: vars, keyed_vars and {window}
  std::vector<std::pair<std::string, std::string>> vars;        // name → markup (user text escaped)
  std::vector<std::pair<std::string, std::string>> keyed_vars;  // name → prompt key, in the reader's language
  std::string due_date;  // "2026-12-01": {window} ("5 days left, due Tue Dec 1") and order; may be empty
};

// Everything waiting, per person id.
class DigestBook {
 public:
  void add(std::string_view person_id, DigestItem item);
  const std::map<std::string, std::vector<DigestItem>, std::less<>>& by_person() const { return items_; }
  size_t item_count() const { return count_; }

 private:
  std::map<std::string, std::vector<DigestItem>, std::less<>> items_;
  size_t count_ = 0;
};

// The extension point: every workflow whose items wait for people adds its collector here.
// `open_requests` is the store's open_requests(), read once per digest run.
DigestBook collect_digest_items(const Context& ctx, const std::vector<bot::Request>& open_requests);
// The requests' items, in one pass: pending at a site → its principals (and the deciders once
// escalated); pending a decision → the superintendent and designees; waiting for information →
// the deciders (listed apart) and the employee. Nobody is listed their own request to review.
void collect_request_items(const Context& ctx, const std::vector<bot::Request>& open_requests, DigestBook& book);

// Writes the night's digests and the superintendent's summary to ctx.effects, as of ctx.now.
// Reads the store and writes nothing to it: `hallpass digest --dry-run` shows exactly this.
// Returns how many people get a digest.
int send_digests(Context& ctx, std::string_view night);

// The instant of a night's digest: `digest.time` local on that date.
bot::TimePoint digest_due(const Context& ctx, std::string_view night);
// Start-up: makes sure the next digest timer exists (today's if its time has not passed, else tomorrow's).
void schedule_next_digest(Context& ctx);
// Timer "digest": sends the night's digests (late, within the catch-up window) or records the
// skip, once per night, and schedules the next night that can still be sent.
void on_digest_timer(Context& ctx, const bot::Timer& timer);

}  // namespace workflows
