#include "app/county_runtime.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/matrix_registration.hpp"
#include "app/log_failure.hpp"

namespace app {

namespace asio = boost::asio;

struct CountyRuntime::Member {
  CountyDistrict d;
  // The district file and what it reads as last loaded (sources()): a reload leaves them alone
  // when none changed.
  std::string text;
  std::unique_ptr<bot::Store> store;
  std::unique_ptr<bot::Store> command_store;  // on its command lane's connection (PostgreSQL)
  // Before the runtime: it puts the policy library behind the stand-in a reload re-points.
  std::unique_ptr<DistrictReloader> reloader;
  std::unique_ptr<bot::Runtime> runtime;
};

namespace {

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// What a reload compares: the district file's text, and the size and time of each file it reads
// (its people CSV, policy documents, vocabularies, verdict examples), so a change to any of them
// alone is reloaded. Only their sizes and times: a thousand districts' documents are not read again
// at every reload.
std::string sources(const CountyDistrict& d) {
  std::string out = file_text(d.file);
  const auto& c = d.district->config;
  const auto add = [&](const std::filesystem::path& p) {
    if (p.empty()) return;
    const auto file = p.is_absolute() ? p : d.file.parent_path() / p;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    const auto time = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
    out += '\0' + file.string() + '\0' + std::to_string(ec ? 0 : size) + ':' + std::to_string(ec ? 0 : time);
  };
  add(c.people_csv);
  for (const auto& doc : c.policies) add(doc.file);
  add(c.vocabulary.synonyms);
  add(c.vocabulary.spanish_terms);
  add(c.vocabulary.subject);
  add(c.vocabulary.verdict_examples);
  return out;
}

bool same_platforms(const bot::CountyConfig& a, const bot::CountyConfig& b) {
  if (a.adapters.size() != b.adapters.size()) return false;
  for (const auto& [name, settings] : a.adapters) {
    auto it = b.adapters.find(name);
    if (it == b.adapters.end() || it->second.enabled != settings.enabled || it->second.settings != settings.settings)
      return false;
  }
  return true;
}

}  // namespace

CountyRuntime::CountyRuntime(asio::io_context& io, CountyFolder folder, OpenStore open_store, const bot::Clock& clock,
                             const Registry& registry)
    : io_(io),
      folder_(std::move(folder)),
      open_store_(std::move(open_store)),
      clock_(clock),
      registry_(registry),
      router_(folder_.prompts),
      grace_(io) {}

CountyRuntime::~CountyRuntime() {
  // What the command threads were given runs first, while every district is still there.
  lanes_.clear();
}

void CountyRuntime::use_command_threads(size_t threads, const std::function<OpenStore()>& connect) {
  for (size_t i = 0; i < threads; ++i) {
    CommandLane lane;
    lane.open = connect();
    lane.thread = std::make_unique<bot::CommandThread>("commands-" + std::to_string(i + 1));
    lanes_.push_back(std::move(lane));
  }
}

std::vector<std::unique_ptr<bot::CommandThread::Pause>> CountyRuntime::pause_commands() {
  std::vector<std::unique_ptr<bot::CommandThread::Pause>> pauses;
  for (auto& lane : lanes_) pauses.push_back(std::make_unique<bot::CommandThread::Pause>(*lane.thread));
  return pauses;
}

std::unique_ptr<CountyRuntime::Member> CountyRuntime::open_member(CountyDistrict d, std::ostream& err) {
  auto m = std::make_unique<Member>();
  m->text = sources(d);
  m->d = std::move(d);
  try {
    m->store = open_store_(m->d.key);
  } catch (const std::exception& e) {
    err << "hallpass: the store of district " << m->d.key << " (" << m->d.file.string()
        << ") cannot be opened: " << e.what() << '\n';
    return nullptr;
  }
  const std::filesystem::path file = m->d.file;
  const std::string key = m->d.key;
  m->reloader = std::make_unique<DistrictReloader>(
      *m->d.district, file, [this, file, key](std::ostream& problems) -> std::optional<bot::District> {
        auto fresh = load_county_district_file(file, folder_.county, folder_.prompts, problems, registry_);
        if (!fresh) return std::nullopt;
        const auto conflicts = workspace_conflicts(*fresh, served_districts());
        for (const auto& c : conflicts) problems << c << '\n';
        if (!conflicts.empty()) return std::nullopt;
        return std::move(*fresh->district);
      });
  m->runtime = std::make_unique<bot::Runtime>(io_, *m->d.district, *m->store, clock_);
  if (!lanes_.empty()) {
    CommandLane& lane = lanes_[std::hash<std::string>{}(key) % lanes_.size()];
    try {
      m->command_store = lane.open(key);
    } catch (const std::exception& e) {
      err << "hallpass: the store of district " << key << " (" << file.string()
          << ") cannot be opened for its commands: " << e.what() << '\n';
      return nullptr;
    }
    m->runtime->run_commands_on(*lane.thread, *m->command_store);
  }
  for (auto& a : adapters_) m->runtime->dispatcher().add_adapter(*a);
  if (leases_) m->runtime->use_leases(leases_->first, leases_->second);
  return m;
}

std::vector<const CountyDistrict*> CountyRuntime::served_districts() const {
  std::vector<const CountyDistrict*> out;
  for (const auto& m : members_) out.push_back(&m->d);
  return out;
}

void CountyRuntime::serve_all() {
  std::vector<CountyRouter::Target> targets;
  for (const auto& m : members_) targets.push_back({m->d.key, m->d.district.get(), &m->runtime->bot()});
  router_.serve(std::move(targets));
  // The Matrix bot accepts invites to the rooms of the districts served now (a reload may have
  // added or removed some), not only to those of the start.
  std::set<std::string> rooms;
  for (const auto& m : members_) rooms.merge(adapters::matrix::rooms_of(m->d.district->config));
  for (auto& a : adapters_)
    if (auto* matrix = dynamic_cast<adapters::matrix::MatrixAdapter*>(a.get())) matrix->serve_rooms(rooms);
}

bool CountyRuntime::prepare(const AdapterOverrides& overrides, std::ostream& out, std::ostream& err) {
  try {
    county_store_ = open_store_("");
  } catch (const std::exception& e) {
    err << "hallpass: the county's store cannot be opened: " << e.what() << '\n';
    return false;
  }
  // The adapters see county.yaml's platforms, and, for Matrix, every district's rooms to join.
  auto& c = county_district_.config;
  c.file = folder_.county.file;
  c.name = folder_.county.name;
  c.adapters = folder_.county.adapters;
  c.adapter_order = folder_.county.adapter_order;
  for (const auto& d : folder_.districts) {
    for (const auto& room : adapters::matrix::rooms_of(d.district->config)) {
      bot::Site site;
      site.id = d.key + "/" + std::to_string(c.sites.size());
      site.approvals.addresses["matrix"] = room;
      c.sites.push_back(std::move(site));
    }
  }
  county_district_.prompts = folder_.prompts;
  county_district_.calendar = std::make_unique<bot::DistrictCalendar>(c.time_zone, c.review);
  auto adapters = make_adapters(io_, county_district_, *county_store_, overrides, out, err, registry_);
  if (!adapters) return false;
  adapters_ = std::move(*adapters);
  const auto paused = pause_commands();
  for (auto& d : folder_.districts) {
    auto m = open_member(std::move(d), err);
    if (!m) return false;
    members_.push_back(std::move(m));
  }
  folder_.districts.clear();
  serve_all();
  const auto served = keys();
  std::string names;
  for (size_t i = 0; i < served.size() && i < 10; ++i) names += (i ? ", " : "") + served[i];
  if (served.size() > 10) names += ", …";
  out << "Hallpass county: " << served.size() << (served.size() == 1 ? " district (" : " districts (") << names << ")"
      << std::endl;
  return true;
}

void CountyRuntime::use_leases(const std::string& owner, std::chrono::milliseconds length) {
  leases_.emplace(owner, length);
  for (auto& m : members_) m->runtime->use_leases(owner, length);
}

void CountyRuntime::catch_stop_signals() {
  if (!signals_) signals_.emplace(io_, SIGINT, SIGTERM);
}

std::vector<std::string> CountyRuntime::keys() const {
  std::vector<std::string> out;
  for (const auto& m : members_) out.push_back(m->d.key);
  return out;
}

bot::Runtime::Readiness CountyRuntime::readiness() const {
  return {started_, stopping_, adapters_.size(), running_adapters_};
}

int CountyRuntime::run() {
  start();
  io_.run();
  return 0;
}

void CountyRuntime::start() {
  catch_stop_signals();
  signals_->async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: stopping", sig);
    shut_down(bot::Runtime::kStopGrace);
  });
  for (auto& m : members_) m->runtime->start(false);
  running_adapters_ = adapters_.size();
  started_ = true;
  for (auto& a : adapters_) asio::co_spawn(io_, run_adapter(a.get()), log_failure("an adapter"));
}

