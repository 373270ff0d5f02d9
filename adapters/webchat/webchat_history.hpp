#pragma once
// WebchatHistory: the web chat's own message store, in memory (the web chat is its own platform,
// so it keeps what Slack would keep: every message, its ref, its thread and who may see it).
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

#include "bot/delivery.hpp"
#include "bot/message.hpp"

namespace adapters::webchat {

// The address of a web chat conversation: "#name" for a channel, "dm:<person id>" for a
// person's direct conversation with Hallpass.
inline constexpr std::string_view kDmPrefix = "dm:";

struct Entry {
  std::string ref;             // "w-sj3k2a-17": unique within the process and across restarts
  std::string place;           // "#lincoln-approvals" or "dm:t.garcia"
  std::string thread_ref;      // root ref when this is a thread reply
  std::string thread_key;      // domain thread ("R-1001"), for display
  std::string ephemeral_user;  // non-empty: only this person sees it
  std::string author;          // empty: Hallpass; else the person id who typed it
  std::string text;            // what a person typed (shown literally)
  std::optional<bot::Message> message;  // what Hallpass posted
  std::chrono::system_clock::time_point time{};
  bool edited = false;
  // The entry as the browser sees it (webchat_protocol's entry_json), built once per change and
  // shared by every socket it is pushed to.
  std::shared_ptr<const std::string> json;
};

// Why a post was refused: maps onto bot::SendErrorKind.
struct PostError {
  bot::SendErrorKind kind = bot::SendErrorKind::bad_request;
  std::string text;
};

// What result<T, PostError>::value() throws on an error: std::runtime_error(text).
[[noreturn]] void throw_exception_from_error(const PostError& error,
                                             const boost::source_location& location);

struct PostOutcome {
  Entry* entry = nullptr;  // the new or replaced entry (the caller refreshes its json)
  bool replaced = false;   // update_ref applied
  bool repeated = false;   // same idempotency_key as an earlier post: nothing changed
};

class WebchatHistory {
 public:
  // ref_prefix makes refs unique across restarts of the process ("w-sj3k2a-").
  // max_entries bounds memory: the oldest entries are forgotten past it.
  explicit WebchatHistory(std::string ref_prefix, std::size_t max_entries = 20000);

  // Applies one delivery: a new message, a thread reply, an ephemeral message or the replacement
  // of an earlier one (update_ref). Refuses a channel that is neither "#name" nor "dm:<id>", an
  // unknown update_ref (not_found) and a thread root that is not in the same place.
  boost::system::result<PostOutcome, PostError> post(const bot::Delivery& delivery,
                                                     std::chrono::system_clock::time_point now);
  // Records what a person typed. ephemeral: only the author sees it (the echo of a command).
  Entry& post_user(std::string place, std::string thread_ref, std::string author, std::string text,
                   bool ephemeral, std::chrono::system_clock::time_point now);

  const Entry* find(std::string_view ref) const;
  // Entries the person may see, oldest first.
  std::vector<const Entry*> visible_to(std::string_view person_id) const;
  // Channels that have received at least one message ("#name").
  std::vector<std::string> channels() const;
  std::size_t size() const { return entries_.size(); }

 private:
  Entry& append(Entry entry);
  void trim();

  std::string ref_prefix_;
  std::size_t max_entries_;
  std::uint64_t next_ = 1;
  std::deque<std::unique_ptr<Entry>> entries_;  // stable addresses; oldest first
  std::map<std::string, Entry*, std::less<>> by_ref_;
  std::map<std::string, std::string, std::less<>> by_idempotency_key_;  // key → ref
  std::vector<std::string> channels_;                                   // in order of first message
};

// May this person see this entry? Channels are public to the district's staff (as the sidebar
// lists every one); a DM only to its person; an ephemeral entry only to its user.
bool visible_to(const Entry& entry, std::string_view person_id);

// True for "#name" with name made of lowercase letters, digits, '-' and '_' (1–80 characters).
bool is_channel_name(std::string_view name);

}  // namespace adapters::webchat
