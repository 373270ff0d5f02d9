#include "tests/support/postgres_server.hpp"

#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace test_support {
namespace {

namespace fs = std::filesystem;

// A port the OS hands out on 127.0.0.1, released for the server to take a moment later.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind 127.0.0.1:0 to find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

PostgresServer& PostgresServer::shared() {
  // Started once; a start that failed fails every later test with the same reason, at once.
  static std::string failed;
  if (!failed.empty()) throw std::runtime_error(failed);
  try {
    static PostgresServer server;
    return server;
  } catch (const std::exception& e) {
    failed = e.what();
    throw;
  }
}

PostgresServer::PostgresServer() {
  const char* bin = std::getenv("HALLPASS_PG_BIN");
  bin_ = bin && *bin ? bin : "/usr/lib/postgresql/15/bin";
  if (!fs::exists(fs::path(bin_) / "initdb") || !fs::exists(fs::path(bin_) / "pg_ctl"))
    throw std::runtime_error("PostgreSQL's server programs are not installed (no initdb and pg_ctl in " + bin_ +
                             "): install postgresql-15 (scripts/install-deps.sh --test does) or set HALLPASS_PG_BIN "
                             "to their folder. The PostgreSQL store tests need them.");
  folder_ = (fs::temp_directory_path() /
             ("hallpass-pg-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}())))
                .string();
  fs::create_directories(folder_);
  try {
    start();
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
    throw;
  }
}

void PostgresServer::start() {
  if (::geteuid() == 0) {
    // initdb and postgres refuse root: the server runs as nobody, in a folder nobody owns.
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) throw std::runtime_error("running as root and there is no user nobody to run PostgreSQL as");
    if (::chown(folder_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("cannot give " + folder_ + " to nobody to run PostgreSQL as");
    as_user_ = "runuser -u nobody -- ";
  }
  port_ = free_port();
  // The server's own log belongs to the user it runs as; the commands' output to this process.
  const std::string log = folder_ + "/commands.log";
  const std::string server_log = folder_ + "/data/server.log";
  const std::string initdb = as_user_ + bin_ + "/initdb -D " + folder_ + "/data -U hallpass --auth=trust " +
                             "--no-sync -E UTF8 --locale=C.UTF-8 >" + log + " 2>&1";
  if (std::system(initdb.c_str()) != 0)
    throw std::runtime_error("initdb failed in " + folder_ + ":\n" + read_file(log));
  // fsync off: a throwaway server needs no durability, and the tests run faster.
  const std::string start = as_user_ + bin_ + "/pg_ctl -D " + folder_ + "/data -l " + server_log + " -w -t 60 -o \"" +
                            "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + folder_ +
                            " -c fsync=off -c full_page_writes=off\" start >>" + log + " 2>&1";
  if (std::system(start.c_str()) != 0)
    throw std::runtime_error("PostgreSQL did not start on 127.0.0.1:" + std::to_string(port_) + ":\n" + read_file(log) +
                             read_file(server_log));
  started_ = true;
}

PostgresServer::~PostgresServer() {
  if (started_) {
    // pg_ctl stop signals the pid in postmaster.pid and waits for it to end.
    const std::string stop = as_user_ + bin_ + "/pg_ctl -D " + folder_ + "/data -m immediate -w stop >/dev/null 2>&1";
    if (std::system(stop.c_str()) != 0) {
      std::ifstream pidfile(folder_ + "/data/postmaster.pid");
      if (long pid = 0; pidfile >> pid && pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

std::string PostgresServer::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=hallpass dbname=" + database;
}

void PostgresServer::execute(const std::string& info, const std::string& sql) { rows(info, sql); }

std::vector<std::vector<std::string>> PostgresServer::rows(const std::string& info, const std::string& sql) {
  PGconn* conn = PQconnectdb(info.c_str());
  std::string error;
  std::vector<std::vector<std::string>> out;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
    for (int row = 0; error.empty() && row < PQntuples(r); ++row) {
      out.emplace_back();
      for (int c = 0; c < PQnfields(r); ++c) out.back().emplace_back(PQgetvalue(r, row, c));
    }
    PQclear(r);
  }
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error(sql + ": " + error);
  return out;
}

std::string PostgresServer::fresh_database() {
  const std::string name = "t" + std::to_string(++databases_);
  execute(conninfo("postgres"), "CREATE DATABASE " + name);
  return conninfo(name);
}

}  // namespace test_support
