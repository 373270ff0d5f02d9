// The web chat adapter against real sockets on 127.0.0.1 (port 0), driven by a Beast client.
#include "adapters/webchat/webchat_adapter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using nlohmann::json;
using Socket = websocket::stream<beast::tcp_stream>;
using adapters::webchat::WebchatAdapter;
using adapters::webchat::WebchatOptions;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bot::Person person(std::string id, std::string name, std::string title, bot::Role role) {
  bot::Person p;
  p.id = id;
  p.name = std::move(name);
  p.title = std::move(title);
  p.roles = {role};
  p.site = role == bot::Role::superintendent ? "" : "lincoln";
  p.handles["web"] = id;
  return p;
}

bot::DistrictConfig make_config() {
  bot::DistrictConfig config;
  config.name = "Sample Unified";
  bot::Site site;
  site.id = "lincoln";
  site.name = "Lincoln Elementary School";
  site.principals = {"p.nguyen"};
  site.approvals = bot::Place{"site:lincoln", "Lincoln Elementary approvals", {{"web", "#lincoln-approvals"}}};
  config.sites.push_back(site);
  config.superintendent = "s.ward";
  config.superintendent_place = bot::Place{"superintendent", "Superintendent", {{"web", "#superintendent"}}};
  config.people = {person("t.garcia", "Teresa Garcia", "Teacher, grade 4", bot::Role::employee),
                   person("p.nguyen", "Paul Nguyen", "Principal", bot::Role::principal),
                   person("s.ward", "Sam Ward", "Superintendent", bot::Role::superintendent)};
  return config;
}

// The bot core's side: records what the adapter hands over and de-duplicates like the core.
class RecordingSink final : public bot::EventSink {
 public:
  bot::HandleResult handle(const bot::Inbound& event) override {
    bot::HandleResult result;
    if (!seen_.insert(event.event_id).second) {
      result.duplicate = true;
      return result;
    }
    events.push_back(event);
    return result;
  }
  std::vector<bot::Inbound> events;

 private:
  std::set<std::string> seen_;
};

struct Fixture {
  Fixture() : adapter(io, options(), config) {}
  static WebchatOptions options() {
    WebchatOptions o;
    o.port = 0;
    o.max_message_bytes = 1024;
    return o;
  }
  asio::io_context io;
  bot::DistrictConfig config = make_config();
  WebchatAdapter adapter;
  RecordingSink sink;
};

asio::awaitable<Socket> connect(unsigned short port, std::string target, std::string origin = "") {
  auto executor = co_await asio::this_coro::executor;
  Socket ws(executor);
  co_await beast::get_lowest_layer(ws).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                     asio::use_awaitable);
  if (!origin.empty()) {
    ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  }
  co_await ws.async_handshake("127.0.0.1:" + std::to_string(port), target, asio::use_awaitable);
  co_return ws;
}

asio::awaitable<json> read_frame(Socket& ws) {
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  co_return json::parse(beast::buffers_to_string(buffer.data()));
}

asio::awaitable<void> write_text(Socket& ws, std::string text) {
  ws.text(true);
  co_await ws.async_write(asio::buffer(text), asio::use_awaitable);
}

// Connects as a person and consumes the hello frame, returning it in `hello`.
asio::awaitable<Socket> join(unsigned short port, std::string person_id, json& hello) {
  Socket ws = co_await connect(port, "/ws?person=" + person_id);
  hello = co_await read_frame(ws);
  co_return ws;
}

asio::awaitable<void> close(Socket& ws) { co_await ws.async_close(websocket::close_code::normal, use_tuple); }

bot::Message buttons_message(std::string text, std::string value) {
  bot::Message m;
  m.fallback = text;
  bot::Block p;
  p.kind = bot::BlockKind::paragraph;
  p.text = text;
  bot::Block b;
  b.kind = bot::BlockKind::buttons;
  b.buttons = {bot::Button{"endorse", "Endorse", value, bot::ButtonStyle::primary},
               bot::Button{"return", "Return", value, bot::ButtonStyle::danger}};
  m.blocks = {p, b};
  return m;
}

