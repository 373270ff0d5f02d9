#include "bot/model/request.hpp"

#include <array>
#include <utility>

namespace bot {
namespace {
constexpr std::array<std::pair<RequestState, std::string_view>, 8> kNames{{
    {RequestState::pending_site, "pending_site"},
    {RequestState::returned, "returned"},
    {RequestState::pending_decision, "pending_decision"},
    {RequestState::needs_info, "needs_info"},
    {RequestState::authorized, "authorized"},
    {RequestState::authorized_modified, "authorized_modified"},
    {RequestState::rejected, "rejected"},
    {RequestState::withdrawn, "withdrawn"},
}};
}  // namespace

std::string_view to_string(RequestState s) {
  for (const auto& [state, name] : kNames)
    if (state == s) return name;
  return "pending_site";
}

std::optional<RequestState> request_state_from(std::string_view s) {
  for (const auto& [state, name] : kNames)
    if (name == s) return state;
  return std::nullopt;
}

bool is_open(RequestState s) {
  return s == RequestState::pending_site || s == RequestState::pending_decision || s == RequestState::needs_info;
}

}  // namespace bot
