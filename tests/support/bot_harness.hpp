#pragma once
// A bot over the sample district, a SQLite file and a manual clock (a test Process, wired as the
// product wires it, never started), with helpers that play people: commands, button presses, form
// submissions, thread messages. Messages are read back from the outbox, the way the dispatcher
// would deliver them.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/core/bot.hpp"
#include "bot/district/district.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_process.hpp"

namespace test_support {

// Nov 24 2026, 10:00 in Los Angeles (a Tuesday; the policy's seven days end Tue Dec 1).
bot::TimePoint la_time(int year, unsigned month, unsigned day, int hour, int minute = 0);

struct Sent {
  bot::Outbound outbound;
  std::string text;  // plain text of the message
};

class BotHarness {
 public:
  // db_path empty: a file of the harness's own, removed with it.
  // district: another district than the sample (which must outlive the harness).
  explicit BotHarness(std::string db_path = {}, bot::TimePoint start = la_time(2026, 11, 24, 10),
                      const bot::District* district = nullptr);

  bot::Store& store() { return process_.store(); }
  bot::ManualClock& clock() { return process_.manual_clock(); }
  bot::Bot& bot() { return process_.bot(); }
  // A new Bot over the same store, as after a restart.
  void restart() { process_.restart(); }

  bot::HandleResult command(const std::string& person, const std::string& text, const std::string& channel = {},
                            const std::string& thread_ref = {});
  bot::HandleResult click(const std::string& person, const std::string& action, const std::string& value);
  bot::HandleResult submit(const std::string& person, const std::string& form_id, const std::string& context,
                           std::map<std::string, std::string> values);
  bot::HandleResult say(const std::string& person, const std::string& text, const std::string& channel,
                        const std::string& thread_ref = {});
  bot::HandleResult handle(bot::Inbound ev);

  // Files a request for Instagram and YouTube as `person`, returns its id.
  std::string file_request(const std::string& person);

  // Everything written to the outbox since the last call.
  std::vector<Sent> take_sent();
  // Messages (since the last take) to a person's DM, to a place, or as replies to an actor.
  static std::vector<Sent> to_person(const std::vector<Sent>& sent, const std::string& person);
  static std::vector<Sent> to_place(const std::vector<Sent>& sent, const std::string& place);
  static std::vector<Sent> replies_to(const std::vector<Sent>& sent, const std::string& person);
  static bool any_contains(const std::vector<Sent>& sent, const std::string& needle);
  std::vector<std::string> audit_actions(const std::string& subject);

 private:
  Process process_;
  std::int64_t taken_ = 0;
  int next_event_ = 1;
};

}  // namespace test_support
