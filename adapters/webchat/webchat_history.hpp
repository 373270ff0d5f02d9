#pragma once
// WebchatHistory: the web chat's own message store (the web chat is its own platform, so it
// keeps what Slack would keep: every message, its ref, its thread and who may see it).
//
// In memory and bounded per place: each channel and each DM keeps its newest kept_per_place
// entries. The adapter saves every change through its WebchatArchive (entry_record()) and
// restore()s them after a restart, so cards stay updatable and threads continue. A delivery whose
// thread root or updated message is no longer kept is not refused: it is posted at the top of its
// place with a notice (from the delivery's notes) and stands for the lost message from then on,
// so later replies and updates go there.
//
// Sans-I/O: the adapter posts into it and pushes what changed to the sockets that may see it.
// Not thread-safe; used on the bot's io_context thread only.
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/error.hpp"
#include "bot/model/delivery.hpp"
#include "bot/model/message.hpp"

namespace adapters::webchat {

// The address of a web chat conversation: "#name" for a channel, "dm:<person id>" for a
// person's direct conversation with Hallpass.
inline constexpr std::string_view kDmPrefix = "dm:";

// How many entries each place keeps (in memory and in the archive) unless told otherwise.
inline constexpr std::size_t kDefaultKeptPerPlace = 500;

struct Entry {
  std::string ref;                      // "w-sj3k2a7-17": unique within the process and across restarts
  std::string place;                    // "#lincoln-approvals" or "dm:t.garcia"
  std::string thread_ref;               // root ref when this is a thread reply
  std::string thread_key;               // domain thread ("R-1001"), for display
  std::string ephemeral_user;           // non-empty: only this person sees it
  std::string author;                   // empty: Hallpass; else the person id who typed it
  std::string text;                     // what a person typed (shown literally)
  std::optional<bot::Message> message;  // what Hallpass posted
  std::chrono::system_clock::time_point time{};
  bool edited = false;
  // The ref of a message no longer kept (a thread root, or a card to update) that this entry
  // took the place of: the bot core still knows the thread by that ref.
  std::string stands_for;
  std::string idempotency_key;  // the delivery's: a retry after a restart finds this entry
  std::string event_id;         // typed by a person: the browser's event id (a resend is not shown twice)
  // The entry as the browser sees it (webchat_protocol's entry_json), built once per change and
  // shared by every socket it is pushed to. Not saved.
  std::shared_ptr<const std::string> json;
};

struct PostOutcome {
  Entry* entry = nullptr;  // the new or replaced entry (the caller refreshes its json)
  bool replaced = false;   // update_ref applied
  bool repeated = false;   // same idempotency_key as an earlier post: nothing changed
  // Posted at the top of its place with a notice, because its thread root or the message it
  // updates is no longer kept (entry->stands_for names it). The caller logs it.
  bool stands_in = false;
};

class WebchatHistory {
 public:
  // ref_prefix makes refs unique across restarts of the process ("w-sj3k2a7-"); a ref that a
  // restored entry already has is skipped. kept_per_place bounds memory per channel and DM.
  explicit WebchatHistory(std::string ref_prefix, std::size_t kept_per_place = kDefaultKeptPerPlace);

  // Applies one delivery: a new message, a thread reply, an ephemeral message or the replacement
  // of an earlier one (update_ref). Refuses a channel that is neither "#name" nor "dm:<id>", the
  // update of a message a person typed and a thread root that is in another place. A thread root
  // or update_ref that is not kept any more gives a new entry at the top that stands for it.
  boost::system::result<PostOutcome, Error> post(const bot::Delivery& delivery,
                                                 std::chrono::system_clock::time_point now);
  // Records what a person typed. ephemeral: only the author sees it (the echo of a command).
  Entry& post_user(std::string place, std::string thread_ref, std::string author, std::string text, bool ephemeral,
                   std::chrono::system_clock::time_point now, std::string event_id = {});
  // Puts back entries saved with entry_record(), oldest first (after a restart), each place
  // bounded as usual. Returns how many records were unreadable (they are skipped).
  std::size_t restore(const std::vector<std::string>& records);

  const Entry* find(std::string_view ref) const;
  // The ref the bot core knows the entry's thread by: its root's ref, or the lost root that the
  // root stands for. An entry that is a root gives its own.
  std::string core_thread_ref(const Entry& entry) const;
  // Every entry, oldest first.
  std::vector<Entry*> entries();
  // Entries the person may see, oldest first.
  std::vector<const Entry*> visible_to(std::string_view person_id) const;
  // Channels that have received at least one message ("#name").
  std::vector<std::string> channels() const;
  std::size_t size() const { return entries_.size(); }

 private:
  Entry* resolve(std::string_view ref);  // the entry, or the one standing for a lost ref
  Entry& append(Entry entry);
  void trim(const std::string& place);
  void erase(const std::string& ref);

  std::string ref_prefix_;
  std::size_t kept_per_place_;
  std::uint64_t next_ref_ = 1;
  std::uint64_t next_seq_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Entry>> entries_;  // by arrival: oldest first
  std::map<std::string, std::uint64_t, std::less<>> seq_by_ref_;
  std::map<std::string, std::deque<std::string>, std::less<>> by_place_;  // refs, oldest first
  std::map<std::string, std::string, std::less<>> by_idempotency_key_;    // key → ref
  std::map<std::string, std::string, std::less<>> stand_ins_;             // lost ref → ref
  std::vector<std::string> channels_;                                     // in order of first message
};

// The entry as one JSON record for the archive (everything but its browser JSON), and back.
// entry_from_record() refuses anything malformed, or without a ref and a place, with nullopt.
std::string entry_record(const Entry& entry);
std::optional<Entry> entry_from_record(std::string_view record);

// May this person see this entry? Channels are public to the district's staff (as the sidebar
// lists every one); a DM only to its person; an ephemeral entry only to its user.
bool visible_to(const Entry& entry, std::string_view person_id);

// True for "#name" with name made of lowercase letters, digits, '-' and '_' (1–80 characters).
bool is_channel_name(std::string_view name);

}  // namespace adapters::webchat
