#include "bot/model/metrics.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace bot::metrics {
namespace {

enum class Type { counter, histogram };

struct Declared {
  std::string_view name;
  Type type;
  std::string_view help;
};

// Every metric Hallpass exports. Adding one here is all it takes to count it.
constexpr std::array kDeclared{
    Declared{"hallpass_events_handled_total", Type::counter,
             "Events from people handled by the bot, by platform and kind."},
    Declared{"hallpass_events_duplicate_total", Type::counter,
             "Events a platform delivered again, recognised and skipped."},
    Declared{"hallpass_acks_total", Type::counter, "Inbound requests and envelopes acknowledged to the platform."},
    Declared{"hallpass_ack_seconds", Type::histogram, "Time from receiving an inbound request to acknowledging it."},
    Declared{"hallpass_deliveries_total", Type::counter,
             "Outbox delivery attempts by platform and result (sent, retry, failed, uncertain)."},
    Declared{"hallpass_rate_limited_total", Type::counter, "Answers 429 (rate limited) from a platform."},
    Declared{"hallpass_reconnects_total", Type::counter, "Connections to a platform opened again after a drop."},
    Declared{"hallpass_policy_answers_total", Type::counter,
             "Policy questions answered, by verdict (no_answer: declined)."},
    Declared{"hallpass_timers_fired_total", Type::counter, "Timers (deadlines, warnings, digests) fired, by kind."},
    Declared{"hallpass_config_reloads_total", Type::counter,
             "Reloads of the district's file, by result (applied, refused: it did not validate)."},
};

// Latency buckets in seconds: an ack is expected in milliseconds, Slack's limit is 3 s.
constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> le{};
  std::uint64_t count = 0;
  double sum = 0;
};

using Key = std::pair<std::string, std::string>;  // name, rendered labels ("platform=\"slack\"")

struct Registry {
  std::mutex mutex;
  std::map<Key, double> counters;
  std::map<Key, Histogram> histograms;
  std::set<std::string, std::less<>> warned;
};

Registry& registry() {
  static Registry r;
  return r;
}

const Declared* declared(std::string_view name, Type type) {
  for (const auto& d : kDeclared)
    if (d.name == name && d.type == type) return &d;
  return nullptr;
}

// Label values are Hallpass's own words, but escape them as the format asks all the same.
std::string render(Labels labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out.append(k).append("=\"");
    for (char c : v) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool known(Registry& r, std::string_view name, Type type) {
  if (declared(name, type)) return true;
  if (r.warned.insert(std::string(name)).second) spdlog::warn("metrics: {} is not declared; not counted", name);
  return false;
}

std::string with_le(const std::string& labels, const std::string& le) {
  return "{" + labels + (labels.empty() ? "" : ",") + "le=\"" + le + "\"}";
}

}  // namespace

void count(std::string_view name, Labels labels, double by) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (!known(r, name, Type::counter)) return;
  r.counters[{std::string(name), render(labels)}] += by;
}

void observe(std::string_view name, Labels labels, double seconds) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (!known(r, name, Type::histogram)) return;
  auto& h = r.histograms[{std::string(name), render(labels)}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.le[i];
  ++h.count;
  h.sum += seconds;
}

std::string exposition() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::string out;
  for (const auto& d : kDeclared) {
    out.append("# HELP ").append(d.name).append(" ").append(d.help).append("\n");
    out.append("# TYPE ").append(d.name).append(d.type == Type::counter ? " counter\n" : " histogram\n");
    const std::string name(d.name);
    if (d.type == Type::counter) {
      for (auto it = r.counters.lower_bound({name, ""}); it != r.counters.end() && it->first.first == name; ++it)
        out.append(name)
            .append(it->first.second.empty() ? "" : "{" + it->first.second + "}")
            .append(" ")
            .append(number(it->second))
            .append("\n");
      continue;
    }
    for (auto it = r.histograms.lower_bound({name, ""}); it != r.histograms.end() && it->first.first == name; ++it) {
      const auto& labels = it->first.second;
      const auto& h = it->second;
      for (size_t i = 0; i < kBuckets.size(); ++i)
        out.append(name + "_bucket" + with_le(labels, number(kBuckets[i])) + " " + std::to_string(h.le[i]) + "\n");
      out.append(name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(h.count) + "\n");
      const std::string braces = labels.empty() ? "" : "{" + labels + "}";
      out.append(name + "_sum" + braces + " " + number(h.sum) + "\n");
      out.append(name + "_count" + braces + " " + std::to_string(h.count) + "\n");
    }
  }
  return out;
}

void append_gauge(std::string& out, std::string_view name, std::string_view help,
                  const std::vector<std::pair<std::string, double>>& labelled_values) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" gauge\n");
  for (const auto& [labels, value] : labelled_values)
    out.append(name).append(labels.empty() ? "" : "{" + labels + "}").append(" ").append(number(value)).append("\n");
}

void reset_for_tests() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  r.counters.clear();
  r.histograms.clear();
}

}  // namespace bot::metrics
