// The Connector client against the fake Bot Connector on 127.0.0.1: the calls the adapter makes,
// retries, the service-URL allow-list and per-conversation pacing.
#include "adapters/teams/connector_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/support/fake_bot_connector.hpp"

namespace {

namespace asio = boost::asio;
using namespace adapters::teams;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::FakeBotConnector;

constexpr auto kToken = "bot-token-1";
constexpr auto kChannel = "19:4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e@thread.tacv2";
constexpr auto kOtherChannel = "19:99aa88bb77cc66dd55ee44ff33001122@thread.tacv2";

asio::awaitable<std::string> hand_out(std::shared_ptr<int> calls, std::string token) {
  ++*calls;
  co_return token;
}

// The token source the adapter will pass (BotTokenSource's place), counting how often it is asked.
TokenSource counting_token(std::shared_ptr<int> calls, std::string token = kToken) {
  return [calls, token] { return hand_out(calls, token); };
}

ConnectorOptions fast_options(const std::string& trusted) {
  ConnectorOptions o;
  o.trusted_service_urls = {trusted};
  o.first_backoff = milliseconds(20);
  o.max_backoff = milliseconds(100);
  o.write_limits = {{7, seconds(1)}};
  o.request_timeout = seconds(5);
  return o;
}

// Runs one coroutine on the test's io_context until it finishes.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> result;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T r) {
    failure = e;
    if (!e) result = std::move(r);
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(10));
  REQUIRE(done);
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

json text_activity(const std::string& text) { return {{"type", "message"}, {"text", text}}; }

bot::Message card_message(const std::string& text) {
  bot::Message m;
  m.paragraph(text);
  m.buttons({{"endorse", "Endorse", "R-1001", bot::ButtonStyle::primary}});
  return m;
}

}  // namespace

