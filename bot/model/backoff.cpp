#include "bot/model/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace bot {

namespace {

Backoff::Random default_random() {
  // Shared by the copies of the function: a Backoff may be copied along with its owner's options.
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

Backoff::Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, double factor, Random random)
    : first_(std::max(first, std::chrono::milliseconds(0))),
      cap_(std::max(cap, first_)),
      factor_(std::max(factor, 1.0)),
      random_(random ? std::move(random) : default_random()) {}

std::chrono::milliseconds Backoff::delay(int retry) {
  // In doubles, so a long run of failures saturates at the cap instead of overflowing.
  const double grown = static_cast<double>(first_.count()) * std::pow(factor_, std::max(retry, 0));
  const double capped = std::min(grown, static_cast<double>(cap_.count()));
  const double u = std::clamp(random_(), 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(capped * (0.5 + 0.5 * u)));
}

}  // namespace bot
