// Every repository of the store, written and read back, on SQLite and on PostgreSQL: the
// statements are shared, so each is run on both dialects at least once. And how a PostgreSQL
// store is refused: unreachable, a newer schema, someone else's tables, the password never shown;
// and several workers on one database: the audit chain, and leased outbox rows and timers.
#include <atomic>
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "bot/model/incident.hpp"
#include "bot/store/postgres_connection.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/store_backends.hpp"

namespace {

const bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};

}  // namespace

STORE_TEST_CASE("requests, incidents, accounts and the records' tables read back what was saved", "[unit][store]") {
  auto store = backend.open();
  {
    auto tx = store->begin();
    bot::Request r{.id = store->next_request_id(), .requester = "t.garcia", .site = "lincoln-ms"};
    r.audience = {"parents"};
    r.students_interact = true;
    r.filed_at = t0;
    r.due_date = "2026-12-01";
    r.state = bot::RequestState::pending_decision;
    store->save_request(r);
    r.decision = bot::Decision{.response = "authorize", .by = "m.okafor", .at = t0 + std::chrono::hours(1)};
    r.state = bot::RequestState::authorized;
    store->save_request(r);
    tx->commit();
  }
  auto r = store->request("R-1001");
  REQUIRE(r);
  CHECK(r->state == bot::RequestState::authorized);
  CHECK(r->students_interact);
  CHECK(r->audience == std::vector<std::string>{"parents"});
  REQUIRE(r->decision);
  CHECK(r->decision->by == "m.okafor");
  CHECK(store->requests_of("t.garcia").size() == 1);
  CHECK(store->open_requests().empty());
  CHECK(store->requests_decided_since(t0).size() == 1);
  CHECK(store->requests_decided_since(t0 + std::chrono::hours(2)).empty());

  bot::Incident inc{.id = store->next_incident_id(), .reporter = "t.garcia", .category = "hacked"};
  inc.investigators = {"m.okafor", "l.chen"};
  inc.filed_at = t0;
  store->save_incident(inc);
  inc.investigators = {"l.chen"};
  store->save_incident(inc);
  CHECK(store->incident("I-2001")->investigators == std::vector<std::string>{"l.chen"});
  CHECK(store->incidents_assigned_to("l.chen").size() == 1);
  CHECK(store->incidents_assigned_to("m.okafor").empty());
  CHECK(store->open_incidents().size() == 1);
  store->save_incident_draft({"t.garcia", "hacked", t0});
  CHECK(store->incident_draft("t.garcia")->category == "hacked");
  store->delete_incident_draft("t.garcia");
  CHECK(!store->incident_draft("t.garcia"));

  bot::OfficialAccount a{.id = store->next_account_id(),
                         .kind = "official",
                         .request_id = "R-1001",
                         .platform = "instagram",
                         .handle = "@LincolnMS",
                         .site = "lincoln-ms",
                         .owner = "t.garcia"};
  store->save_account(a);
  CHECK(store->account("A-1001")->handle == "@LincolnMS");
  CHECK(store->accounts_by_handle("lincolnms").size() == 1);
  CHECK(store->registered_accounts("lincoln-ms").size() == 1);
  CHECK(store->accounts_of_request("R-1001").size() == 1);
  CHECK(store->accounts_by_platform_site("instagram", "lincoln-ms").size() == 1);

  store->set_workflow_value("digest.last_night", "2026-11-30");
  store->set_workflow_value("digest.last_night", "2026-12-01");
  CHECK(store->workflow_value("digest.last_night") == "2026-12-01");
  store->set_adapter_state("matrix.next_batch", "s1");
  CHECK(store->adapter_state("matrix.next_batch") == "s1");
  CHECK(!store->workflow_value("matrix.next_batch"));

  for (int i = 0; i < 4; ++i) store->keep_message("web", {"room", "m" + std::to_string(i), "hello"}, 2);
  const auto kept = store->kept_messages("web");
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].ref == "m2");

  store->set_legal_hold("R-1001", true, "records request");
  CHECK(store->legal_holds() == std::vector<std::string>{"R-1001"});
  store->put_message_ref("slack", "C1", "R-1001", "1.1");
  store->record_event("slack", "Ev1", t0);
  const auto pruned = store->prune_operational(t0 + std::chrono::hours(24 * 400));
  CHECK(pruned.events == 1);
  CHECK(pruned.message_refs == 0);  // held
  CHECK(pruned.kept_for_hold == 1);
  store->set_legal_hold("R-1001", false, "");
  CHECK(store->prune_operational(t0 + std::chrono::hours(24 * 400)).message_refs == 1);
  store->compact();

  store->append_audit({.at = t0,
                       .actor = "m.okafor",
                       .action = "decided",
                       .subject = "R-1001",
                       .details = "{}",
                       .source = "console:e1"});
  CHECK(store->audit_of("R-1001").size() == 1);
  CHECK(store->audit_rows(1, 1).size() == 1);
  CHECK(store->audit_links(1).size() == 1);
  const auto stats = store->statistics(t0);
  CHECK(stats.audit_rows == 1);
}

