#pragma once
// What every decoded event must satisfy, whatever the input was: the core de-duplicates on
// (platform, event_id) and resolves the actor, so neither may be empty; an error must say what
// was wrong, for the log line that reports it.
#include <string>
#include <string_view>

#include "bot/model/inbound.hpp"

namespace fuzz {

inline std::string inbound_problem(const bot::Inbound& in, std::string_view platform) {
  if (in.platform != platform) return "decoded an event of platform \"" + in.platform + "\"";
  if (in.event_id.empty()) return "decoded an event without event_id (the core could not de-duplicate it)";
  if (in.actor.empty()) return "decoded an event without actor";
  return {};
}

inline std::string error_problem(std::string_view message) {
  return message.empty() ? "refused without saying why" : std::string();
}

}  // namespace fuzz
