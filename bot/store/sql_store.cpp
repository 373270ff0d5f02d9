// The store on SqlConnection: every statement written once, in the SQL both SQLite 3.40 and
// PostgreSQL 15 accept (ON CONFLICT, RETURNING, CAST; no INSERT OR IGNORE, last_insert_rowid or
// GLOB). What the dialects cannot share is in sql_dialect.cpp.
#include "bot/store/sql_store.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "bot/model/incident.hpp"
#include "bot/model/sha256.hpp"
#include "bot/store/district_parameter.hpp"
#include "bot/store/records_store.hpp"
#include "bot/store/sql_audit_log.hpp"
#include "bot/store/sql_dialect.hpp"
#include "bot/store/store_json.hpp"

namespace bot {
namespace {

using nlohmann::json;

std::string str(std::string_view s) { return std::string(s); }

std::string_view outbox_state_name(OutboxState s) {
  switch (s) {
    case OutboxState::pending: return "pending";
    case OutboxState::in_flight: return "in_flight";
    case OutboxState::sent: return "sent";
    case OutboxState::failed: return "failed";
    case OutboxState::uncertain: return "uncertain";
  }
  return "pending";
}

OutboxState outbox_state_from(const std::string& s) {
  for (auto st :
       {OutboxState::pending, OutboxState::in_flight, OutboxState::sent, OutboxState::failed, OutboxState::uncertain})
    if (outbox_state_name(st) == s) return st;
  return OutboxState::failed;
}

class SqlTransaction final : public Transaction {
 public:
  SqlTransaction(SqlConnection& db, AnchorWriter* anchor) : db_(db), anchor_(anchor) { db_.begin(); }
  ~SqlTransaction() override {
    if (committed_) return;
    try {
      db_.rollback();
    } catch (const std::exception& e) {
      spdlog::error("rolling back a transaction failed: {}", e.what());
    }
    if (anchor_) anchor_->rolled_back();
  }
  void commit() override {
    db_.commit();
    committed_ = true;
    if (anchor_) anchor_->committed();
  }

 private:
  SqlConnection& db_;
  AnchorWriter* anchor_;
  bool committed_ = false;
};

class SqlStore final : public Store {
 public:
  using AuditLog::verify_audit;

  SqlStore(std::unique_ptr<SqlConnection> db, const StoreOptions& options)
      : db_(db->backend() == SqlBackend::postgres ? bind_district(std::move(db), options.district) : std::move(db)),
        audit_(*db_, options.audit_key, options.anchor_file),
        dv_(db_->backend() == SqlBackend::postgres ? std::string(kDistrictParameter) : "'" + options.district + "'"),
        d_("district = " + dv_) {}

  // Everything after the connection is open and known to be Hallpass's: when it may write, its
  // schema, the audit key and the anchor file.
  void set_up(const std::string& name, OpenMode mode) {
    if (mode != OpenMode::read_only) migrate_schema(*db_);
    // A read-only command on a database older than the district key reads it whole: it is one district's.
    if (!has_district_column(*db_)) d_ = "1 = 1";
    audit_.set_district(dv_, d_);
    if (mode == OpenMode::read_only) return;  // a reading command reports a wrong key itself (audit verify)
    audit_.check_key(name);
    if (audit_.anchor()) audit_.anchor()->check_writable();
  }

  int version() { return schema_version_of(*db_); }

  std::unique_ptr<Transaction> begin() override { return std::make_unique<SqlTransaction>(*db_, audit_.anchor()); }

  bool record_event(std::string_view platform, std::string_view event_id, TimePoint now) override {
    return db_->run("INSERT INTO events (district, platform, event_id, seen_at) VALUES (" + dv_ +
                        ", ?, ?, ?) ON CONFLICT (district, platform, event_id) DO NOTHING",
                    {str(platform), str(event_id), to_millis(now)}) == 1;
  }

  std::string next_request_id() override { return "R-" + std::to_string(next_counter("request", 1001)); }

  void save_request(const Request& r) override {
    db_->run(
        "INSERT INTO requests (district, id, requester,"
        R"sql( site, state, plans, audience, students_interact, filed_at,
        due_date, overdue_notified, endorsed_by, routed_at, return_note, info_question, info_answer,
        info_requested_at, decision, decided_at, withdrawn_by, returned_by)
      VALUES ()sql" +
            dv_ + R"sql(, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
      ON CONFLICT (district, id) DO UPDATE SET state=?4, plans=?5, audience=?6, students_interact=?7, due_date=?9,
        overdue_notified=?10, endorsed_by=?11, routed_at=?12, return_note=?13, info_question=?14,
        info_answer=?15, info_requested_at=?16, decision=?17, decided_at=?18, withdrawn_by=?19,
        returned_by=?20)sql",
        {r.id,
         r.requester,
         r.site,
         str(to_string(r.state)),
         plans_to_json(r.plans).dump(),
         json(r.audience).dump(),
         std::int64_t{r.students_interact ? 1 : 0},
         to_millis(r.filed_at),
         r.due_date,
         std::int64_t{r.overdue_notified ? 1 : 0},
         r.endorsed_by,
         to_millis(r.routed_at),
         r.return_note,
         r.info_question,
         r.info_answer,
         to_millis(r.info_requested_at),
         r.decision ? SqlValue(decision_to_json(*r.decision).dump()) : SqlValue(nullptr),
         r.decision ? SqlValue(to_millis(r.decision->at)) : SqlValue(nullptr),
         r.withdrawn_by,
         r.returned_by});
  }