bot::Message text_message(std::string text) {
  bot::Message m;
  m.fallback = text;
  bot::Block p;
  p.kind = bot::BlockKind::paragraph;
  p.text = std::move(text);
  m.blocks = {p};
  return m;
}

// Runs a scenario against a listening adapter; stops everything when it ends, and fails the test
// instead of hanging if it has not ended after a generous deadline.
void run_scenario(Fixture& f, asio::awaitable<void> (*scenario)(Fixture&)) {
  f.adapter.listen();
  REQUIRE(f.adapter.bound_port() != 0);
  std::exception_ptr run_failure;
  asio::co_spawn(f.io, f.adapter.run(f.sink), [&](std::exception_ptr e) { run_failure = e; });
  std::exception_ptr failure;
  bool finished = false;
  asio::steady_timer deadline(f.io, std::chrono::seconds(30));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) f.io.stop();
  });
  asio::co_spawn(f.io, scenario(f), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    deadline.cancel();
    f.adapter.stop();
  });
  f.io.run();
  REQUIRE(finished);
  if (failure) std::rethrow_exception(failure);
  if (run_failure) std::rethrow_exception(run_failure);
}

std::string send_frame(std::string event_id, std::string channel, std::string text, std::string thread_ref = "") {
  json j = {{"type", "send"}, {"event_id", event_id}, {"channel", channel}, {"text", text}};
  if (!thread_ref.empty()) j["thread_ref"] = thread_ref;
  return j.dump();
}

json ack_json(std::string event_id, bool duplicate) {
  return json{{"type", "ack"}, {"event_id", event_id}, {"duplicate", duplicate}};
}

json principal_json() {
  return json{{"id", "p.nguyen"},       {"name", "Paul Nguyen"}, {"title", "Principal"},
              {"roles", {"principal"}}, {"site", "lincoln"},     {"language", "en"}};
}

bot::Message platforms_form_message() {
  bot::Form form;
  form.form_id = "request.platforms";
  form.context = "R-1001";
  form.title = "Social media request";
  form.submit_label = "Next";
  form.inputs = {bot::FormInput{"platforms",
                                "Platforms",
                                bot::InputKind::multi_choice,
                                true,
                                {{"instagram", "Instagram"}, {"youtube", "YouTube"}},
                                "",
                                "",
                                ""},
                 bot::FormInput{"purpose", "Purpose", bot::InputKind::multiline}};
  bot::Block block;
  block.kind = bot::BlockKind::form;
  block.form = form;
  bot::Message m;
  m.blocks = {block};
  m.fallback = "Social media request";
  return m;
}

std::string action_frame(std::string event_id, std::string message_ref, std::string action_id, std::string value) {
  return json{{"type", "action"},
              {"event_id", event_id},
              {"message_ref", message_ref},
              {"action_id", action_id},
              {"value", value}}
      .dump();
}

std::string platforms_form_frame(std::string message_ref) {
  return json{{"type", "form"},
              {"event_id", "f-1"},
              {"message_ref", message_ref},
              {"form_id", "request.platforms"},
              {"context", "R-6666"},
              {"values", {{"platforms", {"instagram", "youtube"}}, {"purpose", "Class news"}, {"admin", "yes"}}}}
      .dump();
}

