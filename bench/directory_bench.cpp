// Directory look-ups at county scale: a million people (issue 23's target is microseconds). Times
// the look-ups the bot makes on every event — by platform handle (who sent this?), by id (who is
// the principal?) and by e-mail (Teams users known only by address) — for people spread over the
// whole list, against the linear scan the directory used before, and the first look-up's cost
// (building the index). Run: build-release/bench/directory_bench [people] [lookups]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bot/district/config.hpp"

namespace {

using Clock = std::chrono::steady_clock;

bot::DistrictConfig make_directory(int people) {
  bot::DistrictConfig c;
  c.people.reserve(people);
  for (int i = 0; i < people; ++i) {
    std::string n = std::to_string(i);
    c.people.push_back({.id = "staff." + n,
                        .name = "Staff " + n,
                        .email = "Staff." + n + "@county.example.org",
                        .roles = {bot::Role::employee},
                        .handles = {{"slack", "U" + n}, {"teams", "29:" + n}}});
  }
  return c;
}

struct Percentiles {
  double p50_us, p99_us;
};

template <typename F>
Percentiles time_each(int lookups, F&& look_up) {
  std::vector<double> us;
  us.reserve(lookups);
  for (int i = 0; i < lookups; ++i) {
    auto start = Clock::now();
    look_up(i);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

// The scan the directory did before the index, as the comparison.
const bot::Person* scan_by_handle(const bot::DistrictConfig& c, const std::string& platform,
                                  const std::string& handle) {
  for (const auto& p : c.people)
    if (auto h = p.handles.find(platform); h != p.handles.end() && h->second == handle) return &p;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const int people = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const int lookups = argc > 2 ? std::atoi(argv[2]) : 100'000;
  if (people < 1 || lookups < 100) {
    std::fprintf(stderr, "usage: directory_bench [people ≥ 1] [lookups ≥ 100]\n");
    return 2;
  }
  bot::DistrictConfig c = make_directory(people);
  std::mt19937 random(42);
  std::uniform_int_distribution<int> anyone(0, people - 1);
  std::vector<int> who(lookups);
  for (auto& w : who) w = anyone(random);
  size_t found = 0;

  auto start = Clock::now();
  found += c.person("staff.0") != nullptr;
  double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  auto by_handle =
      time_each(lookups, [&](int i) { found += c.person_by_handle("slack", "U" + std::to_string(who[i])) != nullptr; });
  auto by_id = time_each(lookups, [&](int i) { found += c.person("staff." + std::to_string(who[i])) != nullptr; });
  auto by_email = time_each(lookups, [&](int i) {
    found += c.person_by_email("staff." + std::to_string(who[i]) + "@COUNTY.example.org") != nullptr;
  });
  // The scan is slow at this size: a few hundred look-ups show its figures.
  int scans = std::min(lookups, people >= 100'000 ? 200 : lookups);
  auto scan =
      time_each(scans, [&](int i) { found += scan_by_handle(c, "slack", "U" + std::to_string(who[i])) != nullptr; });

  std::printf("directory of %d people, %d look-ups each (random people)\n", people, lookups);
  std::printf("  index built on first look-up: %.1f ms\n", build_ms);
  std::printf("  by handle: p50 %.2f us  p99 %.2f us\n", by_handle.p50_us, by_handle.p99_us);
  std::printf("  by id:     p50 %.2f us  p99 %.2f us\n", by_id.p50_us, by_id.p99_us);
  std::printf("  by e-mail: p50 %.2f us  p99 %.2f us\n", by_email.p50_us, by_email.p99_us);
  std::printf("  linear scan by handle (before; %d look-ups): p50 %.0f us  p99 %.0f us\n", scans, scan.p50_us,
              scan.p99_us);
  const size_t expected = 1 + 3 * static_cast<size_t>(lookups) + static_cast<size_t>(scans);
  if (found != expected) {
    std::fprintf(stderr, "directory_bench: found %zu of %zu people\n", found, expected);
    return 1;
  }
  return 0;
}