  std::optional<Request> request(std::string_view id) override {
    auto rows = query_requests("WHERE " + d_ + " AND id = ?", {str(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Request> requests_of(std::string_view requester) override {
    return query_requests("WHERE " + d_ + " AND requester = ? ORDER BY filed_at", {str(requester)});
  }

  std::vector<Request> open_requests() override {
    return query_requests("WHERE " + d_ +
                          " AND state IN ('pending_site','pending_decision','needs_info') ORDER BY filed_at");
  }

  std::vector<Request> requests_decided_since(TimePoint since) override {
    return query_requests("WHERE " + d_ + " AND decided_at >= ? ORDER BY decided_at", {to_millis(since)});
  }

  std::optional<Draft> draft(std::string_view person) override {
    auto body = body_in("drafts", "person", person);
    if (!body) return std::nullopt;
    return draft_from_json(json::parse(*body));
  }

  void save_draft(const Draft& d) override { set_body_in("drafts", "person", d.person, draft_to_json(d).dump()); }

  void delete_draft(std::string_view person) override {
    db_->run("DELETE FROM drafts WHERE " + d_ + " AND person = ?", {str(person)});
  }

  void append_audit(AuditEntry e) override { audit_.append(e); }
  AuditHead audit_head() override { return audit_.head(); }
  std::vector<AuditEntry> audit_of(std::string_view subject) override { return audit_.of(subject); }
  AuditCheck verify_audit(const std::vector<AuditAnchor>& anchors) override { return audit_.verify(anchors); }

  void enqueue(const Outbound& o, TimePoint now) override {
    // The idempotency key is created before the first try and kept, so a resend after a crash is
    // recognisable.
    std::string conversation = conversation_key_ ? conversation_key_(o) : std::string();
    if (conversation.empty()) conversation = recipient_conversation(o.to);
    db_->run("INSERT INTO outbox (district, created_at, body, next_attempt, idempotency_key, conversation) VALUES (" +
                 dv_ + ", ?, ?, ?, ?, ?)",
             {to_millis(now), outbound_to_json(o).dump(), to_millis(now), random_id(), conversation});
  }

  void key_conversations(ConversationKey key) override { conversation_key_ = std::move(key); }

  std::vector<OutboxEntry> due_outbox(TimePoint now, int limit) override {
    return read_outbox(db_->query("SELECT " + outbox_columns() + " FROM outbox WHERE " + d_ +
                                      " AND state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?",
                                  {to_millis(now), std::int64_t{limit}}));
  }

  std::vector<OutboxEntry> due_outbox_after(TimePoint now, std::int64_t after_id, int limit) override {
    return read_outbox(db_->query("SELECT " + outbox_columns() + " FROM outbox WHERE " + d_ +
                                      " AND state = 'pending' AND next_attempt <= ? AND id > ? "
                                      "ORDER BY id LIMIT ?",
                                  {to_millis(now), after_id, std::int64_t{limit}}));
  }

  std::int64_t last_outbox_id() override { return db_->integer("SELECT COALESCE(MAX(id), 0) FROM outbox WHERE " + d_); }

  std::map<std::string, std::int64_t> conversations_awaiting_retry(TimePoint now) override {
    // A pending row has a platform only after a send was tried; one due later waits for a retry.
    auto q = db_->query("SELECT platform, channel, MIN(id) FROM outbox WHERE " + d_ +
                            " AND state = 'pending' AND next_attempt > ? "
                            "AND platform != '' GROUP BY platform, channel",
                        {to_millis(now)});
    std::map<std::string, std::int64_t> out;
    while (q->next()) out[q->text(0) + "\n" + q->text(1)] = q->integer(2);
    return out;
  }

  std::optional<TimePoint> next_outbox_attempt() override {
    return time_or_none(db_->query("SELECT MIN(next_attempt) FROM outbox WHERE " + d_ + " AND state = 'pending'"));
  }

  void mark_in_flight(std::int64_t id, std::string_view platform, std::string_view channel) override {
    db_->run("UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, platform = ?, channel = ? WHERE " + d_ +
                 " AND id = ?",
             {str(platform), str(channel), id});
  }

  void mark_sent(std::int64_t id, std::string_view ref) override {
    db_->run("UPDATE outbox SET state = 'sent', ref = ?, last_error = '' WHERE " + d_ + " AND id = ?", {str(ref), id});
  }

  void mark_retry(std::int64_t id, TimePoint next, std::string_view error) override {
    db_->run("UPDATE outbox SET state = 'pending', next_attempt = ?, last_error = ? WHERE " + d_ + " AND id = ?",
             {to_millis(next), str(error), id});
  }

  void mark_failed(std::int64_t id, std::string_view error) override {
    db_->run("UPDATE outbox SET state = 'failed', last_error = ? WHERE " + d_ + " AND id = ?", {str(error), id});
  }

  int recover_in_flight(std::string_view platform, bool retry_safe) override {
    // An entry another worker still holds a lease on is that worker's to finish.
    return static_cast<int>(db_->run(std::string("UPDATE outbox SET state = '") +
                                         (retry_safe ? "pending" : "uncertain") + "' WHERE " + d_ +
                                         " AND state = 'in_flight' AND platform = ? AND lease_until <= ?",
                                     {str(platform), to_millis(std::chrono::system_clock::now())}));
  }

  std::vector<OutboxEntry> claim_due_outbox(TimePoint now, int limit, std::string_view owner,
                                            TimePoint until) override {
    // One worker at a time delivers a conversation, in order. A due row is a candidate unless
    // another worker holds a live lease in its conversation (it owns the conversation: it sends
    // and paces it), or an earlier row there is waiting and nobody holds it while it cannot be
    // sent now (a retry later, or in flight by a worker that died: reconciled first). The
    // candidates are locked (SKIP LOCKED: those another worker is claiming now are passed over);
    // a candidate is taken only if every earlier free waiting row of its conversation is a
    // candidate too, so a row whose predecessor was just passed over stays for the worker that
    // takes the predecessor. The rows are picked once (MATERIALIZED): PostgreSQL may rescan an
    // IN (… LIMIT … SKIP LOCKED) subquery and pick more rows than the limit.
    // d_ unqualified: in each (sub)query it names the district of that query's own table.
    auto claimed = read_outbox(db_->query(
        "WITH candidates AS MATERIALIZED (SELECT o.id, o.conversation FROM outbox o WHERE " + d_ +
            " AND o.state = 'pending' AND o.next_attempt <= ?3 AND o.lease_until <= ?3"
            " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE " +
            d_ +
            " AND e.conversation = o.conversation AND e.lease_until > ?3 AND e.lease_owner <> ?1)"
            // A scalar subquery, not NOT EXISTS: PostgreSQL would join NOT EXISTS against every
            // row waiting for a retry; this walks the conversation's waiting rows in its index.
            " AND o.id <= (SELECT COALESCE(MIN(e.id), o.id) FROM outbox e WHERE " +
            d_ +
            " AND e.conversation = o.conversation AND e.state IN ('pending', 'in_flight')"
            " AND e.lease_until <= ?3 AND (e.state = 'in_flight' OR e.next_attempt > ?3))"
            " ORDER BY o.id LIMIT ?4" +
            skip_locked(*db_) +
            "), picked AS MATERIALIZED (SELECT c.id FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM outbox e WHERE " +
            d_ +
            " AND e.conversation = c.conversation AND e.id < c.id AND e.state IN ('pending', 'in_flight')"
            " AND e.lease_until <= ?3 AND e.id NOT IN (SELECT id FROM candidates)))"
            " UPDATE outbox SET lease_owner = ?1, lease_until = ?2 WHERE " +
            d_ + " AND id IN (SELECT id FROM picked) RETURNING " + outbox_columns(),
        {str(owner), to_millis(until), to_millis(now), std::int64_t{limit}}));
    // RETURNING gives the rows in no promised order.
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return claimed;
  }

  std::vector<OutboxEntry> claim_expired_in_flight(TimePoint now, std::string_view owner, TimePoint until) override {
    // Picked once (MATERIALIZED), as claim_due_outbox does, and only among this district's rows.
    auto claimed =
        read_outbox(db_->query("WITH picked AS MATERIALIZED (SELECT id FROM outbox WHERE " + d_ +
                                   " AND state = 'in_flight' AND lease_until <= ?3 ORDER BY id" + skip_locked(*db_) +
                                   ") UPDATE outbox SET lease_owner = ?1, lease_until = ?2 WHERE " + d_ +
                                   " AND id IN (SELECT id FROM picked) RETURNING " + outbox_columns(),
                               {str(owner), to_millis(until), to_millis(now)}));
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return claimed;
  }

  std::optional<TimePoint> next_outbox_handoff(TimePoint now, std::string_view owner) override {
    // Driven by the few due rows nobody holds, each looked up in its conversation's leases (a scan
    // of every live lease instead cost PostgreSQL a read of most of the outbox on every pass).
    return time_or_none(db_->query("SELECT MIN((SELECT MIN(h.lease_until) FROM outbox h WHERE " + d_ +
                                       " AND h.conversation = w.conversation AND h.lease_until > ?1 AND "
                                       "h.lease_owner <> ?2)) FROM outbox w WHERE " +
                                       d_ + " AND w.state = 'pending' AND w.next_attempt <= ?1 AND w.lease_until <= ?1",
                                   {to_millis(now), str(owner)}));
  }

  void renew_outbox_lease(std::int64_t id, std::string_view owner, TimePoint until) override {
    db_->run("UPDATE outbox SET lease_until = ? WHERE " + d_ + " AND id = ? AND lease_owner = ?",
             {to_millis(until), id, str(owner)});
  }

  void release_outbox_lease(std::int64_t id, std::string_view owner) override {
    db_->run("UPDATE outbox SET lease_owner = '', lease_until = 0 WHERE " + d_ + " AND id = ? AND lease_owner = ?",
             {id, str(owner)});
  }

  void mark_deferred(std::int64_t id, std::string_view platform, std::string_view channel, TimePoint next,
                     std::string_view error) override {
    db_->run(
        "UPDATE outbox SET state = 'pending', platform = ?, channel = ?, next_attempt = ?, last_error = ? "
        "WHERE " +
            d_ + " AND id = ?",
        {str(platform), str(channel), to_millis(next), str(error), id});
  }

  OutboxLook look_at_outbox(TimePoint now) override {
    // d_ unqualified: each subquery names its own table's district. CASE, not a bare EXISTS:
    // PostgreSQL answers a boolean, SQLite an integer.
    auto q = db_->query("SELECT CASE WHEN EXISTS (SELECT 1 FROM outbox WHERE " + d_ +
                            " AND state = 'pending' AND next_attempt <= ?1 AND lease_until <= ?1) OR EXISTS "
                            "(SELECT 1 FROM outbox WHERE " +
                            d_ + " AND state = 'in_flight' AND lease_until <= ?1) THEN 1 ELSE 0 END, (" +
                            next_retry_query() + ")",
                        {to_millis(now)});
    OutboxLook look;
    if (q->next()) {
      look.work = q->integer(0) != 0;
      if (!q->is_null(1)) look.next_retry = from_millis(q->integer(1));
    }
    return look;
  }

  std::optional<TimePoint> next_outbox_retry(TimePoint now) override {
    return time_or_none(db_->query(next_retry_query(), {to_millis(now)}));
  }

  // The next retry after ?1, the time now: next_outbox_retry and, inside its one visit,
  // look_at_outbox.
  std::string next_retry_query() const {
    return "SELECT MIN(next_attempt) FROM outbox WHERE " + d_ + " AND state = 'pending' AND next_attempt > ?1";
  }

  void mark_uncertain(std::int64_t id, std::string_view error) override {
    db_->run("UPDATE outbox SET state = 'uncertain', last_error = ? WHERE " + d_ + " AND id = ?", {str(error), id});
  }

  StoreStatistics statistics(TimePoint now) override {
    StoreStatistics st;
    // Each is one pass over an indexed column; a district's database answers in milliseconds.
    for (auto q = db_->query("SELECT state, COUNT(*) FROM outbox WHERE " + d_ + " GROUP BY state"); q->next();)
      st.outbox_by_state[q->text(0)] = q->integer(1);
    st.oldest_waiting = time_or_none(
        db_->query("SELECT MIN(created_at) FROM outbox WHERE " + d_ + " AND state IN ('pending', 'in_flight')"));
    for (auto q = db_->query("SELECT platform, COUNT(*) FROM events WHERE " + d_ + " GROUP BY platform"); q->next();)
      st.events_by_platform[q->text(0)] = q->integer(1);
    st.audit_rows = db_->integer("SELECT COALESCE(MAX(seq), 0) FROM audit WHERE " + d_);
    st.timers_due = db_->integer("SELECT COUNT(*) FROM timers WHERE " + d_ + " AND fired_at IS NULL AND due_at <= ?",
                                 {to_millis(now)});
    st.timers_fired = db_->integer("SELECT COUNT(*) FROM timers WHERE " + d_ + " AND fired_at IS NOT NULL");
    return st;
  }

  std::vector<OutboxEntry> outbox_entries() override {
    return read_outbox(db_->query("SELECT " + outbox_columns() + " FROM outbox WHERE " + d_ + " ORDER BY id"));
  }

  std::optional<std::string> message_ref(std::string_view platform, std::string_view channel,
                                         std::string_view key) override {
    return text_or_none(
        db_->query("SELECT ref FROM message_refs WHERE " + d_ + " AND platform = ? AND channel = ? AND key = ?",
                   {str(platform), str(channel), str(key)}));
  }

  void put_message_ref(std::string_view platform, std::string_view channel, std::string_view key,
                       std::string_view ref) override {
    db_->run("INSERT INTO message_refs (district, platform, channel, key, ref) VALUES (" + dv_ +
                 ", ?, ?, ?, ?) ON CONFLICT (district, platform, channel, key) DO UPDATE SET ref = excluded.ref",
             {str(platform), str(channel), str(key), str(ref)});
  }

  std::optional<std::string> thread_key_of(std::string_view platform, std::string_view channel,
                                           std::string_view ref) override {
    // Thread keys are the domain ids themselves ("R-1001"); record keys contain a '/'.
    return text_or_none(db_->query("SELECT key FROM message_refs WHERE " + d_ +
                                       " AND platform = ? AND channel = ? AND ref = ? AND instr(key, '/') = 0 LIMIT 1",
                                   {str(platform), str(channel), str(ref)}));
  }

  std::optional<PostedMessage> posted_message(std::string_view key) override {
    auto q =
        db_->query("SELECT platform, channel, ref FROM message_refs WHERE " + d_ + " AND key = ? LIMIT 1", {str(key)});
    if (q->next()) return PostedMessage{q->text(0), q->text(1), q->text(2)};
    return std::nullopt;
  }

  void schedule(const TimerRequest& t) override {
    db_->run("INSERT INTO timers (district, kind, subject, due_at) VALUES (" + dv_ +
                 ", ?, ?, ?) ON CONFLICT (district, kind, subject, due_at) DO NOTHING",
             {t.kind, t.subject, to_millis(t.due)});
  }

  std::vector<Timer> due_timers(TimePoint now) override {
    auto q = db_->query("SELECT id, kind, subject, due_at FROM timers WHERE " + d_ +
                            " AND fired_at IS NULL AND due_at <= ? ORDER BY due_at, id",
                        {to_millis(now)});
    std::vector<Timer> out;
    while (q->next()) out.push_back({q->integer(0), q->text(1), q->text(2), from_millis(q->integer(3))});
    return out;
  }

  std::vector<Timer> claim_due_timers(TimePoint now, std::string_view owner, TimePoint until) override {
    auto q = db_->query("WITH picked AS MATERIALIZED (SELECT id FROM timers WHERE " + d_ +
                            " AND fired_at IS NULL AND due_at <= ?3 AND lease_until <= ?3 ORDER BY due_at, id" +
                            skip_locked(*db_) + ") UPDATE timers SET lease_owner = ?1, lease_until = ?2 WHERE " + d_ +
                            " AND id IN (SELECT id FROM picked) RETURNING id, kind, subject, due_at",
                        {str(owner), to_millis(until), to_millis(now)});
    std::vector<Timer> out;
    while (q->next()) out.push_back({q->integer(0), q->text(1), q->text(2), from_millis(q->integer(3))});
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::tie(a.due, a.id) < std::tie(b.due, b.id); });
    return out;
  }

  std::optional<TimePoint> next_timer() override {
    return time_or_none(db_->query("SELECT MIN(due_at) FROM timers WHERE " + d_ + " AND fired_at IS NULL"));
  }

  void mark_timer_fired(std::int64_t id, TimePoint at) override {
    db_->run("UPDATE timers SET fired_at = ? WHERE " + d_ + " AND id = ?", {to_millis(at), id});
  }

  void cancel_timers(std::string_view kind, std::string_view subject) override {
    db_->run("DELETE FROM timers WHERE " + d_ + " AND kind = ? AND subject = ? AND fired_at IS NULL",
             {str(kind), str(subject)});
  }

  std::string next_incident_id() override { return "I-" + std::to_string(next_counter("incident", 2001)); }

  void save_incident(const Incident& i) override {
    db_->run("INSERT INTO incidents (district, id, reporter, status, filed_at, body) VALUES (" + dv_ +
                 ", ?1, ?2, ?3, ?4, ?5) ON CONFLICT (district, id) DO UPDATE SET status = ?3, body = ?5",
             {i.id, i.reporter, str(to_string(i.status)), to_millis(i.filed_at), incident_to_json(i).dump()});
    db_->run("DELETE FROM incident_investigators WHERE " + d_ + " AND incident = ?", {i.id});
    for (const auto& person : i.investigators)
      db_->run("INSERT INTO incident_investigators (district, incident, person) VALUES (" + dv_ +
                   ", ?, ?) ON CONFLICT DO NOTHING",
               {i.id, person});
  }

  std::optional<Incident> incident(std::string_view id) override {
    auto rows = query_incidents("WHERE " + d_ + " AND id = ?", {str(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<Incident> incidents_reported_by(std::string_view reporter) override {
    return query_incidents("WHERE " + d_ + " AND reporter = ? ORDER BY filed_at, id", {str(reporter)});
  }

  std::vector<Incident> incidents_assigned_to(std::string_view investigator) override {
    return query_incidents("WHERE " + d_ + " AND id IN (SELECT incident FROM incident_investigators WHERE " + d_ +
                               " AND person = ?) ORDER BY filed_at, id",
                           {str(investigator)});
  }

  std::vector<Incident> open_incidents() override {
    return query_incidents("WHERE " + d_ + " AND status <> 'closed' ORDER BY filed_at, id");
  }

  std::optional<IncidentDraft> incident_draft(std::string_view person) override {
    auto q = db_->query("SELECT person, category, opened_at FROM incident_drafts WHERE " + d_ + " AND person = ?",
                        {str(person)});
    if (!q->next()) return std::nullopt;
    return IncidentDraft{q->text(0), q->text(1), from_millis(q->integer(2))};
  }

  void save_incident_draft(const IncidentDraft& d) override {
    db_->run("INSERT INTO incident_drafts (district, person, category, opened_at) VALUES (" + dv_ +
                 ", ?, ?, ?) ON CONFLICT (district, person) DO UPDATE "
                 "SET category = excluded.category, opened_at = excluded.opened_at",
             {d.person, d.category, to_millis(d.opened_at)});
  }

  void delete_incident_draft(std::string_view person) override {
    db_->run("DELETE FROM incident_drafts WHERE " + d_ + " AND person = ?", {str(person)});
  }

  std::vector<KeptMessage> kept_messages(std::string_view platform) override {
    auto q = db_->query("SELECT place, ref, body FROM kept_messages WHERE " + d_ + " AND platform = ? ORDER BY id",
                        {str(platform)});
    std::vector<KeptMessage> out;
    while (q->next()) out.push_back({q->text(0), q->text(1), q->text(2)});
    return out;
  }

  void keep_message(std::string_view platform, const KeptMessage& m, std::size_t keep) override {
    // A new ref is appended; a known one is replaced where it stands (same id, same place in order).
    db_->run("INSERT INTO kept_messages (district, platform, place, ref, body) VALUES (" + dv_ +
                 ", ?, ?, ?, ?) ON CONFLICT (district, platform, ref) DO UPDATE SET body = excluded.body",
             {str(platform), m.place, m.ref, m.body});
    db_->run("DELETE FROM kept_messages WHERE " + d_ +
                 " AND platform = ?1 AND place = ?2 AND id <= "
                 "(SELECT id FROM kept_messages WHERE " +
                 d_ + " AND platform = ?1 AND place = ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3)",
             {str(platform), m.place, static_cast<std::int64_t>(keep)});
  }

  std::optional<std::string> adapter_state(std::string_view key) override { return value_in("checkpoints", key); }

  void set_adapter_state(std::string_view key, std::string_view value) override {
    set_value_in("checkpoints", key, value);
  }

  bool claim_adapter_state(std::string_view key, std::string_view value) override {
    // A key removed by saving "" (as adapters did before remove_adapter_state) counts as free.
    return db_->run("INSERT INTO checkpoints (district, name, value) VALUES (" + dv_ +
                        ", ?, ?) ON CONFLICT (district, name) DO UPDATE SET value = excluded.value "
                        "WHERE checkpoints.value = ''",
                    {str(key), str(value)}) == 1;
  }

  std::vector<std::pair<std::string, std::string>> adapter_states(std::string_view prefix) override {
    // substr, not LIKE (no escaping of % and _) nor a range (PostgreSQL's collation does not
    // order by bytes).
    auto q = db_->query(
        "SELECT name, value FROM checkpoints WHERE " + d_ + " AND substr(name, 1, ?) = ? AND value <> '' ORDER BY name",
        {static_cast<std::int64_t>(prefix.size()), str(prefix)});
    std::vector<std::pair<std::string, std::string>> out;
    while (q->next()) out.emplace_back(q->text(0), q->text(1));
    return out;
  }

  void remove_adapter_state(std::string_view key) override {
    db_->run("DELETE FROM checkpoints WHERE " + d_ + " AND name = ?", {str(key)});
  }

  std::optional<std::string> workflow_value(std::string_view name) override {
    return value_in(workflow_values_table(), name);
  }

  void set_workflow_value(std::string_view name, std::string_view value) override {
    set_value_in("workflow_values", name, value);
  }

  // --- classroom (issue 21) ---
  std::optional<ClassroomChecklist> classroom_checklist(std::string_view request_id) override {
    if (auto body = body_in("classroom_checklists", "request_id", request_id)) return checklist_from_json(*body);
    return std::nullopt;
  }

  void save_classroom_checklist(const ClassroomChecklist& c) override {
    set_body_in("classroom_checklists", "request_id", c.request_id, checklist_to_json(c));
  }

  std::vector<ClassroomChecklist> classroom_checklists() override {
    std::vector<ClassroomChecklist> out;
    if (!has_table(*db_, "classroom_checklists")) return out;  // a read-only command on an older database
    for (auto q = db_->query("SELECT body FROM classroom_checklists WHERE " + d_ +
                             " ORDER BY length(request_id), request_id");
         q->next();)
      out.push_back(checklist_from_json(q->text(0)));
    return out;
  }

  std::optional<PolicyAcknowledgement> policy_acknowledgement(std::string_view person) override {
    if (auto body = body_in("policy_acknowledgements", "person", person)) return acknowledgement_from_json(*body);
    return std::nullopt;
  }

  void save_policy_acknowledgement(const PolicyAcknowledgement& a) override {
    set_body_in("policy_acknowledgements", "person", a.person, acknowledgement_to_json(a));
  }

  std::vector<PolicyAcknowledgement> policy_acknowledgements() override {
    std::vector<PolicyAcknowledgement> out;
    if (!has_table(*db_, "policy_acknowledgements")) return out;
    for (auto q = db_->query("SELECT body FROM policy_acknowledgements WHERE " + d_ + " ORDER BY person"); q->next();)
      out.push_back(acknowledgement_from_json(q->text(0)));
    return out;
  }

  static json optional_time(const std::optional<TimePoint>& t) { return t ? json(to_millis(*t)) : json(nullptr); }
  static std::optional<TimePoint> time_from(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return from_millis(it->get<std::int64_t>());
  }
  static std::string checklist_to_json(const ClassroomChecklist& c) {
    return json{{"request_id", c.request_id},
                {"teacher", c.teacher},
                {"site", c.site},
                {"consent_needed", c.consent_needed},
                {"comments", c.comments},
                {"parents_notified", optional_time(c.parents_notified)},
                {"admin_access", optional_time(c.admin_access)},
                {"admin_access_by", c.admin_access_by},
                {"login_given", optional_time(c.login_given)},
                {"login_by", c.login_by},
                {"consent_confirmed", optional_time(c.consent_confirmed)},
                {"moderation_on", c.moderation_on},
                {"moderation_last", c.moderation_last}}
        .dump();
  }
  static ClassroomChecklist checklist_from_json(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    ClassroomChecklist c;
    if (!j.is_object()) return c;
    c.request_id = j.value("request_id", "");
    c.teacher = j.value("teacher", "");
    c.site = j.value("site", "");
    c.consent_needed = j.value("consent_needed", false);
    c.comments = j.value("comments", false);
    c.parents_notified = time_from(j, "parents_notified");
    c.admin_access = time_from(j, "admin_access");
    c.admin_access_by = j.value("admin_access_by", "");
    c.login_given = time_from(j, "login_given");
    c.login_by = j.value("login_by", "");
    c.consent_confirmed = time_from(j, "consent_confirmed");
    c.moderation_on = j.value("moderation_on", false);
    c.moderation_last = j.value("moderation_last", "");
    return c;
  }
  static std::string acknowledgement_to_json(const PolicyAcknowledgement& a) {
    return json{{"person", a.person},
                {"policy", a.policy},
                {"sent_at", to_millis(a.sent_at)},
                {"sent_by", a.sent_by},
                {"acknowledged_at", optional_time(a.acknowledged_at)}}
        .dump();
  }
  static PolicyAcknowledgement acknowledgement_from_json(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    PolicyAcknowledgement a;
    if (!j.is_object()) return a;
    a.person = j.value("person", "");
    a.policy = j.value("policy", "");
    a.sent_at = time_from(j, "sent_at").value_or(TimePoint{});
    a.sent_by = j.value("sent_by", "");
    a.acknowledged_at = time_from(j, "acknowledged_at");
    return a;
  }

  // --- records (issue 22) ---
  std::vector<AuditEntry> audit_rows(std::int64_t from_seq, std::int64_t to_seq) override {
    return audit_.rows(from_seq, to_seq);
  }
  std::vector<AuditLink> audit_links(std::int64_t from_seq) override { return audit_.links(from_seq); }

  void set_legal_hold(std::string_view subject, bool held, std::string_view note) override {
    if (held)
      db_->run("INSERT INTO legal_holds (district, subject, note, at) VALUES (" + dv_ +
                   ", ?, ?, ?) ON CONFLICT (district, subject) DO UPDATE SET note = excluded.note",
               {str(subject), str(note), to_millis(std::chrono::system_clock::now())});
    else
      db_->run("DELETE FROM legal_holds WHERE " + d_ + " AND subject = ?", {str(subject)});
  }

  std::vector<std::string> legal_holds() override {
    std::vector<std::string> out;
    for (auto q = db_->query("SELECT subject FROM legal_holds WHERE " + d_ + " ORDER BY subject"); q->next();)
      out.push_back(q->text(0));
    return out;
  }

  PruneReport prune_operational(TimePoint before) override {
    PruneReport r;
    const SqlParams t = {to_millis(before)};
    // A subject is the part of a key before '/': "R-1001/card" belongs to R-1001.
    const std::string held = "(SELECT subject FROM legal_holds WHERE " + d_ + ")";
    const std::string finished_request = "SELECT id FROM requests WHERE " + d_ +
                                         " AND state NOT IN ('pending_site','pending_decision','needs_info') "
                                         "AND COALESCE(decided_at, filed_at) < ?1 AND id NOT IN " +
                                         std::string(held);
    const std::string finished_incident =
        "SELECT id FROM incidents WHERE " + d_ +
        " AND status = 'closed' AND CAST(json_extract(body, '$.closed_at') AS BIGINT) < ?1 "
        "AND id NOT IN " +
        std::string(held);
    // Platforms retry an event within minutes or hours; an id older than the horizon never comes back.
    r.events = db_->run("DELETE FROM events WHERE " + d_ + " AND seen_at < ?1", t);
    const std::string outbox_subject =
        "CASE WHEN instr(json_extract(body, '$.thread_key'), '/') > 0 THEN substr(json_extract(body, "
        "'$.thread_key'), 1, instr(json_extract(body, '$.thread_key'), '/') - 1) ELSE "
        "COALESCE(json_extract(body, '$.thread_key'), '') END";
    r.kept_for_hold += db_->integer("SELECT COUNT(*) FROM outbox WHERE " + d_ +
                                        " AND state = 'sent' AND created_at < ?1 AND " + outbox_subject + " IN " + held,
                                    t);
    // Sent messages only: failed and uncertain ones stay for `hallpass outbox` until looked at.
    r.outbox = db_->run("DELETE FROM outbox WHERE " + d_ + " AND state = 'sent' AND created_at < ?1 AND " +
                            outbox_subject + " NOT IN " + held,
                        t);
    // A thread is needed while its subject can still be answered in it: only finished subjects lose it.
    const std::string ref_subject =
        "CASE WHEN instr(key, '/') > 0 THEN substr(key, 1, instr(key, '/') - 1) ELSE key END";
    r.kept_for_hold +=
        db_->integer("SELECT COUNT(*) FROM message_refs WHERE " + d_ + " AND " + ref_subject + " IN " + held);
    r.message_refs = db_->run("DELETE FROM message_refs WHERE " + d_ + " AND " + ref_subject + " IN (" +
                                  finished_request + " UNION " + finished_incident + ")",
                              t);
    r.timers = db_->run("DELETE FROM timers WHERE " + d_ +
                            " AND fired_at IS NOT NULL AND fired_at < ?1 AND subject NOT IN " + std::string(held),
                        t);
    return r;
  }

  void compact() override { compact_database(*db_); }

  // --- registry (issue 20) ---
  std::string next_account_id() override { return "A-" + std::to_string(next_counter("account", 1001)); }

  void save_account(const OfficialAccount& a) override {
    json body = {{"kind", a.kind},
                 {"monitors", a.monitors},
                 {"group", a.group},
                 {"registered_by", a.registered_by},
                 {"registered_at", to_millis(a.registered_at)},
                 {"credentials_confirmed_by", a.credentials_confirmed_by},
                 {"credentials_confirmed_at", to_millis(a.credentials_confirmed_at)},
                 {"acknowledged_by", a.acknowledged_by},
                 {"acknowledged_at", to_millis(a.acknowledged_at)},
                 {"confirmed_year", a.confirmed_year},
                 {"renewal_asked", a.renewal_asked},
                 {"renewal_asked_at", to_millis(a.renewal_asked_at)},
                 {"closed_by", a.closed_by},
                 {"closed_at", to_millis(a.closed_at)},
                 {"closed_note", a.closed_note}};
    db_->run(
        "INSERT INTO official_accounts (district, id, site, owner, platform, handle, address, request_id, state, "
        "body) VALUES (" +
            dv_ +
            ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
            "ON CONFLICT (district, id) DO UPDATE SET site = ?2, owner = ?3, platform = ?4, handle = ?5, "
            "address = ?6, request_id = ?7, state = ?8, body = ?9",
        {a.id, a.site, a.owner, a.platform, a.handle, a.address, a.request_id, str(to_string(a.state)), body.dump()});
  }

  std::optional<OfficialAccount> account(std::string_view id) override {
    auto rows = query_accounts("WHERE " + d_ + " AND id = ?", {str(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::vector<OfficialAccount> registered_accounts(std::string_view site) override {
    if (site.empty()) return query_accounts("WHERE " + d_ + " AND state <> 'closed' ORDER BY rowid");
    return query_accounts("WHERE " + d_ + " AND state <> 'closed' AND site = ? ORDER BY rowid", {str(site)});
  }

  std::vector<OfficialAccount> accounts_of_request(std::string_view request_id) override {
    return query_accounts("WHERE " + d_ + " AND request_id = ? ORDER BY rowid", {str(request_id)});
  }

  std::vector<OfficialAccount> accounts_by_handle(std::string_view handle) override {
    std::string h(handle);
    while (!h.empty() && h.front() == '@') h.erase(0, 1);
    return query_accounts(
        "WHERE " + d_ +
            " AND state <> 'closed' AND (lower(ltrim(handle, '@')) = lower(?1) OR lower(address) = lower(?1)) "
            "ORDER BY rowid",
        {h});
  }

  std::vector<OfficialAccount> accounts_by_platform_site(std::string_view platform, std::string_view site) override {
    return query_accounts("WHERE " + d_ + " AND state <> 'closed' AND platform = ? AND site = ? ORDER BY rowid",
                          {str(platform), str(site)});
  }

  std::optional<AuthorizationTerms> authorization_terms(std::string_view request_id) override {
    auto body = body_in("authorization_terms", "request_id", request_id);
    if (!body) return std::nullopt;
    json b = json::parse(*body);
    AuthorizationTerms t;
    t.request_id = std::string(request_id);
    t.audience = b.value("audience", std::vector<std::string>{});
    t.end_date = b.value("end_date", "");
    t.state = b.value("state", "active");
    t.state_by = b.value("state_by", "");
    t.state_at = from_millis(b.value("state_at", std::int64_t{0}));
    t.explanation = b.value("explanation", "");
    return t;
  }

  void save_authorization_terms(const AuthorizationTerms& t) override {
    json b = {{"audience", t.audience},
              {"end_date", t.end_date},
              {"state", t.state},
              {"state_by", t.state_by},
              {"state_at", to_millis(t.state_at)},
              {"explanation", t.explanation}};
    set_body_in("authorization_terms", "request_id", t.request_id, b.dump());
  }

  std::vector<OfficialAccount> query_accounts(const std::string& where, const SqlParams& params = {}) {
    auto q = db_->query(
        "SELECT id, site, owner, platform, handle, address, request_id, state, body FROM official_accounts " + where,
        params);
    std::vector<OfficialAccount> out;
    while (q->next()) {
      OfficialAccount a;
      a.id = q->text(0);
      a.site = q->text(1);
      a.owner = q->text(2);
      a.platform = q->text(3);
      a.handle = q->text(4);
      a.address = q->text(5);
      a.request_id = q->text(6);
      a.state = account_state_from(q->text(7)).value_or(AccountState::active);
      json b = json::parse(q->text(8));
      a.kind = b.value("kind", "official");
      a.monitors = b.value("monitors", std::vector<std::string>{});
      a.group = b.value("group", "");
      a.registered_by = b.value("registered_by", "");
      a.registered_at = from_millis(b.value("registered_at", std::int64_t{0}));
      a.credentials_confirmed_by = b.value("credentials_confirmed_by", "");
      a.credentials_confirmed_at = from_millis(b.value("credentials_confirmed_at", std::int64_t{0}));
      a.acknowledged_by = b.value("acknowledged_by", "");
      a.acknowledged_at = from_millis(b.value("acknowledged_at", std::int64_t{0}));
      a.confirmed_year = b.value("confirmed_year", "");
      a.renewal_asked = b.value("renewal_asked", "");
      a.renewal_asked_at = from_millis(b.value("renewal_asked_at", std::int64_t{0}));
      a.closed_by = b.value("closed_by", "");
      a.closed_at = from_millis(b.value("closed_at", std::int64_t{0}));
      a.closed_note = b.value("closed_note", "");
      out.push_back(std::move(a));
    }
    return out;
  }

 private:
  // A read-only command (hallpass digest --dry-run) never migrates, so a database of schema 3 or
  // older still keeps the workflows' values among the checkpoints, where migration 4 found them.
  const char* workflow_values_table() {
    if (!workflow_values_table_)
      workflow_values_table_ = has_table(*db_, "workflow_values") ? "workflow_values" : "checkpoints";
    return *workflow_values_table_;
  }

  // Counters hand out ids (R-1001…), each district its own: the row is bumped and read back in one
  // statement, and a district's first id creates its row.
  std::int64_t next_counter(const char* name, std::int64_t first) {
    return db_->integer("INSERT INTO counters (district, name, value) VALUES (" + dv_ +
                            ", ?, ?) ON CONFLICT (district, name) DO UPDATE SET value = counters.value + 1 "
                            "RETURNING value",
                        {std::string(name), first});
  }

  static std::optional<TimePoint> time_or_none(std::unique_ptr<SqlRows> q) {
    if (q->next() && !q->is_null(0)) return from_millis(q->integer(0));
    return std::nullopt;
  }

  static std::optional<std::string> text_or_none(std::unique_ptr<SqlRows> q) {
    if (q->next()) return q->text(0);
    return std::nullopt;
  }

  // `table` is one of this file's names, never text from outside.
  std::optional<std::string> value_in(const char* table, std::string_view name) {
    return text_or_none(
        db_->query(std::string("SELECT value FROM ") + table + " WHERE " + d_ + " AND name = ?", {str(name)}));
  }

  // The tables of one key and a JSON body (drafts, classroom checklists, acknowledgements,
  // authorization terms). `table` and `key` are this file's names, never text from outside.
  std::optional<std::string> body_in(const char* table, const char* key, std::string_view id) {
    return text_or_none(
        db_->query(std::string("SELECT body FROM ") + table + " WHERE " + d_ + " AND " + key + " = ?", {str(id)}));
  }

  void set_body_in(const char* table, const char* key, std::string_view id, std::string_view body) {
    db_->run(std::string("INSERT INTO ") + table + " (district, " + key + ", body) VALUES (" + dv_ +
                 ", ?, ?) ON CONFLICT (district, " + key + ") DO UPDATE SET body = excluded.body",
             {str(id), str(body)});
  }

  void set_value_in(const char* table, std::string_view name, std::string_view value) {
    db_->run(std::string("INSERT INTO ") + table + " (district, name, value) VALUES (" + dv_ +
                 ", ?, ?) ON CONFLICT (district, name) DO UPDATE SET value = excluded.value",
             {str(name), str(value)});
  }

  std::vector<Request> query_requests(const std::string& where, const SqlParams& params = {}) {
    auto q = db_->query(
        "SELECT id, requester, site, state, plans, audience, students_interact, filed_at, due_date, "
        "overdue_notified, endorsed_by, routed_at, return_note, info_question, info_answer, info_requested_at, "
        "decision, withdrawn_by, returned_by FROM requests " +
            where,
        params);
    std::vector<Request> out;
    while (q->next()) {
      Request r;
      r.id = q->text(0);
      r.requester = q->text(1);
      r.site = q->text(2);
      r.state = request_state_from(q->text(3)).value_or(RequestState::pending_site);
      r.plans = plans_from_json(json::parse(q->text(4)));
      r.audience = json::parse(q->text(5)).get<std::vector<std::string>>();
      r.students_interact = q->integer(6) != 0;
      r.filed_at = from_millis(q->integer(7));
      r.due_date = q->text(8);
      r.overdue_notified = q->integer(9) != 0;
      r.endorsed_by = q->text(10);
      r.routed_at = from_millis(q->integer(11));
      r.return_note = q->text(12);
      r.info_question = q->text(13);
      r.info_answer = q->text(14);
      r.info_requested_at = from_millis(q->integer(15));
      if (!q->is_null(16)) r.decision = decision_from_json(json::parse(q->text(16)));
      r.withdrawn_by = q->text(17);
      r.returned_by = q->text(18);
      out.push_back(std::move(r));
    }
    return out;
  }

  std::vector<Incident> query_incidents(const std::string& where, const SqlParams& params = {}) {
    std::vector<Incident> out;
    for (auto q = db_->query("SELECT id, reporter, status, body FROM incidents " + where, params); q->next();) {
      Incident inc;
      inc.id = q->text(0);
      inc.reporter = q->text(1);
      inc.status = incident_status_from(q->text(2)).value_or(IncidentStatus::open);
      incident_from_json(json::parse(q->text(3)), inc);
      out.push_back(std::move(inc));
    }
    for (auto& inc : out)
      for (auto who = db_->query(
               "SELECT person FROM incident_investigators WHERE " + d_ + " AND incident = ? ORDER BY rowid", {inc.id});
           who->next();)
        inc.investigators.push_back(who->text(0));
    return out;
  }

  static std::string outbox_columns() {
    return "id, body, state, attempts, next_attempt, idempotency_key, platform, channel, ref, last_error";
  }

  static std::vector<OutboxEntry> read_outbox(std::unique_ptr<SqlRows> q) {
    std::vector<OutboxEntry> out;
    while (q->next()) {
      OutboxEntry e;
      e.id = q->integer(0);
      e.outbound = outbound_from_json(json::parse(q->text(1)));
      e.state = outbox_state_from(q->text(2));
      e.attempts = static_cast<int>(q->integer(3));
      e.next_attempt = from_millis(q->integer(4));
      e.idempotency_key = q->text(5);
      e.platform = q->text(6);
      e.channel = q->text(7);
      e.ref = q->text(8);
      e.last_error = q->text(9);
      out.push_back(std::move(e));
    }
    return out;
  }

  // Without a key from the dispatcher (one worker, a console run): the recipient as written. A
  // reply's is what the dispatcher's would be; a person's or a place's is their id.
  static std::string recipient_conversation(const Recipient& to) {
    switch (to.kind) {
      case Recipient::Kind::person: return "person\n" + to.person_id;
      case Recipient::Kind::place: return "place\n" + to.place_id;
      case Recipient::Kind::reply: break;
    }
    return to.platform + "\n" + to.channel;
  }

  std::unique_ptr<SqlConnection> db_;
  ConversationKey conversation_key_;
  SqlAuditLog audit_;                                 // shares db_, and the checkpoints table for its head
  std::optional<const char*> workflow_values_table_;  // looked up once: the schema does not change while open
  // The store's district in its statements: dv_ the key (writes set it), d_ the condition every
  // read and change starts with. On PostgreSQL the parameter `?D`, bound by bind_district, so
  // every district's statements are one text, prepared once on a connection districts share. On
  // SQLite (a file per district) a literal: the key is checked to be [a-z0-9-] (check_district),
  // so it cannot break out of its quotes.
  std::string dv_;
  std::string d_;
};

}  // namespace

std::unique_ptr<Store> make_sql_store(std::unique_ptr<SqlConnection> db, const StoreOptions& options,
                                      const std::string& name) {
  auto store = std::make_unique<SqlStore>(std::move(db), options);
  store->set_up(name, options.mode);
  return store;
}

void check_district(const StoreOptions& options, SqlBackend backend) {
  const std::string& d = options.district;
  const bool valid = d.size() <= 63 && std::all_of(d.begin(), d.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (!valid)
    throw StoreOpenError("the district key \"" + d.substr(0, 80) +
                         "\" is not valid: use up to 63 lowercase letters, digits and '-', e.g. lincoln-usd");
  // A SQLite file keeps its primary keys without the district (its rows are all one district's).
  if (!d.empty() && backend == SqlBackend::sqlite)
    throw StoreOpenError("a district key (" + d +
                         ") is for a PostgreSQL database shared by districts: a SQLite file serves one district, "
                         "leave --district out");
}

void check_audit_key_length(const StoreOptions& options) {
  if (!options.audit_key.empty() && options.audit_key.size() < kMinAuditKeyLength)
    throw StoreOpenError("HALLPASS_AUDIT_KEY is too short (" + std::to_string(options.audit_key.size()) +
                         " characters): use at least " + std::to_string(kMinAuditKeyLength) +
                         " random characters, e.g. the output of openssl rand -hex 32");
}

int schema_version(Store& store) { return static_cast<SqlStore&>(store).version(); }

}  // namespace bot
