#pragma once
// The web chat platform as the app's adapter registry sees it (adapters/common/adapter_registration.hpp).
#include "adapters/common/adapter_registration.hpp"

namespace adapters::webchat {

AdapterRegistration registration();

}  // namespace adapters::webchat
