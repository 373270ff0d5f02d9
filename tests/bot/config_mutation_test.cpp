// The config validator against ~3,000 broken variants of the shipped sample: truncations, lines
// deleted and doubled, values of another type, flipped bytes, keys removed, huge numbers, bytes
// that are not UTF-8, deep nesting, aliases that multiply. Whatever the input, no exception
// escapes and nothing aborts or hangs, and a refused file names a line to fix.
//
// The corpus is generated from a seed (HALLPASS_FUZZ_SEED, default 20261124; HALLPASS_FUZZ_SCALE
// multiplies its size), so a failure replays; the failing variant is printed (HALLPASS_FUZZ_TRACE=1
// prints each one before it is checked).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bot/district/config_loader.hpp"
#include "bot/district/district.hpp"
#include "tests/fuzz/mutator.hpp"
#include "tests/support/platform_rules.hpp"

namespace {

// splitmix64: the same sequence with every standard library (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Variant {
  std::string kind;  // how it was made, to replay a failure
  std::string text;
};

// Positions of "key: " (a key and its value) in the text.
std::vector<std::size_t> key_positions(const std::string& text) {
  std::vector<std::size_t> out;
  for (std::size_t at = text.find(": "); at != std::string::npos; at = text.find(": ", at + 2)) {
    std::size_t k = at;
    while (k > 0 && (std::isalnum(static_cast<unsigned char>(text[k - 1])) || text[k - 1] == '_')) --k;
    if (k < at) out.push_back(k);
  }
  return out;
}

// The end of the value that starts at `from`: the next ',' or '}' of a flow map, or the line's end.
std::size_t value_end(const std::string& text, std::size_t from) {
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && depth-- == 0) return i;
    if ((c == ',' && depth == 0) || c == '\n') return i;
  }
  return text.size();
}

const std::vector<std::string> kBadBytes = {
    "\xFF",     "\xC3",         "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", std::string(1, '\0'), "\x01", "\x7F",
    "\xC2\x85", "\xEF\xBB\xBF", "\r",       "\t",           "\xE2\x80\xAE"};

std::vector<Variant> corpus(const std::string& sample, std::uint64_t seed, std::uint64_t scale) {
  Rng rng(seed);
  std::vector<Variant> out;
  const auto keys = key_positions(sample);

  // Truncations: every 7 bytes (cuts inside keys, values, quotes, flow maps and comments).
  for (std::size_t n = 0; n < sample.size(); n += 7)
    out.push_back({"truncated at " + std::to_string(n), sample.substr(0, n)});
  // Each line deleted, and each line written twice.
  for (auto& v : fuzz::line_variants(sample)) out.push_back({std::move(v.kind), std::move(v.text)});
  for (std::uint64_t round = 0; round < scale; ++round) {
    // A value of another type or form in place of a value.
    for (int i = 0; i < 500; ++i) {
      const std::size_t k = keys[rng.below(keys.size())];
      const std::size_t colon = sample.find(": ", k) + 2;
      const std::size_t end = value_end(sample, colon);
      const std::string& v = fuzz::odd_yaml_values()[rng.below(fuzz::odd_yaml_values().size())];
      out.push_back({"value at byte " + std::to_string(colon) + " replaced by " + v.substr(0, 30),
                     sample.substr(0, colon) + v + sample.substr(end)});
    }
    // A key and its value removed.
    for (int i = 0; i < 300; ++i) {
      const std::size_t k = keys[rng.below(keys.size())];
      std::size_t end = value_end(sample, sample.find(": ", k) + 2);
      if (end < sample.size() && sample[end] == ',') ++end;
      out.push_back({"key at byte " + std::to_string(k) + " removed", sample.substr(0, k) + sample.substr(end)});
    }
    // One to three random bytes.
    for (int i = 0; i < 500; ++i) {
      std::string t = sample;
      const std::size_t flips = 1 + rng.below(3);
      std::string kind = "bytes changed at";
      for (std::size_t f = 0; f < flips; ++f) {
        const std::size_t at = rng.below(t.size());
        t[at] = static_cast<char>(rng.below(256));
        kind += " " + std::to_string(at);
      }
      out.push_back({kind, t});
    }
    // Bytes that are not UTF-8 text (or are invisible) inserted.
    for (int i = 0; i < 300; ++i) {
      const std::size_t at = rng.below(sample.size());
      const std::string& b = kBadBytes[rng.below(kBadBytes.size())];
      out.push_back({"odd bytes inserted at " + std::to_string(at), sample.substr(0, at) + b + sample.substr(at)});
    }
    // Every number made huge, negative or fractional.
    for (int i = 0; i < 200; ++i) {
      std::string t = sample;
      std::vector<std::size_t> numbers;
      for (std::size_t j = 1; j < t.size(); ++j)
        if (std::isdigit(static_cast<unsigned char>(t[j])) && t[j - 1] == ' ') numbers.push_back(j);
      const std::size_t at = numbers[rng.below(numbers.size())];
      static const std::vector<std::string> huge = {
          "18446744073709551616", "-2147483649", "1e308", "0.5", "-0", "0x10", "1_000", "+7", "０"};
      out.push_back({"number at byte " + std::to_string(at) + " changed", t.insert(at, huge[rng.below(huge.size())])});
    }
  }
  // Deep nesting in flow and block style, and aliases that multiply (a "billion laughs").
  for (int depth : {10, 40, 100, 1000, 1999, 2001, 5000, 50000}) {
    const std::size_t at = sample.find("designees: ") + 11;
    out.push_back({"flow nesting " + std::to_string(depth), sample.substr(0, at) + std::string(depth, '[') +
                                                                std::string(depth, ']') +
                                                                sample.substr(sample.find('\n', at))});
    out.push_back({"open flow nesting " + std::to_string(depth), sample.substr(0, at) + std::string(depth, '{')});
    std::string block = sample + "extra:\n";
    for (int d = 1; d < std::min(depth, 3000); ++d) block += std::string(static_cast<std::size_t>(d), ' ') + "k:\n";
    out.push_back({"block nesting " + std::to_string(depth), block});
  }
  {
    std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; ++i) {
      laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int j = 0; j < 10; ++j) laughs += (j ? ", *a" : "*a") + std::to_string(i - 1);
      laughs += "]\n";
    }
    out.push_back({"billion laughs at the top", laughs + sample});
    out.push_back({"billion laughs as a value", sample + "people_extra: " + laughs.substr(4)});
  }
  // Whole-file oddities.
  std::string crlf;
  for (char c : sample) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  out.push_back({"CRLF line ends", crlf});
  out.push_back({"byte order mark", "\xEF\xBB\xBF" + sample});
  out.push_back({"UTF-16", std::string("\xFF\xFE") + "d\0i\0s\0"});
  out.push_back({"empty", ""});
  out.push_back({"only comments", "# nothing here\n# at all\n"});
  out.push_back({"two documents", sample + "---\n" + sample});
  out.push_back({"a list at the top", "- " + sample});
  out.push_back({"a scalar at the top", "district"});
  out.push_back({"tabs for indentation", "district:\n\tname: x\n"});
  out.push_back({"a megabyte line", sample + "note: " + std::string(1 << 20, 'x') + "\n"});
  out.push_back({"a megabyte key", sample + std::string(1 << 20, 'k') + ": 1\n"});
  out.push_back({"NUL bytes", std::string(100, '\0')});
  out.push_back({"a key that is a map", "{a: b}: c\n" + sample});
  return out;
}

