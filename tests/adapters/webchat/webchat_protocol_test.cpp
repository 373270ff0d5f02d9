// The web chat's sans-I/O layers: frame parsing and resolution, the history, the HTTP routes.
#include "adapters/webchat/webchat_protocol.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/webchat/webchat_adapter.hpp"
#include "adapters/webchat/webchat_history.hpp"
#include "adapters/webchat/webchat_routes.hpp"

namespace {

using namespace adapters::webchat;
using adapters::http::is_loopback_host;
using nlohmann::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1790000000));

bot::Delivery delivery(std::string channel, std::string text) {
  bot::Delivery d;
  d.channel = std::move(channel);
  bot::Block block;
  block.kind = bot::BlockKind::paragraph;
  block.text = std::move(text);
  d.message.blocks = {block};
  return d;
}

bot::Delivery card(std::string channel, std::string request_id) {
  bot::Delivery d = delivery(std::move(channel), "Request " + request_id);
  bot::Block buttons;
  buttons.kind = bot::BlockKind::buttons;
  buttons.buttons = {{"endorse", "Endorse", request_id, bot::ButtonStyle::primary}};
  d.message.blocks.push_back(buttons);
  d.thread_key = request_id;
  return d;
}

TEST_CASE("web chat frames: valid frames parse", "[unit][webchat]") {
  auto send = parse_client_frame(
      R"({"type":"send","event_id":"6f1c-2","channel":"#lincoln-approvals","thread_ref":"w-a-3","text":"hi"})");
  REQUIRE(send.has_value());
  CHECK(send->kind == ClientFrameKind::send);
  CHECK(send->event_id == "6f1c-2");
  CHECK(send->channel == "#lincoln-approvals");
  CHECK(send->thread_ref == "w-a-3");
  CHECK(send->text == "hi");

  auto form = parse_client_frame(
      R"({"type":"form","event_id":"e","message_ref":"w-a-1","form_id":"f","values":{"a":"x","b":["1","2"],"c":null}})");
  REQUIRE(form.has_value());
  CHECK(form->values == std::map<std::string, std::string>{{"a", "x"}, {"b", "1,2"}});
}

TEST_CASE("web chat frames: malformed frames are refused with a reason", "[unit][webchat]") {
  struct Case {
    const char* frame;
    const char* reason;
    const char* event_id;
  };
  const Case cases[] = {
      {"{", "not valid JSON", ""},
      {"[1,2]", "JSON object", ""},
      {R"({"type":"send","channel":"dm","text":"x"})", "event_id", ""},
      {R"({"type":"send","event_id":"a b","channel":"dm","text":"x"})", "event_id", ""},
      {R"({"type":"send","event_id":42,"channel":"dm","text":"x"})", "event_id", ""},
      {R"({"event_id":"e1"})", "\"type\" is required", "e1"},
      {R"({"type":"wave","event_id":"e1"})", "Unknown message type \"wave\"", "e1"},
      {R"({"type":"send","event_id":"e1","text":"x"})", "\"channel\" is required", "e1"},
      {R"({"type":"send","event_id":"e1","channel":"dm","text":"   "})", "no text", "e1"},
      {R"({"type":"send","event_id":"e1","channel":"dm","text":5})", "\"text\" must be a string", "e1"},
      {R"({"type":"action","event_id":"e1","message_ref":"w-1"})", "\"action_id\" is required", "e1"},
      {R"({"type":"form","event_id":"e1","message_ref":"w-1","form_id":"f","values":[]})", "must be an object", "e1"},
      {R"({"type":"form","event_id":"e1","message_ref":"w-1","form_id":"f","values":{"a":1}})", "must be text", "e1"},
  };
  for (const auto& c : cases) {
    INFO(c.frame);
    auto parsed = parse_client_frame(c.frame);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().message.find(c.reason) != std::string::npos);
    CHECK(parsed.error().event_id == c.event_id);
  }
}

TEST_CASE("web chat frames: the /socialmedia command and mentions", "[unit][webchat]") {
  std::string rest;
  CHECK(split_command("/socialmedia", rest));
  CHECK(rest.empty());
  CHECK(split_command("  /socialmedia   ask  can I post?  ", rest));
  CHECK(rest == "ask  can I post?");
  CHECK_FALSE(split_command("/socialmediax", rest));
  CHECK_FALSE(split_command("hello /socialmedia", rest));
  CHECK(mentions_bot("hey @HallPass, a question"));
  CHECK_FALSE(mentions_bot("hallpass"));
}

