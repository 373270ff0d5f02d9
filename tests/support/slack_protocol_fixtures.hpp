#pragma once
// What the Slack protocol tests share (tests/adapters/slack/slack_{socket_frames,payloads,
// http_requests,blocks,api_calls}_test.cpp): a captured payload from tests/fixtures/slack/, the
// fixed `now` they decode at, and a form input to render.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>

#include "bot/model/message.hpp"

namespace test_support::slack {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(HALLPASS_SOURCE_DIR) + "/tests/fixtures/slack/" + name);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

inline bot::FormInput input(std::string key, bot::InputKind kind, std::size_t choices) {
  bot::FormInput in;
  in.key = std::move(key);
  in.label = "Label " + in.key;
  in.kind = kind;
  for (std::size_t i = 0; i < choices; ++i)
    in.choices.push_back({"v" + std::to_string(i), "Choice " + std::to_string(i)});
  return in;
}

}  // namespace test_support::slack
