#include "adapters/webchat/webchat_history.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace adapters::webchat {

namespace {

bool is_dm_place(std::string_view place) {
  return place.size() > kDmPrefix.size() && place.substr(0, kDmPrefix.size()) == kDmPrefix;
}

}  // namespace

void throw_exception_from_error(const PostError& error, const boost::source_location&) {
  throw std::runtime_error(error.text);
}

bool is_channel_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 81 || name[0] != '#') return false;
  return std::all_of(name.begin() + 1, name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool visible_to(const Entry& entry, std::string_view person_id) {
  if (!entry.ephemeral_user.empty() && entry.ephemeral_user != person_id) return false;
  if (is_dm_place(entry.place)) return entry.place.substr(kDmPrefix.size()) == person_id;
  return true;
}

WebchatHistory::WebchatHistory(std::string ref_prefix, std::size_t max_entries)
    : ref_prefix_(std::move(ref_prefix)), max_entries_(std::max<std::size_t>(max_entries, 1)) {}

boost::system::result<PostOutcome, PostError> WebchatHistory::post(
    const bot::Delivery& delivery, std::chrono::system_clock::time_point now) {
  if (!delivery.update_ref.empty()) {
    auto it = by_ref_.find(delivery.update_ref);
    if (it == by_ref_.end()) {
      return PostError{bot::SendErrorKind::not_found,
                       "no web chat message " + delivery.update_ref + " to update"};
    }
    Entry& entry = *it->second;
    if (!entry.author.empty()) {
      return PostError{bot::SendErrorKind::bad_request,
                       "message " + delivery.update_ref + " was written by a person"};
    }
    entry.message = delivery.message;
    entry.edited = true;
    return PostOutcome{&entry, true, false};
  }

  if (!delivery.idempotency_key.empty()) {
    auto it = by_idempotency_key_.find(delivery.idempotency_key);
    if (it != by_idempotency_key_.end()) {
      if (auto ref = by_ref_.find(it->second); ref != by_ref_.end()) {
        return PostOutcome{ref->second, false, true};
      }
    }
  }

  const bool dm = is_dm_place(delivery.channel);
  if (!dm && !is_channel_name(delivery.channel)) {
    return PostError{bot::SendErrorKind::bad_request,
                     "web chat channel must be \"#name\" or \"dm:<person id>\", not \"" +
                         delivery.channel + "\""};
  }
  if (!delivery.thread_ref.empty()) {
    const Entry* root = find(delivery.thread_ref);
    if (root == nullptr) {
      return PostError{bot::SendErrorKind::not_found, "no web chat thread " + delivery.thread_ref};
    }
    if (root->place != delivery.channel) {
      return PostError{bot::SendErrorKind::bad_request,
                       "thread " + delivery.thread_ref + " is not in " + delivery.channel};
    }
  }

  Entry entry;
  entry.place = delivery.channel;
  // A reply to a reply goes into the same thread, as on Slack.
  if (const Entry* root = find(delivery.thread_ref); root != nullptr) {
    entry.thread_ref = root->thread_ref.empty() ? root->ref : root->thread_ref;
  }
  entry.thread_key = delivery.thread_key;
  entry.ephemeral_user = delivery.ephemeral_user;
  entry.message = delivery.message;
  entry.time = now;
  Entry& added = append(std::move(entry));
  if (!delivery.idempotency_key.empty()) by_idempotency_key_[delivery.idempotency_key] = added.ref;
  trim();
  return PostOutcome{&added, false, false};
}

Entry& WebchatHistory::post_user(std::string place, std::string thread_ref, std::string author,
                                 std::string text, bool ephemeral,
                                 std::chrono::system_clock::time_point now) {
  Entry entry;
  entry.place = std::move(place);
  if (const Entry* root = find(thread_ref); root != nullptr) {
    entry.thread_ref = root->thread_ref.empty() ? root->ref : root->thread_ref;
    entry.thread_key = root->thread_key;
  }
  if (ephemeral) entry.ephemeral_user = author;
  entry.author = std::move(author);
  entry.text = std::move(text);
  entry.time = now;
  Entry& added = append(std::move(entry));
  trim();
  return added;
}

const Entry* WebchatHistory::find(std::string_view ref) const {
  if (ref.empty()) return nullptr;
  auto it = by_ref_.find(ref);
  return it == by_ref_.end() ? nullptr : it->second;
}

std::vector<const Entry*> WebchatHistory::visible_to(std::string_view person_id) const {
  std::vector<const Entry*> out;
  for (const auto& e : entries_) {
    if (webchat::visible_to(*e, person_id)) out.push_back(e.get());
  }
  return out;
}

std::vector<std::string> WebchatHistory::channels() const { return channels_; }

Entry& WebchatHistory::append(Entry entry) {
  entry.ref = ref_prefix_ + std::to_string(next_++);
  if (!is_dm_place(entry.place) &&
      std::find(channels_.begin(), channels_.end(), entry.place) == channels_.end()) {
    channels_.push_back(entry.place);
  }
  auto owned = std::make_unique<Entry>(std::move(entry));
  Entry& added = *owned;
  entries_.push_back(std::move(owned));
  by_ref_[added.ref] = &added;
  return added;
}

void WebchatHistory::trim() {
  while (entries_.size() > max_entries_) {
    by_ref_.erase(entries_.front()->ref);
    entries_.pop_front();
  }
  // The idempotency keys only guard retries of recent sends; keep them bounded too.
  if (by_idempotency_key_.size() > max_entries_) {
    for (auto it = by_idempotency_key_.begin(); it != by_idempotency_key_.end();) {
      if (by_ref_.count(it->second) == 0) {
        it = by_idempotency_key_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace adapters::webchat
