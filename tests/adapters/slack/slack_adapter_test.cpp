// The Slack adapter with the real bot core, the outbox dispatcher and a SQLite file store,
// against the fake Slack (Web API and Socket Mode) on 127.0.0.1. The server and the "process"
// (bot + dispatcher + adapter) have their own io_contexts, run in turns on the test's thread.
#include "adapters/slack/slack_adapter.hpp"

#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "app/adapter_registry.hpp"
#include "bot/core/outbox_dispatcher.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/fake_connect_proxy.hpp"
#include "tests/support/fake_slack_server.hpp"
#include "tests/support/hallpass_process.hpp"
#include "tests/support/slack_run_fixtures.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflows/router.hpp"

namespace {

namespace asio = boost::asio;
using adapters::slack::SlackAdapter;
using adapters::slack::SlackOptions;
using nlohmann::json;
using test_support::FakeSlackServer;

constexpr auto kBotToken = "xoxb-test-bot-token";
constexpr auto kAppToken = "xapp-test-app-token";
constexpr auto kLincoln = "CLINCOLN";
constexpr auto kSuper = "CSUPER";
constexpr auto kTeacher = "UTGARCIA";
constexpr auto kTeacherDm = "DTGARCIA";
constexpr auto kPrincipal = "URALVAREZ";  // not in the directory: matched by e-mail
constexpr auto kSuperintendent = "UMOKAFOR";

std::string slack_id(const std::string& person_id) {
  std::string id = "U";
  for (char c : person_id)
    if (c != '.') id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

// The sample district with Slack ids for everyone but the Lincoln principal, and Slack channels.
bot::District slack_district() {
  auto d = app::load_district(bot::sample_config_path(), std::cerr);
  if (!d) throw std::runtime_error("the sample district does not load");
  for (auto& p : d->config.people)
    if (p.id != "r.alvarez") p.handles["slack"] = slack_id(p.id);
  for (auto& s : d->config.sites) {
    std::string channel = "C";
    for (char c : s.id) channel += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    s.approvals.addresses["slack"] = channel;
  }
  d->config.superintendent_place.addresses["slack"] = kSuper;
  return std::move(*d);
}

const bot::District& district() {
  static const bot::District d = slack_district();
  return d;
}

SlackOptions options_for(const FakeSlackServer& server) {
  SlackOptions o;
  o.api.base_url = server.api_base_url();
  o.api.bot_token = kBotToken;
  o.api.app_token = kAppToken;
  o.api.posts_per_second = 50;  // pacing on, but not slowing the test down
  o.socket.first_backoff = std::chrono::milliseconds(5);
  o.socket.max_backoff = std::chrono::milliseconds(50);
  o.known_user = [](std::string_view id) { return district().config.person_by_handle("slack", id) != nullptr; };
  return o;
}

// One run of Hallpass: a test Process (its own io_context, store connection and runtime) with the
// Slack adapter.
struct Process {
  Process(const std::string& db, SlackOptions options)
      : process({.db = db, .district = &district()}), io(&process.io()), store(&process.store()) {
    adapter = std::make_unique<SlackAdapter>(io->get_executor(), std::move(options));
    process.add_adapter(*adapter);
    process.start();
  }
  ~Process() { adapter->stop(); }
  bool adapter_done() const { return process.adapter_done(); }

  // The Process (and its io_context) is destroyed last, after the adapter its handlers refer to.
  test_support::Process process;
  asio::io_context* io;
  bot::Store* store;
  std::unique_ptr<SlackAdapter> adapter;
};

struct World {
  World() {
    for (const auto& p : district().config.people) server.add_user(slack_id(p.id), p.email);
  }
  ~World() { server.stop(); }

  // Runs the server's and the process's io_contexts until pred holds; fails after 10 s.
  void run_until(Process& p, const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (auto failure = p.process.failure()) std::rethrow_exception(failure);
      if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
      io.poll();
      p.io->run_one_for(std::chrono::milliseconds(1));
      io.poll();
    }
  }

  // Until both connections are open on both sides and nothing is queued.
  void connected(Process& p, int n = 2) {
    run_until(
        p,
        [&] { return p.adapter->open_connections() == n && static_cast<int>(server.open_connections().size()) == n; },
        "the Socket Mode connections are open");
  }

  // Until everything Hallpass has to deliver is delivered (the dispatcher idle, its outbox empty).
  void settle(Process& p) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    run_until(
        p, [&] { return std::chrono::steady_clock::now() > until; }, "a quiet moment");
  }

