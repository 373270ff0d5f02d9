#include "app/district_reload.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "bot/model/metrics.hpp"

namespace app {

// Answers with whichever library the last good load produced. A reload replaces the library it
// points to; the one it replaces is freed when the last answer computed from it is gone (answers
// are computed and rendered within one turn).
class DistrictReloader::PolicyStandIn final : public bot::PolicyLibrary {
 public:
  explicit PolicyStandIn(std::shared_ptr<const bot::PolicyLibrary> library) : library_(std::move(library)) {}
  void replace(std::shared_ptr<const bot::PolicyLibrary> library) { library_ = std::move(library); }

  const bot::Passage* find(std::string_view passage_id) const override { return library_->find(passage_id); }
  const std::vector<bot::Passage>& passages() const override { return library_->passages(); }
  bot::PolicyAnswer answer(std::string_view question, std::string_view lang) const override {
    return library_->answer(question, lang);
  }

 private:
  std::shared_ptr<const bot::PolicyLibrary> library_;
};

namespace {

bool same_adapter_settings(const bot::AdapterSettings& a, const bot::AdapterSettings& b) {
  return a.enabled == b.enabled && a.settings == b.settings;
}

// The platforms whose settings differ between the running config and the file.
std::vector<std::string> changed_adapters(const bot::DistrictConfig& running, const bot::DistrictConfig& file) {
  std::vector<std::string> changed;
  for (const auto& [name, settings] : file.adapters) {
    auto it = running.adapters.find(name);
    if (it == running.adapters.end() ? settings.enabled : !same_adapter_settings(it->second, settings))
      changed.push_back(name);
  }
  for (const auto& [name, settings] : running.adapters)
    if (!file.adapters.contains(name) && settings.enabled) changed.push_back(name);
  return changed;
}

std::string summary_of(const bot::District& d) {
  std::string s = d.config.name + ": " + std::to_string(d.config.sites.size()) + " sites, " +
                  std::to_string(d.config.people.size()) + " people";
  if (d.policy) s += ", " + std::to_string(d.config.policies.size()) + " policy documents";
  return s;
}

}  // namespace

DistrictReloader::DistrictReloader(bot::District& live, std::filesystem::path file, const Registry& registry)
    : live_(live), file_(std::move(file)), registry_(registry) {
  if (live_.policy) {
    policy_ = std::make_shared<PolicyStandIn>(live_.policy);
    live_.policy = policy_;
  }
}

DistrictReloader::DistrictReloader(bot::District& live, std::filesystem::path file, Load load)
    : DistrictReloader(live, std::move(file)) {
  load_ = std::move(load);
}

ReloadOutcome DistrictReloader::reload() {
  ReloadOutcome out;
  std::ostringstream problems;
  auto fresh = load_ ? load_(problems) : load_district(file_, problems, registry_);
  if (!fresh) {
    out.problems = problems.str();
    bot::metrics::count("hallpass_config_reloads_total", {{"result", "refused"}});
    spdlog::error("reload of {} refused; Hallpass goes on with the configuration it had:\n{}", file_.string(),
                  out.problems);
    return out;
  }
  // Connections already open keep the settings they were opened with.
  for (const auto& name : changed_adapters(live_.config, fresh->config))
    out.not_applied.push_back("the " + name + " adapter's settings");
  fresh->config.adapters = live_.config.adapters;
  fresh->config.adapter_order = live_.config.adapter_order;
  if (fresh->policy && !policy_) {
    out.not_applied.push_back("the policy documents (the district started without any)");
    fresh->policy.reset();
  }
  if (!fresh->policy && policy_) {
    out.not_applied.push_back("removing every policy document");
  } else if (fresh->policy) {
    policy_->replace(fresh->policy);
  }

  live_.config = std::move(fresh->config);
  live_.prompts = std::move(fresh->prompts);
  *live_.calendar = std::move(*fresh->calendar);
  out.applied = true;
  out.summary = summary_of(live_);
  bot::metrics::count("hallpass_config_reloads_total", {{"result", "applied"}});
  spdlog::info("reloaded {}: {}", file_.string(), out.summary);
  for (const auto& what : out.not_applied)
    spdlog::warn("reload: {} changed; that takes effect at the next restart", what);
  return out;
}

}  // namespace app
