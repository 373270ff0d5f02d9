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
//   teams-slow [slow_ms=10000]          Teams: A's reply held slow_ms at the Connector, B writes 500 ms
//                                       later: when B's reply reaches the Connector
//   teams-lookup [stall_ms=20000]       Teams: a new person's e-mail look-up stalls: how long Teams
//                                       waits for its HTTP answer, and for the reply
// The Teams side is botbuilder_bot.js (--sdk node …/botbuilder_bot.js) or Hallpass with Teams on.
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
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "adapters/common/http_client.hpp"
#include "app/adapter_registry.hpp"
#include "bot/district/district.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/slack_run_fixtures.hpp"
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
  // CPU time it used so far (user + system), in seconds: what it costs, whatever the load.
  double cpu_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto close = text.rfind(')');  // the command name may contain spaces
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
      if (i == 14 || i == 15) ticks += std::atof(f.c_str());
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
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

// Runs f on the thread that runs io (the fakes are not thread-safe) and returns its result.
template <class F>
auto run_on(asio::io_context& io, F f) {
  std::promise<decltype(f())> done;
  auto result = done.get_future();
  asio::post(io, [&] { done.set_value(f()); });
  return result.get();
}

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
    return run_on(io, std::move(f));
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
  if (config.empty()) config = test_support::slack_sample_config("sdk-compare", url, test_support::SlackMode::socket);
  std::vector<std::string> argv = {side.argv[0], "run", "--config", config.string(), "--db", dir.file("hallpass.db")};
  return std::make_unique<Child>(argv, env, dir.file("child.log"));
}