  json ack_payload(const std::string& envelope_id) const {
    for (const auto& a : server.acks())
      if (a.envelope_id == envelope_id) return a.payload;
    return json();
  }

  test_support::TempDir dir{"slack"};  // the database and its -wal and -shm, removed with the test
  asio::io_context io;
  FakeSlackServer server{io, kBotToken, kAppToken};
  std::string db = dir.file("hallpass.db");
};

bool has_buttons(const FakeSlackServer::Message& m) {
  for (const auto& b : m.blocks)
    if (b.value("type", "") == "actions") return true;
  return false;
}

bool has_button(const FakeSlackServer::Message& m, const std::string& action_id) {
  for (const auto& b : m.blocks)
    if (b.value("type", "") == "actions")
      for (const auto& e : b["elements"])
        if (e.value("action_id", "") == action_id) return true;
  return false;
}

}  // namespace

TEST_CASE("a request goes over Slack: DM, modals, the principal's thread, the superintendent's channel, the decision",
          "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);

  // The teacher starts in her DM with the bot: the form opens as a modal at once.
  auto start = w.server.slash_command(kTeacher, kTeacherDm, "request");
  w.run_until(
      p, [&] { return w.server.acked(start.envelope_id) && w.server.open_view(kTeacher).has_value(); },
      "the request form");
  CHECK((*w.server.open_view(kTeacher))["callback_id"] == "request.platforms");

  // The next form replaces the modal through the view_submission's ack.
  auto platforms = w.server.view_submission(
      kTeacher, {{"platforms", "instagram,youtube"}, {"audience", "parents,students"}, {"students_interact", "no"}});
  w.run_until(
      p, [&] { return w.server.acked(platforms.envelope_id); }, "the platforms form acknowledged");
  json ack = w.ack_payload(platforms.envelope_id);
  REQUIRE(ack.is_object());
  CHECK(ack["response_action"] == "update");
  CHECK((*w.server.open_view(kTeacher))["callback_id"] == "request.objectives");

  auto objectives =
      w.server.view_submission(kTeacher, {{"objectives.instagram", "Share weekly class projects with families"},
                                          {"objectives.youtube", "Post the winter concert recordings"}});
  w.run_until(
      p, [&] { return w.server.acked(objectives.envelope_id) && !w.server.find(kTeacherDm, "\"confirm\"").empty(); },
      "the summary in the DM");
  CHECK(w.ack_payload(objectives.envelope_id).is_null());  // the modal closes; the summary is a message
  const auto summary = w.server.find(kTeacherDm, "\"confirm\"").front();

  w.server.block_action(kTeacher, kTeacherDm, summary.ts, "confirm", "");
  w.run_until(
      p, [&] { return !w.server.messages(kLincoln).empty(); }, "the card in the Lincoln channel");
  auto requests = p.store->requests_of("t.garcia");
  REQUIRE(requests.size() == 1);
  const std::string id = requests[0].id;
  const auto card = w.server.messages(kLincoln).front();
  CHECK(has_button(card, "endorse"));
  // The summary lost its buttons, so it cannot be submitted twice.
  w.run_until(
      p, [&] { return w.server.find(kTeacherDm, "\"confirm\"").empty(); }, "the summary closed");

  // The principal is not in the directory by Slack id: users.info gives the e-mail that matches.
  w.server.block_action(kPrincipal, kLincoln, card.ts, "endorse", id);
  w.run_until(
      p, [&] { return !w.server.messages(kSuper).empty(); }, "the card in the superintendent's channel");
  CHECK(p.store->request(id)->state == bot::RequestState::pending_decision);
  bool asked_for_principal = false;
  for (const auto& c : w.server.calls("users.info")) asked_for_principal |= c.body.value("user", "") == kPrincipal;
  CHECK(asked_for_principal);
  w.run_until(
      p, [&] { return !has_buttons(w.server.messages(kLincoln).front()); }, "the site card without buttons");
  // The note about the endorsement went into the request's thread under the card.
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() >= 2; }, "the note in the card's thread");
  auto lincoln = w.server.messages(kLincoln);
  for (size_t i = 1; i < lincoln.size(); ++i) CHECK(lincoln[i].thread_ts == card.ts);

  // The superintendent rejects: the explanation form opens as a modal.
  const auto super_card = w.server.messages(kSuper).front();
  CHECK(has_button(super_card, "reject"));
  w.server.block_action(kSuperintendent, kSuper, super_card.ts, "reject", id);
  w.run_until(
      p,
      [&] {
        auto v = w.server.open_view(kSuperintendent);
        return v && (*v)["callback_id"] == "decision.reject";
      },
      "the explanation form");

  // Without an explanation the modal stays open and shows the error under the field.
  auto empty = w.server.view_submission(kSuperintendent, {{"explanation", ""}});
  w.run_until(
      p, [&] { return w.server.acked(empty.envelope_id); }, "the refused submission acknowledged");
  ack = w.ack_payload(empty.envelope_id);
  REQUIRE(ack.is_object());
  CHECK(ack["response_action"] == "errors");
  CHECK(ack["errors"].contains("explanation"));
  CHECK(p.store->request(id)->state == bot::RequestState::pending_decision);

  auto written = w.server.view_submission(
      kSuperintendent, {{"explanation", "Students may not interact with staff on YouTube <script> & comments"}});
  w.run_until(
      p,
      [&] { return p.store->request(id)->state == bot::RequestState::rejected && w.server.acked(written.envelope_id); },
      "the rejection");
  // The decision reaches the teacher's DM, in the request's thread there, with her text escaped.
  w.run_until(
      p, [&] { return !w.server.find(kTeacherDm, "YouTube &lt;script&gt; &amp; comments").empty(); },
      "the decision in the teacher's DM");
  // The superintendent's card shows the decision and lost its buttons.
  w.run_until(
      p, [&] { return !has_buttons(w.server.messages(kSuper).front()); }, "the card without buttons");
  CHECK(w.server.messages(kSuper).front().edits >= 1);
  // No token ever travelled in a body.
  for (const auto& c : w.server.calls()) CHECK(c.body.dump().find("xoxb-") == std::string::npos);
}

