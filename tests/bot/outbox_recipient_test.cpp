// How the outbox dispatcher addresses a message to a person: their platform id from the
// directory when there is one, else their email on a platform that can look people up by email.
// The adapter here is a recording platform (the dispatcher is what is under test).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "bot/core/outbox_dispatcher.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/store_backends.hpp"

namespace {

class RecordingPlatform final : public bot::Adapter {
 public:
  RecordingPlatform(std::string name, bool by_email) : name_(std::move(name)), by_email_(by_email) {}
  std::string_view platform() const override { return name_; }
  boost::asio::awaitable<void> run(bot::EventSink&) override { co_return; }
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery d) override {
    channels.push_back(d.channel);
    notes.push_back(d.message.notes);
    co_return bot::SendResult{.ref = "m" + std::to_string(channels.size())};
  }
  bool reaches_by_email() const override { return by_email_; }
  std::vector<std::string> channels;
  std::vector<bot::PlatformNotes> notes;

 private:
  std::string name_;
  bool by_email_;
};

// The sample district with one person's Slack id removed, so only their email is known.
bot::DistrictConfig config_without_slack_id(const std::string& person_id) {
  bot::DistrictConfig config = test_support::sample_district().config;
  for (auto& p : config.people)
    if (p.id == person_id) p.handles.erase("slack");
  return config;
}

std::vector<bot::OutboxEntry> deliver_one(const test_support::StoreBackend& backend, const bot::DistrictConfig& config,
                                          RecordingPlatform& platform, const std::string& person_id,
                                          const bot::Prompts* prompts = nullptr) {
  auto store = backend.open();
  bot::ManualClock clock(test_support::la_time(2026, 11, 24, 10));
  boost::asio::io_context io;
  bot::OutboxDispatcher dispatcher(io.get_executor(), *store, config, clock);
  dispatcher.add_adapter(platform);
  if (prompts) dispatcher.use_prompts(*prompts);
  bot::Outbound o;
  o.to = bot::Recipient::person(person_id);
  o.message.fallback = "Your request R-1001 was approved.";
  store->enqueue(o, clock.now());
  auto done = boost::asio::co_spawn(io, dispatcher.drain(), boost::asio::use_future);
  io.run();
  done.get();
  return store->outbox_entries();
}

}  // namespace

STORE_TEST_CASE("a person known only by email is reached on a platform that looks people up by email", "[outbox]") {
  auto config = config_without_slack_id("t.garcia");
  RecordingPlatform slack("slack", /*by_email=*/true);
  auto entries = deliver_one(backend, config, slack, "t.garcia");
  REQUIRE(slack.channels == std::vector<std::string>{"email:" + config.person("t.garcia")->email});
  CHECK(entries.at(0).state == bot::OutboxState::sent);
}

STORE_TEST_CASE("a person's platform id is preferred to their email", "[outbox]") {
  bot::DistrictConfig config = test_support::sample_district().config;
  for (auto& p : config.people)
    if (p.id == "t.garcia") p.handles["slack"] = "U0TGARCIA";
  RecordingPlatform slack("slack", /*by_email=*/true);
  deliver_one(backend, config, slack, "t.garcia");
  CHECK(slack.channels == std::vector<std::string>{"dm:U0TGARCIA"});
}

STORE_TEST_CASE("without an id or an email lookup, the message fails and says what to add", "[outbox]") {
  auto config = config_without_slack_id("t.garcia");
  RecordingPlatform slack("slack", /*by_email=*/false);
  auto entries = deliver_one(backend, config, slack, "t.garcia");
  CHECK(slack.channels.empty());
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].state == bot::OutboxState::failed);
  CHECK_THAT(entries[0].last_error, Catch::Contains("platform id or email"));
}

TEST_CASE("what an adapter adds itself (a shortened message, a form that did not open) is in the reader's language",
          "[outbox]") {
  const bot::District& district = test_support::sample_district();
  RecordingPlatform slack("slack", /*by_email=*/true);
  deliver_one(test_support::StoreBackend::sqlite(), district.config, slack, "l.morales",
              &district.prompts);  // language: es
  deliver_one(test_support::StoreBackend::sqlite(), district.config, slack, "t.garcia",
              &district.prompts);  // language: en
  REQUIRE(slack.notes.size() == 2);
  CHECK(slack.notes[0].form_not_opened == district.prompts.text("es", "platform.form_not_opened"));
  CHECK(slack.notes[0].shortened == district.prompts.text("es", "platform.shortened"));
  CHECK_THAT(slack.notes[0].form_not_opened, Catch::StartsWith("No se pudo abrir el formulario"));
  CHECK_THAT(slack.notes[1].form_not_opened, Catch::StartsWith("The form could not be opened"));
}
