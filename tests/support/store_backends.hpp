#pragma once
// The same store test against both backends. STORE_TEST_CASE("name", "[tags]") { … } defines the
// body once, taking `backend`, and two test cases: "name" on an SQLite file and "name (PostgreSQL)"
// tagged [postgres] on a fresh database of the shared throwaway server (tests/support/postgres_server).
// ctest runs the PostgreSQL ones as one entry, store_postgres, so the server starts once.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/store/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace test_support {

class StoreBackend {
 public:
  static StoreBackend sqlite();
  static StoreBackend postgres();

  bool is_postgres() const { return !conninfo_.empty(); }
  // The store on this backend's database (the same database each time: reopening keeps the data).
  std::unique_ptr<bot::Store> open(const bot::StoreOptions& options = {}) const;
  // SQL run on the database outside Hallpass, as its owner: a tamperer's edits.
  void execute(const std::string& sql) const;
  // A query's rows, each column as text, read outside Hallpass.
  std::vector<std::vector<std::string>> rows(const std::string& sql) const;
  // The SQL that removes the audit table's guard against `what` ("update" or "delete").
  std::string drop_audit_guard(const std::string& what) const;

 private:
  std::shared_ptr<TempDir> dir_;  // SQLite: the folder of the file
  std::string path_;
  std::string conninfo_;  // PostgreSQL
};

}  // namespace test_support

#define HALLPASS_STORE_TEST_BODY2(line) hallpass_store_test_body_##line
#define HALLPASS_STORE_TEST_BODY(line) HALLPASS_STORE_TEST_BODY2(line)
#define STORE_TEST_CASE(name, tags)                                                                   \
  static void HALLPASS_STORE_TEST_BODY(__LINE__)(const test_support::StoreBackend& backend);          \
  TEST_CASE(name, tags) { HALLPASS_STORE_TEST_BODY(__LINE__)(test_support::StoreBackend::sqlite()); } \
  TEST_CASE(name " (PostgreSQL)", tags "[postgres]") {                                                \
    HALLPASS_STORE_TEST_BODY(__LINE__)(test_support::StoreBackend::postgres());                       \
  }                                                                                                   \
  static void HALLPASS_STORE_TEST_BODY(__LINE__)(const test_support::StoreBackend& backend)
