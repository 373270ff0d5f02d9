#pragma once
// Read-only views: `/socialmedia status` (my requests, what I am authorized for),
// `/socialmedia queue` (what waits for me as an approver), `/socialmedia help`.
#include "workflows/context.hpp"

namespace workflows {

void show_status(Context& ctx);
void show_queue(Context& ctx);
void show_help(Context& ctx);
// Requests waiting for a person as principal or decider, overdue first, then by due date.
std::vector<bot::Request> waiting_for(const Context& ctx, std::string_view person_id);

}  // namespace workflows