TEST_CASE("web chat frames: resolution checks the frame against the history", "[unit][webchat]") {
  WebchatHistory history("w-t-");
  const std::set<std::string, std::less<>> channels = {"#lincoln-approvals"};
  auto posted = history.post(card("#lincoln-approvals", "R-7"), kNow);
  REQUIRE(posted.has_value());
  const std::string root = posted->entry->ref;
  auto dm = history.post(delivery("dm:t.garcia", "just for you"), kNow);
  REQUIRE(dm.has_value());

  auto frame = [](std::string text) { return parse_client_frame(text).value(); };

  SECTION("a thread reply names its root; a reply to a reply goes to the same root") {
    auto reply = history.post_user("#lincoln-approvals", root, "t.garcia", "ok", false, kNow);
    auto in = resolve_frame(frame(R"({"type":"send","event_id":"e","channel":"#lincoln-approvals","thread_ref":")" +
                                  reply.ref + R"(","text":"@hallpass status"})"),
                            history, "p.nguyen", channels, kNow);
    REQUIRE(in.has_value());
    CHECK(in->place.thread_ref == root);
    CHECK(in->mentions_bot);
    CHECK(in->kind == bot::InboundKind::message);
  }
  SECTION("a thread in another place, or a DM not yours, is refused") {
    auto elsewhere = resolve_frame(
        frame(R"({"type":"send","event_id":"e","channel":"dm","thread_ref":")" + root + R"(","text":"x"})"), history,
        "t.garcia", channels, kNow);
    CHECK_FALSE(elsewhere.has_value());
    auto not_yours = resolve_frame(frame(R"({"type":"action","event_id":"e","message_ref":")" + dm->entry->ref +
                                         R"(","action_id":"endorse","value":"R-7"})"),
                                   history, "p.nguyen", channels, kNow);
    REQUIRE_FALSE(not_yours.has_value());
    CHECK(not_yours.error().message.find("not in this web chat") != std::string::npos);
    CHECK(not_yours.error().key == "message_gone");
  }
  SECTION("unknown commands are refused before they reach the core") {
    auto in = resolve_frame(frame(R"({"type":"send","event_id":"e","channel":"dm","text":"/giphy cats"})"), history,
                            "t.garcia", channels, kNow);
    REQUIRE_FALSE(in.has_value());
    CHECK(in.error().message.find("\"/giphy\"") != std::string::npos);
    // The page says it in the person's language from the key and the detail.
    CHECK(in.error().key == "unknown_command");
    CHECK(in.error().detail == "/giphy");
    json refusal = json::parse(error_frame(in.error()));
    CHECK(refusal["key"] == "unknown_command");
    CHECK(refusal["detail"] == "/giphy");
    CHECK(refusal["message"] == in.error().message);
  }
  SECTION("a click in a DM is direct, with the message as thread root") {
    history.post(card("dm:t.garcia", "R-8"), kNow);
    const std::string ref = history.visible_to("t.garcia").back()->ref;
    auto in = resolve_frame(
        frame(R"({"type":"action","event_id":"e","message_ref":")" + ref + R"(","action_id":"endorse","value":"R-8"})"),
        history, "t.garcia", channels, kNow);
    REQUIRE(in.has_value());
    CHECK(in->place.channel == "dm");
    CHECK(in->place.direct);
    CHECK(in->place.thread_ref == ref);
    CHECK(in->time == kNow);
  }
}