asio::awaitable<void> inbound_reaches_sink(Fixture& f) {
  json hello;
  Socket ws = co_await join(f.adapter.bound_port(), "t.garcia", hello);
  CHECK(hello["type"] == "hello");
  CHECK(hello["person"] == "t.garcia");
  CHECK(hello["messages"].empty());

  co_await write_text(ws, send_frame("e-1", "dm", "  /socialmedia request  "));
  json echo = co_await read_frame(ws);
  CHECK(echo["type"] == "message");
  CHECK(echo["message"]["author"]["id"] == "t.garcia");
  CHECK(echo["message"]["ephemeral"] == true);  // a command is shown to who typed it only
  CHECK(echo["message"]["channel"] == "dm:t.garcia");
  json ack = co_await read_frame(ws);
  CHECK(ack == ack_json("e-1", false));

  REQUIRE(f.sink.events.size() == 1);
  const bot::Inbound& command = f.sink.events[0];
  CHECK(command.platform == "web");
  CHECK(command.event_id == "e-1");
  CHECK(command.actor == "t.garcia");
  CHECK(command.kind == bot::InboundKind::command);
  CHECK(command.text == "request");
  CHECK(command.place.channel == "dm");
  CHECK(command.place.direct);
  CHECK_FALSE(command.mentions_bot);

  // A resent frame is acknowledged as a duplicate and not shown again.
  co_await write_text(ws, send_frame("e-1", "dm", "/socialmedia request"));
  json again = co_await read_frame(ws);
  CHECK(again == ack_json("e-1", true));
  CHECK(f.sink.events.size() == 1);

  // A message in a channel that mentions the bot, then a reply in its thread.
  co_await write_text(ws, send_frame("e-2", "#lincoln-approvals", "@Hallpass can I friend a parent?"));
  json posted = co_await read_frame(ws);
  CHECK(posted["message"]["ephemeral"] == false);
  CHECK(posted["message"]["text"] == "@Hallpass can I friend a parent?");
  const std::string root = posted["message"]["ref"];
  auto mention_ack = co_await read_frame(ws);
  CHECK(mention_ack["type"] == "ack");
  REQUIRE(f.sink.events.size() == 2);
  CHECK(f.sink.events[1].kind == bot::InboundKind::message);
  CHECK(f.sink.events[1].mentions_bot);
  CHECK(f.sink.events[1].place.channel == "#lincoln-approvals");
  CHECK_FALSE(f.sink.events[1].place.direct);
  CHECK(f.sink.events[1].place.thread_ref.empty());

  co_await write_text(ws, send_frame("e-3", "#lincoln-approvals", "more detail", root));
  json reply = co_await read_frame(ws);
  CHECK(reply["message"]["thread_ref"] == root);
  auto reply_ack = co_await read_frame(ws);
  CHECK(reply_ack["type"] == "ack");
  REQUIRE(f.sink.events.size() == 3);
  CHECK(f.sink.events[2].place.thread_ref == root);
  co_await close(ws);
}

TEST_CASE("web chat: a typed message or command reaches the core and is acknowledged", "[net][webchat]") {
  Fixture f;
  run_scenario(f, inbound_reaches_sink);
}

asio::awaitable<void> bad_frames_get_errors(Fixture& f) {
  json hello;
  Socket ws = co_await join(f.adapter.bound_port(), "t.garcia", hello);

  co_await write_text(ws, "this is not json");
  json e1 = co_await read_frame(ws);
  CHECK(e1["type"] == "error");
  CHECK(e1["message"].get<std::string>().find("JSON") != std::string::npos);

  co_await write_text(ws, R"({"type":"dance","event_id":"e-9"})");
  json e2 = co_await read_frame(ws);
  CHECK(e2["type"] == "error");
  CHECK(e2["event_id"] == "e-9");
  CHECK(e2["message"].get<std::string>().find("dance") != std::string::npos);

  co_await write_text(ws, R"({"type":"send","channel":"dm","text":"hi"})");
  auto no_event_id = co_await read_frame(ws);
  CHECK(no_event_id["message"].get<std::string>().find("event_id") != std::string::npos);

  co_await write_text(ws, send_frame("e-10", "#nowhere", "hello"));
  json e3 = co_await read_frame(ws);
  CHECK(e3["event_id"] == "e-10");
  CHECK(e3["message"].get<std::string>().find("#nowhere") != std::string::npos);

  co_await write_text(ws, send_frame("e-11", "dm", "/selfie"));
  auto unknown_command = co_await read_frame(ws);
  CHECK(unknown_command["message"].get<std::string>().find("/selfie") != std::string::npos);

  co_await write_text(
      ws, R"({"type":"action","event_id":"e-12","message_ref":"w-nope","action_id":"endorse","value":"R-1"})");
  auto no_message = co_await read_frame(ws);
  CHECK(no_message["event_id"] == "e-12");

  // Oversized (the fixture's limit is 1024 bytes): refused, and the socket stays usable.
  co_await write_text(ws, send_frame("e-13", "dm", std::string(1100, 'x')));
  json big = co_await read_frame(ws);
  CHECK(big["type"] == "error");
  CHECK(big["message"].get<std::string>().find("too large") != std::string::npos);

  co_await write_text(ws, send_frame("e-14", "dm", "still here?"));
  auto echo = co_await read_frame(ws);
  CHECK(echo["type"] == "message");
  auto ack = co_await read_frame(ws);
  CHECK(ack == ack_json("e-14", false));
  REQUIRE(f.sink.events.size() == 1);
  CHECK(f.sink.events[0].event_id == "e-14");
  co_await close(ws);
}