TEST_CASE("a connection dropped in the middle loses no command", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  const int first = w.server.open_connections().front();

  // Commands on the connection that then drops, before and after Hallpass could read them.
  std::vector<std::string> envelopes;
  for (int i = 0; i < 4; ++i)
    envelopes.push_back(w.server.slash_command(kTeacher, kLincoln, "help", first).envelope_id);
  w.server.drop(first);
  for (int i = 0; i < 4; ++i) envelopes.push_back(w.server.slash_command(kTeacher, kLincoln, "help").envelope_id);

  w.run_until(
      p,
      [&] {
        return std::all_of(envelopes.begin(), envelopes.end(), [&](const std::string& e) { return w.server.acked(e); });
      },
      "every command acknowledged");
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() >= envelopes.size(); }, "every answer");
  w.connected(p);  // the dropped connection was replaced
  w.settle(p);
  CHECK(w.server.redeliveries() >= 1);
  CHECK(w.server.messages(kLincoln).size() == envelopes.size());  // each answered once
  CHECK(w.server.connections_opened() == 3);
}

TEST_CASE("the same envelope delivered twice is handled once", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  auto conns = w.server.open_connections();

  auto cmd = w.server.slash_command(kTeacher, kLincoln, "help", conns[0]);
  w.run_until(
      p, [&] { return w.server.acked(cmd.envelope_id); }, "the first copy acknowledged");
  w.server.deliver_again(cmd.envelope_id, conns[1]);
  w.run_until(
      p, [&] { return w.server.acks_of(cmd.envelope_id) == 2; }, "the second copy acknowledged");

  // An event Slack retries comes in a new envelope with the same event_id.
  const std::string dm = w.server.dm_message(kTeacher, "may I post photos of students on instagram?");
  w.run_until(
      p, [&] { return w.server.acked(dm); }, "the DM question acknowledged");
  const std::string retry = w.server.retry_in_new_envelope(dm);
  w.run_until(
      p, [&] { return w.server.acked(retry); }, "the retried event acknowledged");
  w.run_until(
      p, [&] { return !w.server.messages(kTeacherDm).empty(); }, "the policy answer");
  w.settle(p);
  CHECK(w.server.messages(kLincoln).size() == 1);
  CHECK(w.server.messages(kTeacherDm).size() == 1);
}

