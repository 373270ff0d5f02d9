#pragma once
// The Slack platform as the app's adapter registry sees it (adapters/common/adapter_registration.hpp).
#include "adapters/common/adapter_registration.hpp"

namespace adapters::slack {

AdapterRegistration registration();

}  // namespace adapters::slack