TEST_CASE(
    "web chat: malformed, unknown and oversized frames get an error frame and the socket "
    "stays usable",
    "[net][webchat]") {
  Fixture f;
  run_scenario(f, bad_frames_get_errors);
}

asio::awaitable<bool> handshake_succeeds(unsigned short port, std::string origin) {
  try {
    Socket ws = co_await connect(port, "/ws?person=t.garcia", origin);
    json hello = co_await read_frame(ws);
    co_await close(ws);
    co_return hello["type"] == "hello";
  } catch (const boost::system::system_error&) {
    co_return false;
  }
}

asio::awaitable<void> unknown_person_refused(Fixture& f) {
  Socket ws = co_await connect(f.adapter.bound_port(), "/ws?person=mallory");
  json refusal = co_await read_frame(ws);
  CHECK(refusal["type"] == "error");
  CHECK(refusal["message"].get<std::string>().find("mallory") != std::string::npos);
  beast::flat_buffer buffer;
  auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
  CHECK(ec == websocket::error::closed);
  CHECK(ws.reason().code == websocket::close_code::policy_error);

  // A page from another site may not open a socket (cross-site WebSocket hijacking).
  const std::string own_origin = "http://127.0.0.1:" + std::to_string(f.adapter.bound_port());
  bool foreign = co_await handshake_succeeds(f.adapter.bound_port(), "http://evil.example");
  bool own = co_await handshake_succeeds(f.adapter.bound_port(), own_origin);
  CHECK_FALSE(foreign);
  CHECK(own);
}

TEST_CASE("web chat: an unknown person or a foreign origin is refused", "[net][webchat]") {
  Fixture f;
  run_scenario(f, unknown_person_refused);
  CHECK(f.sink.events.empty());
}

