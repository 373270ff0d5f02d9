#include "bot/district/secret_source.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bot {
namespace {

std::optional<std::string> file_value(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  // A secret is a token or a password: a few kilobytes at most, never a whole disk.
  std::string value;
  value.resize(64 * 1024);
  in.read(value.data(), static_cast<std::streamsize>(value.size()));
  value.resize(static_cast<size_t>(in.gcount()));
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> secret_value(const std::string& name) {
  if (const char* v = std::getenv(name.c_str()); v && *v) return std::string(v);
  if (const char* f = std::getenv((name + "_FILE").c_str()); f && *f) return file_value(f);
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir)
    return file_value(std::filesystem::path(dir) / name);
  return std::nullopt;
}

}  // namespace bot