TEST_CASE("a 429 from Slack is waited out, then the answer is posted", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  w.server.fail_next("chat.postEphemeral", 429, 1);
  auto cmd = w.server.slash_command(kTeacher, kLincoln, "help");
  w.run_until(
      p, [&] { return w.server.acked(cmd.envelope_id); }, "the command acknowledged");
  w.run_until(
      p, [&] { return w.server.messages(kLincoln).size() == 1; }, "the answer after the 429");
  CHECK(w.server.failed_requests() == 1);
  CHECK(w.server.calls("chat.postEphemeral").size() == 2);
  w.settle(p);
  CHECK(w.server.messages(kLincoln).size() == 1);
}

TEST_CASE("a disconnect warning opens the successor before the old connection closes", "[net][slack]") {
  World w;
  w.server.set_disconnect_grace(std::chrono::seconds(8));  // Hallpass closes it well before Slack would
  Process p(w.db, options_for(w.server));
  w.connected(p);
  const int old = w.server.open_connections().front();
  w.server.disconnect(old, "warning");
  w.run_until(
      p, [&] { return w.server.connections_closed_by_client() == 1; }, "the old connection closed by Hallpass");
  w.connected(p);
  CHECK(w.server.connections_opened() == 3);
  auto open = w.server.open_connections();
  CHECK(std::find(open.begin(), open.end(), old) == open.end());

  // refresh_requested works the same way, and commands sent meanwhile all arrive.
  w.server.disconnect(w.server.open_connections().front(), "refresh_requested");
  std::vector<std::string> sent;
  for (int i = 0; i < 6; ++i) sent.push_back(w.server.slash_command(kTeacher, kLincoln, "help").envelope_id);
  w.run_until(
      p, [&] { return w.server.connections_closed_by_client() == 2; }, "the second refresh");
  w.run_until(
      p, [&] { return std::all_of(sent.begin(), sent.end(), [&](const std::string& e) { return w.server.acked(e); }); },
      "the commands sent during the refresh");
  CHECK(w.server.dispatch_failures() == 0);
}

TEST_CASE("link_disabled stops Socket Mode for good", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  w.server.disconnect(w.server.open_connections().front(), "link_disabled");
  w.run_until(
      p, [&] { return p.adapter_done(); }, "run() returned");
  w.settle(p);
  CHECK(w.server.connections_opened() == 2);
  CHECK(p.adapter->open_connections() == 0);
}

TEST_CASE("deliveries to people by e-mail, DMs and an ephemeral reply where the bot is not a member", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  auto send = [&](bot::Delivery d) {
    std::optional<bot::SendResult> result;
    asio::co_spawn(*p.io, p.adapter->send(std::move(d)), [&](std::exception_ptr e, bot::SendResult r) {
      if (e) std::rethrow_exception(e);
      result = r;
    });
    w.run_until(
        p, [&] { return result.has_value(); }, "the send");
    return *result;
  };

  bot::Delivery by_email;
  by_email.channel = "email:nkim@sierravista.example.org";
  by_email.message.paragraph("Your request **R-1001** was received.");
  auto r = send(by_email);
  CHECK(r.ok());
  CHECK(w.server.calls("users.lookupByEmail").size() == 1);
  REQUIRE(w.server.messages("DNKIM").size() == 1);
  CHECK(w.server.messages("DNKIM").front().ts == r.ref);
  // The DM channel is remembered: a second message opens nothing.
  send(by_email);
  CHECK(w.server.calls("conversations.open").size() == 1);

  bot::Delivery unknown = by_email;
  unknown.channel = "email:nobody@sierravista.example.org";
  CHECK(send(unknown).error == bot::SendErrorKind::not_found);

  // The bot was never invited to that channel: the person gets the answer in their DM.
  w.server.bot_not_in("CRANDOM");
  bot::Delivery ephemeral;
  ephemeral.channel = "CRANDOM";
  ephemeral.ephemeral_user = kTeacher;
  ephemeral.message.paragraph("Here is the help you asked for.");
  CHECK(send(ephemeral).ok());
  CHECK(w.server.find(kTeacherDm, "help you asked for").size() == 1);

  // A form whose trigger expired: Slack refuses it, and the person is told in their language
  // (the dispatcher puts the note in the message); Slack's error code is for the log only.
  bot::Delivery form;
  form.channel = "dm:" + std::string(kTeacher);
  form.reply_context = "expired.trigger";
  form.message.form(bot::Form{.form_id = "request.platforms", .title = "Request"});
  form.message.notes.form_not_opened = "No se pudo abrir el formulario.";
  CHECK_FALSE(send(form).ok());
  CHECK(w.server.find(kTeacherDm, "No se pudo abrir el formulario.").size() == 1);
  CHECK(w.server.find(kTeacherDm, "invalid_trigger_id").empty());
}

