// The policy document parser on mutated documents: whatever a district's file holds, it gives
// passages or an error at a line of the file with what to do, never a crash. Seeds: the four
// project documents, their front matter (with `called`) included.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "bot/policy/policy_document_parser.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

const char* const kDocuments[] = {"lausd-bul-5688.2", "lbusd-ethics-e", "standard-sd-ar-1114", "model-bp"};

std::string parsed_or_why(std::string_view text) {
  const auto r = bot::parse_policy_document(text, "district/x.md");
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (!r) {
    if (r.error().message.empty()) return "an error without a message";
    if (r.error().line < 0 || r.error().line > lines) return "an error at line " + std::to_string(r.error().line);
    return {};
  }
  if (r->passages.empty()) return "a document without passages was accepted";
  for (const auto& p : r->passages)
    if (p.text.empty() || p.id.empty()) return "an empty passage or id: " + p.id;
  for (const auto& name : r->called)
    if (name.empty() || name.front() == ' ' || name.back() == ' ') return "a name not trimmed: '" + name + "'";
  return {};
}

}  // namespace

TEST_CASE("fuzz: policy documents", "[fuzz][config][policy]") {
  std::vector<std::string> seeds;
  for (const char* id : kDocuments)
    seeds.push_back(
        fuzz::read_file(std::filesystem::path(HALLPASS_SOURCE_DIR) / "config/policies" / (std::string(id) + ".md")));
  for (const auto& s : seeds) REQUIRE(parsed_or_why(s).empty());
  auto report = fuzz::run(seeds, fuzz::scaled(1500), parsed_or_why, 256);
  // Each line taken out or written twice: a front matter key missing or repeated, an item moved.
  for (const auto& seed : seeds)
    for (const auto& v : fuzz::line_variants(seed)) fuzz::check(report, v.text, v.kind, parsed_or_why);
  INFO(report.first_failure);
  CHECK(report.failures == 0);
}
