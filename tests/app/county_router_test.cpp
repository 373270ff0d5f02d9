// The county worker's routing (app/county_router, docs/scale-out.md "One worker, many districts"):
// each platform's event goes to the district that lists its workspace, tenant or room; an event
// nobody lists is acknowledged, handed to no district, and answered with county.unknown_workspace.
#include "app/county_router.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bot/district/district.hpp"

namespace {

struct RecordingSink final : bot::EventSink {
  std::vector<std::string> seen;  // event ids
  bot::HandleResult handle(const bot::Inbound& event) override {
    seen.push_back(event.event_id);
    return {};
  }
};

bot::District district(const std::string& name) {
  bot::District d;
  d.config.name = name;
  return d;
}

bot::Inbound event(std::string platform, std::string id, std::string workspace, std::string channel,
                   std::string actor = "someone") {
  bot::Inbound e;
  e.platform = std::move(platform);
  e.event_id = std::move(id);
  e.place.workspace = std::move(workspace);
  e.place.channel = std::move(channel);
  e.actor = std::move(actor);
  e.kind = bot::InboundKind::command;
  return e;
}

}  // namespace

TEST_CASE("a county worker hands each event to the district of its workspace, tenant or room", "[county][unit]") {
  bot::District a = district("District A"), b = district("District B");
  a.config.workspaces["slack"] = {{"TA", 1}};
  a.config.workspaces["teams"] = {{"tenant-a", 2}};
  b.config.workspaces["teams"] = {{"tenant-b", 2}};
  b.config.workspaces["matrix"] = {{"!listed:hs.example", 3}};
  // A room b names as a place is b's too; a person in a's directory is found in a direct room.
  bot::Site site;
  site.id = "lincoln";
  site.approvals.addresses["matrix"] = "!approvals:hs.example";
  b.config.sites.push_back(site);
  bot::Person p;
  p.id = "t.garcia";
  p.handles["matrix"] = "@tgarcia:hs.example";
  a.config.people.push_back(p);

  const auto prompts = bot::Prompts::load(bot::hallpass_home() / "prompts");
  RecordingSink sink_a, sink_b;
  app::CountyRouter router(prompts);
  router.serve({{"a", &a, &sink_a}, {"b", &b, &sink_b}});

  CHECK(router.handle(event("slack", "s1", "TA", "C1")).immediate_reply.empty());
  CHECK(router.handle(event("teams", "t1", "tenant-a", "19:x")).accepted);
  CHECK(router.handle(event("teams", "t2", "tenant-b", "19:y")).accepted);
  CHECK(router.handle(event("matrix", "m1", "", "!listed:hs.example")).accepted);
  CHECK(router.handle(event("matrix", "m2", "", "!approvals:hs.example")).accepted);
  CHECK(router.handle(event("matrix", "m3", "", "!direct:hs.example", "@tgarcia:hs.example")).accepted);
  CHECK(sink_a.seen == std::vector<std::string>{"s1", "t1", "m3"});
  CHECK(sink_b.seen == std::vector<std::string>{"t2", "m1", "m2"});

  // Nobody's: acknowledged (so the platform does not send it again), recorded nowhere, and the
  // person told in both languages.
  for (const auto& unknown : {event("slack", "s2", "TX", "C1"), event("teams", "t3", "tenant-x", "19:z"),
                              event("matrix", "m4", "", "!other:hs.example", "@stranger:hs.example")}) {
    const auto result = router.handle(unknown);
    CHECK(result.accepted);
    CHECK(result.immediate_reply.find(prompts.text("en", "county.unknown_workspace")) != std::string::npos);
    CHECK(result.immediate_reply.find(prompts.text("es", "county.unknown_workspace")) != std::string::npos);
  }
  CHECK(sink_a.seen.size() == 3);
  CHECK(sink_b.seen.size() == 3);

  // After a reload that drops b, its tenant is nobody's.
  router.serve({{"a", &a, &sink_a}});
  CHECK_FALSE(router.handle(event("teams", "t4", "tenant-b", "19:y")).immediate_reply.empty());
  CHECK(sink_b.seen.size() == 3);
}