STORE_TEST_CASE("the outbox's retries and conversations are read the same way", "[unit][store][outbox]") {
  auto store = backend.open();
  for (const char* text : {"one", "two", "three"})
    store->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph(text)}, t0);
  auto due = store->due_outbox(t0, 10);
  REQUIRE(due.size() == 3);
  CHECK(store->due_outbox_after(t0, due[0].id, 10).size() == 2);
  CHECK(store->last_outbox_id() == due[2].id);
  store->mark_deferred(due[0].id, "slack", "C1", t0 + std::chrono::minutes(5), "paced");
  CHECK(store->conversations_awaiting_retry(t0).at("slack\nC1") == due[0].id);
  CHECK(store->next_outbox_retry(t0) == t0 + std::chrono::minutes(5));
  store->mark_in_flight(due[1].id, "slack", "C2");
  store->mark_sent(due[1].id, "1.2");
  store->mark_in_flight(due[2].id, "teams", "C3");
  CHECK(store->recover_in_flight("teams", true) == 1);
  store->mark_failed(due[2].id, "gone");
  const auto stats = store->statistics(t0);
  CHECK(stats.outbox_by_state.at("sent") == 1);
  CHECK(stats.outbox_by_state.at("failed") == 1);
  CHECK(stats.oldest_waiting == t0);
}

TEST_CASE("statements written with ? are numbered for PostgreSQL, quoted text left alone", "[unit][store]") {
  CHECK(bot::postgres_placeholders("SELECT a FROM t WHERE b = ? AND c = ?") ==
        "SELECT a FROM t WHERE b = $1 AND c = $2");
  CHECK(bot::postgres_placeholders("UPDATE t SET a = ?2 WHERE b = ?1 OR c = ?1") ==
        "UPDATE t SET a = $2 WHERE b = $1 OR c = $1");
  CHECK(bot::postgres_placeholders("SELECT '?', \"a?\" FROM t WHERE x = ?") ==
        "SELECT '?', \"a?\" FROM t WHERE x = $1");
  // The district comes first, the same text for every district; the statement's own follow it.
  CHECK(bot::postgres_placeholders("SELECT a FROM t WHERE district = ?D AND b = ? AND c = ?") ==
        "SELECT a FROM t WHERE district = $1 AND b = $2 AND c = $3");
  CHECK(bot::postgres_placeholders("UPDATE t SET a = ?2 WHERE district = ?D AND b = ?1 AND ?D <> ''") ==
        "UPDATE t SET a = $3 WHERE district = $1 AND b = $2 AND $1 <> ''");
}

TEST_CASE("an unreachable PostgreSQL server is one sentence that names it, never the password", "[unit][store]") {
  // A port nobody listens on: bound, then closed.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  try {
    bot::open_postgres_store("postgresql://hallpass:s3cret-pw@127.0.0.1:" + port + "/hallpass?connect_timeout=5");
    FAIL("opened");
  } catch (const bot::StoreOpenError& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Catch::Contains("PostgreSQL at 127.0.0.1:" + port + ", database hallpass"));
    CHECK_THAT(m, Catch::Contains("check the database URL"));
    CHECK_THAT(m, !Catch::Contains("s3cret-pw"));
    CHECK(m.find('\n') == std::string::npos);
  }
}

TEST_CASE("a PostgreSQL database with a newer schema, or someone else's tables, is refused",
          "[unit][store][postgres]") {
  auto& server = test_support::PostgresServer::shared();
  const std::string newer = server.fresh_database();
  bot::open_postgres_store(newer);
  server.execute(newer, "INSERT INTO schema_version (version) VALUES (999)");
  CHECK_THROWS_WITH(bot::open_postgres_store(newer), Catch::Contains("holds a newer Hallpass schema (999)"));

  const std::string other = server.fresh_database();
  server.execute(other, "CREATE TABLE invoices (id INTEGER)");
  CHECK_THROWS_WITH(bot::open_postgres_store(other), Catch::Contains("has tables that are not Hallpass's"));
  CHECK_THROWS_WITH(bot::open_postgres_store(server.fresh_database(), {.mode = bot::OpenMode::read_only}),
                    Catch::Contains("holds no Hallpass store yet"));
}

