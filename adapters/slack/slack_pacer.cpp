#include "adapters/slack/slack_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace adapters::slack {

using std::chrono::milliseconds;

Pacer::Pacer(double per_second, int burst) : per_second_(per_second), burst_(std::max(1, burst)) {}

milliseconds Pacer::reserve(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return milliseconds(0);  // pacing switched off
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.updated) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.updated = now;
  }
  b.tokens -= 1;
  if (b.tokens >= 0) return milliseconds(0);
  return milliseconds(static_cast<long long>(std::ceil(-b.tokens / per_second_ * 1000.0)));
}

void Pacer::release(const std::string& key) {
  if (auto it = buckets_.find(key); it != buckets_.end()) it->second.tokens = std::min(burst_, it->second.tokens + 1);
}

void Pacer::pause(const std::string& key, Clock::time_point until) {
  auto& current = paused_until_[key];
  current = std::max(current, until);
}

milliseconds Pacer::paused_for(const std::string& key, Clock::time_point now) const {
  auto it = paused_until_.find(key);
  if (it == paused_until_.end() || it->second <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(it->second - now);
}

}  // namespace adapters::slack