bool has_a_line(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); });
}

}  // namespace

TEST_CASE("thousands of broken configs are refused with a line, never a crash", "[config][fuzz]") {
  std::ifstream in(bot::sample_config_path(), std::ios::binary);
  const std::string sample{std::istreambuf_iterator<char>(in), {}};
  REQUIRE(sample.size() > 1000);
  const std::uint64_t seed = env_number("HALLPASS_FUZZ_SEED", 20261124);
  const std::uint64_t scale = std::max<std::uint64_t>(1, env_number("HALLPASS_FUZZ_SCALE", 1));
  const auto variants = corpus(sample, seed, scale);
  INFO("seed " << seed << ", " << variants.size() << " variants");
  CHECK(variants.size() >= 3000);

  // HALLPASS_FUZZ_TRACE=1 names each variant before it is checked: for one that kills the process.
  const bool trace = env_number("HALLPASS_FUZZ_TRACE", 0) != 0;
  std::size_t refused = 0, failures = 0;
  for (const auto& v : variants) {
    if (trace) std::fprintf(stderr, "%s\n", v.kind.substr(0, 80).c_str());
    std::string problem;
    try {
      const auto r = bot::load_district_config_text(v.text, bot::sample_config_path(), test_support::platform_rules());
      if (trace && !r.errors.empty())
        std::fprintf(stderr, "  %s\n", r.errors.front().to_string().substr(0, 200).c_str());
      if (r.config) {
        if (!r.errors.empty()) problem = "accepted with problems";
        if (!r.policy) problem = "accepted without its policy library";
      } else {
        ++refused;
        if (r.errors.empty()) problem = "refused without a reason";
        const bool with_line = std::any_of(r.errors.begin(), r.errors.end(),
                                           [](const bot::ConfigError& e) { return !e.file.empty() && e.line > 0; });
        if (has_a_line(v.text) && !with_line) problem = "refused without a line: " + r.errors.front().to_string();
        for (const auto& e : r.errors) {
          if (e.file.empty() || e.message.empty()) problem = "a problem without a file or a message";
          if (e.message.find("internal error") != std::string::npos) problem = e.to_string();
        }
      }
    } catch (const std::exception& e) {
      problem = std::string("exception: ") + e.what();
    } catch (...) {
      problem = "an exception that is not std::exception";
    }
    if (!problem.empty() && ++failures <= 10)
      FAIL_CHECK(v.kind << ": " << problem << "\n--- variant (first 400 bytes) ---\n" << v.text.substr(0, 400));
  }
  CHECK(failures == 0);
  // Most variants break the file; a few (a comment deleted, a value that is still right) do not.
  CHECK(refused > variants.size() / 2);
}