TEST_CASE("a connection whose pings go unanswered is replaced", "[net][slack]") {
  World w;
  w.server.silence_next_connection();
  SlackOptions o = options_for(w.server);
  o.socket.idle_timeout = std::chrono::milliseconds(300);
  Process p(w.db, o);
  w.run_until(
      p, [&] { return w.server.connections_opened() == 3 && p.adapter->open_connections() == 2; },
      "the silent connection replaced");
  // The replacement carries commands as usual. (The server has not noticed the silent one is gone.)
  auto cmd = w.server.slash_command(kTeacher, kLincoln, "help", w.server.open_connections().back());
  w.run_until(
      p, [&] { return w.server.acked(cmd.envelope_id); }, "a command on the new connections");
}

TEST_CASE("a wss URL whose certificate is not trusted is refused, and tried again later", "[net][slack]") {
  World w;
  w.server.hand_out_untrusted_wss();
  Process p(w.db, options_for(w.server));
  w.run_until(
      p, [&] { return w.server.refused_tls_handshakes() >= 2; }, "two refused TLS handshakes");
  CHECK(p.adapter->open_connections() == 0);
  CHECK(w.server.connections_opened() == 0);
  CHECK(w.server.calls("apps.connections.open").size() >= 2);
}

TEST_CASE("a summary shown only to the teacher in a channel is replaced through its response_url", "[net][slack]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  // Started in the Lincoln channel: the answers there are ephemeral, for her only.
  w.server.slash_command(kTeacher, kLincoln, "request");
  w.run_until(
      p, [&] { return w.server.open_view(kTeacher).has_value(); }, "the request form");
  w.server.view_submission(kTeacher,
                           {{"platforms", "instagram"}, {"audience", "parents"}, {"students_interact", "no"}});
  w.run_until(
      p, [&] { return (*w.server.open_view(kTeacher))["callback_id"] == "request.objectives"; }, "the objectives form");
  w.server.view_submission(kTeacher, {{"objectives.instagram", "Share weekly class projects with families"}});
  w.run_until(
      p, [&] { return !w.server.find(kLincoln, "\"confirm\"").empty(); }, "the summary");
  const auto summary = w.server.find(kLincoln, "\"confirm\"").front();
  CHECK(summary.ephemeral);
  CHECK(summary.user == kTeacher);

  w.server.block_action(kTeacher, kLincoln, summary.ts, "confirm", "", true);
  w.run_until(
      p, [&] { return !w.server.response_url_posts().empty(); }, "the summary replaced");
  CHECK(w.server.response_url_posts().front().value("replace_original", false));
  w.run_until(
      p, [&] { return w.server.find(kLincoln, "\"confirm\"").empty(); }, "the summary without buttons");
  // The request was filed: its card is in the channel, as a message everyone sees.
  bool card = false;
  for (const auto& m : w.server.messages(kLincoln)) card |= !m.ephemeral && has_button(m, "endorse");
  w.run_until(
      p,
      [&] {
        for (const auto& m : w.server.messages(kLincoln))
          if (!m.ephemeral && has_button(m, "endorse")) return true;
        return false;
      },
      "the card");
  (void)card;
  CHECK(w.server.calls("chat.update").empty());
}