// Until the side has its connections open (Hallpass keeps 2, Bolt 1) and answered a warm-up
// command, so start-up and first look-ups are out of the figures.
bool ready(const Side& side, SlackOnThread& slack, const std::string& user) {
  const std::size_t want = side.hallpass ? 2 : 1;
  const auto until = SteadyClock::now() + 20s;
  while (slack.on([&] { return slack.server.open_connections().size(); }) < want)
    if (SteadyClock::now() > until)
      return false;
    else
      std::this_thread::sleep_for(5ms);
  slack.on([&] { return slack.server.slash_command(user, "CWARMUP", "help").envelope_id; });
  while (slack.on([&] { return slack.server.message_count(); }) < 1)
    if (SteadyClock::now() > until)
      return false;
    else
      std::this_thread::sleep_for(5ms);
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
  const double cpu_before = child->cpu_seconds();
  const auto t0 = SteadyClock::now();
  asio::co_spawn(slack.io, offer(&slack.server, people.ids, o, &sent), asio::detached);
  wait_for(sent, n);
  const double send_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  until_quiet(slack, 2000ms, 60s);
  const double cpu_ms_per_command = (child->cpu_seconds() - cpu_before) * 1000.0 / static_cast<double>(n);
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
         format("offered=%ld rate=%.0f sent_s=%.2f acked=%zu ack_p50_ms=%.2f ack_p99_ms=%.2f ack_max_ms=%.2f "
                "answered=%zu cpu_ms_per_command=%.3f",
                n, rate, send_s, ms.size(), at(ms, 0.5), at(ms, 0.99), at(ms, 1.0), answers, cpu_ms_per_command),
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
         format("limited_channel_answer_ms=%.0f others_p50_ms=%.1f others_max_ms=%.1f others_unanswered_30s=%ld",
                limited, at(others, 0.5), at(others, 1.0), missing),
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

// ---- Teams: the fake Bot Framework identity and Connector on their own thread ------------------

unsigned short free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

struct TeamsOnThread {
  asio::io_context io;
  test_support::FakeBotConnector connector{io, "unused"};
  test_support::FakeBotFrameworkAuth identity{io, [this] {
                                                test_support::FakeBotFrameworkAuthOptions o;
                                                o.service_url = connector.service_url();
                                                return o;
                                              }()};
  unsigned short port = free_port();
  adapters::http::HttpClient client{io.get_executor(), "http://127.0.0.1:" + std::to_string(port)};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;

  explicit TeamsOnThread(const People& people) {
    auto* id = &identity;
    connector.accept_tokens([id](const std::string& t) { return id->issued(t); });
    for (std::size_t i = 0; i < people.ids.size(); ++i)
      connector.add_member({"29:" + people.ids[i], people.ids[i], "aad-" + people.ids[i], people.emails[i], ""});
    thread = std::thread([this] { io.run(); });
  }
  ~TeamsOnThread() {
    asio::post(io, [this] { client.close(); });
    work.reset();
    io.stop();
    thread.join();
  }
  template <class F>
  auto on(F f) {
    return run_on(io, std::move(f));
  }
  std::size_t replies(const std::string& conversation) {
    return on([&] { return connector.activities(conversation).size(); });
  }
  // Posts a message activity from user to the bot as Teams would (signed by the fake identity);
  // sets answered_ms to how long Teams waited for the HTTP answer, and status to it.
  void post(const std::string& user, const std::string& text, std::atomic<double>* answered_ms,
            std::atomic<int>* status) {
    static int next_id = 1;
    on([&] {
      nlohmann::json a{
          {"type", "message"},
          {"id", std::to_string(next_id++)},
          {"timestamp", "2026-12-05T08:00:00.000Z"},
          {"channelId", "msteams"},
          {"serviceUrl", connector.service_url()},
          {"from", {{"id", "29:" + user}, {"name", user}, {"aadObjectId", "aad-" + user}}},
          {"conversation",
           {{"id", "a:chat-" + user}, {"conversationType", "personal"}, {"tenantId", identity.options().tenant_id}}},
          {"recipient", {{"id", "28:" + identity.options().app_id}, {"name", "Hallpass"}}},
          {"channelData", {{"tenant", {{"id", identity.options().tenant_id}}}}},
          {"text", text}};
      adapters::http::Request r;
      r.method = "POST";
      r.target = "/api/messages";
      r.body = a.dump();
      r.headers["Authorization"] = identity.authorization();
      r.timeout = 120s;
      const auto start = SteadyClock::now();
      asio::co_spawn(
          io, client.request(std::move(r)),
          [start, answered_ms, status](std::exception_ptr, adapters::http::Response res) {
            status->store(res.status);
            answered_ms->store(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
          });
      return 0;
    });
  }
};

std::unique_ptr<Child> start_teams(const Side& side, TeamsOnThread& teams, const test_support::TempDir& dir) {
  const auto& o = teams.identity.options();
  const std::string service_url = teams.connector.service_url();
  if (!side.hallpass) {
    std::vector<std::pair<std::string, std::string>> env = {
        {"PORT", std::to_string(teams.port)},
        {"APP_ID", o.app_id},
        {"APP_SECRET", o.app_secret},
        {"TENANT_ID", o.tenant_id},
        {"OPENID_METADATA_URL", teams.identity.openid_metadata_url()},
        {"TOKEN_URL", teams.identity.origin() + "/" + o.tenant_id + "/oauth2/v2.0/token"}};
    return std::make_unique<Child>(side.argv, env, dir.file("child.log"));
  }
  const auto config = test_support::sample_config_variant(
      "sdk-compare-teams-" + std::to_string(teams.port),
      {{"web: { enabled: true,", "web: { enabled: false,"},
       {"teams: { enabled: false, app_id: \"00000000-0000-0000-0000-000000000000\",",
        "teams: { enabled: true, app_id: \"" + o.app_id + "\", openid_metadata_url: \"" +
            teams.identity.openid_metadata_url() + "\", authority: \"" + teams.identity.origin() +
            "\", service_urls: \"" + service_url + "\", service_url: \"" + service_url + "\","},
       {"tenant_id: \"00000000-0000-0000-0000-000000000000\", listen: 127.0.0.1, port: 3978 }",
        "tenant_id: \"" + o.tenant_id + "\", listen: 127.0.0.1, port: " + std::to_string(teams.port) + " }"},
       {"place: { name: Superintendent's office, web: \"#superintendent\" }",
        "place: { name: Superintendent's office, web: \"#superintendent\", teams: \"19:super@thread.tacv2\" }"},
       {"approvals: { web: \"#lincoln-approvals\" }",
        "approvals: { web: \"#lincoln-approvals\", teams: \"19:lincoln@thread.tacv2\" }"},
       {"approvals: { web: \"#roosevelt-approvals\" }",
        "approvals: { web: \"#roosevelt-approvals\", teams: \"19:roosevelt@thread.tacv2\" }"},
       {"approvals: { web: \"#kennedy-approvals\" }",
        "approvals: { web: \"#kennedy-approvals\", teams: \"19:kennedy@thread.tacv2\" }"}});
  std::vector<std::string> argv = {side.argv[0], "run", "--config", config.string(), "--db", dir.file("hallpass.db")};
  return std::make_unique<Child>(argv,
                                 std::vector<std::pair<std::string, std::string>>{{"TEAMS_APP_SECRET", o.app_secret}},
                                 dir.file("child.log"));
}

// Until a message from user got its reply (the bot is up, its keys and token fetched, user's
// e-mail looked up).
bool teams_warm(TeamsOnThread& teams, const std::string& user) {
  const auto until = SteadyClock::now() + 30s;
  const std::size_t before = teams.replies("a:chat-" + user);
  while (SteadyClock::now() < until) {
    std::atomic<double> ms{-1};
    std::atomic<int> status{0};
    teams.post(user, "help", &ms, &status);
    while (ms.load() < 0 && SteadyClock::now() < until) std::this_thread::sleep_for(5ms);
    if (status.load() >= 200 && status.load() < 300) {
      while (teams.replies("a:chat-" + user) <= before && SteadyClock::now() < until) std::this_thread::sleep_for(5ms);
      return teams.replies("a:chat-" + user) > before;
    }
    std::this_thread::sleep_for(200ms);  // not listening yet
  }
  return false;
}

void dump_log(const test_support::TempDir& dir) {
  std::ifstream in(dir.file("child.log"));
  std::string line;
  int n = 0;
  while (std::getline(in, line) && n++ < 30) std::fprintf(stderr, "  | %s\n", line.c_str());
}

// A's reply is held 10 s at the Connector; B writes 500 ms later: when B's reply arrives.
int teams_slow_scenario(const Side& side, const People& people, std::chrono::milliseconds slow) {
  test_support::TempDir dir("sdk-teams-slow");
  TeamsOnThread teams(people);
  auto child = start_teams(side, teams, dir);
  const std::string a = people.ids[1], b = people.ids[2];
  if (!teams_warm(teams, a) || !teams_warm(teams, b)) {
    std::fprintf(stderr, "%s did not answer on Teams; its log:\n", side.name().c_str());
    dump_log(dir);
    return 1;
  }
  teams.on([&] {
    teams.connector.hold_next("chat-" + a, slow);
    return 0;
  });
  const std::size_t a_before = teams.replies("a:chat-" + a), b_before = teams.replies("a:chat-" + b);
  std::atomic<double> a_http{-1}, b_http{-1};
  std::atomic<int> a_status{0}, b_status{0};
  teams.post(a, "help", &a_http, &a_status);
  std::this_thread::sleep_for(500ms);
  const auto b_start = SteadyClock::now();
  teams.post(b, "help", &b_http, &b_status);
  double b_reply = -1;
  const auto until = SteadyClock::now() + slow + 30s;
  while (SteadyClock::now() < until) {
    if (b_reply < 0 && teams.replies("a:chat-" + b) > b_before)
      b_reply = std::chrono::duration<double, std::milli>(SteadyClock::now() - b_start).count();
    if (b_reply >= 0 && teams.replies("a:chat-" + a) > a_before && a_http.load() >= 0 && b_http.load() >= 0) break;
    std::this_thread::sleep_for(1ms);
  }
  result(side, "teams-slow",
         format("a_held_ms=%lld b_reply_ms=%.1f b_http_answer_ms=%.1f a_http_answer_ms=%.1f a_status=%d",
                static_cast<long long>(slow.count()), b_reply, b_http.load(), a_http.load(), a_status.load()),
         child->peak_rss_mb());
  child->terminate();
  child->wait(20s);
  return 0;
}

// A person the bot has not seen writes; their e-mail look-up at the Connector stalls: how long
// Teams waits for the HTTP answer (it re-sends after 15 s), and when the reply comes.
int teams_lookup_scenario(const Side& side, const People& people, std::chrono::milliseconds stall) {
  test_support::TempDir dir("sdk-teams-lookup");
  TeamsOnThread teams(people);
  auto child = start_teams(side, teams, dir);
  if (!teams_warm(teams, people.ids[1])) {
    std::fprintf(stderr, "%s did not answer on Teams; its log:\n", side.name().c_str());
    dump_log(dir);
    return 1;
  }
  const std::string newcomer = people.ids[3];
  teams.on([&] {
    teams.connector.hold_next("/members/", stall);
    return 0;
  });
  std::atomic<double> http{-1};
  std::atomic<int> status{0};
  const auto start = SteadyClock::now();
  teams.post(newcomer, "help", &http, &status);
  double reply = -1;
  const auto until = SteadyClock::now() + stall + 30s;
  while (SteadyClock::now() < until && (reply < 0 || http.load() < 0)) {
    if (reply < 0 && teams.replies("a:chat-" + newcomer) > 0)
      reply = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    std::this_thread::sleep_for(1ms);
  }
  result(side, "teams-lookup",
         format("lookup_stalled_ms=%lld http_answer_ms=%.1f status=%d reply_ms=%.1f",
                static_cast<long long>(stall.count()), http.load(), status.load(), reply),
         child->peak_rss_mb());
  child->terminate();
  child->wait(20s);
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
                 "usage: sdk_compare_bench ack|drop|429|stop|teams-slow|teams-lookup [params…] --hallpass <hallpass "
                 "binary> | --sdk <command…>\n");
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
  if (scenario == "teams-slow")
    return teams_slow_scenario(side, people, std::chrono::milliseconds(static_cast<long long>(num(1, 10000))));
  if (scenario == "teams-lookup")
    return teams_lookup_scenario(side, people, std::chrono::milliseconds(static_cast<long long>(num(1, 20000))));
  if (scenario == "stop")
    return stop_scenario(side, people, static_cast<long>(num(1, 2000)), static_cast<long>(num(2, 1000)));
  std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
  return 2;
}
