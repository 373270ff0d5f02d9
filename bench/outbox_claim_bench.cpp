// One outbox pass of a worker in lease mode (issue 23) over a large outbox, on SQLite and on a
// throwaway PostgreSQL: what the dispatcher asks the store on every pass (the rows waiting for a
// retry, the due rows claimed a page of 100 at a time, the next retry, and, where the store has
// it, when another worker's conversation frees up). 100,000 rows by default in 2,000 channels:
// 97 % sent, 1 % pending but held by another worker, 0.5 % waiting for a retry, the rest due.
// Times a pass that claims what it may (median of 5, the claims given back between runs) and an
// idle pass (nothing left to claim), each the median of 5, with its parts. Builds against the store before and after
// conversations were given to one worker at a time, for the before/after figure. Run: build/bench/outbox_claim_bench
// [rows]
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bot/store/store.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using Clock = std::chrono::steady_clock;
const bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};
constexpr int kChannels = 2000;
constexpr int kPage = 100;  // the dispatcher's page (outbox_dispatcher.cpp kBatch)

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The store's answer to "when is another worker's conversation free", if this build has it.
template <class S>
void ask_handoff(S& store, bot::TimePoint now) {
  if constexpr (requires(S & s) { s.next_outbox_handoff(now, "me"); }) (void)store.next_outbox_handoff(now, "me");
}

// Milliseconds of each part of a pass: the rows waiting for a retry, the claims, the next retry,
// the next hand-off.
struct Parts {
  double awaiting = 0, claims = 0, next_retry = 0, handoff = 0;
  double total() const { return awaiting + claims + next_retry + handoff; }
};

// One pass as OutboxDispatcher::spawn_due and run() make it; returns the rows claimed.
std::size_t pass(bot::Store& store, bot::TimePoint now, Parts& parts) {
  std::size_t claimed = 0;
  auto start = Clock::now();
  {
    auto tx = store.begin();
    (void)store.conversations_awaiting_retry(now);
    tx->commit();
  }
  parts.awaiting = ms_since(start);
  start = Clock::now();
  for (;;) {
    auto page_tx = store.begin();
    const auto page = store.claim_due_outbox(now, kPage, "me", now + std::chrono::minutes(1));
    page_tx->commit();
    claimed += page.size();
    if (page.size() < static_cast<std::size_t>(kPage)) break;
  }
  parts.claims = ms_since(start);
  start = Clock::now();
  (void)store.next_outbox_retry(now);
  parts.next_retry = ms_since(start);
  start = Clock::now();
  ask_handoff(store, now);
  parts.handoff = ms_since(start);
  return claimed;
}

void fill(bot::Store& store, int rows) {
  auto tx = store.begin();
  for (int i = 0; i < rows; ++i)
    store.enqueue({.to = {.kind = bot::Recipient::Kind::reply,
                          .platform = "slack",
                          .channel = "C" + std::to_string(i % kChannels)},
                   .message = bot::Message{}.paragraph("answer " + std::to_string(i))},
                  t0);
  tx->commit();
}

// The states, by id ranges (SQL that both schemas take).
std::vector<std::string> shape(int rows) {
  const auto ms = [](bot::TimePoint t) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  };
  const int sent = rows * 97 / 100, held = rows / 100, retry = rows / 200;
  const std::string later = ms(t0 + std::chrono::hours(24));
  return {"UPDATE outbox SET state = 'sent' WHERE id <= " + std::to_string(sent),
          "UPDATE outbox SET lease_owner = 'other', lease_until = " + later + " WHERE id > " + std::to_string(sent) +
              " AND id <= " + std::to_string(sent + held),
          "UPDATE outbox SET next_attempt = " + later +
              ", platform = 'slack', channel = 'C' || CAST(((id - 1) % 2000) AS TEXT) WHERE id > " +
              std::to_string(sent + held) + " AND id <= " + std::to_string(sent + held + retry)};
}

void measure(const char* backend, bot::Store& store, const std::function<void(const std::string&)>& sql) {
  const auto now = t0 + std::chrono::seconds(1);
  std::vector<Parts> busy, idle;
  std::size_t claimed = 0;
  for (int run = 0; run < 5; ++run) {
    Parts p;
    claimed = pass(store, now, p);
    busy.push_back(p);
    (void)pass(store, now, p);
    idle.push_back(p);
    sql("UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE lease_owner = 'me'");
  }
  const auto report = [&](const char* what, std::vector<Parts> runs) {
    std::sort(runs.begin(), runs.end(), [](const Parts& a, const Parts& b) { return a.total() < b.total(); });
    const Parts& m = runs[runs.size() / 2];
    std::printf("%-10s  %-24s %8.2f ms  (retries %.2f, claims %.2f, next retry %.2f, hand-off %.2f)\n", backend, what,
                m.total(), m.awaiting, m.claims, m.next_retry, m.handoff);
  };
  report(("pass claiming " + std::to_string(claimed) + " rows").c_str(), busy);
  report("idle pass", idle);
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 100'000;
  std::printf("outbox of %d rows in %d channels\n", rows, kChannels);
  {
    test_support::TempDir dir("outbox-claim-bench");
    const std::string path = (dir.path() / "hallpass.db").string();
    auto store = bot::open_sqlite_store(path);
    fill(*store, rows);
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 5000");
    const auto sql = [&](const std::string& s) { db.exec(s); };
    for (const auto& s : shape(rows)) sql(s);
    sql("ANALYZE");
    measure("SQLite", *store, sql);
  }
  {
    auto& server = test_support::PostgresServer::shared();
    const std::string database = server.fresh_database();
    auto store = bot::open_postgres_store(database);
    fill(*store, rows);
    const auto sql = [&](const std::string& s) { server.execute(database, s); };
    for (const auto& s : shape(rows)) sql(s);
    // As autovacuum leaves a busy outbox: the shaping above left a dead version of every row.
    sql("VACUUM ANALYZE outbox");
    measure("PostgreSQL", *store, sql);
  }
  return 0;
}