TEST_CASE("post, reply in the thread, update the card, open a personal chat, look up a member", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, kToken);
  fake.add_member({.id = "29:1abc",
                   .name = "Teresa Garcia",
                   .aad_object_id = "6b8c0a4e",
                   .email = "t.garcia@lausd.example",
                   .user_principal_name = "tgarcia@lausd.example"});
  auto token_calls = std::make_shared<int>(0);
  ConnectorClient client(io.get_executor(), fast_options(fake.service_url()), counting_token(token_calls));
  const std::string service = fake.service_url();
  const ConversationReference channel{
      .service_url = service, .conversation_id = kChannel, .conversation_type = "channel"};

  // The approval card, posted to the channel.
  bot::Delivery card;
  card.channel = kChannel;
  card.message = card_message("Request R-1001 waits for you.");
  auto post = run(io, client.send(*build_delivery_call(card, channel)));
  REQUIRE(post.ok());
  REQUIRE_FALSE(post.ref.empty());

  // A reply in its thread.
  bot::Delivery reply;
  reply.channel = kChannel;
  reply.thread_ref = post.ref;
  reply.message.paragraph("Ravi endorsed it.");
  auto replied = run(io, client.send(*build_delivery_call(reply, channel)));
  REQUIRE(replied.ok());

  // The card after the decision: its buttons are gone.
  bot::Delivery update;
  update.channel = kChannel;
  update.update_ref = post.ref;
  update.message.paragraph("Request R-1001: endorsed by Ravi Patel.");
  auto updated = run(io, client.send(*build_delivery_call(update, channel)));
  REQUIRE(updated.ok());
  CHECK(updated.ref == post.ref);

  auto in_channel = fake.activities(kChannel);
  REQUIRE(in_channel.size() == 3);
  CHECK(in_channel[0].kind == FakeBotConnector::Write::post);
  CHECK(in_channel[0].conversation_id == kChannel);
  CHECK(in_channel[0].activity["attachments"][0]["content"]["version"] == "1.5");
  CHECK(in_channel[1].kind == FakeBotConnector::Write::reply);
  CHECK(in_channel[1].conversation_id == std::string(kChannel) + ";messageid=" + post.ref);
  CHECK(in_channel[1].reply_to_id == post.ref);
  CHECK(in_channel[2].kind == FakeBotConnector::Write::update);
  const json now_shown = fake.current(post.ref);
  CHECK(now_shown.dump().find("endorsed by Ravi Patel") != std::string::npos);
  CHECK(now_shown.dump().find("Action.Submit") == std::string::npos);

  // A proactive message to a person: create the personal chat, then post into it.
  auto created = run(io, client.create_conversation(
                             create_personal_conversation(service, "28:bot", "Hallpass", "29:1abc", "tenant-1")));
  REQUIRE(created.result.ok());
  CHECK(created.conversation.id == "a:fake-personal-1abc");
  REQUIRE(fake.created_conversations().size() == 1);
  CHECK(fake.created_conversations()[0].parameters["channelData"]["tenant"]["id"] == "tenant-1");
  auto dm = run(io, client.send(send_to_conversation(service, created.conversation.id, text_activity("Hello Teresa"))));
  REQUIRE(dm.ok());
  REQUIRE(fake.activities(created.conversation.id).size() == 1);
  CHECK(fake.activities(created.conversation.id)[0].activity["text"] == "Hello Teresa");

  // Who is 29:1abc in the directory? The member's e-mail and UPN say.
  auto member = run(io, client.member(get_member(service, created.conversation.id, "29:1abc")));
  REQUIRE(member.result.ok());
  CHECK(member.member.email == "t.garcia@lausd.example");
  CHECK(member.member.user_principal_name == "tgarcia@lausd.example");
  auto stranger = run(io, client.member(get_member(service, created.conversation.id, "29:nobody")));
  CHECK(stranger.result.error == bot::SendErrorKind::not_found);

  CHECK(fake.unauthorized_requests() == 0);  // every request carried the expected bearer token
  CHECK(*token_calls == static_cast<int>(fake.requests().size()));

  // A token the Connector does not accept is asked for anew and tried once more; refused again,
  // the failure is one the outbox retries later (kind server), saying the token was refused.
  fake.expect_token("rotated");
  const size_t before = fake.requests().size();
  auto refused = run(io, client.send(send_to_conversation(service, kChannel, text_activity("x"))));
  CHECK(refused.error == bot::SendErrorKind::server);
  CHECK(refused.retryable());
  CHECK(refused.error_text.find("refused a newly issued bot token") != std::string::npos);
  CHECK(refused.error_text.find("Authorization has been denied") != std::string::npos);
  CHECK(fake.requests().size() == before + 2);
  fake.stop();
}

TEST_CASE("a 429 with Retry-After: 1 is waited out, then sent once", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, kToken);
  auto token_calls = std::make_shared<int>(0);
  ConnectorClient client(io.get_executor(), fast_options(fake.service_url()), counting_token(token_calls));
  fake.fail_next("/activities", 429, 1);
  auto sent = run(io, client.send(send_to_conversation(fake.service_url(), kChannel, text_activity("after the wait"))));
  REQUIRE(sent.ok());
  auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].status == 429);
  CHECK(requests[1].status == 201);
  CHECK(requests[1].at - requests[0].at >= seconds(1));
  CHECK(fake.activities(kChannel).size() == 1);
  CHECK(*token_calls == 2);  // asked again: a retry may need a refreshed token
  fake.stop();
}

