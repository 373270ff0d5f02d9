#include "bot/store/district_parameter.hpp"

#include <utility>

namespace bot {
namespace {

// The one view of a connection a store uses: owned by it alone (bind_district) or shared with
// other districts' stores (district_view); either way every call is forwarded once.
class DistrictBound final : public SqlConnection {
 public:
  DistrictBound(std::shared_ptr<SqlConnection> db, std::string district)
      : db_(std::move(db)), district_(std::move(district)) {}
  const std::shared_ptr<SqlConnection>& connection() const { return db_; }
  SqlBackend backend() const override { return db_->backend(); }
  void execute_script(std::string_view sql) override { db_->execute_script(sql); }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override {
    return has_district(sql) ? db_->query(sql, with_district(params)) : db_->query(sql, params);
  }
  std::int64_t run(std::string_view sql, const SqlParams& params) override {
    return has_district(sql) ? db_->run(sql, with_district(params)) : db_->run(sql, params);
  }
  void begin(bool snapshot) override { db_->begin(snapshot); }
  void commit() override { db_->commit(); }
  void rollback() override { db_->rollback(); }
  bool in_transaction() const override { return db_->in_transaction(); }

 private:
  static bool has_district(std::string_view sql) { return sql.find(kDistrictParameter) != std::string_view::npos; }
  SqlParams with_district(const SqlParams& params) const {
    SqlParams all;
    all.reserve(params.size() + 1);
    all.emplace_back(district_);
    all.insert(all.end(), params.begin(), params.end());
    return all;
  }

  std::shared_ptr<SqlConnection> db_;
  std::string district_;
};

}  // namespace

std::unique_ptr<SqlConnection> district_view(std::shared_ptr<SqlConnection> db, std::string district) {
  if (const auto* bound = dynamic_cast<const DistrictBound*>(db.get()))
    return std::make_unique<DistrictBound>(bound->connection(), std::move(district));
  return std::make_unique<DistrictBound>(std::move(db), std::move(district));
}

std::unique_ptr<SqlConnection> bind_district(std::unique_ptr<SqlConnection> db, std::string district) {
  if (auto* bound = dynamic_cast<DistrictBound*>(db.get()))
    return district_view(bound->connection(), std::move(district));
  return district_view(std::shared_ptr<SqlConnection>(std::move(db)), std::move(district));
}

}  // namespace bot