TEST_CASE("two workers appending to one PostgreSQL audit chain take turns: every row kept, one chain",
          "[unit][store][postgres]") {
  const std::string db = test_support::PostgresServer::shared().fresh_database();
  bot::open_postgres_store(db);  // created before the workers race to migrate it
  auto work = [&db](const std::string& worker) {
    auto store = bot::open_postgres_store(db);
    for (int n = 0; n < 40; ++n) {
      // Half in the bot's own transactions, half on their own.
      std::unique_ptr<bot::Transaction> tx = n % 2 ? store->begin() : nullptr;
      store->append_audit({.at = t0,
                           .actor = worker,
                           .action = "filed",
                           .subject = "R-" + std::to_string(n),
                           .details = "{}",
                           .source = worker});
      if (tx) tx->commit();
    }
  };
  std::exception_ptr failed;
  std::thread second([&] {
    try {
      work("worker-2");
    } catch (...) {
      failed = std::current_exception();
    }
  });
  work("worker-1");
  second.join();
  if (failed) std::rethrow_exception(failed);
  const auto check = bot::open_postgres_store(db)->verify_audit();
  CHECK(check.ok);
  CHECK(check.rows == 80);
}

STORE_TEST_CASE("two workers claiming the same due rows never get the same row, until a lease expires",
                "[unit][store][outbox]") {
  auto setup = backend.open();
  for (int n = 0; n < 60; ++n)
    setup->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph("m")}, t0);
  for (int n = 0; n < 30; ++n) setup->schedule({"overdue", "R-" + std::to_string(1000 + n), t0});
  const auto until = t0 + std::chrono::minutes(5);

  struct Claimed {
    std::vector<std::int64_t> outbox, timers;
  };
  auto work = [&](const std::string& owner, Claimed& got) {
    auto store = backend.open();
    for (;;) {
      auto entries = store->claim_due_outbox(t0, 7, owner, until);
      auto timers = store->claim_due_timers(t0, owner, until);
      if (entries.empty() && timers.empty()) break;
      for (const auto& e : entries) got.outbox.push_back(e.id);
      for (const auto& t : timers) got.timers.push_back(t.id);
    }
  };
  Claimed first, second;
  std::exception_ptr failed;
  std::thread other([&] {
    try {
      work("worker-2", second);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  work("worker-1", first);
  other.join();
  if (failed) std::rethrow_exception(failed);

  auto all = [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    std::sort(a.begin(), a.end());
    return a;
  };
  const auto outbox = all(first.outbox, second.outbox);
  const auto timers = all(first.timers, second.timers);
  CHECK(outbox.size() == 60);
  CHECK(std::adjacent_find(outbox.begin(), outbox.end()) == outbox.end());  // nobody got a row twice
  CHECK(timers.size() == 30);
  CHECK(std::adjacent_find(timers.begin(), timers.end()) == timers.end());

  // While the leases last nobody else gets them; once they expire (the worker died), another does.
  CHECK(setup->claim_due_outbox(t0 + std::chrono::minutes(1), 100, "worker-3", until).empty());
  CHECK(setup->claim_due_outbox(until, 100, "worker-3", until + std::chrono::minutes(5)).size() == 60);
  CHECK(setup->claim_due_timers(until, "worker-3", until + std::chrono::minutes(5)).size() == 30);
}

STORE_TEST_CASE("an adapter's value claimed by several workers at once is given to exactly one",
                "[unit][store][adapter-state]") {
  auto setup = backend.open();
  // Eight workers, each on its own connection, claim the same OAuth state at the same moment.
  constexpr int kWorkers = 8;
  std::atomic<int> ready = 0, won = 0;
  std::vector<std::thread> workers;
  std::vector<std::exception_ptr> failed(kWorkers);
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      try {
        auto store = backend.open();
        ++ready;
        while (ready < kWorkers) std::this_thread::yield();
        if (store->claim_adapter_state("slack.oauth_state.abc", "1800000000")) ++won;
      } catch (...) {
        failed[w] = std::current_exception();
      }
    });
  for (auto& t : workers) t.join();
  for (const auto& f : failed)
    if (f) std::rethrow_exception(f);
  CHECK(won == 1);
  CHECK(setup->adapter_state("slack.oauth_state.abc") == "1800000000");
  CHECK_FALSE(setup->claim_adapter_state("slack.oauth_state.abc", "1"));
  // A value removed the old way (saved as "") is free again.
  setup->set_adapter_state("slack.oauth_state.old", "");
  CHECK(setup->claim_adapter_state("slack.oauth_state.old", "2"));

  // Listed by prefix, in key order, without the emptied ones or another prefix's.
  setup->set_adapter_state("slack.installation.T2", "two");
  setup->set_adapter_state("slack.installation.T1", "one");
  setup->set_adapter_state("slack.installation.T3", "");
  setup->set_adapter_state("slack.installations", "[\"T1\"]");
  setup->set_adapter_state("slack.installation_T9", "not under the prefix");
  using Values = std::vector<std::pair<std::string, std::string>>;
  CHECK(setup->adapter_states("slack.installation.") ==
        Values{{"slack.installation.T1", "one"}, {"slack.installation.T2", "two"}});
  // % and _ are letters in a prefix, not patterns.
  CHECK(setup->adapter_states("slack.installation%").empty());
  setup->remove_adapter_state("slack.installation.T1");
  CHECK_FALSE(setup->adapter_state("slack.installation.T1"));
  CHECK(setup->adapter_states("slack.installation.") == Values{{"slack.installation.T2", "two"}});
}