asio::awaitable<void> sends_reach_who_may_see(Fixture& f) {
  const unsigned short port = f.adapter.bound_port();
  json hello;
  Socket teacher = co_await join(port, "t.garcia", hello);
  Socket principal = co_await join(port, "p.nguyen", hello);

  bot::Delivery dm;
  dm.channel = "dm:t.garcia";
  dm.idempotency_key = "k-1";
  dm.message = text_message("Your request **R-1001** was filed.");
  bot::SendResult dm_sent = co_await f.adapter.send(dm);
  REQUIRE(dm_sent.ok());
  CHECK(!dm_sent.ref.empty());
  json got = co_await read_frame(teacher);
  CHECK(got["type"] == "message");
  CHECK(got["message"]["ref"] == dm_sent.ref);
  CHECK(got["message"]["author"]["bot"] == true);
  CHECK(got["message"]["content"]["blocks"][0]["text"] == "Your request **R-1001** was filed.");

  // The same idempotency key again: the first ref, nothing new on the socket.
  bot::SendResult repeated = co_await f.adapter.send(dm);
  CHECK(repeated.ref == dm_sent.ref);

  bot::Delivery approval;
  approval.channel = "#lincoln-approvals";
  approval.thread_key = "R-1001";
  approval.message = buttons_message("Request R-1001 from Teresa Garcia", "R-1001");
  bot::SendResult approval_sent = co_await f.adapter.send(approval);
  REQUIRE(approval_sent.ok());
  // The principal's next frame is the channel message: the teacher's DM never reached them.
  json seen = co_await read_frame(principal);
  CHECK(seen["type"] == "message");
  CHECK(seen["message"]["ref"] == approval_sent.ref);
  CHECK(seen["message"]["thread_key"] == "R-1001");
  auto teacher_sees = co_await read_frame(teacher);
  CHECK(teacher_sees["message"]["ref"] == approval_sent.ref);

  // A click names the button; the value comes from the stored message.
  co_await write_text(principal, action_frame("c-1", approval_sent.ref, "endorse", "R-1001"));
  auto click_ack = co_await read_frame(principal);
  CHECK(click_ack["type"] == "ack");
  REQUIRE(f.sink.events.size() == 1);
  CHECK(f.sink.events[0].kind == bot::InboundKind::action);
  CHECK(f.sink.events[0].action_id == "endorse");
  CHECK(f.sink.events[0].action_value == "R-1001");
  CHECK(f.sink.events[0].actor == "p.nguyen");
  CHECK(f.sink.events[0].place.channel == "#lincoln-approvals");
  CHECK(f.sink.events[0].place.thread_ref == approval_sent.ref);

  co_await write_text(principal, action_frame("c-2", approval_sent.ref, "endorse", "R-9999"));
  auto forged = co_await read_frame(principal);
  CHECK(forged["type"] == "error");

  // A reply in the thread, ephemeral to the principal.
  bot::Delivery note;
  note.channel = "#lincoln-approvals";
  note.thread_ref = approval_sent.ref;
  note.ephemeral_user = "p.nguyen";
  note.message = text_message("Only you can see this.");
  bot::SendResult note_sent = co_await f.adapter.send(note);
  REQUIRE(note_sent.ok());
  json in_thread = co_await read_frame(principal);
  CHECK(in_thread["message"]["thread_ref"] == approval_sent.ref);
  CHECK(in_thread["message"]["ephemeral"] == true);

  // update_ref replaces the approval message: the buttons are gone, for everybody.
  bot::Delivery update;
  update.channel = "#lincoln-approvals";
  update.update_ref = approval_sent.ref;
  update.message = text_message("Endorsed by Paul Nguyen.");
  bot::SendResult updated = co_await f.adapter.send(update);
  CHECK(updated.ref == approval_sent.ref);
  for (int i = 0; i < 2; ++i) {
    json u = co_await read_frame(i == 0 ? principal : teacher);
    CHECK(u["type"] == "update");
    CHECK(u["message"]["ref"] == approval_sent.ref);
    CHECK(u["message"]["edited"] == true);
    CHECK(u["message"]["content"]["blocks"].size() == 1);
  }
  co_await write_text(principal, action_frame("c-3", approval_sent.ref, "endorse", "R-1001"));
  json stale = co_await read_frame(principal);
  CHECK(stale["type"] == "error");
  CHECK(stale["message"].get<std::string>().find("no longer") != std::string::npos);

  // Refused deliveries come back as errors, not exceptions.
  bot::Delivery nobody;
  nobody.channel = "dm:mallory";
  nobody.message = text_message("hi");
  auto to_nobody = co_await f.adapter.send(nobody);
  CHECK(to_nobody.error == bot::SendErrorKind::not_found);
  // The update of a message the web chat no longer keeps is not lost: the new version is posted
  // at the top, with a notice in front.
  bot::Delivery missing;
  missing.channel = "#lincoln-approvals";
  missing.update_ref = "w-0-1";
  missing.message = text_message("Decided.");
  auto stale_update = co_await f.adapter.send(missing);
  REQUIRE(stale_update.ok());
  CHECK(stale_update.ref != "w-0-1");
  json stood_in = co_await read_frame(principal);
  CHECK(stood_in["type"] == "message");
  CHECK(stood_in["message"]["thread_ref"] == "");
  CHECK(stood_in["message"]["content"]["blocks"][0]["text"] ==
        "This replaces a message that is no longer in this chat.");
  CHECK(stood_in["message"]["content"]["blocks"][1]["text"] == "Decided.");

  // Late joiners get what they may see, as it is now.
  json late_teacher;
  Socket teacher2 = co_await join(port, "t.garcia", late_teacher);
  json late_super;
  Socket super = co_await join(port, "s.ward", late_super);
  REQUIRE(late_teacher["messages"].size() == 3);
  CHECK(late_teacher["messages"][0]["ref"] == dm_sent.ref);
  CHECK(late_teacher["messages"][1]["content"]["blocks"][0]["text"] == "Endorsed by Paul Nguyen.");
  CHECK(late_teacher["messages"][2]["ref"] == stale_update.ref);
  REQUIRE(late_super["messages"].size() == 2);  // not the teacher's DM, not the ephemeral note
  CHECK(late_super["messages"][0]["ref"] == approval_sent.ref);

  co_await close(teacher);
  co_await close(principal);
  co_await close(teacher2);
  co_await close(super);
}

