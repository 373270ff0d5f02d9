#pragma once
// JSON form of the neutral message model: how the outbox stores messages, and what the web chat
// sends to the browser. Stable field names (see docs/architecture.md).
#include <nlohmann/json_fwd.hpp>

#include "bot/model/message.hpp"

namespace bot {

nlohmann::json message_to_json(const Message& message);
// Throws nlohmann::json::exception on a malformed document.
Message message_from_json(const nlohmann::json& json);

}  // namespace bot
