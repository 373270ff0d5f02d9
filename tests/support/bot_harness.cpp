#include "tests/support/bot_harness.hpp"

#include <date/tz.h>

namespace test_support {

bot::TimePoint la_time(int year, unsigned month, unsigned day, int hour, int minute) {
  auto local =
      date::local_days{date::year{year} / month / day} + std::chrono::hours{hour} + std::chrono::minutes{minute};
  return date::locate_zone("America/Los_Angeles")->to_sys(local);
}

BotHarness::BotHarness(std::string db_path, bot::TimePoint start, const bot::District* district)
    : process_({.db = std::move(db_path), .manual_start = start, .district = district}) {}

bot::HandleResult BotHarness::handle(bot::Inbound ev) {
  if (ev.platform.empty()) ev.platform = "console";
  if (ev.event_id.empty()) ev.event_id = "test-" + std::to_string(next_event_++);
  ev.time = clock().now();
  return bot().handle(ev);
}

bot::HandleResult BotHarness::command(const std::string& person, const std::string& text, const std::string& channel,
                                      const std::string& thread_ref) {
  bot::Inbound ev{.actor = person, .kind = bot::InboundKind::command, .text = text};
  ev.place = {
      .channel = channel.empty() ? "dm:" + person : channel, .thread_ref = thread_ref, .direct = channel.empty()};
  return handle(ev);
}

bot::HandleResult BotHarness::click(const std::string& person, const std::string& action, const std::string& value) {
  bot::Inbound ev{.actor = person, .kind = bot::InboundKind::action, .action_id = action, .action_value = value};
  ev.place = {.channel = "dm:" + person, .direct = true};
  return handle(ev);
}

bot::HandleResult BotHarness::submit(const std::string& person, const std::string& form_id, const std::string& context,
                                     std::map<std::string, std::string> values) {
  bot::Inbound ev{.actor = person,
                  .kind = bot::InboundKind::form_submission,
                  .form_id = form_id,
                  .form_context = context,
                  .values = std::move(values)};
  ev.place = {.channel = "dm:" + person, .direct = true};
  return handle(ev);
}

bot::HandleResult BotHarness::say(const std::string& person, const std::string& text, const std::string& channel,
                                  const std::string& thread_ref) {
  bot::Inbound ev{.actor = person, .kind = bot::InboundKind::message, .text = text};
  ev.place = {.channel = channel, .thread_ref = thread_ref, .direct = channel.starts_with("dm:")};
  return handle(ev);
}

std::string BotHarness::file_request(const std::string& person) {
  command(person, "request");
  submit(person, "request.platforms", "",
         {{"platforms", "instagram,youtube"}, {"audience", "parents,students"}, {"students_interact", "no"}});
  submit(person, "request.objectives", "",
         {{"objectives.instagram", "Share weekly class projects with families"},
          {"objectives.youtube", "Post the winter concert recordings"}});
  click(person, "confirm", "");
  auto mine = store().requests_of(person);
  if (mine.empty()) throw std::runtime_error("filing a request failed");
  return mine.back().id;
}

std::vector<Sent> BotHarness::take_sent() {
  std::vector<Sent> out;
  for (auto& e : store().outbox_entries()) {
    if (e.id <= taken_) continue;
    taken_ = e.id;
    out.push_back({e.outbound, e.outbound.message.plain_text()});
  }
  return out;
}

std::vector<Sent> BotHarness::to_person(const std::vector<Sent>& sent, const std::string& person) {
  std::vector<Sent> out;
  for (const auto& s : sent)
    if (s.outbound.to.kind == bot::Recipient::Kind::person && s.outbound.to.person_id == person) out.push_back(s);
  return out;
}

std::vector<Sent> BotHarness::to_place(const std::vector<Sent>& sent, const std::string& place) {
  std::vector<Sent> out;
  for (const auto& s : sent)
    if (s.outbound.to.kind == bot::Recipient::Kind::place && s.outbound.to.place_id == place) out.push_back(s);
  return out;
}

std::vector<Sent> BotHarness::replies_to(const std::vector<Sent>& sent, const std::string& person) {
  std::vector<Sent> out;
  for (const auto& s : sent) {
    const auto& to = s.outbound.to;
    if ((to.kind == bot::Recipient::Kind::reply && to.only_user == person) ||
        (to.kind == bot::Recipient::Kind::person && to.person_id == person && !to.platform.empty()))
      out.push_back(s);
  }
  return out;
}

bool BotHarness::any_contains(const std::vector<Sent>& sent, const std::string& needle) {
  for (const auto& s : sent)
    if (s.text.find(needle) != std::string::npos) return true;
  return false;
}

std::vector<std::string> BotHarness::audit_actions(const std::string& subject) {
  std::vector<std::string> out;
  for (const auto& e : store().audit_of(subject)) out.push_back(e.action);
  return out;
}

}  // namespace test_support
