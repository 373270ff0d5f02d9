// The console adapter's line decoder on mutated transcripts: every line becomes an event for the
// core or a console answer, whatever bytes it holds. The sink answers each event with a card and
// a form, as the bot would, so "@click" and "@form" lines find something to press.
#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "adapters/console/console_adapter.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

bot::Delivery answer(int n) {
  bot::Delivery d;
  d.channel = n % 2 ? "dm:t.garcia" : "#lincoln-approvals";
  d.thread_key = "R-1001";
  d.message.header("Social media request R-1001")
      .buttons({{"endorse", "Endorse", "R-1001"}, {"confirm", "Confirm", ""}});
  bot::Form f{.form_id = "request.platforms", .context = "R-1001", .title = "Request", .submit_label = "Next"};
  f.inputs.push_back({.key = "platforms",
                      .label = "Platforms",
                      .kind = bot::InputKind::multi_choice,
                      .choices = {{"instagram", "Instagram"}}});
  d.message.form(f);
  return d;
}

class AnsweringSink final : public bot::EventSink {
 public:
  explicit AnsweringSink(adapters::console::ConsoleAdapter& adapter) : adapter_(adapter) {}

  bot::HandleResult handle(const bot::Inbound& event) override {
    if (problem.empty()) problem = fuzz::inbound_problem(event, "console");
    ++events_;
    return {};
  }
  boost::asio::awaitable<void> drained() override {
    if (answered_ < events_) {
      answered_ = events_;
      co_await adapter_.send(answer(events_));
    }
  }

  std::string problem;

 private:
  adapters::console::ConsoleAdapter& adapter_;
  int events_ = 0;
  int answered_ = 0;
};

}  // namespace

TEST_CASE("fuzz: console lines", "[fuzz][console]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("console")});
  REQUIRE(seeds.size() >= 2);
  auto report = fuzz::run(seeds, fuzz::scaled(10000), [](std::string_view transcript) -> std::string {
    std::istringstream in{std::string(transcript)};
    std::ostringstream out;
    adapters::console::ConsoleAdapter adapter(in, out, "t.garcia");
    AnsweringSink sink(adapter);
    boost::asio::io_context io;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, adapter.run(sink), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return sink.problem;
  });
  INFO(report.first_failure);
  CHECK(report.failures == 0);
}
