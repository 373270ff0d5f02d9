// Districts sharing one PostgreSQL database (issue 23, tenancy): what a county's IT would check.
// Two stores with their own district keys on one database never see each other's rows, each
// numbers from R-1001, and each has its own audit chain. A SQLite file serves one district.
#include <catch2/catch.hpp>

#include "bot/model/incident.hpp"
#include "tests/support/store_backends.hpp"

namespace {

const bot::TimePoint t0{std::chrono::seconds{1'800'000'000}};

bot::StoreOptions district(const std::string& key) {
  bot::StoreOptions options;
  options.district = key;
  return options;
}

bot::AuditEntry entry(const std::string& subject) {
  return {.at = t0, .actor = "m.okafor", .action = "decided", .subject = subject, .details = "{}", .source = "t"};
}

}  // namespace

STORE_TEST_CASE("a district key that is not a short lowercase key is refused, saying what fits", "[unit][store]") {
  for (const std::string& bad : std::vector<std::string>{"Lincoln", "lincoln usd", "lincoln'usd", std::string(64, 'a')})
    CHECK_THROWS_WITH(backend.open(district(bad)), Catch::Contains("lowercase letters, digits and '-'"));
  if (!backend.is_postgres())
    CHECK_THROWS_WITH(backend.open(district("lincoln-usd")), Catch::Contains("a SQLite file serves one district"));
  else
    CHECK(backend.open(district(std::string(63, 'a'))) != nullptr);
  // Without a key the store opens as it always did.
  CHECK(backend.open()->next_request_id() == "R-1001");
}

TEST_CASE("two districts on one PostgreSQL database never see each other's rows", "[unit][store][postgres]") {
  const auto backend = test_support::StoreBackend::postgres();
  auto lincoln = backend.open(district("lincoln-usd"));
  auto oak = backend.open(district("oak-grove"));

  // Each numbers its own requests, incidents and accounts.
  CHECK(lincoln->next_request_id() == "R-1001");
  CHECK(oak->next_request_id() == "R-1001");
  CHECK(lincoln->next_request_id() == "R-1002");
  CHECK(lincoln->next_incident_id() == "I-2001");
  CHECK(oak->next_incident_id() == "I-2001");
  CHECK(oak->next_account_id() == "A-1001");

  bot::Request r{.id = "R-1001", .requester = "t.garcia", .site = "lincoln-ms"};
  r.filed_at = t0;
  r.due_date = "2026-12-01";
  lincoln->save_request(r);
  CHECK(lincoln->request("R-1001"));
  CHECK(!oak->request("R-1001"));
  CHECK(oak->requests_of("t.garcia").empty());
  CHECK(oak->open_requests().empty());
  // The same id in the other district is another request.
  r.requester = "j.smith";
  oak->save_request(r);
  CHECK(lincoln->request("R-1001")->requester == "t.garcia");
  CHECK(oak->request("R-1001")->requester == "j.smith");

  lincoln->save_draft({.person = "t.garcia"});
  CHECK(lincoln->draft("t.garcia"));
  CHECK(!oak->draft("t.garcia"));

  bot::Incident inc{.id = "I-2001", .reporter = "t.garcia", .category = "hacked"};
  inc.investigators = {"l.chen"};
  inc.filed_at = t0;
  lincoln->save_incident(inc);
  CHECK(!oak->incident("I-2001"));
  CHECK(oak->incidents_assigned_to("l.chen").empty());
  CHECK(oak->open_incidents().empty());

  lincoln->enqueue({.to = bot::Recipient::place("superintendent"), .message = bot::Message{}.paragraph("m")}, t0);
  CHECK(lincoln->outbox_entries().size() == 1);
  CHECK(oak->outbox_entries().empty());
  CHECK(oak->due_outbox(t0, 10).empty());
  CHECK(oak->claim_due_outbox(t0, 10, "worker-2", t0 + std::chrono::minutes(5)).empty());
  CHECK(lincoln->claim_due_outbox(t0, 10, "worker-1", t0 + std::chrono::minutes(5)).size() == 1);

  lincoln->schedule({"overdue", "R-1001", t0});
  CHECK(oak->due_timers(t0).empty());
  CHECK(oak->claim_due_timers(t0, "worker-2", t0 + std::chrono::minutes(5)).empty());
  CHECK(lincoln->due_timers(t0).size() == 1);

  lincoln->set_adapter_state("matrix.next_batch", "s1");
  CHECK(!oak->adapter_state("matrix.next_batch"));
  oak->set_adapter_state("matrix.next_batch", "s9");
  CHECK(lincoln->adapter_state("matrix.next_batch") == "s1");
  lincoln->set_workflow_value("digest.last_night", "2026-12-01");
  CHECK(!oak->workflow_value("digest.last_night"));

  // One audit chain per district: appends in one leave the other's head and check alone.
  lincoln->append_audit(entry("R-1001"));
  lincoln->append_audit(entry("R-1001"));
  oak->append_audit(entry("R-1001"));
  CHECK(lincoln->audit_head().seq == 2);
  CHECK(oak->audit_head().seq == 1);
  CHECK(oak->audit_of("R-1001").size() == 1);
  CHECK(oak->statistics(t0).audit_rows == 1);
  const auto oak_check = oak->verify_audit({});
  CHECK(oak_check.ok);
  for (int n = 0; n < 5; ++n) lincoln->append_audit(entry("R-1002"));
  CHECK(oak->verify_audit({}).ok);
  CHECK(oak->audit_head().seq == 1);
  CHECK(lincoln->verify_audit({}).ok);
  CHECK(lincoln->audit_head().seq == 7);

  // Reopened, a district finds its rows and goes on numbering where it stopped.
  lincoln.reset();
  auto again = backend.open(district("lincoln-usd"));
  CHECK(again->request("R-1001")->requester == "t.garcia");
  CHECK(again->next_request_id() == "R-1003");
  // A store without a key is a third district, the one the database served before keys.
  auto keyless = backend.open();
  CHECK(!keyless->request("R-1001"));
  CHECK(keyless->next_request_id() == "R-1001");
}
