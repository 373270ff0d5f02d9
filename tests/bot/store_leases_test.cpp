// The outbox leases several workers share (issue 23, docs/scale-out.md), on both backends: what a
// dead worker was sending is claimed by one survivor for reconciling; a worker that still sends
// keeps its rows; one that gives a row back lets anyone take it at once.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/store_backends.hpp"

namespace {
const bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};
}  // namespace

STORE_TEST_CASE("a dead worker's in-flight rows go to one survivor; renewed rows stay; released rows are free",
                "[unit][store][outbox]") {
  auto store = backend.open();
  // Three conversations: a conversation's later rows wait behind its earlier ones
  // (store_conversations_test), these rows each stand alone.
  for (const char* place : {"superintendent", "site:lincoln-ms", "site:roosevelt-es"})
    store->enqueue({.to = bot::Recipient::place(place), .message = bot::Message{}.paragraph("m")}, t0);
  const auto lease = std::chrono::minutes(1);
  const auto claimed = store->claim_due_outbox(t0, 10, "dead", t0 + lease);
  REQUIRE(claimed.size() == 3);
  store->mark_in_flight(claimed[0].id, "slack", "C1");  // being sent when it died

  // While its lease lasts nobody reconciles it; after it, one survivor does, and only that one.
  CHECK(store->claim_expired_in_flight(t0 + lease / 2, "survivor-1", t0 + lease * 2).empty());
  const auto taken = store->claim_expired_in_flight(t0 + lease, "survivor-1", t0 + lease * 2);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].id == claimed[0].id);
  CHECK(store->claim_expired_in_flight(t0 + lease, "survivor-2", t0 + lease * 2).empty());

  // Renewed by its holder: not free when the first lease would have ended. Renewed by another
  // worker: unchanged. Released: free at once (and only by its holder).
  store->renew_outbox_lease(claimed[1].id, "dead", t0 + lease * 3);
  store->renew_outbox_lease(claimed[2].id, "survivor-2", t0 + lease * 3);
  store->release_outbox_lease(claimed[2].id, "survivor-2");
  CHECK(store->claim_due_outbox(t0 + lease / 2, 10, "survivor-2", t0 + lease * 2).empty());
  store->release_outbox_lease(claimed[2].id, "dead");
  const auto free = store->claim_due_outbox(t0 + lease / 2, 10, "survivor-2", t0 + lease * 2);
  REQUIRE(free.size() == 1);
  CHECK(free[0].id == claimed[2].id);
  // Past survivor-2's lease: [2] is free again; [1], renewed to three minutes, is not yet.
  const auto later = store->claim_due_outbox(t0 + lease * 2, 10, "survivor-1", t0 + lease * 4);
  REQUIRE(later.size() == 1);
  CHECK(later[0].id == claimed[2].id);
  const auto last = store->claim_due_outbox(t0 + lease * 3, 10, "survivor-1", t0 + lease * 4);
  REQUIRE(last.size() == 1);
  CHECK(last[0].id == claimed[1].id);
}
