#include "adapters/webchat/webchat_history.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "bot/model/message_json.hpp"

namespace adapters::webchat {

namespace {

using nlohmann::json;

bool is_dm_place(std::string_view place) {
  return place.size() > kDmPrefix.size() && place.substr(0, kDmPrefix.size()) == kDmPrefix;
}

bool is_place(std::string_view place) { return is_dm_place(place) || is_channel_name(place); }

// The message with a notice in front (a context line), as the reader sees why it is here.
bot::Message with_notice(bot::Message message, const std::string& notice) {
  if (notice.empty()) return message;
  bot::Block block;
  block.kind = bot::BlockKind::context;
  block.text = notice;
  message.blocks.insert(message.blocks.begin(), std::move(block));
  return message;
}

// A string member of a record; false when present with another type.
bool read(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

}  // namespace

bool is_channel_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 81 || name[0] != '#') return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

bool visible_to(const Entry& entry, std::string_view person_id) {
  if (!entry.ephemeral_user.empty() && entry.ephemeral_user != person_id) return false;
  if (is_dm_place(entry.place)) return entry.place.substr(kDmPrefix.size()) == person_id;
  return true;
}

std::string entry_record(const Entry& entry) {
  json j = {{"ref", entry.ref},
            {"place", entry.place},
            {"time_ms", std::chrono::duration_cast<std::chrono::milliseconds>(entry.time.time_since_epoch()).count()}};
  auto put = [&j](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  put("thread_ref", entry.thread_ref);
  put("thread_key", entry.thread_key);
  put("ephemeral_user", entry.ephemeral_user);
  put("author", entry.author);
  put("text", entry.text);
  put("stands_for", entry.stands_for);
  put("idempotency_key", entry.idempotency_key);
  put("event_id", entry.event_id);
  if (entry.edited) j["edited"] = true;
  if (entry.message) j["message"] = bot::message_to_json(*entry.message);
  // Replacement of invalid UTF-8 keeps a stray byte in a delivery from losing the whole record.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Entry> entry_from_record(std::string_view record) {
  json j = json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Entry e;
  if (!read(j, "ref", e.ref) || !read(j, "place", e.place) || !read(j, "thread_ref", e.thread_ref) ||
      !read(j, "thread_key", e.thread_key) || !read(j, "ephemeral_user", e.ephemeral_user) ||
      !read(j, "author", e.author) || !read(j, "text", e.text) || !read(j, "stands_for", e.stands_for) ||
      !read(j, "idempotency_key", e.idempotency_key) || !read(j, "event_id", e.event_id)) {
    return std::nullopt;
  }
  if (e.ref.empty() || !is_place(e.place)) return std::nullopt;
  if (auto t = j.find("time_ms"); t != j.end()) {
    if (!t->is_number_integer()) return std::nullopt;
    e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(t->get<std::int64_t>()));
  }
  if (auto edited = j.find("edited"); edited != j.end()) {
    if (!edited->is_boolean()) return std::nullopt;
    e.edited = edited->get<bool>();
  }
  if (auto m = j.find("message"); m != j.end() && !m->is_null()) {
    try {
      e.message = bot::message_from_json(*m);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  // An entry is either typed by a person or posted by Hallpass.
  if (e.author.empty() == !e.message.has_value()) return std::nullopt;
  return e;
}

WebchatHistory::WebchatHistory(std::string ref_prefix, std::size_t kept_per_place)
    : ref_prefix_(std::move(ref_prefix)), kept_per_place_(std::max<std::size_t>(kept_per_place, 1)) {}

Entry* WebchatHistory::resolve(std::string_view ref) {
  if (ref.empty()) return nullptr;
  if (auto it = seq_by_ref_.find(ref); it != seq_by_ref_.end()) return entries_.at(it->second).get();
  if (auto it = stand_ins_.find(ref); it != stand_ins_.end()) {
    if (auto s = seq_by_ref_.find(it->second); s != seq_by_ref_.end()) return entries_.at(s->second).get();
  }
  return nullptr;
}

boost::system::result<PostOutcome, Error> WebchatHistory::post(const bot::Delivery& delivery,
                                                               std::chrono::system_clock::time_point now) {
  std::string lost;    // the ref this delivery's new entry will stand for
  std::string notice;  // why it is posted at the top
  if (!delivery.update_ref.empty()) {
    if (Entry* entry = resolve(delivery.update_ref); entry != nullptr) {
      if (!entry->author.empty()) {
        return Error{ErrorKind::bad_request, "message " + delivery.update_ref + " was written by a person"};
      }
      entry->message = delivery.message;
      entry->edited = true;
      return PostOutcome{entry, true, false, false};
    }
    lost = delivery.update_ref;
    notice = delivery.message.notes.update_missing;
  }

  if (!delivery.idempotency_key.empty()) {
    auto it = by_idempotency_key_.find(delivery.idempotency_key);
    if (it != by_idempotency_key_.end()) {
      if (Entry* first = resolve(it->second); first != nullptr) return PostOutcome{first, false, true, false};
    }
  }

  if (!is_place(delivery.channel)) {
    return Error{ErrorKind::bad_request,
                 "web chat channel must be \"#name\" or \"dm:<person id>\", not \"" + delivery.channel + "\""};
  }
  const Entry* root = nullptr;
  if (!delivery.thread_ref.empty() && lost.empty()) {
    root = resolve(delivery.thread_ref);
    if (root == nullptr) {
      lost = delivery.thread_ref;
      notice = delivery.message.notes.thread_missing;
    } else if (root->place != delivery.channel) {
      return Error{ErrorKind::bad_request, "thread " + delivery.thread_ref + " is not in " + delivery.channel};
    }
  }

  Entry entry;
  entry.place = delivery.channel;
  // A reply to a reply goes into the same thread, as on Slack.
  if (root != nullptr) entry.thread_ref = root->thread_ref.empty() ? root->ref : root->thread_ref;
  entry.thread_key = delivery.thread_key;
  entry.ephemeral_user = delivery.ephemeral_user;
  entry.message = lost.empty() ? delivery.message : with_notice(delivery.message, notice);
  entry.time = now;
  entry.stands_for = lost;
  entry.idempotency_key = delivery.idempotency_key;
  Entry& added = append(std::move(entry));
  trim(added.place);
  return PostOutcome{&added, false, false, !lost.empty()};
}

Entry& WebchatHistory::post_user(std::string place, std::string thread_ref, std::string author, std::string text,
                                 bool ephemeral, std::chrono::system_clock::time_point now, std::string event_id) {
  Entry entry;
  entry.place = std::move(place);
  if (const Entry* root = resolve(thread_ref); root != nullptr) {
    entry.thread_ref = root->thread_ref.empty() ? root->ref : root->thread_ref;
    entry.thread_key = root->thread_key;
  }
  if (ephemeral) entry.ephemeral_user = author;
  entry.author = std::move(author);
  entry.text = std::move(text);
  entry.time = now;
  entry.event_id = std::move(event_id);
  Entry& added = append(std::move(entry));
  // The newest entry is never the one trimmed, so `added` stays valid.
  trim(added.place);
  return added;
}

std::size_t WebchatHistory::restore(const std::vector<std::string>& records) {
  std::size_t unreadable = 0;
  for (const auto& record : records) {
    auto entry = entry_from_record(record);
    if (!entry || seq_by_ref_.count(entry->ref) != 0) {
      ++unreadable;
      continue;
    }
    Entry& added = append(std::move(*entry));
    trim(added.place);
  }
  return unreadable;
}

const Entry* WebchatHistory::find(std::string_view ref) const {
  if (ref.empty()) return nullptr;
  auto it = seq_by_ref_.find(ref);
  return it == seq_by_ref_.end() ? nullptr : entries_.at(it->second).get();
}

std::string WebchatHistory::core_thread_ref(const Entry& entry) const {
  if (entry.thread_ref.empty()) return entry.stands_for.empty() ? entry.ref : entry.stands_for;
  const Entry* root = find(entry.thread_ref);
  if (root == nullptr || root->stands_for.empty()) return entry.thread_ref;
  return root->stands_for;
}

std::vector<Entry*> WebchatHistory::entries() {
  std::vector<Entry*> out;
  out.reserve(entries_.size());
  for (auto& [seq, e] : entries_) out.push_back(e.get());
  return out;
}

std::vector<const Entry*> WebchatHistory::visible_to(std::string_view person_id) const {
  std::vector<const Entry*> out;
  for (const auto& [seq, e] : entries_) {
    if (webchat::visible_to(*e, person_id)) out.push_back(e.get());
  }
  return out;
}

std::vector<std::string> WebchatHistory::channels() const { return channels_; }

Entry& WebchatHistory::append(Entry entry) {
  if (entry.ref.empty()) {
    // A restored entry of an earlier run may hold any ref; skip those.
    do {
      entry.ref = ref_prefix_ + std::to_string(next_ref_++);
    } while (seq_by_ref_.count(entry.ref) != 0 || stand_ins_.count(entry.ref) != 0);
  }
  if (!is_dm_place(entry.place) && std::find(channels_.begin(), channels_.end(), entry.place) == channels_.end()) {
    channels_.push_back(entry.place);
  }
  const std::uint64_t seq = next_seq_++;
  auto owned = std::make_unique<Entry>(std::move(entry));
  Entry& added = *owned;
  entries_.emplace(seq, std::move(owned));
  seq_by_ref_[added.ref] = seq;
  by_place_[added.place].push_back(added.ref);
  if (!added.idempotency_key.empty()) by_idempotency_key_[added.idempotency_key] = added.ref;
  // Only a message everybody in the place sees can carry a thread for everybody.
  if (!added.stands_for.empty() && added.ephemeral_user.empty()) stand_ins_[added.stands_for] = added.ref;
  return added;
}

void WebchatHistory::trim(const std::string& place) {
  auto it = by_place_.find(place);
  if (it == by_place_.end()) return;
  while (it->second.size() > kept_per_place_) {
    const std::string oldest = it->second.front();
    it->second.pop_front();
    erase(oldest);
  }
}

void WebchatHistory::erase(const std::string& ref) {
  auto s = seq_by_ref_.find(ref);
  if (s == seq_by_ref_.end()) return;
  auto e = entries_.find(s->second);
  const Entry& entry = *e->second;
  if (auto k = by_idempotency_key_.find(entry.idempotency_key); k != by_idempotency_key_.end() && k->second == ref) {
    by_idempotency_key_.erase(k);
  }
  if (auto a = stand_ins_.find(entry.stands_for); a != stand_ins_.end() && a->second == ref) {
    stand_ins_.erase(a);
  }
  entries_.erase(e);
  seq_by_ref_.erase(s);
}

}  // namespace adapters::webchat
