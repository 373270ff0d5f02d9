// The Teams adapter in a test Process (the runtime as the product wires it, over a SQLite file), against
// the fake Bot Framework identity (OpenID metadata, JWKS, token endpoint) and the fake Bot
// Connector on 127.0.0.1. Activities are posted to the adapter's /api/messages over a real socket
// with tokens the fake identity signs; what the bot posts is read back from the fake Connector.
#include "adapters/teams/teams_adapter.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "adapters/common/http_client.hpp"
#include "app/adapter_registry.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;
using adapters::teams::TeamsAdapter;
using nlohmann::json;
using test_support::FakeBotConnector;
using test_support::FakeBotFrameworkAuth;
using Mint = FakeBotFrameworkAuth::Mint;

constexpr auto kTenant = "11111111-2222-3333-4444-555555555555";  // the fake identity's tenant
constexpr auto kLincolnTeam = "19:lincoln-general@thread.tacv2";
constexpr auto kLincolnApprovals = "19:lincoln-approvals@thread.tacv2";  // another channel of that team
constexpr auto kDistrictOffice = "19:district-office@thread.tacv2";      // a team's General channel
constexpr auto kGarcia = "29:teresa-garcia";                             // in the directory by e-mail only
constexpr auto kAlvarez = "29:rosa-alvarez";                             // in the directory by Teams id
constexpr auto kOkafor = "29:maya-okafor";                               // by e-mail only
constexpr auto kGarciaChat = "a:personal-garcia";
constexpr auto kOkaforChat = "a:personal-okafor";

bot::District teams_district() {
  auto d = app::load_district(bot::sample_config_path(), std::cerr);
  if (!d) throw std::runtime_error("the sample district does not load");
  for (auto& p : d->config.people)
    if (p.id == "r.alvarez") p.handles["teams"] = kAlvarez;
  for (auto& s : d->config.sites)
    if (s.id == "lincoln") s.approvals.addresses["teams"] = kLincolnApprovals;
  d->config.superintendent_place.addresses["teams"] = kDistrictOffice;
  return std::move(*d);
}

const bot::District& district() {
  static const bot::District d = teams_district();
  return d;
}

// Every object of the card (or activity) whose "type" is one of types, depth first.
void collect(const json& j, const std::set<std::string>& types, std::vector<json>& out) {
  if (j.is_object()) {
    if (j.contains("type") && j["type"].is_string() && types.contains(j["type"].get<std::string>())) out.push_back(j);
    for (const auto& [k, v] : j.items()) collect(v, types, out);
  } else if (j.is_array()) {
    for (const auto& v : j) collect(v, types, out);
  }
}

std::vector<json> submit_actions(const json& activity) {
  std::vector<json> out;
  collect(activity, {"Action.Submit"}, out);
  return out;
}

std::set<std::string> input_ids(const json& activity) {
  std::vector<json> inputs;
  collect(activity, {"Input.Text", "Input.ChoiceSet"}, inputs);
  std::set<std::string> out;
  for (const auto& i : inputs) out.insert(i.value("id", ""));
  return out;
}

// The data of the card's button whose hallpass.action_id (or form id) is `name`.
json submit_data(const json& activity, const std::string& name) {
  for (const auto& a : submit_actions(activity)) {
    const json& h = a["data"]["hallpass"];
    if (h.value("action_id", "") == name || h.value("form_id", "") == name) return a["data"];
  }
  FAIL("no button " << name << " in " << activity.dump());
  return {};
}

bool mentions(const json& activity, const std::string& text) { return activity.dump().find(text) != std::string::npos; }