TEST_CASE("hallpass run refuses Slack settings it cannot use, naming them", "[unit][slack][cli]") {
  auto file = test_support::sample_config_variant("slack-cli", {{"slack: { enabled: false,", "slack: { enabled: true,"},
                                                                {"connections: 2 }", "connections: 11 }"}});
  for (const char* command : {"run", "check-config"}) {
    // `timeout`: should the refusal ever be lost, hallpass run would otherwise run on.
    auto [status, out] = test_support::run_command(
        "SLACK_APP_TOKEN=xapp-1 SLACK_BOT_TOKEN=xoxb-1 timeout 20 " + std::string(HALLPASS_BINARY) + " " + command +
        " " + (command == std::string("run") ? "--config " : "") + file.string() + " 2>&1");
    INFO(command << ": " << out);
    CHECK(status == 1);
    CHECK(out.find("adapters.slack.connections must be a number from 1 to 10") != std::string::npos);
  }
  std::filesystem::remove_all(file.parent_path());
}

namespace {

// The sample district on Slack alone, against the fake: the web chat off, one Socket Mode
// connection, and a Slack channel for every place (the config check asks for one).
std::filesystem::path slack_run_config(const std::string& name, FakeSlackServer& server) {
  return test_support::slack_sample_config(name, server.api_base_url(), test_support::SlackMode::socket,
                                           {{"connections: 2 }", "connections: 1 }"}});
}

}  // namespace

