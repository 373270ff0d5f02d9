#pragma once
// Writing a request: `/socialmedia request` → platforms and audience → objectives per platform →
// a summary to confirm or change → filed with an id, routed, and the review window started.
#include <string_view>

#include "workflows/context.hpp"

namespace workflows {

// `/socialmedia request [text]`: text such as "Instagram: class news; YouTube" pre-fills the form.
void start_request(Context& ctx, std::string_view prefill);
// "Start a new request" from a returned one: the form pre-filled with what it asked for.
void restart_from(Context& ctx, std::string_view request_id);
void on_platforms_form(Context& ctx);                           // form "request.platforms" submitted
void on_objectives_form(Context& ctx);                          // form "request.objectives" submitted
void on_summary_action(Context& ctx, std::string_view action);  // "confirm", "change", "cancel"

}  // namespace workflows
