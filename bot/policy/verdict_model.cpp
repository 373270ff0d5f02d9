#include "bot/policy/verdict_model.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

namespace bot {
namespace {

// Training, chosen by cross-validation on the examples (bench/verdict_crossval_bench.cpp): plain
// stochastic gradient descent with a decaying step, an L2 penalty that keeps a rare word from
// deciding alone, and a fixed order of visits so two loads give the same weights.
constexpr int kEpochs = 10;
constexpr double kRate = 0.4;
constexpr double kRateDecay = 0.002;  // per example visited
constexpr double kL2 = 1e-3;          // per example visited
// Long questions are cut like the engine cuts them; this bounds a line of the examples file.
constexpr size_t kMaxQuestionChars = 2000;

constexpr std::string_view kVerdicts =
    "allowed, allowed_with_conditions, needs_approval, discouraged, prohibited, required, report or info";

// The names the shared scorer also accepts ("strongly_discouraged" is `discouraged`), so an
// example written in either spelling reads the same.
std::optional<Verdict> verdict_named(const std::string& name) {
  static const std::pair<std::string_view, Verdict> kAliases[] = {{"conditional", Verdict::allowed_with_conditions},
                                                                  {"needs_consent", Verdict::needs_approval},
                                                                  {"needs_permission", Verdict::needs_approval},
                                                                  {"strongly_discouraged", Verdict::discouraged},
                                                                  {"not_recommended", Verdict::discouraged},
                                                                  {"never", Verdict::prohibited},
                                                                  {"not_allowed", Verdict::prohibited},
                                                                  {"forbidden", Verdict::prohibited},
                                                                  {"must", Verdict::required},
                                                                  {"report_it", Verdict::report},
                                                                  {"informational", Verdict::info},
                                                                  {"fact", Verdict::info}};
  if (auto v = verdict_from_string(name); v && *v != Verdict::no_answer) return v;
  for (const auto& [alias, v] : kAliases)
    if (alias == name) return v;
  return std::nullopt;
}

// A small deterministic generator for the order of visits (std::shuffle's algorithm may differ
// between standard libraries).
struct Lcg {
  uint64_t state = 0x2545F4914F6CDD1DULL;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

void softmax(std::array<double, kVerdictClasses>& z) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (auto& v : z) sum += v = std::exp(v - top);
  for (auto& v : z) v /= sum;
}

}  // namespace

boost::system::result<std::vector<VerdictExample>, PolicyParseError> read_verdict_examples(
    const std::filesystem::path& file) {
  std::vector<VerdictExample> out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return PolicyParseError{file.string(), 0, "cannot read the verdict examples: check the file's permissions"};
  std::string text;
  int line = 0;
  const auto fail = [&](std::string message) { return PolicyParseError{file.string(), line, std::move(message)}; };
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return fail("not a JSON object: write one example a line, {\"question\": \"…\", \"verdict\": [\"…\"]}");
    VerdictExample e;
    e.line = line;
    const auto q = j.find("question");
    if (q == j.end() || !q->is_string() || q->get<std::string>().empty())
      return fail("the example has no `question`: give the question as staff would type it");
    e.question = q->get<std::string>().substr(0, kMaxQuestionChars);
    if (const auto l = j.find("lang"); l != j.end()) {
      if (!l->is_string() || (*l != "en" && *l != "es")) return fail("`lang` must be \"en\" or \"es\" (or left out)");
      e.lang = l->get<std::string>();
    }
    if (const auto u = j.find("unanswerable"); u != j.end()) {
      if (!u->is_boolean()) return fail("`unanswerable` must be true or false");
      e.unanswerable = u->get<bool>();
    }
    const auto v = j.find("verdict");
    std::vector<nlohmann::json> names;
    if (v != j.end() && v->is_array()) names.assign(v->begin(), v->end());
    if (v != j.end() && v->is_string()) names.push_back(*v);
    if (v != j.end() && !v->is_array() && !v->is_string() && !v->is_null())
      return fail("`verdict` must be a list of verdicts, such as [\"needs_approval\"]");
    for (const auto& n : names) {
      const auto verdict = n.is_string() ? verdict_named(n.get<std::string>()) : std::nullopt;
      if (!verdict) return fail("unknown verdict " + n.dump() + ": use " + std::string(kVerdicts));
      e.verdicts.push_back(*verdict);
    }
    if (!e.unanswerable && e.verdicts.empty())
      return fail("the example has no `verdict`: list the acceptable ones, or set \"unanswerable\": true");
    out.push_back(std::move(e));
  }
  return out;
}

VerdictModel VerdictModel::train(const std::vector<Features>& features,
                                 const std::vector<std::vector<Verdict>>& labels) {
  VerdictModel m;
  std::vector<std::vector<uint32_t>> rows;
  std::vector<std::array<bool, kVerdictClasses>> wanted;
  for (size_t i = 0; i < features.size() && i < labels.size(); ++i) {
    std::array<bool, kVerdictClasses> ok{};
    bool any = false;
    for (const Verdict v : labels[i]) {
      const auto k = static_cast<size_t>(v);
      if (k < kVerdictClasses) any = ok[k] = true;
    }
    if (!any) continue;
    std::vector<uint32_t> row;
    for (const auto& f : features[i]) {
      const auto [it, added] = m.ids_.emplace(f, static_cast<uint32_t>(m.ids_.size()));
      row.push_back(it->second);
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    rows.push_back(std::move(row));
    wanted.push_back(ok);
  }
  if (rows.empty()) return {};
  m.weights_.assign(m.ids_.size(), {});
  // The weights are `scale` times the stored ones, so the L2 shrinking of every weight at each
  // step costs one multiplication.
  double scale = 1.0;
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Lcg random;
  size_t step = 0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[random.next() % i]);
    for (const size_t e : order) {
      const double rate = kRate / (1.0 + kRateDecay * static_cast<double>(step++));
      std::array<double, kVerdictClasses> p{};
      for (const uint32_t f : rows[e])
        for (size_t k = 0; k < kVerdictClasses; ++k) p[k] += m.weights_[f][k];
      for (auto& v : p) v *= scale;
      softmax(p);
      double acceptable = 0;
      for (size_t k = 0; k < kVerdictClasses; ++k)
        if (wanted[e][k]) acceptable += p[k];
      scale *= 1.0 - rate * kL2;
      for (size_t k = 0; k < kVerdictClasses; ++k) {
        const double gradient = p[k] - (wanted[e][k] ? p[k] / acceptable : 0.0);
        if (gradient == 0) continue;
        for (const uint32_t f : rows[e]) m.weights_[f][k] -= rate * gradient / scale;
      }
      if (scale < 1e-3) {
        for (auto& w : m.weights_)
          for (auto& v : w) v *= scale;
        scale = 1.0;
      }
    }
  }
  for (auto& w : m.weights_)
    for (auto& v : w) v *= scale;
  return m;
}

std::array<double, kVerdictClasses> VerdictModel::probabilities(const Features& features) const {
  std::array<double, kVerdictClasses> p{};
  std::vector<uint32_t> seen;
  for (const auto& f : features) {
    const auto it = ids_.find(f);
    if (it == ids_.end() || std::find(seen.begin(), seen.end(), it->second) != seen.end()) continue;
    seen.push_back(it->second);
    for (size_t k = 0; k < kVerdictClasses; ++k) p[k] += weights_[it->second][k];
  }
  softmax(p);
  return p;
}

Verdict VerdictModel::predict(const Features& features) const {
  const auto p = probabilities(features);
  return static_cast<Verdict>(std::max_element(p.begin(), p.end()) - p.begin());
}

}  // namespace bot