TEST_CASE("hallpass run answers a slash command over Slack", "[net][slack][cli]") {
  asio::io_context io;
  FakeSlackServer server(io, "xoxb-cli", "xapp-cli");
  server.add_user("U0TEACHER", "tgarcia@sierravista.example.org");  // no slack id in the sample: matched by e-mail
  auto file = slack_run_config("slack-run", server);
  const auto dir = file.parent_path();

  test_support::HallpassProcess hallpass({"run", "--config", file.string(), "--db", (dir / "hallpass.db").string()},
                                         {{"SLACK_APP_TOKEN", "xapp-cli"}, {"SLACK_BOT_TOKEN", "xoxb-cli"}},
                                         (dir / "stdout.txt").string());
  if (!hallpass.run_until(io, [&] { return server.open_connections().size() == 1; }))
    FAIL("hallpass did not connect; it printed: " << hallpass.output());
  auto cmd = server.slash_command("U0TEACHER", "C0LOUNGE", "help");
  if (!hallpass.run_until(io, [&] { return server.acked(cmd.envelope_id) && server.messages("C0LOUNGE").size() == 1; }))
    FAIL("no answer to /socialmedia help");
  CHECK(server.messages("C0LOUNGE").front().ephemeral);
  CHECK(server.messages("C0LOUNGE").front().user == "U0TEACHER");
  hallpass.terminate();
  // Stopping closes the Socket Mode connection with a close frame, not by dropping the socket.
  if (!hallpass.run_until(io, [&] { return server.connections_closed_by_client() == 1; }))
    FAIL("hallpass did not close its Socket Mode connection on SIGTERM");
  CHECK(hallpass.stop() == 0);
  server.stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("a bot token rotated by the workspace's admin is read again from its file, and nothing is lost",
          "[net][slack][cli]") {
  asio::io_context io;
  FakeSlackServer server(io, "xoxb-before", "xapp-cli");
  server.add_user("U0TEACHER", "tgarcia@sierravista.example.org");
  auto file = slack_run_config("slack-rotate", server);
  const auto dir = file.parent_path();
  const auto token_file = dir / "slack-bot-token";
  std::ofstream(token_file) << "xoxb-before\n";
  test_support::HallpassProcess hallpass(
      {"run", "--config", file.string(), "--db", (dir / "hallpass.db").string()},
      {{"SLACK_APP_TOKEN", "xapp-cli"}, {"SLACK_BOT_TOKEN", ""}, {"SLACK_BOT_TOKEN_FILE", token_file.string()}},
      (dir / "stdout.txt").string());
  if (!hallpass.run_until(io, [&] { return server.open_connections().size() == 1; }))
    FAIL("hallpass did not connect; it printed: " << hallpass.output());

  // The admin rotates the token in Slack and in the secret's file; the next answer still arrives.
  server.rotate_bot_token("xoxb-after");
  std::ofstream(token_file) << "xoxb-after\n";
  auto cmd = server.slash_command("U0TEACHER", "C0LOUNGE", "help");
  if (!hallpass.run_until(io, [&] { return server.acked(cmd.envelope_id) && server.messages("C0LOUNGE").size() == 1; }))
    FAIL("no answer to /socialmedia help after the token was rotated; it printed: " << hallpass.output());
  CHECK_THAT(hallpass.output(), Catch::Contains("answered invalid_auth; the token's source holds a new one"));
  CHECK_THAT(hallpass.output(), !Catch::Contains("xoxb-after"));
  CHECK(hallpass.stop() == 0);
  server.stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("behind a district's proxy, the Web API and the Socket Mode websocket go through CONNECT",
          "[net][slack][proxy]") {
  asio::io_context io;
  FakeSlackServer server(io, "xoxb-cli", "xapp-cli");
  test_support::FakeConnectProxy proxy(io);
  server.add_user("U0TEACHER", "tgarcia@sierravista.example.org");
  auto file = slack_run_config("slack-proxy", server);
  const auto dir = file.parent_path();
  // The fake speaks plain http and ws on 127.0.0.1, so http_proxy is the variable that applies.
  test_support::HallpassProcess hallpass({"run", "--config", file.string(), "--db", (dir / "hallpass.db").string()},
                                         {{"SLACK_APP_TOKEN", "xapp-cli"},
                                          {"SLACK_BOT_TOKEN", "xoxb-cli"},
                                          {"http_proxy", "http://127.0.0.1:" + std::to_string(proxy.port())},
                                          {"no_proxy", ""}},
                                         (dir / "stdout.txt").string());
  if (!hallpass.run_until(io, [&] { return server.open_connections().size() == 1; }))
    FAIL("hallpass did not connect through the proxy; it printed: " << hallpass.output());
  auto cmd = server.slash_command("U0TEACHER", "C0LOUNGE", "help");
  if (!hallpass.run_until(io, [&] { return server.acked(cmd.envelope_id) && server.messages("C0LOUNGE").size() == 1; }))
    FAIL("no answer to /socialmedia help");
  const std::string fake = server.api_base_url().substr(7, server.api_base_url().find('/', 7) - 7);
  REQUIRE_FALSE(proxy.targets().empty());
  for (const auto& target : proxy.targets()) CHECK(target == fake);
  bool websocket = false, web_api = false;
  for (const auto& first : proxy.first_bytes()) {
    websocket = websocket || first.find("Upgrade: websocket") != std::string::npos ||
                first.find("upgrade: websocket") != std::string::npos;
    web_api = web_api || first.starts_with("POST /api/");
  }
  CHECK(websocket);
  CHECK(web_api);
  CHECK(hallpass.stop() == 0);
  server.stop();
  std::filesystem::remove_all(dir);
}

namespace {

// Files a request as the teacher over Slack (DM, modals, confirm); returns its id.
std::string file_over_slack(World& w, Process& p) {
  w.server.slash_command(kTeacher, kTeacherDm, "request");
  w.run_until(
      p, [&] { return w.server.open_view(kTeacher).has_value(); }, "the request form");
  w.server.view_submission(kTeacher,
                           {{"platforms", "instagram,youtube"}, {"audience", "parents"}, {"students_interact", "no"}});
  w.run_until(
      p, [&] { return (*w.server.open_view(kTeacher))["callback_id"] == "request.objectives"; }, "the objectives");
  w.server.view_submission(kTeacher, {{"objectives.instagram", "Share weekly class projects with families"},
                                      {"objectives.youtube", "Post the winter concert recordings"}});
  w.run_until(
      p, [&] { return !w.server.find(kTeacherDm, "\"confirm\"").empty(); }, "the summary");
  w.server.block_action(kTeacher, kTeacherDm, w.server.find(kTeacherDm, "\"confirm\"").front().ts, "confirm", "");
  w.run_until(
      p, [&] { return !w.server.messages(kLincoln).empty(); }, "the card in the Lincoln channel");
  return p.store->requests_of("t.garcia").front().id;
}

}  // namespace

TEST_CASE("over Slack people type in the request's threads: endorse, info, the answer, modify, across a restart",
          "[net][slack][talk]") {
  World w;
  std::string id;
  {
    Process p(w.db, options_for(w.server));
    w.connected(p);
    id = file_over_slack(w, p);
    w.settle(p);
    const auto card = w.server.messages(kLincoln).front();
    // A colleague's chatter in the thread is left alone; the principal's plain word acts.
    w.server.thread_reply(slack_id("s.patel"), kLincoln, card.ts, "endorse it please, Rosa");
    w.server.thread_reply(kPrincipal, kLincoln, card.ts, "endorse");
    w.run_until(
        p, [&] { return !w.server.messages(kSuper).empty(); }, "the card in the superintendent's channel");
    CHECK(p.store->request(id)->state == bot::RequestState::pending_decision);
    CHECK(p.store->request(id)->endorsed_by == "r.alvarez");
    const auto super_card = w.server.messages(kSuper).front();
    w.settle(p);  // the card's reference recorded, as it is long before anyone types under it
    w.server.thread_reply(kSuperintendent, kSuper, super_card.ts, "info Who will moderate the comments?");
    w.run_until(
        p, [&] { return p.store->request(id)->state == bot::RequestState::needs_info; }, "the question recorded");
    w.run_until(
        p, [&] { return !w.server.find(kTeacherDm, "Who will moderate the comments?").empty(); },
        "the question in the teacher's DM");
    // The teacher replies in her request's thread in the DM.
    w.settle(p);
    const auto question = w.server.find(kTeacherDm, "Who will moderate the comments?").front();
    REQUIRE(!question.thread_ts.empty());
    w.server.thread_reply(kTeacher, kTeacherDm, question.thread_ts, "I will, every school day");
    w.run_until(
        p, [&] { return p.store->request(id)->state == bot::RequestState::pending_decision; }, "the answer recorded");
    w.run_until(
        p, [&] { return !w.server.find(kSuper, "I will, every school day").empty(); },
        "the answer in the superintendent's thread");
    w.settle(p);
    // Nothing of the answer went to the teacher as a policy quote.
    CHECK(w.server.find(kTeacherDm, "No policy").empty());
  }
  // A restart over the same SQLite file: the superintendent's thread is still the request's.
  Process p(w.db, options_for(w.server));
  w.connected(p);
  const auto super_card = w.server.messages(kSuper).front();
  w.server.thread_reply(kSuperintendent, kSuper, super_card.ts,
                        "modify keep instagram because videos of students need media releases");
  w.run_until(
      p, [&] { return p.store->request(id)->state == bot::RequestState::authorized_modified; },
      "the modified authorization");
  w.run_until(
      p, [&] { return !w.server.find(kTeacherDm, "videos of students need media releases").empty(); },
      "the decision in the teacher's DM");
  // Small talk and help in the DM get short answers, not a policy quote.
  const size_t before = w.server.messages(kTeacherDm).size();
  w.server.dm_message(kTeacher, "hi");
  w.run_until(
      p, [&] { return w.server.messages(kTeacherDm).size() == before + 1; }, "the greeting");
  CHECK(w.server.messages(kTeacherDm).back().text.find("Hi Teresa Garcia") != std::string::npos);
  w.server.dm_message(kTeacher, "thanks");
  w.run_until(
      p, [&] { return w.server.messages(kTeacherDm).size() == before + 2; }, "the thanks");
  CHECK(w.server.messages(kTeacherDm).back().text.find("welcome") != std::string::npos);
  w.server.dm_message(kTeacher, "help");
  w.run_until(
      p, [&] { return w.server.messages(kTeacherDm).size() == before + 3; }, "the help");
  CHECK(w.server.messages(kTeacherDm).back().blocks.dump().find("/socialmedia request") != std::string::npos);
  w.server.dm_message(kTeacher, "status");
  w.run_until(
      p, [&] { return w.server.messages(kTeacherDm).size() == before + 4; }, "the status");
  CHECK(w.server.messages(kTeacherDm).back().blocks.dump().find(id) != std::string::npos);
}

TEST_CASE("over Slack, /socialmedia endorse without a request acts on the one waiting, saying which",
          "[net][slack][talk]") {
  World w;
  Process p(w.db, options_for(w.server));
  w.connected(p);
  const std::string id = file_over_slack(w, p);
  w.server.slash_command(kPrincipal, kLincoln, "endorse");
  w.run_until(
      p, [&] { return p.store->request(id)->state == bot::RequestState::pending_decision; }, "the endorsement");
  w.run_until(
      p,
      [&] {
        return !w.server.find(kLincoln, "is the one request waiting").empty() ||
               !w.server.find(kLincoln, "es la única solicitud").empty();
      },
      "the reply naming the request");
}
