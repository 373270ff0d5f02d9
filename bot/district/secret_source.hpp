#pragma once
// Where a ${NAME} in the district file finds its value. Secrets never sit in the config file;
// they come, in this order, from:
//   1. the environment variable NAME (systemd EnvironmentFile=, a container's -e);
//   2. the file named by NAME_FILE (Docker and Kubernetes secrets, mounted files);
//   3. the file NAME in $CREDENTIALS_DIRECTORY (systemd LoadCredential=NAME:/path).
// A file's trailing line break is not part of the secret.
#include <optional>
#include <string>

namespace bot {

std::optional<std::string> secret_value(const std::string& name);

}  // namespace bot