struct World {
  // before_start: scripts the fakes before the adapter runs (a key fetch that fails at start).
  explicit World(const std::function<void(World&)>& before_start = nullptr) {
    test_support::FakeBotFrameworkAuthOptions o;
    o.service_url = connector.service_url();
    identity.emplace(io, o);
    auto* id = &*identity;
    connector.accept_tokens([id](const std::string& token) { return id->issued(token); });
    rogue.accept_tokens([id](const std::string& token) { return id->issued(token); });
    connector.add_member(
        {kGarcia, "Teresa Garcia", "aad-garcia", "TGarcia@sierravista.example.org", "tgarcia@sierravista.example.org"});
    connector.add_member({kAlvarez, "Rosa Alvarez", "aad-alvarez", "ralvarez@sierravista.example.org",
                          "ralvarez@sierravista.example.org"});
    connector.add_member({kOkafor, "Maya Okafor", "aad-okafor", "", "mokafor@sierravista.example.org"});

    adapters::teams::TeamsOptions t = identity->teams_options(connector.service_url());
    t.connector.first_backoff = std::chrono::milliseconds(20);
    t.connector.max_backoff = std::chrono::milliseconds(100);
    bot::Store* s = store;
    adapters::teams::ConversationReferences refs{
        .load = [s](const std::string& key) { return s->adapter_state(key); },
        .save = [s](const std::string& key, const std::string& value) { s->set_adapter_state(key, value); }};
    auto known = [](std::string_view user) { return district().config.person_by_handle("teams", user) != nullptr; };
    adapter = std::make_unique<TeamsAdapter>(process.io().get_executor(), t, refs, known);
    adapter->listen();
    client = std::make_unique<adapters::http::HttpClient>(io.get_executor(), adapter->url());

    process.add_adapter(*adapter);
    if (before_start) before_start(*this);
    process.start();
  }

  ~World() {
    process.dispatcher().stop();
    adapter->stop();
    client->close();
    connector.stop();
    rogue.stop();
    identity->stop();
    for (int i = 0; i < 50 && io.poll() + process.io().poll() > 0; ++i) {
    }
  }

  void run_until(const std::function<bool()>& pred, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (failure) std::rethrow_exception(failure);
      if (auto adapter_failure = process.failure()) std::rethrow_exception(adapter_failure);
      if (std::chrono::steady_clock::now() > deadline) {
        for (const auto& e : store->outbox_entries())
          WARN("outbox " << e.id << " " << int(e.state) << " " << e.channel << " " << e.last_error << " "
                         << e.outbound.message.plain_text().substr(0, 200));
        for (const auto& a : connector.activities())
          WARN("connector " << a.conversation_id << " " << a.activity.dump().substr(0, 300));
        FAIL("timed out waiting until " << what);
      }
      io.poll();
      process.io().run_one_for(std::chrono::milliseconds(1));
    }
  }

  // Runs everything that is ready, and a little longer, so a second message would have arrived.
  void settle() {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    while (std::chrono::steady_clock::now() < until) {
      io.poll();
      process.io().run_one_for(std::chrono::milliseconds(1));
    }
  }

  // POSTs the activity to /api/messages, signed by the fake Bot Framework unless told otherwise.
  int post(const json& activity, std::optional<std::string> authorization = std::nullopt,
           std::optional<adapters::http::Response>* whole = nullptr) {
    adapters::http::Request r;
    r.method = "POST";
    r.target = "/api/messages";
    r.body = activity.dump();
    const std::string header = authorization.value_or(identity->authorization());
    if (!header.empty()) r.headers["Authorization"] = header;
    std::optional<adapters::http::Response> answer;
    asio::co_spawn(io, client->request(r), [&](std::exception_ptr e, adapters::http::Response res) {
      if (e) failure = e;
      answer = std::move(res);
    });
    run_until([&] { return answer.has_value(); }, "the adapter answered");
    if (answer->status == 200) CHECK(answer->body.empty());
    if (whole) *whole = answer;
    return answer->status;
  }

  // --- activities as Teams sends them ---
  json activity(const std::string& type, const std::string& from, const json& conversation) {
    return {{"type", type},
            {"id", std::to_string(next_id++)},
            {"timestamp", "2026-11-24T18:00:00.000Z"},
            {"channelId", "msteams"},
            {"serviceUrl", connector.service_url()},
            {"from", {{"id", from}, {"name", "Someone"}}},
            {"conversation", conversation},
            {"recipient", {{"id", bot_id()}, {"name", "Hallpass"}}},
            {"channelData", {{"tenant", {{"id", kTenant}}}}}};
  }
  static json personal(const std::string& chat) {
    return {{"id", chat}, {"conversationType", "personal"}, {"tenantId", kTenant}};
  }
  static json channel(const std::string& id) {
    return {{"id", id}, {"conversationType", "channel"}, {"isGroup", true}, {"tenantId", kTenant}};
  }
  json personal_install(const std::string& user, const std::string& chat) {
    json a = activity("installationUpdate", user, personal(chat));
    a["action"] = "add";
    return a;
  }
  json team_install(const std::string& team_channel) {
    json a = activity("conversationUpdate", "29:an-admin", channel(team_channel));
    a["membersAdded"] = json::array({{{"id", bot_id()}}});
    a["channelData"]["team"] = {{"id", team_channel}, {"name", "A team"}};
    a["channelData"]["eventType"] = "teamMemberAdded";
    return a;
  }
  json personal_message(const std::string& user, const std::string& chat, const std::string& text) {
    json a = activity("message", user, personal(chat));
    a["text"] = text;
    return a;
  }
  json channel_mention(const std::string& user, const std::string& conversation, const std::string& text) {
    json a = activity("message", user, channel(conversation));
    a["text"] = "<at>Hallpass</at> " + text;
    a["entities"] = json::array({{{"type", "mention"},
                                  {"text", "<at>Hallpass</at>"},
                                  {"mentioned", {{"id", bot_id()}, {"name", "Hallpass"}}}}});
    return a;
  }
  // An Action.Submit: Teams merges the button's data with the inputs' values.
  json card_submit(const std::string& user, const json& conversation, const std::string& card_id, json data,
                   const json& inputs = json::object()) {
    json a = activity("message", user, conversation);
    a["replyToId"] = card_id;
    for (const auto& [k, v] : inputs.items()) data[k] = v;
    a["value"] = data;
    return a;
  }

  std::string bot_id() const { return "28:" + identity->options().app_id; }

  long long next_id = 1795000000001LL;
  asio::io_context io;
  FakeBotConnector connector{io, ""};
  FakeBotConnector rogue{io, "", "/emea"};  // a service no validated activity ever named
  std::optional<FakeBotFrameworkAuth> identity;
  // Declared before the Process, so removed after it: the database and its -wal and -shm.
  test_support::TempDir dir{"teams"};
  // One run of Hallpass on its own io_context; destroyed after the adapter and the client its
  // handlers refer to (a destroyed io_context runs no handler).
  test_support::Process process{{.db = dir.file("hallpass.db"), .district = &district()}};
  bot::Store* store = &process.store();
  std::unique_ptr<TeamsAdapter> adapter;
  std::unique_ptr<adapters::http::HttpClient> client;
  std::exception_ptr failure;
};

}  // namespace

