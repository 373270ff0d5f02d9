#include "bot/store/postgres_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <type_traits>
#include <unordered_map>

#include "bot/store/district_parameter.hpp"

namespace bot {
namespace {

// PostgreSQL's type oids (pg_type.dat) the store reads.
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700, kBytea = 17;

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

// The first line of libpq's message: the rest repeats it or names libpq's internals.
std::string first_line(const char* message) {
  std::string m = message ? message : "";
  if (auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
  return m.empty() ? "no reason given" : m;
}

class PostgresRows final : public SqlRows {
 public:
  explicit PostgresRows(Result r) : r_(std::move(r)), rows_(PQntuples(r_.get())) {}
  bool next() override { return ++row_ < rows_; }
  SqlKind kind(int column) const override {
    if (PQgetisnull(r_.get(), row_, column)) return SqlKind::null;
    switch (PQftype(r_.get(), column)) {
      case kInt8:
      case kInt2:
      case kInt4: return SqlKind::integer;
      case kFloat4:
      case kFloat8:
      case kNumeric: return SqlKind::real;
      case kBytea: return SqlKind::blob;
      default: return SqlKind::text;
    }
  }
  std::int64_t integer(int column) const override {
    const char* v = PQgetvalue(r_.get(), row_, column);
    std::int64_t out = 0;
    std::from_chars(v, v + PQgetlength(r_.get(), row_, column), out);
    return out;
  }
  std::string text(int column) const override {
    return std::string(PQgetvalue(r_.get(), row_, column), PQgetlength(r_.get(), row_, column));
  }

 private:
  Result r_;
  int rows_;
  int row_ = -1;
};

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {
    // Notices ("relation already exists, skipping") are for people at psql, not the bot's log.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlBackend backend() const override { return SqlBackend::postgres; }

  void execute_script(std::string_view sql) override { check(Result(PQexec(live(), std::string(sql).c_str()))); }

  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override {
    return std::make_unique<PostgresRows>(execute(sql, params));
  }

  std::int64_t run(std::string_view sql, const SqlParams& params) override {
    Result r = execute(sql, params);
    return std::atoll(PQcmdTuples(r.get()));
  }

  void begin(bool snapshot) override {
    execute_script(snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override {
    if (in_transaction()) execute_script("ROLLBACK");
  }
  bool in_transaction() const override { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

 private:
  // A connection the server dropped is opened again between transactions (not within one: its
  // work is lost, and the caller must hear so). Prepared statements went with the old session.
  PGconn* live() {
    if (PQstatus(conn_) == CONNECTION_BAD) {
      PQreset(conn_);
      prepared_.clear();
      if (PQstatus(conn_) != CONNECTION_OK)
        throw SqlError("the PostgreSQL connection was lost: " + first_line(PQerrorMessage(conn_)));
    }
    return conn_;
  }

  Result check(Result r) {
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw SqlError(r ? first_line(PQresultErrorMessage(r.get())) : first_line(PQerrorMessage(conn_)));
    return r;
  }

  Result execute(std::string_view sql, const SqlParams& params) {
    PGconn* conn = live();
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = "s" + std::to_string(prepared_.size() + 1);
      check(Result(PQprepare(conn, name.c_str(), postgres_placeholders(sql).c_str(), 0, nullptr)));
      it = prepared_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
              text[i] = std::to_string(v);
              values[i] = text[i].c_str();
            } else if constexpr (std::is_same_v<T, std::string>) {
              values[i] = v.c_str();
            }
          },
          params[i]);
    }
    return check(Result(
        PQexecPrepared(conn, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0)));
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // statement text → its prepared name
};

}  // namespace

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  // The district, `?D`, is bound first (district_parameter.hpp); the statement's own parameters follow it.
  const int shift = sql.find(kDistrictParameter) != std::string_view::npos ? 1 : 0;
  int next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?' && sql.substr(i, kDistrictParameter.size()) == kDistrictParameter) {
      out += "$1";
      i += kDistrictParameter.size() - 1;
    } else if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      out += '$';
      out += std::to_string((j > i + 1 ? std::stoi(std::string(sql.substr(i + 1, j - i - 1))) : ++next) + shift);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

std::string postgres_display_name(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    PQfreemem(error);
    return "the PostgreSQL database";
  }
  std::string host, port, db;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view k = o->keyword;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
  }
  PQconninfoFree(options);
  std::string name = "PostgreSQL at " + (host.empty() ? std::string("the default host") : host);
  if (!port.empty()) name += ":" + port;
  if (!db.empty()) name += ", database " + db;
  return name;
}

std::unique_ptr<SqlConnection> postgres_connection(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (!conn) throw SqlError("out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = first_line(PQerrorMessage(conn));
    PQfinish(conn);
    throw SqlError(why);
  }
  return std::make_unique<PostgresConnection>(conn);
}

}  // namespace bot
