#pragma once
// Anchors: the audit log's head recorded outside the database, one line per head:
//   SEQ HASH [TIME]        e.g. "42 hmac-3fa2…c1 2026-12-01T19:00:02Z"
// The bot appends one after each commit that adds audit rows when HALLPASS_AUDIT_ANCHOR names a
// file; `hallpass audit verify --anchor FILE --record` appends one by hand (or from a timer);
// `hallpass audit verify --anchor FILE` checks that every recorded row still has its hash.
// A hash may be shortened to a prefix of at least 16 hex digits (as the nightly summary shows it).
#include <string>
#include <vector>

#include "bot/model/clock.hpp"
#include "bot/store/store.hpp"

namespace bot {

// The fewest hex digits an anchor's hash may be shortened to.
inline constexpr std::size_t kMinAnchorDigits = 16;

// "42 <hash> 2026-12-01T19:00:02Z\n".
std::string anchor_line(const AuditHead& head, TimePoint at);

// The head as the nightly summary shows it: "#42 hmac-3fa2b1c4d5e6f708" (16 hex digits).
std::string short_head(const AuditHead& head);

struct AnchorFile {
  std::vector<AuditAnchor> anchors;
  std::vector<std::string> problems;  // "FILE:LINE: what is wrong", or why the file cannot be read
};
// Reads an anchor file. Blank lines and lines starting with '#' are skipped. Never throws.
AnchorFile read_anchor_file(const std::string& path);

// Appends one line, creating the file owner-only (0600). Returns the error, empty on success.
std::string append_anchor(const std::string& path, const AuditHead& head, TimePoint at);

}  // namespace bot