TEST_CASE("teams: a request goes from a personal chat through the channels, and the decision comes back",
          "[net][teams]") {
  World w;
  // The app is installed in the Lincoln team, the district office team and for two people.
  CHECK(w.post(w.team_install(kLincolnTeam)) == 200);
  CHECK(w.post(w.team_install(kDistrictOffice)) == 200);
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  CHECK(w.post(w.personal_install(kOkafor, kOkaforChat)) == 200);
  CHECK(w.store->adapter_state(std::string("teams.ref.user.") + kGarcia).has_value());
  CHECK(w.store->adapter_state(std::string("teams.ref.channel.") + kDistrictOffice).has_value());
  // Both are in the directory by e-mail only: the Connector told the adapter who they are (after
  // the installations were answered).
  w.run_until(
      [&] {
        return w.store->adapter_state("teams.ref.email.tgarcia@sierravista.example.org").has_value() &&
               w.store->adapter_state("teams.ref.email.mokafor@sierravista.example.org").has_value();
      },
      "both e-mails are known");

  // The teacher asks in her personal chat; the answer is a card with the first form's inputs.
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia request")) == 200);
  w.run_until([&] { return !w.connector.activities(kGarciaChat).empty(); }, "the platforms form");
  json form = w.connector.activities(kGarciaChat).back().activity;
  CHECK(form["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive");
  CHECK(form["attachments"][0]["content"]["version"] == "1.5");
  CHECK(input_ids(form).contains("platforms"));
  CHECK(input_ids(form).contains("audience"));
  std::string card_id = w.connector.activities(kGarciaChat).back().activity_id;

  CHECK(w.post(w.card_submit(
            kGarcia, World::personal(kGarciaChat), card_id, submit_data(form, "request.platforms"),
            {{"platforms", "instagram,youtube"}, {"audience", "parents,students"}, {"students_interact", "no"}})) ==
        200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() >= 2; }, "the objectives form");
  form = w.connector.activities(kGarciaChat).back().activity;
  CHECK(input_ids(form).contains("objectives.instagram"));
  card_id = w.connector.activities(kGarciaChat).back().activity_id;
  CHECK(w.post(w.card_submit(kGarcia, World::personal(kGarciaChat), card_id, submit_data(form, "request.objectives"),
                             {{"objectives.instagram", "Share weekly class projects with families"},
                              {"objectives.youtube", "Post the winter concert recordings"}})) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() >= 3; }, "the summary");
  json summary = w.connector.activities(kGarciaChat).back().activity;
  card_id = w.connector.activities(kGarciaChat).back().activity_id;
  CHECK(w.post(w.card_submit(kGarcia, World::personal(kGarciaChat), card_id, submit_data(summary, "confirm"))) == 200);

  // The principal's card starts a new thread in the Lincoln approvals channel.
  w.run_until([&] { return !w.connector.activities(kLincolnApprovals).empty(); }, "the card in Lincoln approvals");
  auto requests = w.store->requests_of("t.garcia");
  REQUIRE(requests.size() == 1);
  const std::string id = requests[0].id;
  auto created = w.connector.created_conversations();
  REQUIRE(!created.empty());
  CHECK(created.back().parameters["channelData"]["channel"]["id"] == kLincolnApprovals);
  CHECK(created.back().parameters["channelData"]["tenant"]["id"] == kTenant);
  const auto lincoln_card = w.connector.activities(kLincolnApprovals).front();
  const std::string lincoln_root = lincoln_card.activity_id;
  CHECK(mentions(lincoln_card.activity, id));

  // The principal presses Endorse on it, in its thread.
  const std::string lincoln_thread = std::string(kLincolnApprovals) + ";messageid=" + lincoln_root;
  CHECK(w.post(w.card_submit(kAlvarez, World::channel(lincoln_thread), lincoln_root,
                             submit_data(lincoln_card.activity, "endorse"))) == 200);
  w.run_until([&] { return !w.connector.activities(kDistrictOffice).empty(); }, "the card in the district office");
  CHECK(w.store->request(id)->state == bot::RequestState::pending_decision);
  const auto super_card = w.connector.activities(kDistrictOffice).front();
  const std::string super_root = super_card.activity_id;
  CHECK(!submit_actions(w.connector.current(super_root)).empty());

  // The superintendent rejects: the explanation form comes with an Input.Text to write it in.
  const std::string super_thread = std::string(kDistrictOffice) + ";messageid=" + super_root;
  const size_t before = w.connector.activities().size();
  CHECK(w.post(w.card_submit(kOkafor, World::channel(super_thread), super_root,
                             submit_data(super_card.activity, "reject"))) == 200);
  w.run_until(
      [&] {
        for (size_t i = before; i < w.connector.activities().size(); ++i)
          if (input_ids(w.connector.activities()[i].activity).contains("explanation")) return true;
        return false;
      },
      "the explanation form");
  std::optional<FakeBotConnector::Activity> reject_form;
  for (const auto& a : w.connector.activities())
    if (input_ids(a.activity).contains("explanation")) reject_form = a;
  REQUIRE(reject_form);
  std::vector<json> texts;
  collect(reject_form->activity, {"Input.Text"}, texts);
  REQUIRE(!texts.empty());
  const json reject_conversation = reject_form->conversation_id.starts_with("a:")
                                       ? World::personal(reject_form->conversation_id)
                                       : World::channel(reject_form->conversation_id);
  CHECK(w.post(w.card_submit(kOkafor, reject_conversation, reject_form->activity_id,
                             submit_data(reject_form->activity, "decision.reject"),
                             {{"explanation", "Class news belongs on the school website"}})) == 200);
  w.run_until([&] { return w.store->request(id)->state == bot::RequestState::rejected; }, "the rejection");

  // The approval cards lose their buttons (updated in place), and the teacher gets the decision.
  w.run_until([&] { return submit_actions(w.connector.current(super_root)).empty(); },
              "the superintendent's card updated without buttons");
  bool updated = false;
  for (const auto& a : w.connector.activities(kDistrictOffice))
    if (a.kind == FakeBotConnector::Write::update && a.activity_id == super_root) updated = true;
  CHECK(updated);
  w.run_until(
      [&] {
        for (const auto& a : w.connector.activities(kGarciaChat))
          if (mentions(a.activity, "Class news belongs on the school website")) return true;
        return false;
      },
      "the decision in the teacher's personal chat");
  // Replies in channels went into the request's threads.
  for (const auto& a : w.connector.activities(kLincolnApprovals))
    if (a.kind == FakeBotConnector::Write::reply) CHECK(a.conversation_id == lincoln_thread);
  CHECK(w.connector.unauthorized_requests() == 0);
  CHECK(w.identity->token_requests() == 1);  // the bot's token was cached for every call
}

