// The registry's forms and lists on every renderer: the console's typed form, Slack's modal and
// blocks, Teams' Adaptive Card, Matrix's text and HTML, and the web chat's message JSON. They use
// the existing element kinds only; these checks keep it so.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_protocol.hpp"
#include "adapters/slack/slack_blocks.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "bot/model/message_json.hpp"
#include "tests/support/bot_harness.hpp"

using test_support::BotHarness;

namespace {

bot::Message registration_form() {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.click("m.okafor", "authorize", id);
  for (const auto& s : h.take_sent())
    if (const bot::Form* f = s.outbound.message.find_form(); f && f->form_id == "registry.register")
      return s.outbound.message;
  FAIL("no registration form");
  return {};
}

}  // namespace

TEST_CASE("the registration form renders on Slack, Teams, Matrix and the web chat", "[unit][registry][render]") {
  const bot::Message m = registration_form();
  const bot::Form& form = *m.find_form();

  auto modal = adapters::slack::render_modal(form);
  REQUIRE(modal.has_value());
  auto view = nlohmann::json::parse(*modal);
  CHECK(view["title"]["text"] == "Register Instagram");
  std::string modal_text = view.dump();
  for (const char* key : {"handle", "address", "monitors", "credentials"})
    CHECK(modal_text.find(key) != std::string::npos);
  CHECK(adapters::slack::render_blocks(m).find("Each site must maintain a confidential database") != std::string::npos);

  auto card = adapters::teams::render_card(m).dump();
  for (const char* key : {"handle", "address", "monitors", "credentials"}) CHECK(card.find(key) != std::string::npos);

  auto matrix = adapters::matrix::render(m);
  CHECK(matrix.body.find("handle") != std::string::npos);
  CHECK(matrix.body.find("credentials") != std::string::npos);
  CHECK(matrix.html.find("Register your Instagram account") != std::string::npos);

  auto web = bot::message_to_json(m).dump();
  CHECK(web.find("registry.register") != std::string::npos);
  CHECK(web.find("The username and password are on file with the administrator of Lincoln Elementary School") !=
        std::string::npos);
}
