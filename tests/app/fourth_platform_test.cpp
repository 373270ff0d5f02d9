// A fourth platform, added the way a new adapter is: its registration (rules and make) beside the
// built-in ones, nothing else. The district file then accepts its section, its handles and its
// channels, judges them by its rules, and the real runtime routes its events and delivers the
// replies through it.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/common/setting_checks.hpp"
#include "app/adapter_registry.hpp"
#include "app/runtime.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace asio = boost::asio;

// A pager network: people are "p-<name>", channels "ch-<name>". In memory: it hands the runtime
// the events queued before run() and keeps what the runtime sends.
class PagerAdapter final : public bot::Adapter {
 public:
  std::vector<bot::Inbound> to_receive;
  std::vector<bot::Delivery> sent;
  std::function<void()> after_events;  // called once the events were handled and answered

  std::string_view platform() const override { return "pager"; }
  asio::awaitable<void> run(bot::EventSink& sink) override {
    for (const auto& event : to_receive) {
      sink.handle(event);
      co_await sink.drained();
    }
    if (after_events) after_events();
  }
  asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override {
    sent.push_back(std::move(delivery));
    bot::SendResult r;
    r.ref = "pg-" + std::to_string(sent.size());
    co_return r;
  }
};

PagerAdapter* made_pager = nullptr;

adapters::AdapterRegistration pager_registration() {
  adapters::AdapterRegistration r;
  r.rules.name = "pager";
  r.rules.check_settings = [](const bot::SettingMap& s) {
    static const adapters::settings::AdapterSettingRules rules{"pager", "pager", {"greeting"}, {}};
    return adapters::settings::check_settings(rules, s);
  };
  r.rules.handle_problem = [](std::string_view v) -> std::string {
    return v.starts_with("p-") ? "" : "is not a pager id: those start with p-";
  };
  r.rules.address_problem = [](std::string_view v) -> std::string {
    return v.starts_with("ch-") ? "" : "is not a pager channel: those start with ch-";
  };
  r.priority = 5;
  r.make = [](adapters::AdapterStart& start) -> std::unique_ptr<bot::Adapter> {
    auto pager = std::make_unique<PagerAdapter>();
    made_pager = pager.get();
    start.out << "Hallpass on the pager network" << std::endl;
    return pager;
  };
  return r;
}

app::Registry with_pager() {
  app::Registry registry = app::adapter_registry();
  registry.push_back(pager_registration());  // the one registry line
  return registry;
}

const std::vector<std::pair<std::string, std::string>> kPagerDistrict = {
    {"adapters:\n", "adapters:\n  pager: { enabled: true, greeting: hello }\n"},
    {"roles: [employee], site: lincoln, supervisor: r.alvarez }",
     "roles: [employee], site: lincoln, supervisor: r.alvarez, handles: { pager: p-tgarcia } }"},
    {"approvals: { web: \"#lincoln-approvals\" }", "approvals: { web: \"#lincoln-approvals\", pager: ch-lincoln }"},
};

}  // namespace

TEST_CASE("a fourth platform: the district file names it, and its rules judge what is written there",
          "[unit][registry]") {
  const auto registry = with_pager();
  std::ostringstream errors;
  SECTION("its section, handles and channels are accepted") {
    auto file = test_support::sample_config_variant("pager-ok", kPagerDistrict);
    auto district = app::load_district(file, errors, registry);
    INFO(errors.str());
    REQUIRE(district);
    REQUIRE(district->config.person_by_handle("pager", "p-tgarcia") != nullptr);
    REQUIRE(district->config.person_by_handle("pager", "p-tgarcia")->id == "t.garcia");
  }
  SECTION("without its registration the same file is refused") {
    auto file = test_support::sample_config_variant("pager-unknown", kPagerDistrict);
    REQUIRE_FALSE(app::load_district(file, errors));
    REQUIRE(errors.str().find("pager") != std::string::npos);
  }
  SECTION("a mistyped setting, a handle and a channel not in its form are each told, by line") {
    auto edits = kPagerDistrict;
    edits[0].second = "adapters:\n  pager: { enabled: true, greting: hello }\n";
    edits[1].second = "roles: [employee], site: lincoln, supervisor: r.alvarez, handles: { pager: tgarcia } }";
    edits[2].second = "approvals: { web: \"#lincoln-approvals\", pager: lincoln }";
    auto file = test_support::sample_config_variant("pager-bad", edits);
    REQUIRE_FALSE(app::load_district(file, errors, registry));
    const std::string told = errors.str();
    INFO(told);
    REQUIRE(told.find(":" + std::to_string(test_support::line_of(file, "greting")) +
                      ": adapters.pager.greting is not a pager setting; did you mean greeting?") != std::string::npos);
    REQUIRE(told.find("\"tgarcia\" is not a pager id: those start with p-") != std::string::npos);
    REQUIRE(told.find("\"lincoln\" is not a pager channel: those start with ch-") != std::string::npos);
  }
}

TEST_CASE("a fourth platform: the runtime routes its events and answers through it", "[net][registry]") {
  const auto registry = with_pager();
  test_support::TempDir dir("pager-run");
  std::ostringstream errors, out;
  auto district =
      app::load_district(test_support::sample_config_variant("pager-run", kPagerDistrict), errors, registry);
  INFO(errors.str());
  REQUIRE(district);
  auto store = bot::open_sqlite_store(dir.file("hallpass.db"));
  bot::SystemClock clock;
  asio::io_context io;
  bot::Runtime runtime(io, *district, *store, clock);
  // The sample's web chat is on too: on a port the OS picks, on this machine only.
  app::AdapterOverrides overrides{.web = {{"port", "0"}, {"listen", "127.0.0.1"}}};
  auto made = app::make_adapters(io, *district, *store, overrides, out, errors, registry);
  INFO(errors.str());
  REQUIRE(made);
  REQUIRE(made->size() == 2);
  // First by its priority: a person with a pager handle is written to there.
  REQUIRE(made->front()->platform() == "pager");
  REQUIRE(out.str().starts_with("Hallpass on the pager network\n"));
  bot::Inbound help;
  help.platform = "pager";
  help.event_id = "pg-evt-1";
  help.kind = bot::InboundKind::command;
  help.actor = "p-tgarcia";
  help.text = "help";
  help.place.channel = "dm:p-tgarcia";
  help.place.direct = true;
  made_pager->to_receive.push_back(help);
  made_pager->after_events = [&runtime] { runtime.shut_down(std::chrono::seconds(5)); };
  for (auto& adapter : *made) runtime.add_adapter(*adapter);
  runtime.run(false);
  REQUIRE(made_pager->sent.size() == 1);
  const auto& reply = made_pager->sent.front();
  CHECK(reply.channel == "dm:p-tgarcia");
  CHECK(reply.message.plain_text().find("/socialmedia request") != std::string::npos);
}