TEST_CASE("teams: policy questions are answered in a personal chat and with a mention", "[net][teams]") {
  World w;
  CHECK(w.post(w.team_install(kLincolnTeam)) == 200);
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "may I post photos of students on Instagram?")) == 200);
  w.run_until([&] { return !w.connector.activities(kGarciaChat).empty(); }, "the answer in the personal chat");
  // The answer quotes the consent clause: posting students' photos needs consent first.
  CHECK(mentions(w.connector.activities(kGarciaChat).front().activity, "Needs approval first"));
  CHECK(mentions(w.connector.activities(kGarciaChat).front().activity, "without the written, informed consent"));

  // In a channel the question mentions the bot; the answer is for the asker only, and Teams has
  // no ephemeral messages, so it goes to her personal chat (opened for her) instead of the channel.
  CHECK(w.post(w.channel_mention(kAlvarez, kLincolnApprovals, "may I post photos of students on Instagram?")) == 200);
  w.run_until([&] { return !w.connector.created_conversations().empty(); }, "her personal chat");
  const std::string chat = w.connector.created_conversations().front().conversation_id;
  w.run_until([&] { return !w.connector.activities(chat).empty(); }, "the answer in her personal chat");
  CHECK(mentions(w.connector.activities(chat).front().activity, "without the written, informed consent"));
  w.settle();
  CHECK(w.connector.activities(kLincolnApprovals).empty());
}

