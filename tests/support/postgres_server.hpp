#pragma once
// A throwaway PostgreSQL server for the store's tests: initdb into a temporary folder, pg_ctl start
// listening on 127.0.0.1 only, on a port the OS picked, its unix socket inside the folder; stopped
// by its pid (pg_ctl stop) and the folder removed at the end of the test run.
//
// PostgreSQL refuses to run as root. Run as root (a container, this machine), the server runs as
// the unprivileged user `nobody` through runuser; its folder is given to that user. Run as anyone
// else (CI), it runs as that user. The server programs are looked for in HALLPASS_PG_BIN, else
// Debian's /usr/lib/postgresql/15/bin (package postgresql-15); when they are missing the tests
// that need them fail with a sentence that says what to install.
#include <memory>
#include <string>
#include <vector>

namespace test_support {

class PostgresServer {
 public:
  // The server shared by every PostgreSQL test of this process, started on first use. Throws
  // std::runtime_error with the reason (missing programs, initdb or start failed, with its log).
  static PostgresServer& shared();

  // A new, empty database on the server, as a libpq conninfo the store opens.
  std::string fresh_database();
  // Runs SQL on a database as its owner, outside Hallpass (a test's tampering, its checks).
  void execute(const std::string& conninfo, const std::string& sql);
  // A query's rows, each column as text.
  std::vector<std::vector<std::string>> rows(const std::string& conninfo, const std::string& sql);
  int port() const { return port_; }

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

 private:
  PostgresServer();
  void start();
  std::string conninfo(const std::string& database) const;

  std::string folder_;
  std::string bin_;
  std::string as_user_;  // "runuser -u nobody -- " when run as root, else ""
  int port_ = 0;
  int databases_ = 0;
  bool started_ = false;
};

}  // namespace test_support
