// The envelope ledger: repeated envelopes are answered from memory for the TTL, no longer.
#include "adapters/slack/slack_envelope_ledger.hpp"

#include <catch2/catch.hpp>

using adapters::slack::EnvelopeLedger;
using State = EnvelopeLedger::State;

TEST_CASE("a handled envelope is remembered with its ack for the TTL", "[unit][slack]") {
  EnvelopeLedger ledger(std::chrono::minutes(10));
  const auto t0 = EnvelopeLedger::Clock::time_point{} + std::chrono::hours(1);
  CHECK(ledger.state("e1", t0) == State::unseen);
  ledger.begin("e1");
  CHECK(ledger.state("e1", t0) == State::in_progress);
  ledger.finish("e1", R"({"response_action":"errors"})", t0);
  CHECK(ledger.state("e1", t0 + std::chrono::minutes(9)) == State::done);
  CHECK(ledger.ack_payload("e1") == R"({"response_action":"errors"})");
  CHECK(ledger.state("e1", t0 + std::chrono::minutes(10)) == State::unseen);
  CHECK(ledger.size() == 0);
}

TEST_CASE("an envelope that was not accepted is forgotten at once", "[unit][slack]") {
  EnvelopeLedger ledger(std::chrono::minutes(10));
  const auto t0 = EnvelopeLedger::Clock::time_point{} + std::chrono::hours(1);
  ledger.begin("e1");
  ledger.abandon("e1");
  CHECK(ledger.state("e1", t0) == State::unseen);
  // Abandoning a finished one changes nothing.
  ledger.begin("e2");
  ledger.finish("e2", "", t0);
  ledger.abandon("e2");
  CHECK(ledger.state("e2", t0) == State::done);
}

TEST_CASE("an envelope finished again is kept for the TTL of its latest finish", "[unit][slack]") {
  EnvelopeLedger ledger(std::chrono::minutes(10));
  const auto t0 = EnvelopeLedger::Clock::time_point{} + std::chrono::hours(1);
  ledger.begin("e1");
  ledger.finish("e1", "", t0);
  ledger.begin("e1");
  ledger.finish("e1", "", t0 + std::chrono::minutes(5));
  CHECK(ledger.state("e1", t0 + std::chrono::minutes(12)) == State::done);
  CHECK(ledger.state("e1", t0 + std::chrono::minutes(15)) == State::unseen);
}