TEST_CASE("412, 502 and 504 are retried; other failures go back to the outbox", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, kToken);
  ConnectorOptions options = fast_options(fake.service_url());
  options.longest_wait = milliseconds(500);
  ConnectorClient client(io.get_executor(), options, counting_token(std::make_shared<int>(0)));
  const std::string service = fake.service_url();

  fake.fail_next("/activities", 412);
  fake.fail_next("/activities", 502);
  fake.fail_next("/activities", 504);
  auto sent = run(io, client.send(send_to_conversation(service, kChannel, text_activity("third time lucky"))));
  REQUIRE(sent.ok());
  CHECK(fake.requests().size() == 4);
  CHECK(fake.activities(kChannel).size() == 1);

  SECTION("500 and 403 are answered at once") {
    fake.fail_next("/activities", 500);
    auto server = run(io, client.send(send_to_conversation(service, kChannel, text_activity("x"))));
    CHECK(server.error == bot::SendErrorKind::server);
    CHECK(server.retryable());  // by the outbox, later
    CHECK(server.error_text.find("(operation op-") != std::string::npos);
    fake.fail_next("/activities", 403);
    auto blocked = run(io, client.send(send_to_conversation(service, kChannel, text_activity("x"))));
    CHECK(blocked.error == bot::SendErrorKind::auth);
    CHECK(blocked.error_text.find("MessageWritesBlocked") != std::string::npos);
    CHECK(fake.requests().size() == 6);
  }
  SECTION("attempts run out") {
    for (int i = 0; i < 4; ++i) fake.fail_next("/activities", 502);
    auto failed = run(io, client.send(send_to_conversation(service, kChannel, text_activity("x"))));
    CHECK(failed.error == bot::SendErrorKind::server);
    CHECK(fake.requests().size() == 4 + 4);
  }
  SECTION("a Retry-After longer than the client waits goes back to the outbox with it") {
    fake.fail_next("/activities", 429, 5);
    auto limited = run(io, client.send(send_to_conversation(service, kChannel, text_activity("x"))));
    CHECK(limited.error == bot::SendErrorKind::rate_limited);
    CHECK(limited.retry_after == seconds(5));
    CHECK(fake.requests().size() == 5);
  }
  fake.stop();
}

TEST_CASE("a service URL not on the allow-list gets no request and no token", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector trusted(io, kToken);
  FakeBotConnector other(io, kToken);
  FakeBotConnector other_region(io, kToken, "/emea");
  auto token_calls = std::make_shared<int>(0);
  ConnectorClient client(io.get_executor(), fast_options(trusted.service_url()), counting_token(token_calls));

  auto refused = run(io, client.send(send_to_conversation(other.service_url(), kChannel, text_activity("x"))));
  CHECK(refused.error == bot::SendErrorKind::auth);
  CHECK(refused.error_text.find("the token was not sent") != std::string::npos);
  CHECK(other.requests().empty());
  CHECK(*token_calls == 0);
  // Trusting …/amer/ on a host does not trust …/emea/ on it.
  const std::string emea_on_trusted_host = trusted.origin() + "/emea/";
  auto other_path = run(io, client.send(send_to_conversation(emea_on_trusted_host, kChannel, text_activity("x"))));
  CHECK(other_path.error == bot::SendErrorKind::auth);
  CHECK(trusted.requests().empty());
  CHECK(*token_calls == 0);

  // Once an activity from it was validated, it is trusted.
  CHECK((client.trust(other.service_url())).has_value());
  CHECK(client.trusted(other.service_url()));
  auto sent = run(io, client.send(send_to_conversation(other.service_url(), kChannel, text_activity("x"))));
  CHECK(sent.ok());
  CHECK(other.requests().size() == 1);
  CHECK(*token_calls == 1);
  CHECK_FALSE(client.trusted(other_region.service_url()));
  CHECK_FALSE((client.trust("http://smba.evil.example/amer/")).has_value());  // never in clear to a remote host
  trusted.stop();
  other.stop();
  other_region.stop();
}

