// Hallpass side by side with Bolt (and, later, botbuilder): the same fake Slack, the same
// scenarios of issue 17, each app a child process of this driver. The fake Slack serves on a
// thread of its own; everything the scenarios read comes from it (acks with their latency, the
// answers posted, envelopes it could not deliver), so both sides are measured the same way.
//
//   sdk_compare_bench <scenario> [params…] --hallpass <path to the hallpass binary>
//   sdk_compare_bench <scenario> [params…] --sdk <command…>      (e.g. node bench/sdk_compare/bolt_app.js)
//
// Scenarios (one line of results each, prefixed "RESULT"):
//   ack  [N=2000] [rate=1000]           slash commands, one channel each: ack p50/p99/max, answers
//   drop [every_ms=4000] [N=2000] [oldest|all] [rate=200]
//                                       a TCP drop every few seconds: undeliverable of N
//   429                                 one channel's chat.postEphemeral answers 429 (Retry-After 3 s);
//                                       the answers of 20 other channels meanwhile
//   stop [N=2000] [stop_at=1000]        200/s over 50 channels, SIGTERM at stop_at, a restart:
//                                       acknowledged but unanswered
// Every line also gives the child's peak RSS (VmHWM). The SDK side gets SLACK_API_URL,
// SLACK_BOT_TOKEN and SLACK_APP_TOKEN; Hallpass gets the sample district on Slack alone (two
// Socket Mode connections, its default) in a config written here. bench/sdk_compare/run.sh runs
// everything for both sides, interleaved. Never part of ctest or CI.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/adapter_registry.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr auto kBotToken = "xoxb-compare";
constexpr auto kAppToken = "xapp-compare";

std::string slack_id(const std::string& person_id) {
  std::string id = "U";
  for (char c : person_id)
    if (c != '.') id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

// ---- The app under test, as a child process ------------------------------------------------

struct Side {
  bool hallpass = false;
  std::vector<std::string> argv;  // the SDK app's command, or {hallpass binary}
  std::string name() const { return hallpass ? "hallpass" : std::filesystem::path(argv.back()).stem().string(); }
};

class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env,
        const std::string& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
      }
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() { kill(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Peak resident memory so far (VmHWM), in MB; what `ps` would show at its worst.
  double peak_rss_mb() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    return 0;
  }
  void terminate() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
  }
  // Waits until it exited; false (and it is killed) when it did not within `limit`.
  bool wait(std::chrono::milliseconds limit) {
    const auto until = SteadyClock::now() + limit;
    while (pid_ > 0) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
      }
      if (SteadyClock::now() > until) break;
      std::this_thread::sleep_for(5ms);
    }
    kill();
    return false;
  }
  bool running() const { return pid_ > 0; }

 private:
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
};

// ---- The fake Slack on its own thread ----------------------------------------------------

struct SlackOnThread {
  asio::io_context io;
  test_support::FakeSlackServer server{io, kBotToken, kAppToken};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};

  ~SlackOnThread() {
    work.reset();
    io.stop();
    thread.join();
  }
  // Runs f on the server's thread (the fake is not thread-safe) and returns its result.
  template <class F>
  auto on(F f) {
    std::promise<decltype(f())> done;
    auto result = done.get_future();
    asio::post(io, [&] { done.set_value(f()); });
    return result.get();
  }
};

asio::awaitable<void> sleep_until(SteadyClock::time_point t) {
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  co_await timer.async_wait(kToken);
}

// Starts the side against the fake: Hallpass with a config naming the fake's URL and a database
// in dir; the SDK app with the URL and tokens in its environment.
std::unique_ptr<Child> start(const Side& side, SlackOnThread& slack, const test_support::TempDir& dir) {
  const std::string url = slack.on([&] { return slack.server.api_base_url(); });
  std::vector<std::pair<std::string, std::string>> env = {
      {"SLACK_API_URL", url}, {"SLACK_BOT_TOKEN", kBotToken}, {"SLACK_APP_TOKEN", kAppToken}};
  if (!side.hallpass) return std::make_unique<Child>(side.argv, env, dir.file("child.log"));
  static std::filesystem::path config;  // written once per run of the driver (removed when it ends)
  if (config.empty())
    config = test_support::sample_config_variant(
        "sdk-compare",
        {{"web: { enabled: true,", "web: { enabled: false,"},
         {"slack: { enabled: false,", "slack: { enabled: true, api_base_url: \"" + url + "\","},
         {"place: { name: Superintendent's office, web: \"#superintendent\" }",
          "place: { name: Superintendent's office, web: \"#superintendent\", slack: C0SUPERINT }"},
         {"approvals: { web: \"#lincoln-approvals\" }", "approvals: { web: \"#lincoln-approvals\", slack: C0LINCOLN1 }"},
         {"approvals: { web: \"#roosevelt-approvals\" }",
          "approvals: { web: \"#roosevelt-approvals\", slack: C0ROOSEVELT1 }"},
         {"approvals: { web: \"#kennedy-approvals\" }",
          "approvals: { web: \"#kennedy-approvals\", slack: C0KENNEDY1 }"}});
  std::vector<std::string> argv = {side.argv[0], "run", "--config", config.string(), "--db", dir.file("hallpass.db")};
  return std::make_unique<Child>(argv, env, dir.file("child.log"));
}

