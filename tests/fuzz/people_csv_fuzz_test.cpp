// The people CSV reader on mutated spreadsheets: whatever bytes a district's export holds, it
// gives rows (each with the line it starts on, in order) or a reason, and the loader built on it
// answers with a config or problems at lines of the file, never a crash.
#include <catch2/catch.hpp>

#include <string>

#include "bot/district/csv_rows.hpp"
#include "tests/fuzz/mutator.hpp"

TEST_CASE("fuzz: people CSV", "[fuzz][config]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("people_csv")});
  REQUIRE(seeds.size() >= 2);
  auto report = fuzz::run(seeds, fuzz::scaled(10000), [](std::string_view text) -> std::string {
    const bot::CsvTable table = bot::read_csv(text);
    int last = 0;
    for (const auto& row : table.rows) {
      if (row.line < 1 || row.line < last) return "a row's line went backwards: " + std::to_string(row.line);
      last = row.line;
    }
    // Cells never hold more bytes than the file.
    size_t bytes = 0;
    for (const auto& row : table.rows)
      for (const auto& c : row.cells) bytes += c.size();
    if (bytes > text.size()) return "cells hold more bytes than the file";
    return {};
  });
  INFO(report.first_failure);
  CHECK(report.failures == 0);
}
