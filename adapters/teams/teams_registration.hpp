#pragma once
// The Teams platform as the app's adapter registry sees it (adapters/common/adapter_registration.hpp).
#include "adapters/common/adapter_registration.hpp"

namespace adapters::teams {

AdapterRegistration registration();

}  // namespace adapters::teams