asio::awaitable<void> CountyRuntime::run_adapter(bot::Adapter* adapter) {
  try {
    co_await adapter->run(router_);
  } catch (const std::exception& e) {
    spdlog::error("the {} adapter stopped: {}", adapter->platform(), e.what());
  }
  if (--running_adapters_ == 0 && !stopping_) {
    co_await router_.drained();
    io_.stop();
  }
}

void CountyRuntime::shut_down(std::chrono::milliseconds grace) {
  if (std::exchange(stopping_, true)) return;
  grace_.expires_after(grace);
  grace_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) io_.stop();
  });
  asio::co_spawn(io_, shut_down_steps(grace), log_failure("the shutdown"));
}

// As Runtime::shut_down, for every district at once: the outboxes deliver while the adapters
// still receive, then the adapters stop and the sends under way finish.
asio::awaitable<void> CountyRuntime::shut_down_steps(std::chrono::milliseconds grace) {
  const auto start = std::chrono::steady_clock::now();
  for (auto& m : members_) co_await m->runtime->dispatcher().settle(start + grace * 2 / 3);
  for (auto& m : members_) m->runtime->dispatcher().stop_sending();
  for (auto& a : adapters_) a->stop();
  for (auto& m : members_) co_await m->runtime->dispatcher().idle(start + grace);
  for (auto& m : members_) m->runtime->stop_serving();
  io_.stop();
}

