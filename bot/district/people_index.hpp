#pragma once
// The directory's look-ups by id, by platform handle and by e-mail, in constant time: a county
// directory holds up to a million people, and a linear scan cost about 0.16 s per look-up there.
// The index refers to people by position. It starts empty whenever the config holding it is
// copied or moved (a reload, a test's copy), and notices when the list it was built over has been
// replaced or resized (a person added), so it never points into a list that is gone; it is rebuilt
// on the next look-up. A person edited in place after a look-up on the same config (only tests do
// that) needs forget(). Look-ups may come from two threads at once (the io thread and a command
// thread, bot/core/command_thread.hpp): the first builds the index, under a lock.
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bot {

struct Person;

class PeopleIndex {
 public:
  PeopleIndex() = default;
  // A copy or move starts unbuilt: it belongs to another list of people.
  PeopleIndex(const PeopleIndex&) {}
  PeopleIndex& operator=(const PeopleIndex&) {
    forget();
    return *this;
  }
  // Drops what was built; the next look-up builds again.
  void forget() const {
    std::lock_guard lock(mutex_);
    built_ = false;
  }

  const Person* by_id(const std::vector<Person>& people, std::string_view id) const;
  const Person* by_handle(const std::vector<Person>& people, std::string_view platform, std::string_view handle) const;
  // E-mail addresses compare without regard to ASCII case.
  const Person* by_email(const std::vector<Person>& people, std::string_view email) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, size_t, Hash, std::equal_to<>>;

  void refresh(const std::vector<Person>& people) const;
  const Person* find(const std::vector<Person>& people, const Map& map, std::string_view key) const;

  mutable const Person* built_over_ = nullptr;  // people.data() when built
  mutable size_t built_size_ = 0;
  mutable bool built_ = false;
  mutable std::mutex mutex_;
  mutable Map ids_, handles_, emails_;
};

}  // namespace bot
