#pragma once
// Routes an event to the workflow that handles it: commands, button presses, form submissions
// and messages; and timers to the workflow that set them.
#include "bot/core/router.hpp"
#include "bot/store/domain_store.hpp"
#include "workflows/context.hpp"

namespace workflows {

void route_event(Context& ctx);
// Text as a command's ("status", "endorse R-1001", "modify keep instagram because …"): what a
// slash command carries, and what a message means when it starts with a command's word.
void run_command(Context& ctx, const std::string& text);
void route_timer(Context& ctx, const bot::Timer& timer);

// The workflows as the core sees them (bot::Router): the app gives one to the bot.
class WorkflowRouter final : public bot::Router {
 public:
  explicit WorkflowRouter(const Services& services) : services_(services) {}
  void route_event(const bot::Turn& turn) override;
  void route_timer(const bot::Turn& turn, const bot::Timer& timer) override;
  void start_up(const bot::Turn& turn) override;

 private:
  Context context(const bot::Turn& turn) const;
  const Services& services_;
};

}  // namespace workflows
