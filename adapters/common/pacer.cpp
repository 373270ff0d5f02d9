#include "adapters/common/pacer.hpp"

#include <algorithm>
#include <cmath>

namespace adapters {

using std::chrono::milliseconds;

Pacer::Pacer(double per_second, int burst) : per_second_(per_second), burst_(std::max(1, burst)) {}

Pacer::Pacer(std::vector<Window> windows) : windows_(std::move(windows)) {
  for (const auto& w : windows_) {
    most_requests_ = std::max(most_requests_, static_cast<std::size_t>(std::max(w.requests, 0)));
    longest_ = std::max(longest_, w.per);
  }
}

milliseconds Pacer::reserve(const std::string& key, Clock::time_point now) {
  if (per_second_ <= 0) return milliseconds(0);  // no bucket, or pacing switched off
  Lane& b = lanes_[key];
  if (!b.bucket) {  // a key's first reserve(): its bucket starts full
    b.bucket = true;
    b.tokens = burst_;
    b.updated = now;
  } else if (now > b.updated) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.updated = now;
  }
  b.tokens -= 1;
  if (b.tokens >= 0) return milliseconds(0);
  return milliseconds(static_cast<long long>(std::ceil(-b.tokens / per_second_ * 1000.0)));
}

void Pacer::release(const std::string& key) {
  if (per_second_ <= 0) return;
  if (auto it = lanes_.find(key); it != lanes_.end() && it->second.bucket)
    it->second.tokens = std::min(burst_, it->second.tokens + 1);
}

void Pacer::answered(const std::string& key, Clock::time_point at) {
  if (most_requests_ == 0) return;
  auto& times = lanes_[key].answered;
  times.push_back(at);
  while (times.size() > most_requests_) times.pop_front();
}

Pacer::Clock::time_point Pacer::ready_at(const std::string& key) const {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return Clock::time_point{};
  const Lane& lane = it->second;
  Clock::time_point earliest = lane.paused_until;
  for (const auto& w : windows_) {
    const auto n = static_cast<std::size_t>(std::max(w.requests, 0));
    if (n > 0 && lane.answered.size() >= n)
      earliest = std::max(earliest, lane.answered[lane.answered.size() - n] + w.per);
  }
  return earliest;
}

void Pacer::pause(const std::string& key, Clock::time_point until) {
  auto& current = lanes_[key].paused_until;
  current = std::max(current, until);
}

milliseconds Pacer::paused_for(const std::string& key, Clock::time_point now) const {
  auto it = lanes_.find(key);
  if (it == lanes_.end() || it->second.paused_until <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(it->second.paused_until - now);
}

bool Pacer::idle(const std::string& key, Clock::time_point now) const {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return true;
  const Lane& lane = it->second;
  const bool windows_passed = lane.answered.empty() || lane.answered.back() + longest_ < now;
  const bool bucket_full =
      per_second_ <= 0 || !lane.bucket ||
      lane.tokens + std::chrono::duration<double>(now - lane.updated).count() * per_second_ >= burst_;
  return windows_passed && bucket_full && lane.paused_until < now;
}

void Pacer::forget(const std::string& key) { lanes_.erase(key); }

}  // namespace adapters
