#pragma once
// Deterministic mutation of captured payloads, for the corpus-driven fuzz tests ([fuzz]).
//
// Every decoder of untrusted input (platform payloads, browser frames, console lines, staff
// questions) must turn any byte string into a result or an error: no exception may escape, and
// nothing may crash (the asan preset turns memory errors and undefined behaviour into failures).
// The inputs here are the captured payloads of tests/fixtures/<platform>/ and tests/fuzz/corpus/,
// changed in the ways attackers and broken clients change them: bit flips, truncations, JSON
// values of another type, huge strings, deep nesting, invalid UTF-8, lone surrogates, bad
// percent-escapes. A seed makes every run the same, so a failure can be replayed.
//
// Environment: HALLPASS_FUZZ_SEED (default 20261124) picks another sequence;
// HALLPASS_FUZZ_SCALE (default 1) multiplies the number of inputs of every test.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fuzz {

// splitmix64: tiny, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // A number in [0, n); n must be positive.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool one_in(std::size_t n) { return below(n) == 0; }

 private:
  std::uint64_t state_;
};

std::uint64_t seed();                           // HALLPASS_FUZZ_SEED or the default
std::size_t scaled(std::size_t default_count);  // default_count × HALLPASS_FUZZ_SCALE

// Byte strings that break naive decoders: invalid and overlong UTF-8, encoded surrogates, code
// points past U+10FFFF, NUL and control characters, bidi overrides, zero-width and combining marks.
const std::vector<std::string>& odd_bytes();
// JSON string-escape text that is valid JSON syntax but odd content: lone surrogates \ud800,
// reversed pairs, \u0000.
const std::vector<std::string>& odd_escapes();
// JSON number text at the edges: 1e400 (does not fit a double), 2^64, -0, huge exponents.
const std::vector<std::string>& odd_numbers();
// Percent-encodings that are not bytes (%G1, a lone %), bytes that are not UTF-8 (%FF, %C3%28), NUL.
const std::vector<std::string>& odd_percent();

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  // One to four stacked mutations of `input`, of every kind below. When `input` is JSON text, half
  // of them are structural (a value of another type, a key removed or renamed, a value nested
  // deeply or replaced by a huge or odd string) before the byte-level ones.
  std::string mutate(std::string_view input);

  std::string byte_level(std::string_view input);
  // nullopt when input is not JSON.
  std::optional<std::string> json_level(std::string_view input);

  Rng& rng() { return rng_; }

 private:
  void mutate_bytes_once(std::string& s);
  void mutate_json_once(nlohmann::json& root, std::vector<std::string>& raw);
  nlohmann::json replacement(const nlohmann::json& old, std::vector<std::string>& raw);
  std::size_t big_count();  // a length or a count for "huge": usually small, rarely 1 MB

  Rng rng_;
};

// Every value of a JSON seed (up to max_nodes of them, in document order) replaced in turn by
// null, a number, a string, a lone surrogate, invalid UTF-8, an empty array and object, and
// itself nested 100,000 deep: the type swaps and deep nesting at every position, not only where
// the random mutations happen to land. Empty when the input is not JSON.
std::vector<std::string> structural_sweep(std::string_view input, std::size_t max_nodes = 400);

// Inputs every decoder must survive, without a seed: empty, whitespace, JSON scalars and empty
// containers, 200,000-deep arrays and objects, a 1 MB string, the odd byte strings alone.
std::vector<std::string> hostile_inputs();

// Every regular file of the folders, sorted by path (so the order does not depend on the disk).
std::vector<std::string> read_corpus(const std::vector<std::filesystem::path>& folders);
std::string read_file(const std::filesystem::path& file);
// tests/fixtures/<platform> and tests/fuzz/corpus/<name> under the source tree.
std::filesystem::path fixtures(std::string_view platform);
std::filesystem::path corpus(std::string_view name);

// application/x-www-form-urlencoded encoding of one value (what a browser would send).
std::string form_encode(std::string_view value);

// The input as C-escaped text, cut to at most `max` bytes, for a failure message.
std::string printable(std::string_view input, std::size_t max = 800);

// The line-wise variants of a config file: each line deleted, and each line written twice.
struct LineVariant {
  std::string kind;  // "line 3 deleted", "line 3 doubled": to replay a failure
  std::string text;
};
std::vector<LineVariant> line_variants(const std::string& text);

// YAML values of other types and forms than a config file's (sequences, maps, nulls, huge numbers,
// anchors, tags, escapes, block scalars …), to put in place of a value. The order is fixed: a test
// that picks them at random replays with the same seed.
const std::vector<std::string>& odd_yaml_values();

struct Report {
  std::size_t inputs = 0;     // how many inputs ran
  std::size_t failures = 0;   // how many let an exception escape
  std::string first_failure;  // which input and what escaped, printable
};

// Feeds `decode` the hostile inputs, each seed unchanged, each seed cut at every position
// (up to `truncations` positions per seed), each seed's structural sweep, and then `count`
// mutations of the seeds in turn.
// `decode` returns "" when the decoder behaved, else what was wrong (a refusal without a message,
// say). An exception escaping `decode` and a non-empty answer are counted with the input that
// caused them, and the loop goes on. Catch2 assertions do not belong in `decode` (too many).
using Check = std::function<std::string(std::string_view input)>;
// One input through `decode`, counted in the report (for tests that make their own inputs).
void check(Report& report, std::string_view input, const std::string& label, const Check& decode);
Report run(const std::vector<std::string>& seeds, std::size_t count, const Check& decode,
           std::size_t truncations = 4096);

}  // namespace fuzz
