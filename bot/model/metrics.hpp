#pragma once
// The bot's own counters, for the admin listener's /metrics (Prometheus text format, written by
// app/admin_server). Any layer may count: counting is memory only, never I/O, so a workflow that
// counts an answer stays free of I/O. Labels are a few fixed words (platform, kind, result),
// never a person, a channel or a message.
//
// Names and help texts are declared once, in metrics.cpp, so a typo in a name cannot create a
// new series silently (an undeclared name is ignored and logged once).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bot::metrics {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Adds `by` to the counter `name` with these labels.
void count(std::string_view name, Labels labels = {}, double by = 1);
// Records one observation (seconds) in the histogram `name`.
void observe(std::string_view name, Labels labels, double seconds);
// Every declared metric with the values counted so far, in the Prometheus text format (0.0.4).
std::string exposition();
// A gauge line block for values the caller read just now (the store's counts), same format.
void append_gauge(std::string& out, std::string_view name, std::string_view help,
                  const std::vector<std::pair<std::string, double>>& labelled_values);
// For tests: forgets every value (declarations stay).
void reset_for_tests();

}  // namespace bot::metrics
