#include "bot/store/sql_dialect.hpp"

#include <chrono>
#include <cstring>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bot {
namespace {

// Schema migrations, applied in order; the number of the last applied one is PRAGMA user_version.
// Never edit a published migration: add a new one.
const std::vector<const char*> kSqliteMigrations = {
    // 1: the core: events, requests, drafts, audit, outbox, message references, timers, checkpoints.
    R"sql(
    CREATE TABLE events (
      platform TEXT NOT NULL, event_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
      PRIMARY KEY (platform, event_id));
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counters VALUES ('request', 1000);
    CREATE TABLE requests (
      id TEXT PRIMARY KEY, requester TEXT NOT NULL, site TEXT NOT NULL, state TEXT NOT NULL,
      plans TEXT NOT NULL, audience TEXT NOT NULL, students_interact INTEGER NOT NULL,
      filed_at INTEGER NOT NULL, due_date TEXT NOT NULL, overdue_notified INTEGER NOT NULL DEFAULT 0,
      endorsed_by TEXT NOT NULL DEFAULT '', routed_at INTEGER NOT NULL,
      return_note TEXT NOT NULL DEFAULT '', info_question TEXT NOT NULL DEFAULT '',
      info_answer TEXT NOT NULL DEFAULT '', info_requested_at INTEGER NOT NULL DEFAULT 0,
      decision TEXT, decided_at INTEGER, withdrawn_by TEXT NOT NULL DEFAULT '',
      returned_by TEXT NOT NULL DEFAULT '');
    CREATE INDEX requests_by_requester ON requests(requester);
    CREATE INDEX requests_by_state ON requests(state);
    CREATE TABLE drafts (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE audit (
      seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      subject TEXT NOT NULL, details TEXT NOT NULL, source TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX audit_by_subject ON audit(subject);
    -- The audit log is append-only: the database itself refuses edits and deletions.
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, body TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt INTEGER NOT NULL, idempotency_key TEXT NOT NULL,
      platform TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', ref TEXT NOT NULL DEFAULT '',
      last_error TEXT NOT NULL DEFAULT '');
    CREATE INDEX outbox_due ON outbox(state, next_attempt);
    CREATE TABLE message_refs (
      platform TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL, ref TEXT NOT NULL,
      PRIMARY KEY (platform, channel, key));
    CREATE INDEX message_refs_by_ref ON message_refs(platform, channel, ref);
    CREATE TABLE timers (
      id INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, due_at INTEGER NOT NULL,
      fired_at INTEGER, UNIQUE (kind, subject, due_at));
    CREATE INDEX timers_due ON timers(fired_at, due_at);
    CREATE TABLE checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql",
    // 2: incident reports. Who may see a report is a table of its own, so "assigned to me" is a lookup.
    R"sql(
    INSERT INTO counters VALUES ('incident', 2000);
    CREATE TABLE incidents (
      id TEXT PRIMARY KEY, reporter TEXT NOT NULL, status TEXT NOT NULL, filed_at INTEGER NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX incidents_by_reporter ON incidents(reporter);
    CREATE INDEX incidents_by_status ON incidents(status);
    CREATE TABLE incident_investigators (
      incident TEXT NOT NULL REFERENCES incidents(id), person TEXT NOT NULL, PRIMARY KEY (incident, person));
    CREATE INDEX incident_investigators_by_person ON incident_investigators(person);
    CREATE TABLE incident_drafts (person TEXT PRIMARY KEY, category TEXT NOT NULL, opened_at INTEGER NOT NULL);
    )sql",
    // 3: messages an adapter keeps for itself (the web chat is its own platform), newest per place.
    R"sql(
    CREATE TABLE kept_messages (
      id INTEGER PRIMARY KEY, platform TEXT NOT NULL, place TEXT NOT NULL, ref TEXT NOT NULL,
      body TEXT NOT NULL, UNIQUE (platform, ref));
    CREATE INDEX kept_messages_by_place ON kept_messages(platform, place, id);
    )sql",
    // 4: the workflows' own values (digest and deadline bookkeeping) move out of the adapters'
    // checkpoints into a table of their own, so neither side can read or overwrite the other's keys.
    // The rows move with their names and values: an upgraded database reads them as before.
    R"sql(
    CREATE TABLE workflow_values (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO workflow_values SELECT name, value FROM checkpoints
      WHERE name = 'digest.last_night' OR name GLOB 'escalated.*' OR name GLOB 'warned.*';
    DELETE FROM checkpoints
      WHERE name = 'digest.last_night' OR name GLOB 'escalated.*' OR name GLOB 'warned.*';
    )sql",
    // 5 (issue 21): classroom checklists and the policy's acknowledgements. No student data: only
    // what the teacher and principal confirmed, and when.
    R"sql(
    CREATE TABLE IF NOT EXISTS classroom_checklists (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS policy_acknowledgements (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    )sql",
    // 6 (issue 22): legal holds (a request or report whose rows pruning never touches), and the
    // indexes pruning walks by time.
    R"sql(
    CREATE TABLE IF NOT EXISTS legal_holds (subject TEXT PRIMARY KEY, note TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS events_by_time ON events(seen_at);
    CREATE INDEX IF NOT EXISTS outbox_by_state_time ON outbox(state, created_at);
    )sql",
    // 7 (issue 20): official accounts and the terms of authorizations ("IF NOT EXISTS": a
    // database set back to an older schema version runs it again). An account's row has
    // no column that could hold a username or password: the registry records only that the site
    // holds them, who confirmed it and when (in body).
    R"sql(
    INSERT OR IGNORE INTO counters VALUES ('account', 1000);
    CREATE TABLE IF NOT EXISTS official_accounts (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, owner TEXT NOT NULL, platform TEXT NOT NULL,
      handle TEXT NOT NULL, address TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS official_accounts_by_site ON official_accounts(site, state);
    CREATE INDEX IF NOT EXISTS official_accounts_by_request ON official_accounts(request_id);
    CREATE TABLE IF NOT EXISTS authorization_terms (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    )sql",
    // 8 (issue 23): leases, so that several workers can share a database (PostgreSQL's migration 2).
    R"sql(
    ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE timers ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE timers ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 9 (issue 23): a district key on every row. A SQLite file serves one district (''), so the
    // primary keys stay; the unique indexes with the district give the store's upserts
    // (ON CONFLICT (district, …)) the same targets as PostgreSQL's keys (its migration 3).
    R"sql(
    ALTER TABLE events ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE counters ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE requests ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE drafts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE message_refs ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE timers ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE checkpoints ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE workflow_values ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incidents ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incident_investigators ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incident_drafts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE kept_messages ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE classroom_checklists ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE policy_acknowledgements ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE legal_holds ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE official_accounts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE authorization_terms ADD COLUMN district TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX IF NOT EXISTS events_key ON events(district, platform, event_id);
    CREATE UNIQUE INDEX IF NOT EXISTS counters_key ON counters(district, name);
    CREATE UNIQUE INDEX IF NOT EXISTS requests_key ON requests(district, id);
    CREATE UNIQUE INDEX IF NOT EXISTS drafts_key ON drafts(district, person);
    CREATE UNIQUE INDEX IF NOT EXISTS message_refs_key ON message_refs(district, platform, channel, key);
    CREATE UNIQUE INDEX IF NOT EXISTS timers_key ON timers(district, kind, subject, due_at);
    CREATE UNIQUE INDEX IF NOT EXISTS checkpoints_key ON checkpoints(district, name);
    CREATE UNIQUE INDEX IF NOT EXISTS workflow_values_key ON workflow_values(district, name);
    CREATE UNIQUE INDEX IF NOT EXISTS incidents_key ON incidents(district, id);
    CREATE UNIQUE INDEX IF NOT EXISTS incident_investigators_key ON incident_investigators(district, incident, person);
    CREATE UNIQUE INDEX IF NOT EXISTS incident_drafts_key ON incident_drafts(district, person);
    CREATE UNIQUE INDEX IF NOT EXISTS kept_messages_key ON kept_messages(district, platform, ref);
    CREATE UNIQUE INDEX IF NOT EXISTS classroom_checklists_key ON classroom_checklists(district, request_id);
    CREATE UNIQUE INDEX IF NOT EXISTS policy_acknowledgements_key ON policy_acknowledgements(district, person);
    CREATE UNIQUE INDEX IF NOT EXISTS legal_holds_key ON legal_holds(district, subject);
    CREATE UNIQUE INDEX IF NOT EXISTS official_accounts_key ON official_accounts(district, id);
    CREATE UNIQUE INDEX IF NOT EXISTS authorization_terms_key ON authorization_terms(district, request_id);
    )sql",
    // 10 (issue 23): the conversation an outbox row goes to, so that one worker at a time delivers
    // a conversation, in order (claim_due_outbox; PostgreSQL's migration 4). Rows written before it
    // are each a conversation of their own, as they were to the workers. Indexes for what every
    // claim asks: the pending rows oldest first (without it a claim reads every sent row), and of
    // a conversation, who holds a lease in it and what waits in it.
    R"sql(
    ALTER TABLE outbox ADD COLUMN conversation TEXT NOT NULL DEFAULT '';
    UPDATE outbox SET conversation = 'row:' || id WHERE conversation = '';
    CREATE INDEX IF NOT EXISTS outbox_pending_by_id ON outbox(district, id) WHERE state = 'pending';
    CREATE INDEX IF NOT EXISTS outbox_leases_by_conversation ON outbox(district, conversation, lease_until);
    CREATE INDEX IF NOT EXISTS outbox_waiting_by_conversation ON outbox(district, conversation, id)
      WHERE state IN ('pending', 'in_flight');
    )sql",
};

// PostgreSQL's own migrations; the number of the last applied one is the row in schema_version.
// The same tables as SQLite's schema 7 (whole numbers are BIGINT: times are milliseconds). Two
// small functions give PostgreSQL the names SQLite's statements use (instr, json_extract), and
// tables read in insertion order get the `rowid` SQLite gives every table. Never edit a published
// migration: add a new one.
const std::vector<const char*> kPostgresMigrations = {
    R"sql(
    CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE
      AS $$ SELECT strpos(haystack, needle) $$;
    -- Only the '$.a.b' paths Hallpass writes; the value as text (SQL NULL when missing).
    CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
      AS $$ SELECT (doc::jsonb) #>> string_to_array(substr(path, 3), '.') $$;
    CREATE TABLE events (
      platform TEXT NOT NULL, event_id TEXT NOT NULL, seen_at BIGINT NOT NULL,
      PRIMARY KEY (platform, event_id));
    CREATE INDEX events_by_time ON events(seen_at);
    CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO counters VALUES ('request', 1000), ('incident', 2000), ('account', 1000);
    CREATE TABLE requests (
      id TEXT PRIMARY KEY, requester TEXT NOT NULL, site TEXT NOT NULL, state TEXT NOT NULL,
      plans TEXT NOT NULL, audience TEXT NOT NULL, students_interact BIGINT NOT NULL,
      filed_at BIGINT NOT NULL, due_date TEXT NOT NULL, overdue_notified BIGINT NOT NULL DEFAULT 0,
      endorsed_by TEXT NOT NULL DEFAULT '', routed_at BIGINT NOT NULL,
      return_note TEXT NOT NULL DEFAULT '', info_question TEXT NOT NULL DEFAULT '',
      info_answer TEXT NOT NULL DEFAULT '', info_requested_at BIGINT NOT NULL DEFAULT 0,
      decision TEXT, decided_at BIGINT, withdrawn_by TEXT NOT NULL DEFAULT '',
      returned_by TEXT NOT NULL DEFAULT '');
    CREATE INDEX requests_by_requester ON requests(requester);
    CREATE INDEX requests_by_state ON requests(state);
    CREATE TABLE drafts (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE audit (
      seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      subject TEXT NOT NULL, details TEXT NOT NULL, source TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX audit_by_subject ON audit(subject);
    -- The audit log is append-only: the database itself refuses edits, deletions and truncation.
    CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
    CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
      FOR EACH ROW EXECUTE FUNCTION audit_append_only();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
      FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
    CREATE TABLE outbox (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, created_at BIGINT NOT NULL, body TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending', attempts BIGINT NOT NULL DEFAULT 0,
      next_attempt BIGINT NOT NULL, idempotency_key TEXT NOT NULL,
      platform TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', ref TEXT NOT NULL DEFAULT '',
      last_error TEXT NOT NULL DEFAULT '');
    CREATE INDEX outbox_due ON outbox(state, next_attempt);
    CREATE INDEX outbox_by_state_time ON outbox(state, created_at);
    CREATE TABLE message_refs (
      platform TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL, ref TEXT NOT NULL,
      PRIMARY KEY (platform, channel, key));
    CREATE INDEX message_refs_by_ref ON message_refs(platform, channel, ref);
    CREATE INDEX message_refs_by_key ON message_refs(key);
    CREATE TABLE timers (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL,
      due_at BIGINT NOT NULL, fired_at BIGINT, UNIQUE (kind, subject, due_at));
    CREATE INDEX timers_due ON timers(fired_at, due_at);
    CREATE TABLE checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE workflow_values (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE incidents (
      id TEXT PRIMARY KEY, reporter TEXT NOT NULL, status TEXT NOT NULL, filed_at BIGINT NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX incidents_by_reporter ON incidents(reporter);
    CREATE INDEX incidents_by_status ON incidents(status);
    CREATE TABLE incident_investigators (
      rowid BIGINT GENERATED ALWAYS AS IDENTITY,
      incident TEXT NOT NULL REFERENCES incidents(id), person TEXT NOT NULL, PRIMARY KEY (incident, person));
    CREATE INDEX incident_investigators_by_person ON incident_investigators(person);
    CREATE TABLE incident_drafts (person TEXT PRIMARY KEY, category TEXT NOT NULL, opened_at BIGINT NOT NULL);
    CREATE TABLE kept_messages (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, platform TEXT NOT NULL, place TEXT NOT NULL,
      ref TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (platform, ref));
    CREATE INDEX kept_messages_by_place ON kept_messages(platform, place, id);
    CREATE TABLE classroom_checklists (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE policy_acknowledgements (person TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE legal_holds (subject TEXT PRIMARY KEY, note TEXT NOT NULL, at BIGINT NOT NULL);
    CREATE TABLE official_accounts (
      rowid BIGINT GENERATED ALWAYS AS IDENTITY,
      id TEXT PRIMARY KEY, site TEXT NOT NULL, owner TEXT NOT NULL, platform TEXT NOT NULL,
      handle TEXT NOT NULL, address TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,
      body TEXT NOT NULL);
    CREATE INDEX official_accounts_by_site ON official_accounts(site, state);
    CREATE INDEX official_accounts_by_request ON official_accounts(request_id);
    CREATE TABLE authorization_terms (request_id TEXT PRIMARY KEY, body TEXT NOT NULL);
    )sql",
    // 2 (issue 23): leases, so that several workers can share the database (SQLite's migration 8).
    R"sql(
    ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE timers ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE timers ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
    )sql",
    // 3 (issue 23): a district key on every row, part of every primary key and unique constraint,
    // so districts sharing the database each have their own R-1001, chain and checkpoints. Rows
    // already there belong to the district '' (the one a store without a district key opens).
    R"sql(
    ALTER TABLE incident_investigators DROP CONSTRAINT incident_investigators_incident_fkey;
    ALTER TABLE events ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (district, platform, event_id);
    ALTER TABLE counters ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE counters DROP CONSTRAINT counters_pkey, ADD PRIMARY KEY (district, name);
    ALTER TABLE requests ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE requests DROP CONSTRAINT requests_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE drafts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE drafts DROP CONSTRAINT drafts_pkey, ADD PRIMARY KEY (district, person);
    ALTER TABLE audit ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit DROP CONSTRAINT audit_pkey, ADD PRIMARY KEY (district, seq);
    ALTER TABLE outbox ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE message_refs ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE message_refs DROP CONSTRAINT message_refs_pkey, ADD PRIMARY KEY (district, platform, channel, key);
    ALTER TABLE timers ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE timers DROP CONSTRAINT timers_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE checkpoints ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE checkpoints DROP CONSTRAINT checkpoints_pkey, ADD PRIMARY KEY (district, name);
    ALTER TABLE workflow_values ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE workflow_values DROP CONSTRAINT workflow_values_pkey, ADD PRIMARY KEY (district, name);
    ALTER TABLE incidents ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incidents DROP CONSTRAINT incidents_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE incident_investigators ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incident_investigators DROP CONSTRAINT incident_investigators_pkey, ADD PRIMARY KEY (district, incident, person);
    ALTER TABLE incident_drafts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE incident_drafts DROP CONSTRAINT incident_drafts_pkey, ADD PRIMARY KEY (district, person);
    ALTER TABLE kept_messages ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE kept_messages DROP CONSTRAINT kept_messages_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE classroom_checklists ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE classroom_checklists DROP CONSTRAINT classroom_checklists_pkey, ADD PRIMARY KEY (district, request_id);
    ALTER TABLE policy_acknowledgements ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE policy_acknowledgements DROP CONSTRAINT policy_acknowledgements_pkey, ADD PRIMARY KEY (district, person);
    ALTER TABLE legal_holds ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE legal_holds DROP CONSTRAINT legal_holds_pkey, ADD PRIMARY KEY (district, subject);
    ALTER TABLE official_accounts ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE official_accounts DROP CONSTRAINT official_accounts_pkey, ADD PRIMARY KEY (district, id);
    ALTER TABLE authorization_terms ADD COLUMN district TEXT NOT NULL DEFAULT '';
    ALTER TABLE authorization_terms DROP CONSTRAINT authorization_terms_pkey, ADD PRIMARY KEY (district, request_id);
    ALTER TABLE timers DROP CONSTRAINT timers_kind_subject_due_at_key, ADD UNIQUE (district, kind, subject, due_at);
    ALTER TABLE kept_messages DROP CONSTRAINT kept_messages_platform_ref_key, ADD UNIQUE (district, platform, ref);
    ALTER TABLE incident_investigators ADD FOREIGN KEY (district, incident) REFERENCES incidents(district, id);
    -- The store's reads start with the district: the indexes they walk do too.
    CREATE INDEX requests_by_district_state ON requests(district, state);
    CREATE INDEX outbox_by_district_due ON outbox(district, state, next_attempt);
    CREATE INDEX timers_by_district_due ON timers(district, fired_at, due_at);
    CREATE INDEX incidents_by_district_status ON incidents(district, status);
    CREATE INDEX audit_by_district_subject ON audit(district, subject);
    )sql",
    // 4 (issue 23): the conversation an outbox row goes to (SQLite's migration 10).
    R"sql(
    ALTER TABLE outbox ADD COLUMN conversation TEXT NOT NULL DEFAULT '';
    UPDATE outbox SET conversation = 'row:' || id WHERE conversation = '';
    CREATE INDEX outbox_pending_by_id ON outbox(district, id) WHERE state = 'pending';
    CREATE INDEX outbox_leases_by_conversation ON outbox(district, conversation, lease_until);
    CREATE INDEX outbox_waiting_by_conversation ON outbox(district, conversation, id)
      WHERE state IN ('pending', 'in_flight');
    )sql",
};

const std::vector<const char*>& migrations(SqlBackend backend) {
  return backend == SqlBackend::sqlite ? kSqliteMigrations : kPostgresMigrations;
}

}  // namespace

int newest_schema_version(SqlBackend backend) { return static_cast<int>(migrations(backend).size()); }

int schema_version_of(SqlConnection& db) {
  if (db.backend() == SqlBackend::sqlite) return static_cast<int>(db.integer("PRAGMA user_version"));
  if (!has_table(db, "schema_version")) return 0;
  return static_cast<int>(db.integer("SELECT MAX(version) FROM schema_version"));
}

namespace {

// SQLite has no ADD COLUMN IF NOT EXISTS: a database set back to an older schema version (as the
// tests do) runs a migration again, so a column it already has is not added twice.
void run_migration(SqlConnection& db, const char* script) {
  static const std::regex add_column(R"(^\s*ALTER TABLE (\w+) ADD COLUMN (\w+))");
  if (db.backend() != SqlBackend::sqlite || !std::strstr(script, "ADD COLUMN")) return db.execute_script(script);
  std::string_view rest = script;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    const std::string statement(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (statement.find_first_not_of(" \n") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(statement, m, add_column) &&
        db.integer("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", {m[1].str(), m[2].str()}) > 0)
      continue;
    db.execute_script(statement);
  }
}

}  // namespace

void migrate_schema(SqlConnection& db) {
  const auto& list = migrations(db.backend());
  const bool postgres = db.backend() == SqlBackend::postgres;
  // Workers starting together on one PostgreSQL database migrate it one at a time.
  if (postgres)
    db.execute_script(
        "SELECT pg_advisory_lock(hashtext('hallpass.migrate')); CREATE TABLE IF NOT EXISTS schema_version (version "
        "INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  try {
    for (int v = schema_version_of(db); v < static_cast<int>(list.size()); ++v) {
      db.begin();
      try {
        run_migration(db, list[v]);
        if (postgres)
          db.run("INSERT INTO schema_version (version) VALUES (?)", {std::int64_t{v + 1}});
        else
          db.execute_script("PRAGMA user_version = " + std::to_string(v + 1));
        db.commit();
      } catch (...) {
        db.rollback();
        throw;
      }
    }
  } catch (...) {
    if (postgres) db.execute_script("SELECT pg_advisory_unlock(hashtext('hallpass.migrate'))");
    throw;
  }
  if (postgres) db.execute_script("SELECT pg_advisory_unlock(hashtext('hallpass.migrate'))");
}

bool has_any_table(SqlConnection& db) {
  return db.integer(db.backend() == SqlBackend::sqlite
                        ? "SELECT count(*) FROM sqlite_master"
                        : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()") > 0;
}

bool has_table(SqlConnection& db, const char* name) {
  return db.integer(db.backend() == SqlBackend::sqlite
                        ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_name = ?",
                    {std::string(name)}) > 0;
}

void lock_audit_chain(SqlConnection& db, const std::string& district) {
  // One lock per district's chain: districts on one database append side by side.
  if (db.backend() == SqlBackend::postgres)
    // The district '' keeps the name the previous build locked, so both lock alike while upgrading.
    db.query("SELECT pg_advisory_xact_lock(hashtext(CAST(? AS TEXT)))",
             {district.empty() ? std::string("hallpass.audit") : "hallpass.audit:" + district})
        ->next();
}

bool has_district_column(SqlConnection& db) {
  return schema_version_of(db) >= (db.backend() == SqlBackend::sqlite ? 9 : 3);
}

const char* skip_locked(SqlConnection& db) {
  return db.backend() == SqlBackend::postgres ? " FOR UPDATE SKIP LOCKED" : "";
}

void compact_database(SqlConnection& db) {
  db.execute_script("VACUUM");
  if (db.backend() != SqlBackend::sqlite) return;
  // In WAL mode the rewritten pages reach the file at a checkpoint: the file shrinks now. The
  // checkpointer's thread (sqlite_checkpointer.hpp) may be copying at this moment, and SQLite then
  // answers busy at once rather than waiting: try again for up to a minute (`hallpass records
  // prune`, never a command's turn).
  for (int attempt = 0; attempt < 6000; ++attempt) {
    if (db.integer("PRAGMA wal_checkpoint(TRUNCATE)") == 0) return;  // its first column: 1 when busy
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace bot