// Until the side has its connections open (Hallpass keeps 2, Bolt 1) and answered a warm-up
// command, so start-up and first look-ups are out of the figures.
bool ready(const Side& side, SlackOnThread& slack, const std::string& user) {
  const std::size_t want = side.hallpass ? 2 : 1;
  const auto until = SteadyClock::now() + 20s;
  while (slack.on([&] { return slack.server.open_connections().size(); }) < want)
    if (SteadyClock::now() > until) return false;
    else std::this_thread::sleep_for(5ms);
  slack.on([&] { return slack.server.slash_command(user, "CWARMUP", "help").envelope_id; });
  while (slack.on([&] { return slack.server.message_count(); }) < 1)
    if (SteadyClock::now() > until) return false;
    else std::this_thread::sleep_for(5ms);
  return true;
}

double at(std::vector<double> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

std::size_t distinct_acks(const test_support::FakeSlackServer& server) {
  std::set<std::string> ids;
  for (const auto& a : server.acks()) ids.insert(a.envelope_id);
  return ids.size();
}

// Waits until the answers stop coming (quiet for `quiet`), at most `limit`.
void until_quiet(SlackOnThread& slack, std::chrono::milliseconds quiet, std::chrono::seconds limit) {
  const auto give_up = SteadyClock::now() + limit;
  std::size_t last = 0;
  auto since = SteadyClock::now();
  while (SteadyClock::now() < give_up) {
    std::this_thread::sleep_for(20ms);
    const std::size_t now = slack.on([&] { return slack.server.message_count() + slack.server.ack_count(); });
    if (now != last) {
      last = now;
      since = SteadyClock::now();
    } else if (SteadyClock::now() - since > quiet) {
      return;
    }
  }
}

// Commands at a fixed rate on the server's thread; optionally drops connections on a schedule.
struct Offer {
  long n = 2000;
  double rate = 200;
  int channels = 0;  // 0: one channel per command
  std::chrono::milliseconds drop_every{0};
  bool drop_all = false;
};

asio::awaitable<void> offer(test_support::FakeSlackServer* server, std::vector<std::string> users, Offer o,
                            std::atomic<long>* sent) {
  const auto start = SteadyClock::now();
  auto next_drop = start + o.drop_every;
  const auto period = std::chrono::duration<double>(1.0 / o.rate);
  for (long i = 0; i < o.n; ++i) {
    auto due = start + std::chrono::duration_cast<SteadyClock::duration>(period * static_cast<double>(i));
    if (due > SteadyClock::now()) co_await sleep_until(due);
    if (o.drop_every.count() > 0 && SteadyClock::now() >= next_drop) {
      next_drop += o.drop_every;
      for (int c : server->open_connections()) {
        server->drop(c);
        if (!o.drop_all) break;  // the oldest only
      }
    }
    const long channel = o.channels > 0 ? i % o.channels : i;
    server->slash_command(users[static_cast<std::size_t>(i) % users.size()], "CCMP" + std::to_string(channel), "help");
    sent->store(i + 1);
  }
}

void wait_for(const std::atomic<long>& sent, long n) {
  while (sent.load() < n) std::this_thread::sleep_for(5ms);
}

// ---- Scenarios ------------------------------------------------------------------------------

struct People {
  std::vector<std::string> ids;
  std::vector<std::string> emails;
};

// The fake with the district's people (Hallpass matches them by e-mail through users.info).
void add_people(SlackOnThread& slack, const People& people) {
  slack.on([&] {
    for (std::size_t i = 0; i < people.ids.size(); ++i) slack.server.add_user(people.ids[i], people.emails[i]);
    return 0;
  });
}

void result(const Side& side, const std::string& scenario, const std::string& figures, double rss_mb) {
  std::printf("RESULT %s %s %s rss_peak_mb=%.1f\n", scenario.c_str(), side.name().c_str(), figures.c_str(), rss_mb);
  std::fflush(stdout);
}

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

int ack_scenario(const Side& side, const People& people, long n, double rate) {
  test_support::TempDir dir("sdk-ack");
  SlackOnThread slack;
  add_people(slack, people);
  auto child = start(side, slack, dir);
  if (!ready(side, slack, people.ids[0])) {
    std::fprintf(stderr, "%s did not connect and answer; see its log\n", side.name().c_str());
    return 1;
  }
  const std::size_t acks_before = slack.on([&] { return slack.server.ack_count(); });
  const std::size_t answers_before = slack.on([&] { return slack.server.message_count(); });
  std::atomic<long> sent{0};
  Offer o;
  o.n = n;
  o.rate = rate;
  const auto t0 = SteadyClock::now();
  asio::co_spawn(slack.io, offer(&slack.server, people.ids, o, &sent), asio::detached);
  wait_for(sent, n);
  const double send_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  until_quiet(slack, 2000ms, 60s);
  std::vector<double> ms;
  std::size_t answers = 0;
  slack.on([&] {
    auto acks = slack.server.acks();
    for (std::size_t i = acks_before; i < acks.size(); ++i)
      ms.push_back(std::chrono::duration<double, std::milli>(acks[i].latency).count());
    answers = slack.server.message_count() - answers_before;
    return 0;
  });
  result(side, "ack",
         format("offered=%ld rate=%.0f sent_s=%.2f acked=%zu ack_p50_ms=%.2f ack_p99_ms=%.2f ack_max_ms=%.2f answered=%zu",
                n, rate, send_s, ms.size(), at(ms, 0.5), at(ms, 0.99), at(ms, 1.0), answers),
         child->peak_rss_mb());
  child->terminate();
  child->wait(20s);
  return 0;
}

int drop_scenario(const Side& side, const People& people, Offer o) {
  test_support::TempDir dir("sdk-drop");
  SlackOnThread slack;
  add_people(slack, people);
  auto child = start(side, slack, dir);
  if (!ready(side, slack, people.ids[0])) {
    std::fprintf(stderr, "%s did not connect and answer; see its log\n", side.name().c_str());
    return 1;
  }
  const int failures_before = slack.on([&] { return slack.server.dispatch_failures() + slack.server.redeliveries(); });
  std::atomic<long> sent{0};
  asio::co_spawn(slack.io, offer(&slack.server, people.ids, o, &sent), asio::detached);
  wait_for(sent, o.n);
  until_quiet(slack, 3000ms, 60s);
  int no_connection = 0, on_dropped = 0, opened = 0;
  std::size_t acked = 0, answered = 0;
  slack.on([&] {
    no_connection = slack.server.dispatch_failures();
    on_dropped = slack.server.redeliveries();
    opened = slack.server.connections_opened();
    acked = distinct_acks(slack.server) - 1;  // the warm-up
    answered = slack.server.message_count() - 1;
    return 0;
  });
  result(side, o.drop_all ? "drop-all" : "drop",
         format("offered=%ld rate=%.0f drop_every_ms=%lld undeliverable=%d (no_connection=%d on_dropped_before_ack=%d) "
                "acked=%zu answered=%zu connections_opened=%d",
                o.n, o.rate, static_cast<long long>(o.drop_every.count()), no_connection + on_dropped - failures_before,
                no_connection, on_dropped, acked, answered, opened),
         child->peak_rss_mb());
  child->terminate();
  child->wait(20s);
  return 0;
}

// One channel's chat.postEphemeral answers 429 (Retry-After 3 s); then one command in each of 20
// other channels: how long their answers take.
asio::awaitable<void> limit_drive(test_support::FakeSlackServer* server, std::vector<std::string> users,
                                  std::vector<double>* others_ms, double* limited_ms, std::atomic<bool>* done) {
  server->fail_next("chat.postEphemeral", 429, 3);
  const auto limited_at = SteadyClock::now();
  server->slash_command(users[0], "CLIMITED", "help");
  while (server->failed_requests() < 1) co_await sleep_until(SteadyClock::now() + 200us);
  std::vector<SteadyClock::time_point> sent_at;
  for (int i = 0; i < 20; ++i) {
    sent_at.push_back(SteadyClock::now());
    server->slash_command(users[static_cast<std::size_t>(i + 1) % users.size()], "COTHER" + std::to_string(i), "help");
  }
  std::vector<double> seen(20, -1);
  const auto give_up = SteadyClock::now() + 30s;
  *limited_ms = -1;
  while (SteadyClock::now() < give_up) {
    bool all = true;
    for (std::size_t i = 0; i < 20; ++i) {
      if (seen[i] < 0 && !server->messages("COTHER" + std::to_string(i)).empty())
        seen[i] = std::chrono::duration<double, std::milli>(SteadyClock::now() - sent_at[i]).count();
      all = all && seen[i] >= 0;
    }
    if (*limited_ms < 0 && !server->messages("CLIMITED").empty())
      *limited_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - limited_at).count();
    if (all && *limited_ms >= 0) break;
    co_await sleep_until(SteadyClock::now() + 200us);
  }
  *others_ms = seen;
  done->store(true);
}

