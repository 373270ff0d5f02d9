#pragma once
// Policy questions: "can I friend a parent?" answered with the district's policy quoted verbatim.
#include <string_view>

#include "bot/model/message.hpp"
#include "bot/policy/policy_library.hpp"
#include "workflows/context.hpp"

namespace workflows {

// The chat answer for a policy answer, framed in `lang`; quotes stay in the documents' words.
bot::Message answer_message(const Context& ctx, std::string_view lang, const bot::PolicyAnswer& answer);
// `/socialmedia ask …`, a direct message or a mention.
void answer_question(Context& ctx, std::string_view question);

}  // namespace workflows
