// The neutral markup: user text is escaped so it can never become markup or a link.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "bot/model/markup.hpp"
#include "bot/model/message.hpp"
#include "bot/model/message_json.hpp"
#include "bot/model/text.hpp"

TEST_CASE("markup parses bold, italics, links and list items", "[unit][markup]") {
  auto paras = bot::markup::parse("**Filed** _today_: see [the policy](https://example.org/p)\n- one\n- two\n\nnext");
  REQUIRE(paras.size() == 2);
  const auto& first = paras[0].lines[0].spans;
  REQUIRE(first.size() >= 4);
  CHECK(first[0].text == "Filed");
  CHECK(first[0].bold);
  CHECK(first[2].text == "today");
  CHECK(first[2].italic);
  CHECK(first.back().link == "https://example.org/p");
  CHECK(paras[0].lines[1].list_item);
  CHECK(bot::markup::to_plain("**a** [b](https://x.org)") == "a b (https://x.org)");
}

TEST_CASE("escaped user text stays literal", "[unit][markup]") {
  std::string hostile = "**not bold** [click](javascript:alert(1)) _x_ \\";
  auto plain = bot::markup::to_plain(bot::markup::escape(hostile));
  CHECK(plain == hostile);
  for (const auto& p : bot::markup::parse(bot::markup::escape(hostile)))
    for (const auto& l : p.lines)
      for (const auto& s : l.spans) {
        CHECK(!s.bold);
        CHECK(!s.italic);
        CHECK(s.link.empty());
      }
  // Links to anything but http(s) and mailto are never links, even when written by a template.
  CHECK(bot::markup::parse("[x](javascript:alert(1))")[0].lines[0].spans[0].link.empty());
}

TEST_CASE("messages survive the JSON round trip the outbox uses", "[unit][markup]") {
  bot::Message m;
  m.header("Request R-1001")
      .paragraph("**hello**")
      .quote("Verbatim.", "Model BP, item 4")
      .fields({{"Platforms", "- Instagram"}})
      .buttons({{"endorse", "Endorse", "R-1001", bot::ButtonStyle::primary}})
      .form({.form_id = "decision.reject",
             .context = "R-1001",
             .title = "Reject",
             .inputs = {{.key = "explanation", .label = "Why", .kind = bot::InputKind::multiline, .required = true}}});
  m.fallback = "Request R-1001";
  auto back = bot::message_from_json(bot::message_to_json(m));
  CHECK(bot::message_to_json(back) == bot::message_to_json(m));
  CHECK(back.find_form()->inputs[0].required);
  CHECK(back.blocks[4].buttons[0].style == bot::ButtonStyle::primary);
}

TEST_CASE("text is cut at a word with an ellipsis, and bidi controls are dropped from markup",
          "[unit][markup][forms]") {
  CHECK(bot::cut_at_word("Share weekly class news", 100) == "Share weekly class news");
  CHECK(bot::cut_at_word("Share weekly class news", 16) == "Share weekly\u2026");
  CHECK(bot::char_count(bot::cut_at_word("Share weekly class news", 16)) <= 16);
  CHECK(bot::cut_at_word(std::string(50, 'x'), 10) == std::string(9, 'x') + "\u2026");  // one long word: mid-word
  CHECK(bot::cut_at_word("ñññññ ñññññ", 8) == "ñññññ\u2026");                           // characters, not bytes
  CHECK(bot::cut_at_word_bytes("ñññññ ñññññ", 14) == "ñññññ\u2026");
  CHECK(bot::char_count("añ€😀") == 4);

  const std::string hostile = "a\u202Eb\u202Cc\u2066d\u2069e\u200Ef\u200Fg\u061Ch";
  CHECK(bot::strip_bidi(hostile) == "abcdefgh");
  CHECK(bot::markup::to_plain(bot::markup::escape(hostile)) == "abcdefgh");
  CHECK(bot::markup::to_plain("**x\u202Ey**") == "xy");  // in any markup a renderer parses
  CHECK(bot::strip_bidi("Hebrew \u05E9\u05DC\u05D5\u05DD stays") == "Hebrew \u05E9\u05DC\u05D5\u05DD stays");

  const std::string echoed = bot::markup::escape_short(std::string(60000, 'x'));
  CHECK(bot::char_count(echoed) == bot::markup::kShortQuote);
}

TEST_CASE("a form input's limit is kept in the outbox and reaches the web chat", "[unit][markup][forms]") {
  bot::Message m;
  m.form({.form_id = "decision.return",
          .context = "R-1001",
          .inputs = {{.key = "note", .label = "Note", .kind = bot::InputKind::multiline, .max_chars = 1000}}});
  const auto j = bot::message_to_json(m);
  CHECK(j.dump().find("\"max_chars\":1000") != std::string::npos);
  CHECK(bot::message_from_json(j).find_form()->inputs.at(0).max_chars == 1000);
}