TEST_CASE("teams: forged, stale and misdirected tokens are refused and change nothing", "[net][teams]") {
  World w;
  const json help = w.personal_message(kGarcia, kGarciaChat, "socialmedia help");
  const auto now = std::chrono::system_clock::now();
  auto seconds = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  Mint unsigned_token;
  unsigned_token.alg = "none";
  Mint hmac;
  hmac.alg = "HS256";
  Mint unknown_key;
  unknown_key.kid = std::string(FakeBotFrameworkAuth::kUnknownKid);
  Mint expired;
  expired.claims = {{"iat", seconds(now - std::chrono::hours(2))},
                    {"nbf", seconds(now - std::chrono::hours(2))},
                    {"exp", seconds(now - std::chrono::minutes(10))}};
  Mint other_audience;
  other_audience.claims = {{"aud", "00000000-aaaa-4000-8000-someotherbot"}};
  Mint other_issuer;
  other_issuer.claims = {{"iss", "https://sts.windows.net/" + std::string(kTenant) + "/"}};
  Mint other_service;
  other_service.claims = {{"serviceurl", w.rogue.service_url()}};

  CHECK(w.post(help, "") == 401);  // no Authorization header
  CHECK(w.post(help, "Basic dXNlcjpwYXNz") == 401);
  for (const Mint* m : {&unsigned_token, &hmac, &unknown_key, &expired, &other_audience, &other_issuer, &other_service})
    CHECK(w.post(help, w.identity->authorization(*m)) == 401);
  // A good token for the real service URL on an activity that names another one.
  json redirected = help;
  redirected["serviceUrl"] = w.rogue.service_url();
  CHECK(w.post(redirected) == 401);
  // A good token replayed with a body whose channel is not one the key endorses.
  json other_channel = help;
  other_channel["channelId"] = "slack";
  CHECK(w.post(other_channel) == 401);

  w.settle();
  CHECK(w.store->outbox_entries().empty());
  CHECK(!w.store->adapter_state(std::string("teams.ref.user.") + kGarcia));
  CHECK(!w.store->adapter_state("teams.ref.last"));
  CHECK(w.connector.requests().empty());
  CHECK(w.rogue.requests().empty());
  CHECK(w.identity->token_requests() == 0);

  // The same activity with the Bot Framework's token is new to Hallpass, and answered.
  CHECK(w.post(help) == 200);
  w.run_until([&] { return !w.connector.activities(kGarciaChat).empty(); }, "the help");
  // The service URL only a refused activity named never received the token.
  w.settle();
  CHECK(w.rogue.requests().empty());
}