STORE_TEST_CASE("after a restart, only in-flight messages whose lease expired are taken back",
                "[unit][store][outbox]") {
  auto store = backend.open();
  for (const char* text : {"leased", "unleased"})
    store->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph(text)}, t0);
  const auto now = std::chrono::time_point_cast<bot::TimePoint::duration>(std::chrono::system_clock::now());
  // Another worker holds the first for an hour from now; the second was sent the old way, without a lease.
  const auto leased = store->claim_due_outbox(t0, 1, "worker-2", now + std::chrono::hours(1));
  REQUIRE(leased.size() == 1);
  const auto all = store->outbox_entries();
  store->mark_in_flight(all[0].id, "slack", "C1");
  store->mark_in_flight(all[1].id, "slack", "C1");
  CHECK(store->recover_in_flight("slack", true) == 1);
  const auto after = store->outbox_entries();
  CHECK(after[0].state == bot::OutboxState::in_flight);
  CHECK(after[1].state == bot::OutboxState::pending);
}

STORE_TEST_CASE("an idle worker's look finds what a pass would act on, and only that", "[unit][store][outbox]") {
  auto store = backend.open();
  const auto minutes = [](int m) { return t0 + std::chrono::minutes(m); };
  CHECK_FALSE(store->look_at_outbox(t0).work);
  CHECK_FALSE(store->look_at_outbox(t0).next_retry);
  store->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph("m")}, t0);
  CHECK(store->look_at_outbox(t0).work);  // due, nobody holds it
  // Another worker holds it: nothing for this one until its lease ends.
  REQUIRE(store->claim_due_outbox(t0, 1, "worker-2", minutes(1)).size() == 1);
  CHECK_FALSE(store->look_at_outbox(t0).work);
  CHECK(store->look_at_outbox(minutes(1)).work);
  // Sending it, that worker died: found once the lease has expired (to be reconciled).
  const auto id = store->outbox_entries().front().id;
  store->mark_in_flight(id, "slack", "C1");
  CHECK_FALSE(store->look_at_outbox(t0).work);
  CHECK(store->look_at_outbox(minutes(1)).work);
  // Waiting for a retry: nothing now, and the retry time is told.
  store->mark_retry(id, minutes(5), "503");
  store->release_outbox_lease(id, "worker-2");
  const auto look = store->look_at_outbox(minutes(2));
  CHECK_FALSE(look.work);
  CHECK(look.next_retry == minutes(5));
  CHECK(store->look_at_outbox(minutes(5)).work);
  // Sent: nothing left.
  store->mark_sent(id, "1.1");
  CHECK_FALSE(store->look_at_outbox(minutes(7)).work);
  CHECK_FALSE(store->look_at_outbox(minutes(7)).next_retry);
}

TEST_CASE("without PostgreSQL's server programs the PostgreSQL tests fail and say what to install", "[unit][store]") {
  test_support::TempDir empty("no-postgres");
  // This test binary again, on one PostgreSQL test, with the programs looked for in an empty folder.
  const auto run = test_support::run_command("HALLPASS_PG_BIN=" + empty.path().string() + " /proc/" +
                                             std::to_string(::getpid()) + "/exe 'two workers appending*' 2>&1");
  CHECK(run.exit_code != 0);
  // Catch wraps long messages over lines: compared without white space.
  auto squeezed = [](std::string text) {
    std::erase_if(text, [](char c) { return c == ' ' || c == '\n'; });
    return text;
  };
  CHECK_THAT(squeezed(run.output), Catch::Contains(squeezed("PostgreSQL's server programs are not installed (no initdb "
                                                            "and pg_ctl in " +
                                                            empty.path().string() + "): install postgresql-15")));
}
