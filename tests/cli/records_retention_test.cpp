// Issue 22: retention. A simulated year of requests, decisions, reports and nightly digests, every
// message "delivered" as the dispatcher would (sent, with its thread reference). Pruning the
// operational rows older than the configured time and compacting leaves the file a small fraction
// of its size without pruning; every request, report and audit row is intact and `audit verify`
// passes; recent event ids (de-duplication), the threads of open requests and everything of a
// request under a legal hold are kept.
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bot/store/store_json.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

using test_support::BotHarness;
using test_support::la_time;

namespace {

// What the dispatcher does after a send: the row is sent, and a thread's root is remembered.
void deliver_everything(bot::Store& store, bot::TimePoint now, std::int64_t& refs) {
  for (;;) {
    auto due = store.due_outbox(now, 500);
    if (due.empty()) return;
    for (const auto& e : due) {
      const auto& to = e.outbound.to;
      const std::string channel = to.kind == bot::Recipient::Kind::place    ? to.place_id
                                  : to.kind == bot::Recipient::Kind::person ? "dm:" + to.person_id
                                                                            : to.channel;
      const std::string ref = "ts-" + std::to_string(e.id);
      store.mark_in_flight(e.id, "console", channel);
      store.mark_sent(e.id, ref);
      for (const auto& key : {e.outbound.thread_key, e.outbound.record_key})
        if (!key.empty() && !store.message_ref("console", channel, key)) {
          store.put_message_ref("console", channel, key, ref);
          ++refs;
        }
    }
  }
}

std::uintmax_t file_bytes(const std::string& db) {
  std::uintmax_t n = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto s = std::filesystem::file_size(db + suffix, ec);
    if (!ec) n += s;
  }
  return n;
}

std::string request_text(const bot::Request& r) {
  nlohmann::json j = {{"id", r.id},
                      {"state", bot::to_string(r.state)},
                      {"plans", r.plans.size()},
                      {"due", r.due_date},
                      {"endorsed_by", r.endorsed_by}};
  if (r.decision) j["decision"] = {r.decision->response, r.decision->by, r.decision->explanation};
  return j.dump();
}

}  // namespace

TEST_CASE("records 22: after a simulated year pruning keeps the records and shrinks the database",
          "[records][retention]") {
  test_support::TempDir dir("retention");
  const std::string db = dir.file("hallpass.db");
  const std::vector<std::pair<std::string, std::string>> staff = {{"t.garcia", "r.alvarez"},
                                                                  {"s.patel", "r.alvarez"},
                                                                  {"l.morales", "j.chen"},
                                                                  {"a.wright", "k.brooks"},
                                                                  {"n.kim", "k.brooks"}};
  std::vector<std::string> ids;
  std::int64_t refs = 0;
  std::string held, open_request, incident;
  BotHarness h(db, la_time(2026, 11, 24, 9));
  h.bot().start_up();
  for (int day = 0; day < 365; ++day) {
    h.clock().set(la_time(2026, 11, 24, 9) + std::chrono::days(day));
    const auto& [who, principal] = staff[static_cast<size_t>(day) % staff.size()];
    std::string id = h.file_request(who);
    ids.push_back(id);
    if (day < 360) {
      h.click(principal, "endorse", id);
      if (day % 3 == 0)
        h.command("d.lee", "reject " + id + " Class news belongs on the school website, day " + std::to_string(day));
      else
        h.command("d.lee", "authorize " + id);
    } else if (open_request.empty()) {
      open_request = id;  // filed in the last days: still waiting, its thread still needed
    }
    if (day % 30 == 5) {
      h.command("t.garcia", "report");
      h.submit("t.garcia", "incident.report", "",
               {{"category", "harassment"},
                {"what", "A post mocks a colleague, month " + std::to_string(day / 30)},
                {"involved", "employee"},
                {"against_administrator", "no"},
                {"site", "lincoln"}});
      incident = h.store().incidents_reported_by("t.garcia").back().id;
      h.command("r.alvarez", "report close " + incident + " Post removed");
    }
    h.clock().set(la_time(2026, 11, 24, 20) + std::chrono::days(day));
    h.bot().fire_due_timers();  // the nightly digests, deadline warnings
    deliver_everything(h.store(), h.clock().now(), refs);
  }
  held = ids.front();
  REQUIRE(h.store().request(held)->decision);
  // A recent event, for de-duplication.
  bot::Inbound recent{
      .event_id = "recent-evt", .actor = "t.garcia", .kind = bot::InboundKind::command, .text = "status"};
  recent.place = {.channel = "dm:t.garcia", .direct = true};
  h.handle(recent);
  deliver_everything(h.store(), h.clock().now(), refs);

  // What must survive, read before pruning.
  std::map<std::string, std::string> requests_before;
  for (const auto& id : ids) requests_before[id] = request_text(*h.store().request(id));
  const auto audit_before = h.store().audit_head();
  const auto incident_before = bot::incident_to_json(*h.store().incident(incident)).dump();

  // The size without pruning (compacted too, so that only pruning makes the difference).
  h.store().compact();
  const auto unpruned = file_bytes(db);

  {
    auto tx = h.store().begin();
    h.store().set_legal_hold(held, true, "litigation hold, case 27-114");
    tx->commit();
  }
  bot::PruneReport report;
  {
    auto tx = h.store().begin();
    report = h.store().prune_operational(h.clock().now() -
                                         std::chrono::days(test_support::sample_district().config.retention_days));
    tx->commit();
  }
  h.store().compact();
  const auto pruned = file_bytes(db);
  std::cout << "retention: a year of " << ids.size() << " requests: " << unpruned << " bytes unpruned, " << pruned
            << " bytes pruned (" << (100 * pruned / unpruned) << "%); removed " << report.events << " event ids, "
            << report.outbox << " sent messages, " << report.message_refs << " thread references, " << report.timers
            << " timers; kept " << report.kept_for_hold << " for the hold\n";
  CHECK(report.events > 0);
  CHECK(report.outbox > 0);
  CHECK(report.message_refs > 0);
  CHECK(report.timers > 0);
  CHECK(report.kept_for_hold > 0);
  CHECK(pruned * 4 < unpruned);  // a small fraction: under a quarter

  // Every record intact, and the audit log verifies.
  for (const auto& id : ids) CHECK(request_text(*h.store().request(id)) == requests_before[id]);
  CHECK(bot::incident_to_json(*h.store().incident(incident)).dump() == incident_before);
  CHECK(h.store().audit_head().seq == audit_before.seq);
  CHECK(h.store().audit_head().hash == audit_before.hash);
  auto check = h.store().verify_audit();
  CHECK(check.ok);
  CHECK(check.rows == audit_before.seq);
  // De-duplication still knows recent events; the held request and the open one keep their threads.
  CHECK_FALSE(h.store().record_event("console", "recent-evt", h.clock().now()));
  CHECK(h.store().message_ref("console", "site:lincoln", held));
  bool open_thread = false;
  for (const auto& place : {"site:lincoln", "site:roosevelt", "site:kennedy", "superintendent"})
    open_thread = open_thread || h.store().message_ref("console", place, open_request).has_value();
  CHECK(open_thread);
  // The bot goes on as before: a request filed after pruning is routed and threaded.
  std::string after = h.file_request("t.garcia");
  CHECK(h.store().request(after));
  CHECK(h.store().verify_audit().ok);
  // And `hallpass audit verify` agrees on the file.
  CHECK(test_support::run_command(std::string(HALLPASS_BINARY) + " audit verify --db " + db + " 2>&1").exit_code == 0);
}