TEST_CASE("web chat history: refs, visibility, updates, idempotency", "[unit][webchat]") {
  WebchatHistory history("w-t-", 3);
  auto a = history.post(delivery("#superintendent", "a"), kNow);
  REQUIRE(a.has_value());
  CHECK(a->entry->ref == "w-t-1");

  bot::Delivery secret = delivery("#superintendent", "only Sam");
  secret.ephemeral_user = "s.ward";
  secret.thread_ref = "w-t-1";
  auto b = history.post(secret, kNow);
  REQUIRE(b.has_value());
  CHECK(b->entry->thread_ref == "w-t-1");
  CHECK(history.visible_to("s.ward").size() == 2);
  CHECK(history.visible_to("t.garcia").size() == 1);

  bot::Delivery keyed = delivery("dm:t.garcia", "once");
  keyed.idempotency_key = "outbox-9";
  auto first = history.post(keyed, kNow);
  auto again = history.post(keyed, kNow);
  REQUIRE(first.has_value());
  REQUIRE(again.has_value());
  CHECK(again->repeated);
  CHECK(again->entry->ref == first->entry->ref);
  CHECK(history.size() == 3);

  bot::Delivery update = delivery("#superintendent", "a, updated");
  update.update_ref = "w-t-1";
  auto replaced = history.post(update, kNow);
  REQUIRE(replaced.has_value());
  CHECK(replaced->replaced);
  CHECK(history.find("w-t-1")->edited);
  CHECK(history.find("w-t-1")->message->blocks[0].text == "a, updated");

  // Each place keeps its newest 3: the DM is not pushed out by the channel.
  history.post_user("#superintendent", "", "s.ward", "typed", false, kNow);
  history.post_user("#superintendent", "", "s.ward", "typed again", false, kNow);
  CHECK(history.find("w-t-1") == nullptr);
  CHECK(history.find(first->entry->ref) != nullptr);
  CHECK(history.size() == 4);

  auto bad = history.post(delivery("lincoln", "x"), kNow);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == bot::SendErrorKind::bad_request);
  CHECK(history.channels() == std::vector<std::string>{"#superintendent"});
}

TEST_CASE("web chat history: a lost thread root or card gets a stand-in at the top, with a notice", "[unit][webchat]") {
  WebchatHistory history("w-t-");
  bot::Delivery reply = delivery("#lincoln-approvals", "Endorsed by Rosa Alvarez.");
  reply.thread_ref = "w-old-4";
  reply.thread_key = "R-1001";
  reply.message.notes.thread_missing = "This belongs in the thread of R-1001, which is gone.";
  auto posted = history.post(reply, kNow);
  REQUIRE(posted.has_value());
  CHECK(posted->stands_in);
  const Entry& stand_in = *posted->entry;
  CHECK(stand_in.thread_ref.empty());  // at the top of the channel
  CHECK(stand_in.stands_for == "w-old-4");
  REQUIRE(stand_in.message->blocks.size() == 2);
  CHECK(stand_in.message->blocks[0].kind == bot::BlockKind::context);
  CHECK(stand_in.message->blocks[0].text == "This belongs in the thread of R-1001, which is gone.");
  // The core still knows the thread by the lost root's ref.
  CHECK(history.core_thread_ref(stand_in) == "w-old-4");

  // The next reply to the lost root goes into the stand-in's thread, with no notice.
  bot::Delivery next = delivery("#lincoln-approvals", "Decided.");
  next.thread_ref = "w-old-4";
  auto threaded = history.post(next, kNow);
  REQUIRE(threaded.has_value());
  CHECK_FALSE(threaded->stands_in);
  CHECK(threaded->entry->thread_ref == stand_in.ref);
  CHECK(threaded->entry->message->blocks.size() == 1);
  CHECK(history.core_thread_ref(*threaded->entry) == "w-old-4");

  // A lost card: its new version is posted, and later versions replace that one.
  bot::Delivery update = delivery("#lincoln-approvals", "R-1002: endorsed");
  update.update_ref = "w-old-9";
  update.message.notes.update_missing = "This replaces a message that is gone.";
  auto fresh = history.post(update, kNow);
  REQUIRE(fresh.has_value());
  CHECK(fresh->stands_in);
  CHECK_FALSE(fresh->replaced);
  CHECK(fresh->entry->message->blocks[0].text == "This replaces a message that is gone.");
  update.message = delivery("", "R-1002: authorized").message;
  auto later = history.post(update, kNow);
  REQUIRE(later.has_value());
  CHECK(later->replaced);
  CHECK(later->entry->ref == fresh->entry->ref);
  CHECK(later->entry->message->blocks[0].text == "R-1002: authorized");
}

