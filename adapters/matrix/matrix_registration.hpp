#pragma once
// The Matrix platform as the app's adapter registry sees it (adapters/common/adapter_registration.hpp).
#include <set>
#include <string>

#include "adapters/common/adapter_registration.hpp"
#include "bot/district/config.hpp"

namespace adapters::matrix {

AdapterRegistration registration();

// The rooms the bot may join for a district: its places' Matrix addresses and the rooms its file
// lists under workspaces: (a county's). At start-up, and again after each reload
// (MatrixAdapter::serve_rooms), so a room a reload names is joined without a restart.
std::set<std::string> rooms_of(const bot::DistrictConfig& config);

}  // namespace adapters::matrix