int limit_scenario(const Side& side, const People& people) {
  test_support::TempDir dir("sdk-429");
  SlackOnThread slack;
  add_people(slack, people);
  auto child = start(side, slack, dir);
  if (!ready(side, slack, people.ids[0])) {
    std::fprintf(stderr, "%s did not connect and answer; see its log\n", side.name().c_str());
    return 1;
  }
  std::vector<double> others;
  double limited = -1;
  std::atomic<bool> done{false};
  asio::co_spawn(slack.io, limit_drive(&slack.server, people.ids, &others, &limited, &done), asio::detached);
  while (!done.load()) std::this_thread::sleep_for(5ms);
  const long missing = std::count_if(others.begin(), others.end(), [](double v) { return v < 0; });
  std::erase_if(others, [](double v) { return v < 0; });
  result(side, "429",
         format("limited_channel_answer_ms=%.0f others_p50_ms=%.1f others_max_ms=%.1f others_unanswered_30s=%ld", limited,
                at(others, 0.5), at(others, 1.0), missing),
         child->peak_rss_mb());
  child->terminate();
  child->wait(20s);
  return 0;
}

// 200/s over 50 channels; SIGTERM at stop_at; the side exits; the commands go on (Slack finds no
// connection for them); then a restart (same database for Hallpass) until answers stop coming.
int stop_scenario(const Side& side, const People& people, long n, long stop_at) {
  test_support::TempDir dir("sdk-stop");
  SlackOnThread slack;
  add_people(slack, people);
  auto child = start(side, slack, dir);
  if (!ready(side, slack, people.ids[0])) {
    std::fprintf(stderr, "%s did not connect and answer; see its log\n", side.name().c_str());
    return 1;
  }
  Offer o;
  o.n = n;
  o.rate = 200;
  o.channels = 50;
  std::atomic<long> sent{0};
  asio::co_spawn(slack.io, offer(&slack.server, people.ids, o, &sent), asio::detached);
  wait_for(sent, stop_at);
  const double rss = child->peak_rss_mb();
  const auto asked = SteadyClock::now();
  child->terminate();
  const bool exited = child->wait(30s);
  const double exit_s = std::chrono::duration<double>(SteadyClock::now() - asked).count();
  std::size_t acked = 0, answered = 0;
  slack.on([&] {
    acked = distinct_acks(slack.server) - 1;
    answered = slack.server.message_count() - 1;
    return 0;
  });
  wait_for(sent, n);
  const int undeliverable = slack.on([&] { return slack.server.dispatch_failures(); });
  // The next start: what it delivers of what was left (and what the fake kept waiting, which
  // Slack would not have kept: only the first part is counted below).
  auto again = start(side, slack, dir);
  until_quiet(slack, 3000ms, 60s);
  const std::size_t answered_after = slack.on([&] { return slack.server.message_count() - 1; });
  again->terminate();
  again->wait(20s);
  result(side, "stop",
         format("offered=%ld rate=200 channels=50 sigterm_at=%ld exited=%s exit_s=%.2f acked_at_exit=%zu "
                "answered_at_exit=%zu acked_unanswered_at_exit=%zu no_connection_after=%d answered_after_restart=%zu",
                n, stop_at, exited ? "yes" : "killed", exit_s, acked, answered, acked - std::min(acked, answered),
                undeliverable, answered_after),
         rss);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::err);
  std::vector<std::string> params;
  Side side;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--hallpass" || a == "--sdk") {
      side.hallpass = a == "--hallpass";
      for (++i; i < argc; ++i) side.argv.push_back(argv[i]);
      break;
    }
    params.push_back(a);
  }
  if (params.empty() || side.argv.empty()) {
    std::fprintf(stderr,
                 "usage: sdk_compare_bench ack|drop|429|stop [params…] --hallpass <hallpass binary> | --sdk <command…>\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  auto loaded = app::load_district(bot::sample_config_path(), std::cerr);
  if (!loaded) return 1;
  People people;
  for (const auto& p : loaded->config.people) {
    people.ids.push_back(slack_id(p.id));
    people.emails.push_back(p.email);
  }
  auto num = [&](std::size_t k, double dflt) { return params.size() > k ? std::atof(params[k].c_str()) : dflt; };
  const std::string scenario = params[0];
  if (scenario == "ack") return ack_scenario(side, people, static_cast<long>(num(1, 2000)), num(2, 1000));
  if (scenario == "drop") {
    Offer o;
    o.drop_every = std::chrono::milliseconds(static_cast<long long>(num(1, 4000)));
    o.n = static_cast<long>(num(2, 2000));
    o.drop_all = params.size() > 3 && params[3] == "all";
    o.rate = num(4, 200);
    return drop_scenario(side, people, o);
  }
  if (scenario == "429") return limit_scenario(side, people);
  if (scenario == "stop") return stop_scenario(side, people, static_cast<long>(num(1, 2000)), static_cast<long>(num(2, 1000)));
  std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
  return 2;
}