TEST_CASE("teams: an activity from another organization's tenant is refused and nothing of it is kept",
          "[net][teams]") {
  World w;
  // A valid Bot Framework token, from someone in another Microsoft 365 organization that has the
  // bot too (a multi-tenant registration reaches everyone who installs it).
  json outsider = w.personal_message(kGarcia, kGarciaChat, "socialmedia help");
  outsider["conversation"]["tenantId"] = "0f0f0f0f-1111-4222-8333-444444444444";
  outsider["channelData"]["tenant"]["id"] = "0f0f0f0f-1111-4222-8333-444444444444";
  CHECK(w.post(outsider) == 403);
  json install = w.personal_install(kGarcia, kGarciaChat);
  install["conversation"]["tenantId"] = "0f0f0f0f-1111-4222-8333-444444444444";
  install["channelData"]["tenant"]["id"] = "0f0f0f0f-1111-4222-8333-444444444444";
  CHECK(w.post(install) == 403);
  w.settle();
  CHECK(w.store->outbox_entries().empty());
  CHECK(!w.store->adapter_state(std::string("teams.ref.user.") + kGarcia));
  CHECK(!w.store->adapter_state("teams.ref.last"));
  CHECK(w.connector.requests().empty());

  // The district's own tenant is answered.
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia help")) == 200);
  w.run_until([&] { return !w.connector.activities(kGarciaChat).empty(); }, "the help");
}

TEST_CASE("teams: a re-sent activity is handled once", "[net][teams]") {
  World w;
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  const json help = w.personal_message(kGarcia, kGarciaChat, "socialmedia help");
  CHECK(w.post(help) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == 1; }, "the help");
  const size_t outbox = w.store->outbox_entries().size();
  // Teams sends it again (it waited more than 15 s for an earlier answer): same id.
  CHECK(w.post(help) == 200);
  w.settle();
  CHECK(w.store->outbox_entries().size() == outbox);
  CHECK(w.connector.activities(kGarciaChat).size() == 1);
}

TEST_CASE("teams: a 429 from the Connector is waited out and the message arrives once", "[net][teams]") {
  World w;
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  w.settle();
  w.connector.fail_next("/activities", 429);
  w.connector.fail_next("/activities", 502);
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia help")) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == 1; }, "the help after the 429");
  w.settle();
  CHECK(w.connector.activities(kGarciaChat).size() == 1);
  int throttled = 0;
  for (const auto& r : w.connector.requests()) throttled += r.status == 429;
  CHECK(throttled == 1);
  for (const auto& e : w.store->outbox_entries()) CHECK(e.state == bot::OutboxState::sent);
}

TEST_CASE("teams: a person who blocked the bot is a clear failure", "[net][teams]") {
  World w;
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  w.settle();
  w.connector.fail_next("/activities", 403);
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia help")) == 200);
  w.run_until(
      [&] {
        auto entries = w.store->outbox_entries();
        return !entries.empty() && entries.back().state == bot::OutboxState::failed;
      },
      "the failed delivery");
  CHECK_THAT(w.store->outbox_entries().back().last_error, Catch::Matchers::Contains("blocked Hallpass"));
}

TEST_CASE("teams: a message only for one person goes to their personal chat, opened if need be", "[net][teams]") {
  World w;
  // Someone the directory does not know writes in a channel. The answer is for them only, and
  // Teams has no ephemeral messages: it goes to a personal chat the bot opens, not the channel.
  CHECK(w.post(w.team_install(kLincolnTeam)) == 200);
  CHECK(w.post(w.channel_mention("29:a-stranger", kLincolnApprovals, "socialmedia help")) == 200);
  w.run_until([&] { return !w.connector.activities().empty(); }, "the answer");
  w.settle();
  CHECK(w.connector.activities(kLincolnApprovals).empty());
  auto created = w.connector.created_conversations();
  REQUIRE(created.size() == 1);
  CHECK(created[0].parameters["members"][0]["id"] == "29:a-stranger");
  CHECK(created[0].parameters["channelData"]["tenant"]["id"] == kTenant);
  auto sent = w.connector.activities(created[0].conversation_id);
  REQUIRE(sent.size() == 1);
  CHECK(w.store->adapter_state("teams.ref.user.29:a-stranger").has_value());
}