TEST_CASE("web chat: send() reaches the sockets that may see it; update_ref replaces", "[net][webchat]") {
  Fixture f;
  run_scenario(f, sends_reach_who_may_see);
}

asio::awaitable<void> form_submission(Fixture& f) {
  json hello;
  Socket teacher = co_await join(f.adapter.bound_port(), "t.garcia", hello);
  bot::Delivery d;
  d.channel = "dm:t.garcia";
  d.message = platforms_form_message();
  bot::SendResult sent = co_await f.adapter.send(d);
  json shown = co_await read_frame(teacher);
  CHECK(shown["message"]["content"]["blocks"][0]["form"]["title"] == "Social media request");

  // A forged context and an input the form does not have are both ignored.
  co_await write_text(teacher, platforms_form_frame(sent.ref));
  auto form_ack = co_await read_frame(teacher);
  CHECK(form_ack["type"] == "ack");
  REQUIRE(f.sink.events.size() == 1);
  bot::Inbound in = f.sink.events[0];
  CHECK(in.kind == bot::InboundKind::form_submission);
  CHECK(in.form_id == "request.platforms");
  CHECK(in.form_context == "R-1001");  // from the stored form, not the browser
  CHECK(in.values.size() == 2);
  CHECK(in.values["platforms"] == "instagram,youtube");
  CHECK(in.values["purpose"] == "Class news");
  CHECK(in.place.channel == "dm");
  CHECK(in.place.direct);
  co_await close(teacher);
}

TEST_CASE("web chat: a form submission carries the stored form's id and context", "[net][webchat]") {
  Fixture f;
  run_scenario(f, form_submission);
}

asio::awaitable<http::response<http::string_body>> http_get(unsigned short port, std::string target, std::string host) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.keep_alive(false);
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  co_return res;
}

asio::awaitable<void> http_pages(Fixture& f) {
  const unsigned short port = f.adapter.bound_port();
  const std::string host = "127.0.0.1:" + std::to_string(port);
  auto boot = co_await http_get(port, "/api/bootstrap", host);
  CHECK(boot.result() == http::status::ok);
  json j = json::parse(boot.body());
  CHECK(j["bot_name"] == "Hallpass");
  REQUIRE(j["people"].size() == 3);
  CHECK(j["people"][1] == principal_json());
  REQUIRE(j["channels"].size() == 2);
  CHECK(j["channels"][0]["id"] == "#lincoln-approvals");
  CHECK(j["channels"][1]["id"] == "#superintendent");

  auto page = co_await http_get(port, "/", host);
  CHECK(page.result() == http::status::ok);
  CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
  CHECK(page.body().find("app.js") != std::string::npos);
  CHECK(page["Content-Security-Policy"].find("script-src 'self'") != std::string::npos);

  auto missing = co_await http_get(port, "/nothing-here", host);
  CHECK(missing.result() == http::status::not_found);
  // DNS rebinding: a loopback server answers to loopback host names only.
  auto rebound = co_await http_get(port, "/api/bootstrap", "evil.example:" + std::to_string(port));
  CHECK(rebound.result() == http::status::misdirected_request);
  auto by_name = co_await http_get(port, "/", "localhost:" + std::to_string(port));
  CHECK(by_name.result() == http::status::ok);
}

TEST_CASE("web chat: serves the page and the bootstrap JSON to loopback hosts", "[net][webchat]") {
  Fixture f;
  run_scenario(f, http_pages);
}

}  // namespace