TEST_CASE("web chat history: records restore the history, refs and stand-ins after a restart", "[unit][webchat]") {
  WebchatHistory before("w-a-", 2);
  bot::Delivery c = card("#lincoln-approvals", "R-7");
  c.idempotency_key = "outbox-1";
  auto root = before.post(c, kNow);
  REQUIRE(root.has_value());
  before.post_user("#lincoln-approvals", root->entry->ref, "p.nguyen", "looks fine", false, kNow, "e-5");
  bot::Delivery lost = delivery("dm:t.garcia", "answer");
  lost.thread_ref = "w-gone-1";
  const std::string stand_in = before.post(lost, kNow).value().entry->ref;
  std::vector<std::string> records;
  for (Entry* e : before.entries()) records.push_back(entry_record(*e));
  records.push_back("{not json");
  records.push_back(R"({"ref":"w-x-1","place":"nowhere","author":"a","text":"t"})");

  WebchatHistory after("w-a-", 2);  // the same prefix: restored refs are skipped
  CHECK(after.restore(records) == 2);
  REQUIRE(after.size() == 3);
  const Entry* card_again = after.find(root->entry->ref);
  REQUIRE(card_again != nullptr);
  CHECK(card_again->thread_key == "R-7");
  CHECK(card_again->time == kNow);
  CHECK(card_again->message->blocks[1].buttons[0].value == "R-7");
  CHECK(after.visible_to("p.nguyen")[1]->event_id == "e-5");
  CHECK(after.visible_to("p.nguyen")[1]->thread_ref == root->entry->ref);

  auto retried = after.post(c, kNow);  // the same outbox row again: nothing new
  REQUIRE(retried.has_value());
  CHECK(retried->repeated);
  bot::Delivery fresh = delivery("#lincoln-approvals", "new");
  auto added = after.post(fresh, kNow);
  REQUIRE(added.has_value());
  CHECK(after.find(added->entry->ref) == added->entry);
  CHECK(added->entry->ref != root->entry->ref);
  CHECK(added->entry->ref.rfind("w-a-", 0) == 0);
  bot::Delivery second = delivery("dm:t.garcia", "in the old thread");
  second.thread_ref = "w-gone-1";
  auto into = after.post(second, kNow);
  REQUIRE(into.has_value());
  CHECK_FALSE(into->stands_in);  // the restored stand-in carries the thread
  CHECK(into->entry->thread_ref == stand_in);
}

TEST_CASE("web chat JSON: entries and frames", "[unit][webchat]") {
  bot::DistrictConfig config;
  bot::Person p;
  p.id = "t.garcia";
  p.name = "Teresa Garcia";
  p.handles["web"] = "t.garcia";
  config.people = {p};
  WebchatHistory history("w-t-");
  Entry& typed = history.post_user("dm:t.garcia", "", "t.garcia", "<b>hi</b>", true, kNow);
  json j = json::parse(entry_json(typed, config));
  CHECK(j["author"] == json{{"id", "t.garcia"}, {"name", "Teresa Garcia"}, {"bot", false}});
  CHECK(j["text"] == "<b>hi</b>");
  CHECK(j["ephemeral"] == true);
  CHECK(j["time"] == "2026-09-21T14:13:20Z");
  CHECK_FALSE(j.contains("content"));

  typed.json = std::make_shared<const std::string>(entry_json(typed, config));
  json hello = json::parse(hello_frame("t.garcia", history.visible_to("t.garcia")));
  CHECK(hello["messages"][0]["ref"] == typed.ref);
  CHECK(json::parse(entry_frame(typed, true))["type"] == "update");
  CHECK(json::parse(error_frame("", "x")).contains("event_id") == false);
  CHECK(json::parse(ack_frame("e", true)) == json{{"type", "ack"}, {"event_id", "e"}, {"duplicate", true}});
}