TEST_CASE("at most 7 messages a second to one conversation, in order; others are not held up", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, kToken);
  ConnectorClient client(io.get_executor(), fast_options(fake.service_url()), counting_token(std::make_shared<int>(0)));
  const std::string service = fake.service_url();

  int finished = 0;
  std::vector<bot::SendResult> results;
  auto collect = [&](std::exception_ptr e, bot::SendResult r) {
    REQUIRE_FALSE(e);
    results.push_back(r);
    ++finished;
  };
  for (int i = 0; i < 20; ++i)
    asio::co_spawn(io, client.send(send_to_conversation(service, kChannel, text_activity("A " + std::to_string(i)))),
                   collect);
  asio::co_spawn(io, client.send(send_to_conversation(service, kOtherChannel, text_activity("B"))), collect);
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (finished < 21 && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(10));
  REQUIRE(finished == 21);
  for (const auto& r : results) CHECK(r.ok());

  auto a = fake.activities(kChannel);
  REQUIRE(a.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(a[i].activity["text"] == "A " + std::to_string(i));
  auto times = fake.write_times(kChannel);
  // No eight arrivals within one second: each is at least a second after the one seven before.
  for (size_t i = 0; i + 7 < times.size(); ++i) CHECK(times[i + 7] - times[i] >= seconds(1));
  CHECK(times.back() - times.front() >= seconds(2));
  // The other conversation's message did not wait behind the first one's pacing.
  auto b = fake.write_times(kOtherChannel);
  REQUIRE(b.size() == 1);
  CHECK(b[0] < times[7]);
  fake.stop();
}

asio::awaitable<std::string> token_of_generation(std::shared_ptr<int> generation) {
  co_return "bot-token-" + std::to_string(*generation);
}

TEST_CASE("a revoked token: the Connector's 401 brings a new token and one more try, nothing lost", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, "bot-token-1");
  // BotTokenSource's place: a reset makes the next token a new one.
  auto generation = std::make_shared<int>(1);
  int resets = 0;
  ConnectorClient client(
      io.get_executor(), fast_options(fake.service_url()), [generation] { return token_of_generation(generation); },
      [generation, &resets] {
        ++*generation;
        ++resets;
      });
  const std::string service = fake.service_url();
  CHECK(run(io, client.send(send_to_conversation(service, kChannel, text_activity("one")))).ok());
  fake.expect_token("bot-token-2");  // the first token is revoked
  auto second = run(io, client.send(send_to_conversation(service, kChannel, text_activity("two"))));
  CHECK(second.ok());
  CHECK(resets == 1);
  CHECK(fake.unauthorized_requests() == 1);
  auto a = fake.activities(kChannel);
  REQUIRE(a.size() == 2);
  CHECK(a[1].activity["text"] == "two");
  fake.stop();
}

TEST_CASE("a slow write to one conversation does not hold up another's", "[net][teams]") {
  asio::io_context io;
  FakeBotConnector fake(io, kToken);
  ConnectorClient client(io.get_executor(), fast_options(fake.service_url()), counting_token(std::make_shared<int>(0)));
  const std::string service = fake.service_url();
  // Warm: one kept-alive connection exists, as after earlier traffic.
  CHECK(run(io, client.send(send_to_conversation(service, kOtherChannel, text_activity("warm")))).ok());

  fake.hold_next("4f1c2b0d");  // conversation A's next write takes as long as the test says
  std::optional<bot::SendResult> a_result, b_result;
  asio::co_spawn(io, client.send(send_to_conversation(service, kChannel, text_activity("A"))),
                 [&](std::exception_ptr, bot::SendResult r) { a_result = r; });
  while (fake.held() == 0) io.run_one_for(milliseconds(10));
  asio::co_spawn(io, client.send(send_to_conversation(service, kOtherChannel, text_activity("B"))),
                 [&](std::exception_ptr, bot::SendResult r) { b_result = r; });
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!b_result && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(10));
  // B was written and answered while A's write was still waiting for its answer.
  REQUIRE(b_result);
  CHECK(b_result->ok());
  CHECK_FALSE(a_result);
  CHECK(fake.activities(kChannel).empty());
  CHECK(fake.activities(kOtherChannel).size() == 2);
  fake.release_held();
  while (!a_result && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(10));
  REQUIRE(a_result);
  CHECK(a_result->ok());
  CHECK(fake.activities(kChannel).size() == 1);
  fake.stop();
}
