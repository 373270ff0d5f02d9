// hallpass outbox: the messages that are not (or not surely) delivered, for the IT staff.
//
// The dispatcher's log lines point here: an entry marked `uncertain` was being sent when Hallpass
// stopped on a platform that cannot de-duplicate sends, so it is not sent again by itself; an
// entry that `failed` gave up (unknown person, no address, a refusal from the platform).
#include <iostream>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/store_open.hpp"
#include "bot/store/store.hpp"

namespace cli {

namespace {

constexpr const char* kHelp = R"(Usage: hallpass outbox [--db FILE] [--all]

Lists the messages Hallpass has not (or not surely) delivered: pending (waiting for a retry),
in flight, failed (gave up, with the reason) and uncertain (being sent when Hallpass stopped;
not sent again, so nobody gets a message twice — check with the recipient). --all also lists
the messages that were sent.
)" HALLPASS_DISTRICT_HELP;

const char* state_name(bot::OutboxState s) {
  switch (s) {
    case bot::OutboxState::pending: return "pending";
    case bot::OutboxState::in_flight: return "in flight";
    case bot::OutboxState::sent: return "sent";
    case bot::OutboxState::failed: return "failed";
    case bot::OutboxState::uncertain: return "uncertain";
  }
  return "?";
}

std::string recipient_of(const bot::Outbound& o) {
  switch (o.to.kind) {
    case bot::Recipient::Kind::person: return "person " + o.to.person_id;
    case bot::Recipient::Kind::place: return "place " + o.to.place_id;
    case bot::Recipient::Kind::reply: return o.to.platform + " " + o.to.channel;
  }
  return {};
}

std::string first_line(std::string text, std::size_t limit = 80) {
  if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  if (text.size() > limit) text = text.substr(0, limit - 1) + "…";
  return text;
}

}  // namespace

int cmd_outbox(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--db", "--district"}, {"--help", "--all"});
  if (a.has("--help")) return std::cout << kHelp, 0;
  if (!a.error.empty() || !a.positional.empty()) return std::cerr << "hallpass: " << a.error << "\n\n" << kHelp, 2;
  const std::string db = a.get("--db", "hallpass.db");
  auto store = open_store("outbox", db, bot::OpenMode::read_only, std::cerr, a.get("--district"));
  if (!store) return 1;
  int shown = 0;
  for (const auto& e : store->outbox_entries()) {
    if (e.state == bot::OutboxState::sent && !a.has("--all")) continue;
    ++shown;
    std::cout << "#" << e.id << "  " << state_name(e.state) << "  to " << recipient_of(e.outbound);
    if (!e.platform.empty()) std::cout << " (" << e.platform << " " << e.channel << ")";
    if (e.attempts > 0) std::cout << "  attempts: " << e.attempts;
    const bot::Message& m = e.outbound.message;
    std::cout << "\n    " << first_line(m.fallback.empty() ? m.plain_text() : m.fallback) << "\n";
    if (!e.last_error.empty()) std::cout << "    last error: " << e.last_error << "\n";
  }
  if (shown == 0) std::cout << (a.has("--all") ? "The outbox is empty.\n" : "Every message was delivered.\n");
  return 0;
}

}  // namespace cli
