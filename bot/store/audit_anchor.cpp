#include "bot/store/audit_anchor.hpp"

#include <date/date.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bot {

namespace {

bool hex_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A hash as Hallpass writes it ("hmac-" optional, 64 hex digits), or a prefix of one.
bool anchor_hash(std::string_view h) {
  if (h.starts_with("hmac-")) h.remove_prefix(5);
  return h.size() >= kMinAnchorDigits && h.size() <= 64 && hex_digits(h);
}

}  // namespace

std::string anchor_line(const AuditHead& head, TimePoint at) {
  return std::to_string(head.seq) + ' ' + head.hash + ' ' +
         date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(at)) + '\n';
}

std::string short_head(const AuditHead& head) {
  const std::size_t prefix = head.hash.starts_with("hmac-") ? 5 : 0;
  return '#' + std::to_string(head.seq) + ' ' + head.hash.substr(0, prefix + kMinAnchorDigits);
}

AnchorFile read_anchor_file(const std::string& path) {
  AnchorFile out;
  std::ifstream in(path);
  if (!in) {
    out.problems.push_back(path + ": cannot be read (" + std::strerror(errno) + ")");
    return out;
  }
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    std::istringstream words(text);
    std::string seq_text, hash;
    if (!(words >> seq_text) || seq_text.starts_with('#')) continue;
    words >> hash;
    AuditAnchor a{.hash = hash, .where = path + ":" + std::to_string(n)};
    auto [end, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), a.seq);
    if (ec != std::errc() || end != seq_text.data() + seq_text.size() || a.seq < 1 || !anchor_hash(hash)) {
      out.problems.push_back(a.where + ": not an anchor (expected \"SEQ HASH [TIME]\", as hallpass writes them)");
      continue;
    }
    out.anchors.push_back(std::move(a));
  }
  return out;
}

std::string append_anchor(const std::string& path, const AuditHead& head, TimePoint at) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::strerror(errno);
  const std::string line = anchor_line(head, at);
  std::string error;
  // One write() of a short line to an O_APPEND file: other writers' lines do not interleave.
  const ssize_t n = ::write(fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) error = n < 0 ? std::strerror(errno) : "short write";
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  return error;
}

}  // namespace bot