TEST_CASE("teams: a new person's message is answered at once to Teams while the e-mail look-up is stalled",
          "[net][teams]") {
  World w;
  // Garcia is in the directory by e-mail only and has never written: her e-mail must be asked.
  w.connector.hold_next("/members/");
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia help")) == 200);
  w.run_until([&] { return w.connector.held() == 1; }, "the look-up reached the Connector");
  // Teams has its answer; her reply waits for the look-up.
  w.settle();
  CHECK(w.connector.activities(kGarciaChat).empty());
  CHECK(w.store->outbox_entries().empty());
  w.connector.release_held();
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == 1; }, "her answer");
  // She was found by e-mail: the answer is for her, not for a stranger.
  CHECK_FALSE(mentions(w.connector.activities(kGarciaChat)[0].activity, "know you yet"));
  w.settle();
  CHECK(w.connector.activities(kGarciaChat).size() == 1);
}

TEST_CASE("teams: a failed e-mail look-up is not repeated for every message", "[net][teams]") {
  World w;
  const std::string stranger = "29:a-stranger", chat = "a:personal-stranger";
  for (int i = 0; i < 5; ++i) CHECK(w.post(w.personal_message(stranger, chat, "socialmedia help")) == 200);
  w.run_until([&] { return w.connector.activities(chat).size() == 5; }, "five answers");
  int lookups = 0;
  for (const auto& r : w.connector.requests()) lookups += r.path.find("/members/") != std::string::npos;
  CHECK(lookups == 1);
  CHECK(mentions(w.connector.activities(chat)[0].activity, "know you yet"));
}

TEST_CASE("teams: a revoked bot token is replaced and the message arrives once", "[net][teams]") {
  World w;
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  w.run_until([&] { return w.store->adapter_state("teams.ref.email.tgarcia@sierravista.example.org").has_value(); },
              "her e-mail is known");
  // The token the bot holds is revoked (a rotated secret): the Connector refuses it from now on.
  const std::string revoked = w.identity->last_access_token();
  REQUIRE(!revoked.empty());
  auto* id = &*w.identity;
  w.connector.accept_tokens([id, revoked](const std::string& t) { return id->issued(t) && t != revoked; });
  const int tokens_before = w.identity->token_requests();
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia help")) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == 1; }, "the answer with a new token");
  w.settle();
  CHECK(w.connector.activities(kGarciaChat).size() == 1);
  CHECK(w.connector.unauthorized_requests() == 1);
  CHECK(w.identity->token_requests() == tokens_before + 1);
  for (const auto& e : w.store->outbox_entries()) CHECK(e.state == bot::OutboxState::sent);
}

TEST_CASE("teams: signing keys that cannot be fetched at start are fetched again in seconds; meanwhile 503",
          "[net][teams]") {
  World w([](World& world) { world.identity->fail_next(FakeBotFrameworkAuth::Endpoint::metadata, 500); });
  // The adapter fetches the keys as it starts; that fetch fails.
  w.run_until([&] { return w.identity->metadata_requests() >= 1; }, "the first key fetch");
  // A good token now is not refused as forged (401): Teams is asked to come back.
  const json help = w.personal_message(kAlvarez, "a:personal-alvarez", "socialmedia help");
  std::optional<adapters::http::Response> busy;
  CHECK(w.post(help, std::nullopt, &busy) == 503);
  REQUIRE(busy);
  CHECK(busy->headers.contains("retry-after"));
  CHECK(w.store->outbox_entries().empty());
  // Nobody writes; the adapter retries by itself, within seconds.
  w.run_until([&] { return w.identity->jwks_requests() >= 1; }, "the keys are fetched again");
  CHECK(w.post(help) == 200);  // Teams' re-send
  w.run_until([&] { return w.connector.activities("a:personal-alvarez").size() == 1; }, "the answer");
  // A bad token is still refused as such.
  Mint other_audience;
  other_audience.claims = {{"aud", "00000000-aaaa-4000-8000-someotherbot"}};
  CHECK(w.post(help, w.identity->authorization(other_audience)) == 401);
}

