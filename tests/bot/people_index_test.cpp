// The directory's look-ups: the same person as before the index, whatever happens to the list.
#include <catch2/catch.hpp>

#include "bot/district/config.hpp"

namespace {

bot::DistrictConfig two_people() {
  bot::DistrictConfig c;
  c.people.push_back({.id = "t.garcia", .email = "T.Garcia@lbusd.example.org", .handles = {{"slack", "U1"}}});
  c.people.push_back(
      {.id = "m.lopez", .email = "m.lopez@lbusd.example.org", .handles = {{"slack", "U2"}, {"teams", "29:2"}}});
  return c;
}

}  // namespace

TEST_CASE("The directory finds people by id, handle and e-mail", "[config][directory]") {
  auto c = two_people();
  REQUIRE(c.person("m.lopez") == &c.people[1]);
  REQUIRE(c.person_by_handle("slack", "U1") == &c.people[0]);
  REQUIRE(c.person_by_handle("teams", "29:2") == &c.people[1]);
  REQUIRE(c.person_by_email("t.garcia@LBUSD.example.org") == &c.people[0]);
  CHECK(c.person("nobody") == nullptr);
  CHECK(c.person_by_handle("teams", "U1") == nullptr);  // a handle belongs to its platform
  CHECK(c.person_by_email("") == nullptr);
}

TEST_CASE("The directory stays right when its list is copied, grown or edited", "[config][directory]") {
  auto c = two_people();
  REQUIRE(c.person("t.garcia") == &c.people[0]);

  bot::DistrictConfig copy = c;  // a reload or a test's copy: must point into its own list
  CHECK(copy.person("t.garcia") == &copy.people[0]);

  c.people.push_back({.id = "new.hire", .handles = {{"slack", "U3"}}});
  CHECK(c.person("new.hire") == &c.people[2]);
  CHECK(c.person_by_handle("slack", "U3") == &c.people[2]);
  CHECK(c.person("t.garcia") == &c.people[0]);

  c.people[1].id = "m.lopez2";  // edited in place: the old id no longer answers
  CHECK(c.person("m.lopez") == nullptr);

  // A config moved elsewhere (into a District, by a reload) starts a new index, so a handle a test
  // sets afterwards is found.
  bot::DistrictConfig moved = std::move(copy);
  moved.people[0].handles["matrix"] = "@tgarcia:lbusd.example.org";
  CHECK(moved.person_by_handle("matrix", "@tgarcia:lbusd.example.org") == &moved.people[0]);
}
