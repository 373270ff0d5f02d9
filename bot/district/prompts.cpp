#include "bot/district/prompts.hpp"

#include <algorithm>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace bot {
namespace {

// Flattens nested maps into dotted keys: request: {filed: "…"} → "request.filed".
void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
             std::map<std::string, std::string, std::less<>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, file, out);
    }
  } else if (node.IsScalar()) {
    if (out.contains(prefix))
      throw std::runtime_error(file + ":" + std::to_string(node.Mark().line + 1) + ": prompt '" + prefix +
                               "' is defined twice; keep one.");
    out[prefix] = node.as<std::string>();
  } else {
    throw std::runtime_error(file + ":" + std::to_string(node.Mark().line + 1) + ": prompt '" + prefix +
                             "' must be text or a map of prompts.");
  }
}

}  // namespace

const Prompts::Table& Prompts::table() const {
  static const Table empty;
  return by_lang_ ? *by_lang_ : empty;
}

Prompts Prompts::load(const std::filesystem::path& folder) {
  Table by_lang;
  if (!std::filesystem::is_directory(folder))
    throw std::runtime_error(folder.string() + ": the prompts folder is missing.");
  for (const auto& lang_dir : std::filesystem::directory_iterator(folder)) {
    if (!lang_dir.is_directory()) continue;
    auto& table = by_lang[lang_dir.path().filename().string()];
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(lang_dir.path()))
      if (f.path().extension() == ".yaml") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      YAML::Node root;
      try {
        root = YAML::LoadFile(f.string());
      } catch (const YAML::Exception& e) {
        throw std::runtime_error(f.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
      }
      // The file's name is the first part of each key: prompts/en/request.yaml → "request.…".
      flatten(root, f.stem().string(), f.string(), table);
    }
  }
  if (!by_lang.contains("en"))
    throw std::runtime_error(folder.string() + ": prompts/en/ is missing; English is required.");
  Prompts p;
  p.by_lang_ = std::make_shared<const Table>(std::move(by_lang));
  return p;
}

std::string Prompts::text(std::string_view lang, std::string_view key, const PromptVars& vars) const {
  const std::string* tmpl = nullptr;
  if (auto l = table().find(lang); l != table().end())
    if (auto k = l->second.find(key); k != l->second.end()) tmpl = &k->second;
  if (!tmpl)
    if (auto l = table().find("en"); l != table().end())
      if (auto k = l->second.find(key); k != l->second.end()) tmpl = &k->second;
  if (!tmpl) return "[" + std::string(key) + "]";
  std::string out;
  out.reserve(tmpl->size() + 32);
  for (size_t i = 0; i < tmpl->size();) {
    if ((*tmpl)[i] == '{') {
      size_t close = tmpl->find('}', i + 1);
      if (close != std::string::npos) {
        std::string_view name(tmpl->data() + i + 1, close - i - 1);
        auto v = std::find_if(vars.begin(), vars.end(), [&](const auto& kv) { return kv.first == name; });
        if (v != vars.end()) {
          out += v->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += (*tmpl)[i++];
  }
  // Templates written as YAML block scalars end with a newline the message does not need.
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool Prompts::has(std::string_view lang, std::string_view key) const {
  auto l = table().find(lang);
  return l != table().end() && l->second.find(key) != l->second.end();
}

std::vector<std::string> Prompts::languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, _] : table()) out.push_back(lang);
  return out;
}

std::vector<std::string> Prompts::keys(std::string_view lang) const {
  std::vector<std::string> out;
  if (auto l = table().find(lang); l != table().end())
    for (const auto& [k, _] : l->second) out.push_back(k);
  return out;
}

}  // namespace bot
