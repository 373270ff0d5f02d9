#pragma once
// The Matrix platform as the app's adapter registry sees it (adapters/common/adapter_registration.hpp).
#include "adapters/common/adapter_registration.hpp"

namespace adapters::matrix {

AdapterRegistration registration();

}  // namespace adapters::matrix