TEST_CASE("teams: people type to @Hallpass in the request's threads; the teacher answers in her chat",
          "[net][teams][talk]") {
  World w;
  CHECK(w.post(w.team_install(kLincolnTeam)) == 200);
  CHECK(w.post(w.team_install(kDistrictOffice)) == 200);
  CHECK(w.post(w.personal_install(kGarcia, kGarciaChat)) == 200);
  CHECK(w.post(w.personal_install(kOkafor, kOkaforChat)) == 200);
  // The teacher files a request with the cards of her personal chat.
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "socialmedia request")) == 200);
  w.run_until([&] { return !w.connector.activities(kGarciaChat).empty(); }, "the platforms form");
  json form = w.connector.activities(kGarciaChat).back().activity;
  std::string card_id = w.connector.activities(kGarciaChat).back().activity_id;
  CHECK(w.post(w.card_submit(
            kGarcia, World::personal(kGarciaChat), card_id, submit_data(form, "request.platforms"),
            {{"platforms", "instagram,youtube"}, {"audience", "parents"}, {"students_interact", "no"}})) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() >= 2; }, "the objectives form");
  form = w.connector.activities(kGarciaChat).back().activity;
  card_id = w.connector.activities(kGarciaChat).back().activity_id;
  CHECK(w.post(w.card_submit(kGarcia, World::personal(kGarciaChat), card_id, submit_data(form, "request.objectives"),
                             {{"objectives.instagram", "Share weekly class projects with families"},
                              {"objectives.youtube", "Post the winter concert recordings"}})) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() >= 3; }, "the summary");
  json summary = w.connector.activities(kGarciaChat).back().activity;
  card_id = w.connector.activities(kGarciaChat).back().activity_id;
  CHECK(w.post(w.card_submit(kGarcia, World::personal(kGarciaChat), card_id, submit_data(summary, "confirm"))) == 200);
  w.run_until([&] { return !w.connector.activities(kLincolnApprovals).empty(); }, "the card in Lincoln approvals");
  const std::string id = w.store->requests_of("t.garcia").front().id;
  const std::string lincoln_thread =
      std::string(kLincolnApprovals) + ";messageid=" + w.connector.activities(kLincolnApprovals).front().activity_id;

  // "@Hallpass endorse" in the card's thread is the endorsement, not a policy question.
  CHECK(w.post(w.channel_mention(kAlvarez, lincoln_thread, "endorse")) == 200);
  w.run_until([&] { return !w.connector.activities(kDistrictOffice).empty(); }, "the card in the district office");
  CHECK(w.store->request(id)->state == bot::RequestState::pending_decision);
  const std::string super_thread =
      std::string(kDistrictOffice) + ";messageid=" + w.connector.activities(kDistrictOffice).front().activity_id;
  CHECK(w.post(w.channel_mention(kOkafor, super_thread, "info Who will moderate the comments?")) == 200);
  w.run_until([&] { return w.store->request(id)->state == bot::RequestState::needs_info; }, "the question");
  w.run_until(
      [&] {
        for (const auto& a : w.connector.activities(kGarciaChat))
          if (mentions(a.activity, "Who will moderate the comments?")) return true;
        return false;
      },
      "the question in the teacher's chat");
  // Her personal chat has no threads: "answer" there names the one request waiting for her answer.
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "answer I will, every school day")) == 200);
  w.run_until([&] { return w.store->request(id)->state == bot::RequestState::pending_decision; }, "the answer");
  CHECK(w.store->request(id)->info_answer == "I will, every school day");
  CHECK(w.post(w.channel_mention(kOkafor, super_thread,
                                 "modify keep instagram because videos of students need releases")) == 200);
  w.run_until([&] { return w.store->request(id)->state == bot::RequestState::authorized_modified; }, "the decision");

  // Small talk and help in her chat: short answers; the help is written for Teams.
  const size_t before = w.connector.activities(kGarciaChat).size();
  w.run_until(
      [&] {
        for (const auto& a : w.connector.activities(kGarciaChat))
          if (mentions(a.activity, "videos of students need releases")) return true;
        return false;
      },
      "the decision in the teacher's chat");
  w.settle();
  const size_t seen = w.connector.activities(kGarciaChat).size();
  CHECK(seen > before);
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "hi")) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == seen + 1; }, "the greeting");
  CHECK(mentions(w.connector.activities(kGarciaChat).back().activity, "Hi Teresa Garcia"));
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "thanks")) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == seen + 2; }, "the thanks");
  CHECK(mentions(w.connector.activities(kGarciaChat).back().activity, "welcome"));
  CHECK(w.post(w.personal_message(kGarcia, kGarciaChat, "help")) == 200);
  w.run_until([&] { return w.connector.activities(kGarciaChat).size() == seen + 3; }, "the help");
  CHECK(mentions(w.connector.activities(kGarciaChat).back().activity, "@Hallpass socialmedia request"));
  CHECK(mentions(w.connector.activities(kGarciaChat).back().activity, "command menu"));
}
