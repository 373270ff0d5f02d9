#include "app/county_router.hpp"

#include <spdlog/spdlog.h>

namespace app {

void CountyRouter::serve(std::vector<Target> targets) {
  targets_ = std::move(targets);
  by_workspace_.clear();
  by_matrix_user_.clear();
  for (size_t i = 0; i < targets_.size(); ++i) {
    const auto& config = targets_[i].district->config;
    for (const auto& person : config.people)
      if (auto h = person.handles.find("matrix"); h != person.handles.end()) by_matrix_user_.try_emplace(h->second, i);
    for (const auto& [platform, ids] : config.workspaces)
      for (const auto& w : ids) by_workspace_.emplace(std::pair{platform, w.id}, i);
    // A Matrix room a district names as one of its places is that district's too.
    const auto room = [&](const bot::Place& place) {
      if (auto a = place.addresses.find("matrix"); a != place.addresses.end())
        by_workspace_.emplace(std::pair{std::string("matrix"), a->second}, i);
    };
    for (const auto& site : config.sites) room(site.approvals);
    room(config.superintendent_place);
  }
}

const CountyRouter::Target* CountyRouter::route(const bot::Inbound& event) const {
  const bool matrix = event.platform == "matrix";
  const std::string& where = matrix ? event.place.channel : event.place.workspace;
  if (auto it = by_workspace_.find({event.platform, where}); it != by_workspace_.end()) return &targets_[it->second];
  if (matrix) {
    // A direct room is nobody's place: the district whose directory has the sender.
    if (auto it = by_matrix_user_.find(event.actor); it != by_matrix_user_.end()) return &targets_[it->second];
  }
  return nullptr;
}

bot::HandleResult CountyRouter::handle(const bot::Inbound& event) {
  if (const Target* t = route(event)) return t->bot->handle(event);
  return unknown_workspace(event);
}

boost::asio::awaitable<bot::HandleResult> CountyRouter::async_handle(const bot::Inbound& event) {
  // The target is not looked at again after the wait: a reload may have replaced it meanwhile.
  if (const Target* t = route(event)) co_return co_await t->bot->async_handle(event);
  co_return unknown_workspace(event);
}

bot::HandleResult CountyRouter::unknown_workspace(const bot::Inbound& event) const {
  // Not the text: it may be anything a person wrote.
  spdlog::warn(
      "county: an event from {} workspace {} belongs to no district of this county; it is acknowledged "
      "and not recorded (add the workspace to a district file's workspaces:)",
      event.platform, event.place.workspace.empty() ? event.place.channel : event.place.workspace);
  bot::HandleResult result;
  // The person's language is not known: nobody's directory has them. Both languages.
  for (const auto& lang : {"en", "es"}) {
    if (!result.immediate_reply.empty()) result.immediate_reply += "\n\n";
    result.immediate_reply += prompts_.text(lang, "county.unknown_workspace");
  }
  return result;
}

boost::asio::awaitable<void> CountyRouter::drained() {
  // Copied: a reload may change the districts while this waits.
  const auto targets = targets_;
  for (const auto& t : targets) co_await t.bot->drained();
}

}  // namespace app
