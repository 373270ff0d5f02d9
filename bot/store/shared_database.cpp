// Many districts' stores on one connection (store.hpp's SharedDatabase): each store gets the
// district view of district_parameter.hpp, which holds the one connection (keeping it open while
// any store uses it) and binds the store's key, so the store's code is the same as with a
// connection of its own, through one layer.
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bot/store/district_parameter.hpp"
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
    // Aliasing: the view shares the SharedConnection's ownership and points at its connection.
    return make_sql_store(district_view(std::shared_ptr<SqlConnection>(shared, shared->db.get()), options.district),
                          options, shared->name);
  } catch (const SqlError& e) {
    throw StoreOpenError("cannot open the store of district '" + options.district + "' in " + shared->name + ": " +
                         e.what());
  }
}

}  // namespace bot
