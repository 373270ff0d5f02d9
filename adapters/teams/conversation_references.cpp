#include "adapters/teams/conversation_references.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cctype>

#include "adapters/common/text.hpp"

namespace adapters::teams {

namespace {

using adapters::text::lower;

constexpr std::string_view kUser = "teams.ref.user.";
constexpr std::string_view kEmail = "teams.ref.email.";
constexpr std::string_view kChannel = "teams.ref.channel.";
constexpr std::string_view kEmailOf = "teams.email.";
constexpr std::string_view kLatest = "teams.ref.last";

std::string key(std::string_view prefix, std::string_view id) { return std::string(prefix) + std::string(id); }

// A channel's reference is kept for the channel itself, never for one thread inside it.
ConversationReference without_thread(ConversationReference r) {
  r.conversation_id = split_conversation_id(r.conversation_id).base;
  return r;
}

}  // namespace

ReferenceBook::ReferenceBook(ConversationReferences storage) : storage_(std::move(storage)) {}

std::optional<std::string> ReferenceBook::read(const std::string& k) {
  if (auto it = cache_.find(k); it != cache_.end()) return it->second;
  std::optional<std::string> value = storage_.load ? storage_.load(k) : std::nullopt;
  cache_[k] = value;  // a miss too: unknown people are asked about on every message
  return value;
}

void ReferenceBook::write(const std::string& k, const std::string& value) {
  if (auto current = read(k); current && *current == value) return;
  if (storage_.save) storage_.save(k, value);
  cache_[k] = value;
}

std::optional<ConversationReference> ReferenceBook::reference_at(const std::string& k) {
  auto value = read(k);
  if (!value || value->empty()) return std::nullopt;
  auto parsed = reference_from_json(*value);
  if (!parsed) {
    spdlog::warn("teams: the saved reference {} is unreadable ({}); it is ignored", k, parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

void ReferenceBook::remember(const ConversationReference& reference) {
  const ConversationReference r = without_thread(reference);
  const std::string json = reference_to_json(r);
  if (r.personal()) {
    if (r.user_id.empty()) return;
    write(key(kUser, r.user_id), json);
    if (auto email = email_of(r.user_id); email && !email->empty()) write(key(kEmail, lower(*email)), json);
  } else {
    write(key(kChannel, r.conversation_id), json);
  }
  write(std::string(kLatest), json);
}

void ReferenceBook::forget(const ConversationReference& reference) {
  const ConversationReference r = without_thread(reference);
  if (r.personal()) {
    if (r.user_id.empty()) return;
    write(key(kUser, r.user_id), "");
    if (auto email = email_of(r.user_id); email && !email->empty()) write(key(kEmail, lower(*email)), "");
  } else {
    write(key(kChannel, r.conversation_id), "");
  }
}

void ReferenceBook::remember_email(const ConversationReference& personal, std::string_view email) {
  if (email.empty() || !personal.personal()) return;
  write(key(kEmail, lower(email)), reference_to_json(personal));
}

std::optional<ConversationReference> ReferenceBook::personal_chat(std::string_view user_id) {
  return reference_at(key(kUser, user_id));
}

std::optional<ConversationReference> ReferenceBook::personal_chat_by_email(std::string_view email) {
  return reference_at(key(kEmail, lower(email)));
}

std::optional<ConversationReference> ReferenceBook::conversation(std::string_view conversation_id) {
  return reference_at(key(kChannel, split_conversation_id(conversation_id).base));
}

std::optional<ConversationReference> ReferenceBook::latest() { return reference_at(std::string(kLatest)); }

std::optional<std::string> ReferenceBook::email_of(std::string_view user_id) { return read(key(kEmailOf, user_id)); }

void ReferenceBook::set_email_of(std::string_view user_id, std::string_view email) {
  write(key(kEmailOf, user_id), std::string(email));
}

}  // namespace adapters::teams