ReloadOutcome CountyRuntime::reload() {
  // What the events' transactions read changes here: none runs meanwhile.
  const auto paused = pause_commands();
  ReloadOutcome out;
  std::vector<std::string> lines;
  std::ostringstream problems;
  {
    std::ostringstream county_problems;
    auto county = load_county_file(folder_.dir, county_problems, registry_);
    if (!county || !same_platforms(*county, folder_.county))
      out.not_applied.push_back("county.yaml (the platforms wait for a restart)");
  }
  const auto files = district_files(folder_.dir);
  std::set<std::string> present;
  for (const auto& f : files) present.insert(f.stem().string());
  size_t refused = 0;
  // Removed files stop serving; their pending rows stay in the database for a later start.
  for (auto it = members_.begin(); it != members_.end();) {
    if (present.contains((*it)->d.key)) {
      ++it;
      continue;
    }
    lines.push_back((*it)->d.key + ": removed, no longer served");
    (*it)->runtime->stop_serving();
    retired_.push_back(std::move(*it));
    it = members_.erase(it);
  }
  // Changed files (a district file, or a file it reads) are reloaded; a file that fails leaves its
  // district as it was.
  size_t unchanged = 0;
  for (auto& m : members_) {
    if (sources(m->d) == m->text) {
      ++unchanged;
      continue;
    }
    auto r = m->reloader->reload();
    if (r.applied) {
      // Of the district as now loaded: it may read other files than before.
      m->text = sources(m->d);
      lines.push_back(m->d.key + ": reloaded (" + r.summary + ")");
    } else {
      ++refused;
      lines.push_back(m->d.key + ": refused, goes on as it was");
      problems << r.problems;
    }
  }
  // New files start serving.
  for (const auto& f : files) {
    const std::string key = f.stem().string();
    if (std::any_of(members_.begin(), members_.end(), [&](const auto& m) { return m->d.key == key; })) continue;
    std::ostringstream why;
    auto d = load_county_district_file(f, folder_.county, folder_.prompts, why, registry_);
    if (d) {
      const auto conflicts = workspace_conflicts(*d, served_districts());
      for (const auto& c : conflicts) why << c << '\n';
      if (!conflicts.empty()) d.reset();
    }
    std::unique_ptr<Member> m;
    if (d) m = open_member(std::move(*d), why);
    if (!m) {
      ++refused;
      lines.push_back(key + ": refused, not served");
      problems << why.str();
      continue;
    }
    if (started_) m->runtime->start(false);
    lines.push_back(key + ": new, serving");
    members_.push_back(std::move(m));
  }
  std::sort(members_.begin(), members_.end(), [](const auto& a, const auto& b) { return a->d.key < b->d.key; });
  serve_all();
  out.applied = refused == 0;
  out.problems = problems.str();
  out.summary = "Hallpass county: " + std::to_string(members_.size()) + " districts";
  for (const auto& l : lines) out.summary += "; " + l;
  out.summary += "; " + std::to_string(unchanged) + " unchanged";
  spdlog::info("reload of {}: {}", folder_.dir.string(), out.summary);
  if (!out.problems.empty()) spdlog::error("reload of {}: refused files:\n{}", folder_.dir.string(), out.problems);
  for (const auto& what : out.not_applied)
    spdlog::warn("reload: {} changed; that takes effect at the next restart", what);
  return out;
}

}  // namespace app
