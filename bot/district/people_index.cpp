#include "bot/district/people_index.hpp"

#include <algorithm>

#include "bot/district/config.hpp"

namespace bot {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Platform and handle joined by a byte neither may contain.
std::string handle_key(std::string_view platform, std::string_view handle) {
  std::string key(platform);
  key += '\0';
  key += handle;
  return key;
}

}  // namespace

void PeopleIndex::refresh(const std::vector<Person>& people) const {
  if (built_ && built_over_ == people.data() && built_size_ == people.size()) return;
  ids_.clear();
  handles_.clear();
  emails_.clear();
  ids_.reserve(people.size());
  emails_.reserve(people.size());
  // The first person wins on a duplicate, as the scans this replaces did (the loader refuses
  // duplicates, so only a hand-built config can have them).
  for (size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    ids_.try_emplace(p.id, i);
    for (const auto& [platform, handle] : p.handles) handles_.try_emplace(handle_key(platform, handle), i);
    if (!p.email.empty()) emails_.try_emplace(lower_ascii(p.email), i);
  }
  built_over_ = people.data();
  built_size_ = people.size();
  built_ = true;
}

const Person* PeopleIndex::find(const std::vector<Person>& people, const Map& map, std::string_view key) const {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &people[it->second];
}

const Person* PeopleIndex::by_id(const std::vector<Person>& people, std::string_view id) const {
  std::lock_guard lock(mutex_);
  refresh(people);
  const Person* p = find(people, ids_, id);
  // A person whose id was changed in place after the index was built is not found by its old id.
  return p && p->id == id ? p : nullptr;
}

const Person* PeopleIndex::by_handle(const std::vector<Person>& people, std::string_view platform,
                                     std::string_view handle) const {
  std::lock_guard lock(mutex_);
  refresh(people);
  const Person* p = find(people, handles_, handle_key(platform, handle));
  if (!p) return nullptr;
  auto h = p->handles.find(std::string(platform));
  return h != p->handles.end() && h->second == handle ? p : nullptr;
}

const Person* PeopleIndex::by_email(const std::vector<Person>& people, std::string_view email) const {
  if (email.empty()) return nullptr;
  std::lock_guard lock(mutex_);
  refresh(people);
  return find(people, emails_, lower_ascii(email));
}

}  // namespace bot
