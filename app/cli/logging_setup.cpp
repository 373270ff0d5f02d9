#include "app/cli/logging_setup.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <streambuf>

namespace cli {
namespace {

constexpr const char* kLevels = "trace, debug, info, warn, error, critical or off";

std::optional<spdlog::level::level_enum> level_named(const std::string& name) {
  // spdlog::level::from_str answers "off" for any word it does not know; a typo must not silence the log.
  for (int l = spdlog::level::trace; l <= spdlog::level::off; ++l) {
    auto level = static_cast<spdlog::level::level_enum>(l);
    if (name == spdlog::level::to_string_view(level).data()) return level;
  }
  if (name == "warn") return spdlog::level::warn;  // spdlog spells it "warning"
  return std::nullopt;
}

// One JSON object per line. The message is escaped by nlohmann, bytes that are not UTF-8 replaced,
// so a collector never meets a line it cannot parse.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[40];
    const size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(ms % 1000));
    nlohmann::json line = {
        {"time", stamp},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data())},
        {"message", std::string(msg.payload.data(), msg.payload.size())},
    };
    if (msg.logger_name.size() > 0) line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

// Takes "--name value" or "--name=value" out of args; "" when absent; nullopt when the value is missing.
std::optional<std::string> take_option(std::vector<std::string>& args, const std::string& name, bool& found) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == name) {
      found = true;
      if (i + 1 >= args.size()) return std::nullopt;
      std::string value = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return value;
    }
    if (args[i].starts_with(name + "=")) {
      found = true;
      std::string value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<long>(i));
      return value;
    }
  }
  return std::string();
}

// Each line written to it becomes one info log line.
class LogLineBuffer final : public std::streambuf {
 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    if (c == '\n') {
      flush_line();
    } else {
      line_ += static_cast<char>(c);
    }
    return c;
  }
  int sync() override {
    flush_line();
    return 0;
  }

 private:
  void flush_line() {
    if (!line_.empty()) spdlog::info("{}", line_);
    line_.clear();
  }
  std::string line_;
};

bool json_lines = false;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

bool configure_logging(std::vector<std::string>& args, std::ostream& err) {
  // SPDLOG_LEVEL is spdlog's own convention (it also takes per-logger levels); ours come after it.
  spdlog::cfg::load_env_levels();
  // Every line reaches the journal (or the collector's pipe) when it is written, not when a
  // buffer fills: a bot that logs a few lines a minute would otherwise show nothing for hours.
  spdlog::flush_on(spdlog::level::trace);

  bool level_flag = false, format_flag = false;
  auto level = take_option(args, "--log-level", level_flag);
  auto format = take_option(args, "--log-format", format_flag);
  if (!level || !format) {
    err << "hallpass: " << (!level ? "--log-level" : "--log-format") << " needs a value.\n";
    return false;
  }
  const std::string level_name = level_flag ? *level : env("HALLPASS_LOG_LEVEL");
  if (!level_name.empty()) {
    auto l = level_named(level_name);
    if (!l) {
      err << "hallpass: the log level '" << level_name << "' (" << (level_flag ? "--log-level" : "HALLPASS_LOG_LEVEL")
          << ") is not one Hallpass knows. Use " << kLevels << ".\n";
      return false;
    }
    spdlog::set_level(*l);
  }
  const std::string format_name = format_flag ? *format : env("HALLPASS_LOG_FORMAT");
  if (format_name == "json") {
    spdlog::set_formatter(std::make_unique<JsonLineFormatter>());
    json_lines = true;
  } else if (!format_name.empty() && format_name != "text") {
    err << "hallpass: the log format '" << format_name << "' ("
        << (format_flag ? "--log-format" : "HALLPASS_LOG_FORMAT") << ") is not one Hallpass knows. Use text or json.\n";
    return false;
  }
  return true;
}

std::ostream& announcements() {
  if (!json_lines) return std::cout;
  static LogLineBuffer buffer;
  static std::ostream stream(&buffer);
  return stream;
}

}  // namespace cli
