// Many districts' stores on one connection (store.hpp's SharedDatabase): each store gets a view
// that forwards to the one connection, so the store's code is the same as with a connection of
// its own.
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bot/store/sql_connection.hpp"
#include "bot/store/sql_store.hpp"
#include "bot/store/store.hpp"

namespace bot {
namespace {

class SharedConnection final : public SharedDatabase {
 public:
  SharedConnection(std::unique_ptr<SqlConnection> db, std::string name) : db(std::move(db)), name(std::move(name)) {}
  std::unique_ptr<SqlConnection> db;
  std::string name;
};

// One store's view of the shared connection; keeps it open while any store uses it.
class ConnectionView final : public SqlConnection {
 public:
  explicit ConnectionView(std::shared_ptr<SharedConnection> shared) : shared_(std::move(shared)) {}
  SqlBackend backend() const override { return db().backend(); }
  void execute_script(std::string_view sql) override { db().execute_script(sql); }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override {
    return db().query(sql, params);
  }
  std::int64_t run(std::string_view sql, const SqlParams& params) override { return db().run(sql, params); }
  void begin(bool snapshot) override { db().begin(snapshot); }
  void commit() override { db().commit(); }
  void rollback() override { db().rollback(); }
  bool in_transaction() const override { return db().in_transaction(); }

 private:
  SqlConnection& db() const { return *shared_->db; }
  std::shared_ptr<SharedConnection> shared_;
};

}  // namespace

std::shared_ptr<SharedDatabase> share_connection(std::unique_ptr<SqlConnection> db, const std::string& name) {
  return std::make_shared<SharedConnection>(std::move(db), name);
}

std::unique_ptr<Store> open_district_store(const std::shared_ptr<SharedDatabase>& db, const StoreOptions& options) {
  check_audit_key_length(options);
  auto shared = std::dynamic_pointer_cast<SharedConnection>(db);
  if (!shared) throw StoreOpenError("open_district_store: not a database from open_shared_postgres");
  check_district(options, shared->db->backend());
  try {
    return make_sql_store(std::make_unique<ConnectionView>(shared), options, shared->name);
  } catch (const SqlError& e) {
    throw StoreOpenError("cannot open the store of district '" + options.district + "' in " + shared->name + ": " +
                         e.what());
  }
}

}  // namespace bot
