// The web chat's sans-I/O layers: frame parsing and resolution, the history, the HTTP routes.
#include "adapters/webchat/webchat_protocol.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/webchat/webchat_adapter.hpp"
#include "adapters/webchat/webchat_history.hpp"
#include "adapters/webchat/webchat_routes.hpp"

namespace {

using namespace adapters::webchat;
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
      {R"({"type":"send","event_id":"e1","channel":"dm","text":5})", "\"text\" must be a string",
       "e1"},
      {R"({"type":"action","event_id":"e1","message_ref":"w-1"})", "\"action_id\" is required",
       "e1"},
      {R"({"type":"form","event_id":"e1","message_ref":"w-1","form_id":"f","values":[]})",
       "must be an object", "e1"},
      {R"({"type":"form","event_id":"e1","message_ref":"w-1","form_id":"f","values":{"a":1}})",
       "must be text", "e1"},
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
    auto in = resolve_frame(
        frame(R"({"type":"send","event_id":"e","channel":"#lincoln-approvals","thread_ref":")" +
              reply.ref + R"(","text":"@hallpass status"})"),
        history, "p.nguyen", channels, kNow);
    REQUIRE(in.has_value());
    CHECK(in->place.thread_ref == root);
    CHECK(in->mentions_bot);
    CHECK(in->kind == bot::InboundKind::message);
  }
  SECTION("a thread in another place, or a DM not yours, is refused") {
    auto elsewhere =
        resolve_frame(frame(R"({"type":"send","event_id":"e","channel":"dm","thread_ref":")" +
                            root + R"(","text":"x"})"),
                      history, "t.garcia", channels, kNow);
    CHECK_FALSE(elsewhere.has_value());
    auto not_yours =
        resolve_frame(frame(R"({"type":"action","event_id":"e","message_ref":")" + dm->entry->ref +
                            R"(","action_id":"endorse","value":"R-7"})"),
                      history, "p.nguyen", channels, kNow);
    REQUIRE_FALSE(not_yours.has_value());
    CHECK(not_yours.error().message.find("not in this web chat") != std::string::npos);
  }
  SECTION("unknown commands are refused before they reach the core") {
    auto in = resolve_frame(
        frame(R"({"type":"send","event_id":"e","channel":"dm","text":"/giphy cats"})"), history,
        "t.garcia", channels, kNow);
    REQUIRE_FALSE(in.has_value());
    CHECK(in.error().message.find("\"/giphy\"") != std::string::npos);
  }
  SECTION("a click in a DM is direct, with the message as thread root") {
    history.post(card("dm:t.garcia", "R-8"), kNow);
    const std::string ref = history.visible_to("t.garcia").back()->ref;
    auto in = resolve_frame(frame(R"({"type":"action","event_id":"e","message_ref":")" + ref +
                                  R"(","action_id":"endorse","value":"R-8"})"),
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

  // Past max_entries the oldest is forgotten, and updates to it are not_found.
  history.post_user("#superintendent", "", "s.ward", "typed", false, kNow);
  CHECK(history.size() == 3);
  CHECK(history.find("w-t-1") == nullptr);
  auto gone = history.post(update, kNow);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == bot::SendErrorKind::not_found);

  auto bad = history.post(delivery("lincoln", "x"), kNow);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().kind == bot::SendErrorKind::bad_request);
  auto no_root = history.post(
      [] {
        bot::Delivery d = delivery("#superintendent", "x");
        d.thread_ref = "w-old-4";
        return d;
      }(),
      kNow);
  REQUIRE_FALSE(no_root.has_value());
  CHECK(no_root.error().kind == bot::SendErrorKind::not_found);
  CHECK(history.channels() == std::vector<std::string>{"#superintendent"});
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
  CHECK(json::parse(ack_frame("e", true)) ==
        json{{"type", "ack"}, {"event_id", "e"}, {"duplicate", true}});
}

TEST_CASE("web chat routes: pages, bootstrap, refusals", "[unit][webchat]") {
  const std::vector<EmbeddedAsset> assets = {{"/index.html", "<html>"}, {"/app.js", "js"}};
  auto index = route_request("GET", "/?x=1", assets, "{}");
  CHECK(index.status == 200);
  CHECK(index.body == "<html>");
  CHECK(index.content_type == "text/html; charset=utf-8");
  CHECK(route_request("HEAD", "/app.js", assets, "{}").content_type ==
        "text/javascript; charset=utf-8");
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
  CHECK(is_loopback_address("127.0.0.1"));
  CHECK(is_loopback_address("127.1.2.3"));
  CHECK(is_loopback_address("::1"));
  CHECK(is_loopback_address("::ffff:127.0.0.1"));
  CHECK(is_loopback_address("localhost"));
  CHECK_FALSE(is_loopback_address("0.0.0.0"));
  CHECK_FALSE(is_loopback_address("::"));
  CHECK_FALSE(is_loopback_address("192.168.1.20"));
  CHECK_FALSE(is_loopback_address("demo.example.org"));
}

}  // namespace
