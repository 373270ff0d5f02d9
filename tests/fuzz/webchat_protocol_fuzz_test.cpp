// The web chat's decoders on mutated browser frames: parsing, then resolution against a history
// that holds a card with buttons and a form, as the adapter does for every WebSocket message.
#include <catch2/catch.hpp>

#include "adapters/webchat/webchat_history.hpp"
#include "adapters/webchat/webchat_protocol.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace adapters::webchat;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795968000));

// w-fuzz-1: a card with buttons in a channel thread; w-fuzz-2: a form in t.garcia's DM.
void fill(WebchatHistory& history) {
  bot::Delivery card;
  card.channel = "#lincoln-approvals";
  card.thread_key = "R-1001";
  card.message.header("Social media request R-1001")
      .paragraph("**Teresa García** asks for Instagram and YouTube.")
      .buttons({{"endorse", "Endorse", "R-1001", bot::ButtonStyle::primary},
                {"return", "Return", "R-1001", bot::ButtonStyle::danger}});
  bot::Delivery form;
  form.channel = "dm:t.garcia";
  bot::Form f{
      .form_id = "request.platforms", .context = "R-1001", .title = "Social media request", .submit_label = "Next"};
  f.inputs.push_back({.key = "platforms",
                      .label = "Platforms",
                      .kind = bot::InputKind::multi_choice,
                      .required = true,
                      .choices = {{"instagram", "Instagram"}, {"youtube", "YouTube"}}});
  f.inputs.push_back({.key = "audience", .label = "Audience", .kind = bot::InputKind::text});
  f.inputs.push_back({.key = "students_interact", .label = "Students interact", .kind = bot::InputKind::text});
  form.message.form(f);
  REQUIRE(history.post(card, kNow).value().entry->ref == "w-fuzz-1");
  REQUIRE(history.post(form, kNow).value().entry->ref == "w-fuzz-2");
}

}  // namespace

TEST_CASE("fuzz: web chat frames from the browser", "[fuzz][webchat]") {
  WebchatHistory history("w-fuzz-");
  fill(history);
  const std::set<std::string, std::less<>> channels = {"#lincoln-approvals", "#superintendent"};
  const auto seeds = fuzz::read_corpus({fuzz::corpus("webchat")});
  REQUIRE(seeds.size() >= 4);
  for (const auto& s : seeds) {
    auto frame = parse_client_frame(s);
    REQUIRE(frame.has_value());
    INFO(s);
    CHECK(resolve_frame(*frame, history, "t.garcia", channels, kNow).has_value());
  }
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [&](std::string_view text) -> std::string {
    auto frame = parse_client_frame(text);
    if (!frame) return fuzz::error_problem(frame.error().message);
    std::string rest;
    (void)split_command(frame->text, rest);
    (void)mentions_bot(frame->text);
    for (const char* person : {"t.garcia", "r.alvarez"}) {
      auto in = resolve_frame(*frame, history, person, channels, kNow);
      if (!in) {
        if (auto p = fuzz::error_problem(in.error().message); !p.empty()) return p;
      } else if (auto p = fuzz::inbound_problem(*in, "web"); !p.empty()) {
        return p;
      }
    }
    return {};
  });
  INFO(report.first_failure);
  CHECK(report.failures == 0);
}
