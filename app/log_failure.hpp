#pragma once
// The completion handler every co_spawn of the app gets, so that no coroutine's failure
// disappears silently: "<what> stopped: <why>" in the log.
#include <spdlog/spdlog.h>

#include <exception>
#include <string>
#include <utility>

namespace app {

inline auto log_failure(std::string what) {
  return [what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{} stopped: {}", what, ex.what());
    }
  };
}

}  // namespace app
