// Matrix's decoders on mutated captured /sync responses, error bodies and typed form answers.
#include <catch2/catch.hpp>

#include "adapters/matrix/matrix_protocol.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace adapters::matrix;

Context context() {
  return Context{.bot_user_id = "@hallpass:example.org",
                 .direct_rooms = {"!dmroom:example.org"},
                 .button_actions = {"endorse", "return", "confirm"}};
}

void require_clean(const fuzz::Report& report) {
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 0);
}

}  // namespace

TEST_CASE("fuzz: /sync responses and the events in them", "[fuzz][matrix]") {
  auto seeds = fuzz::read_corpus({fuzz::fixtures("matrix")});
  for (const std::string& extra : fuzz::read_corpus({fuzz::corpus("matrix_extra")}))
    if (extra.find("next_batch") != std::string::npos) seeds.push_back(extra);
  REQUIRE(seeds.size() >= 2);
  for (const auto& s : seeds) REQUIRE(parse_sync(s).has_value());
  const Context ctx = context();
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [&ctx](std::string_view body) -> std::string {
    auto batch = parse_sync(body);
    if (!batch) return {};  // an error_code: the adapter logs it and syncs again
    for (const auto& ev : inbound_events(*batch, ctx))
      if (auto p = fuzz::inbound_problem(ev, "matrix"); !p.empty()) return p;
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: Matrix error bodies and typed commands", "[fuzz][matrix]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("matrix_extra")});
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    (void)retry_after_ms(input);
    (void)strip_reply_fallback(input);
    bot::Inbound in;
    (void)parse_form_answer(input, in);
    // The same text as the body of a message event in a room.
    nlohmann::json event = {{"type", "m.room.message"},
                            {"sender", "@tgarcia:example.org"},
                            {"event_id", "$fuzz"},
                            {"content", {{"msgtype", "m.text"}, {"body", std::string(input)}}}};
    if (auto ev = to_inbound(event, "!dmroom:example.org", context())) return fuzz::inbound_problem(*ev, "matrix");
    return {};
  });
  require_clean(report);
}