TEST_CASE("web chat bootstrap: each person's places, language, time zone and the page's words", "[unit][webchat]") {
  bot::DistrictConfig config;
  config.name = "Test District";
  config.time_zone = "America/Chicago";
  auto person = [](std::string id, bot::Role role, std::string site, std::string language) {
    bot::Person p;
    p.id = std::move(id);
    p.name = p.id;
    p.roles = {role};
    p.site = std::move(site);
    p.language = std::move(language);
    return p;
  };
  config.people = {person("teacher", bot::Role::employee, "lincoln", "en"),
                   person("principal", bot::Role::principal, "lincoln", "es"),
                   person("other.principal", bot::Role::principal, "kennedy", "en"),
                   person("super", bot::Role::superintendent, "", "en"),
                   person("designee", bot::Role::designee, "", "en"),
                   person("it", bot::Role::it_admin, "", "en")};
  config.people[1].handles["web"] = "rosa";  // members are named by web handle
  config.sites = {
      {"lincoln", "Lincoln", {"principal"}, {"site:lincoln", "Lincoln approvals", {{"web", "#lincoln"}}}},
      {"kennedy", "Kennedy", {"other.principal"}, {"site:kennedy", "Kennedy approvals", {{"web", "#kennedy"}}}}};
  config.superintendent = "super";
  config.designees = {"designee"};
  config.superintendent_place = {"superintendent", "Superintendent's office", {{"web", "#superintendent"}}};

  const auto strings = page_strings(bot::Prompts::load(std::filesystem::path(HALLPASS_SOURCE_DIR) / "prompts"));
  json j = json::parse(bootstrap_json(config, 64 * 1024, strings));
  CHECK(j["time_zone"] == "America/Chicago");
  CHECK(j["max_message_chars"] == 10000);
  CHECK(j["people"][1]["id"] == "rosa");
  CHECK(j["people"][1]["language"] == "es");
  REQUIRE(j["channels"].size() == 3);
  CHECK(j["channels"][0]["members"] == json::array({"rosa", "it"}));
  CHECK(j["channels"][1]["members"] == json::array({"other.principal", "it"}));
  CHECK(j["channels"][2]["members"] == json::array({"super", "designee", "it"}));

  // The page's own words in both languages, with the same keys.
  REQUIRE(strings.count("en") == 1);
  REQUIRE(strings.count("es") == 1);
  CHECK(j["strings"]["en"]["cancel"] == "Cancel");
  CHECK(j["strings"]["es"]["cancel"] == "Cancelar");
  CHECK(j["strings"]["es"]["status.connecting"] == "Conectando…");
  std::vector<std::string> en_keys, es_keys;
  for (const auto& [key, text] : strings.at("en")) en_keys.push_back(key);
  for (const auto& [key, text] : strings.at("es")) es_keys.push_back(key);
  CHECK(en_keys == es_keys);
  CHECK(en_keys.size() > 60);

  CHECK(max_message_chars(1 << 20) == 174000);
  CHECK(max_message_chars(2048) == 100);
}

TEST_CASE("web chat routes: pages, bootstrap, refusals", "[unit][webchat]") {
  const std::vector<EmbeddedAsset> assets = {{"/index.html", "<html>"}, {"/app.js", "js"}};
  auto index = route_request("GET", "/?x=1", assets, "{}");
  CHECK(index.status == 200);
  CHECK(index.body == "<html>");
  CHECK(index.content_type == "text/html; charset=utf-8");
  CHECK(route_request("HEAD", "/app.js", assets, "{}").content_type == "text/javascript; charset=utf-8");
  CHECK(route_request("GET", "/api/bootstrap", assets, R"({"a":1})").body == R"({"a":1})");
  CHECK(route_request("GET", "/ws", assets, "{}").status == 426);
  CHECK(route_request("GET", "/../etc/passwd", assets, "{}").status == 404);
  auto post = route_request("POST", "/", assets, "{}");
  CHECK(post.status == 405);
  CHECK(post.allow == "GET, HEAD");

  CHECK(query_param("/ws?person=t.garcia", "person") == "t.garcia");
  CHECK(query_param("/ws?a=1&person=d%2Elee", "person") == "d.lee");
  CHECK(query_param("/ws?person=%zz", "person").empty());
  CHECK(query_param("/ws?person=%2", "person").empty());
  CHECK(query_param("/ws", "person").empty());

  CHECK(host_allowed("127.0.0.1:8080", true));
  CHECK(host_allowed("LOCALHOST:8080", true));
  CHECK(host_allowed("[::1]:8080", true));
  CHECK_FALSE(host_allowed("rebind.example:8080", true));
  CHECK(host_allowed("school-demo.lan:8080", false));
  CHECK(origin_allowed("", "127.0.0.1:8080"));
  CHECK(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed("http://evil.example", "127.0.0.1:8080"));
  CHECK_FALSE(origin_allowed("null", "127.0.0.1:8080"));
}

TEST_CASE("web chat: loopback addresses for the demo's warning", "[unit][webchat]") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("::ffff:127.0.0.1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("::"));
  CHECK_FALSE(is_loopback_host("192.168.1.20"));
  CHECK_FALSE(is_loopback_host("demo.example.org"));
}

}  // namespace
