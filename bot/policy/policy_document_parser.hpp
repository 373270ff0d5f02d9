#pragma once
// Reads one policy document in the project's Markdown format (docs/policy-format.md) into
// passages with stable ids and human citations. Pure: no I/O besides the optional file read.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "bot/policy/policy_library.hpp"

namespace bot {

struct PolicyDocument {
  std::string id;                   // front matter `id`
  std::string title;                // front matter `title`
  std::string citation;             // front matter `citation`: the short name citations start with
  std::string source;               // front matter `source`
  std::string date;                 // front matter `date`, may be empty for an undated source
  std::vector<std::string> called;  // front matter `called`: names staff give it in a question ("LAUSD", "Long Beach")
  std::vector<Passage> passages;    // document order
};

// Where a document is wrong and what to do about it.
struct PolicyParseError {
  std::string file;
  int line = 0;         // 1-based; 0 when the problem is the whole file
  std::string message;  // what is wrong and what to do

  // "config/policies/x.md:12: <message>"
  std::string to_string() const;
};

// Lets boost::system::result<T, PolicyParseError>::value() throw on an error.
[[noreturn]] void throw_exception_from_error(const PolicyParseError& e, const boost::source_location& loc);

// Parses a document's text. `file` is only used to name the file in errors.
boost::system::result<PolicyDocument, PolicyParseError> parse_policy_document(std::string_view text,
                                                                              const std::filesystem::path& file);

// Reads and parses a file; a missing or unreadable file is an error at line 0.
boost::system::result<PolicyDocument, PolicyParseError> read_policy_document(const std::filesystem::path& file);

}  // namespace bot
