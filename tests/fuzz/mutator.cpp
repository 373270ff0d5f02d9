#include "tests/fuzz/mutator.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <typeinfo>

namespace fuzz {

namespace {

using nlohmann::json;

constexpr std::uint64_t kDefaultSeed = 20261124;

// A string value the dump shows as "\u0001RAW<n>\u0001": replaced afterwards by raw JSON text
// (a lone surrogate escape, 1e400, 100,000 brackets), which a json value cannot hold itself.
std::string placeholder(std::size_t n) { return "\x01RAW" + std::to_string(n) + "\x01"; }
std::string dumped_placeholder(std::size_t n) { return "\"\\u0001RAW" + std::to_string(n) + "\\u0001\""; }

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

void collect_pointers(const json& node, const json::json_pointer& at, std::vector<json::json_pointer>& out,
                      std::size_t max) {
  if (out.size() >= max) return;
  out.push_back(at);
  if (node.is_object()) {
    for (const auto& [key, child] : node.items()) collect_pointers(child, at / key, out, max);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) collect_pointers(node[i], at / i, out, max);
  }
}

std::string substitute(std::string text, const std::vector<std::string>& raw) {
  for (std::size_t n = raw.size(); n-- > 0;) {
    const std::string token = dumped_placeholder(n);
    for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + raw[n].size()))
      text.replace(at, token.size(), raw[n]);
  }
  return text;
}

void collect(json& node, std::vector<json*>& out) {
  out.push_back(&node);
  if (node.is_structured())
    for (auto& child : node) collect(child, out);
}

}  // namespace

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t seed() {
  const char* text = std::getenv("HALLPASS_FUZZ_SEED");
  if (!text || !*text) return kDefaultSeed;
  return std::strtoull(text, nullptr, 10);
}

std::size_t scaled(std::size_t default_count) {
  const char* text = std::getenv("HALLPASS_FUZZ_SCALE");
  if (!text || !*text) return default_count;
  const double scale = std::strtod(text, nullptr);
  return scale > 0 ? static_cast<std::size_t>(static_cast<double>(default_count) * scale) : default_count;
}

const std::vector<std::string>& odd_bytes() {
  static const std::vector<std::string> kOdd = {
      std::string("\xFF"),
      std::string("\xC3"),                  // a lead byte without its continuation
      std::string("\xC3\x28"),              // a lead byte followed by ASCII
      std::string("\x80\x80"),              // continuation bytes alone
      std::string("\xC0\xAF"),              // overlong "/"
      std::string("\xE0\x80\xAF"),          // overlong "/" in three bytes
      std::string("\xED\xA0\x80"),          // U+D800 encoded (CESU-8), not UTF-8
      std::string("\xED\xBF\xBF"),          // U+DFFF encoded
      std::string("\xF4\x90\x80\x80"),      // past U+10FFFF
      std::string("\xF8\x88\x80\x80\x80"),  // five-byte form
      std::string("\xE2\x82"),              // "€" cut short
      std::string("\0", 1),                 // NUL inside text
      std::string("\x1B[31m"),              // terminal escape
      "\r\n\t\v\f",
      "\xE2\x80\xAE",                                                              // RIGHT-TO-LEFT OVERRIDE
      "\xE2\x80\x8B\xE2\x80\x8D",                                                  // zero-width space and joiner
      "\xEF\xBB\xBF",                                                              // byte order mark
      "e\xCC\x81\xCC\x81\xCC\x81\xCC\x81",                                         // e with stacked combining accents
      "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // family emoji
      "\xEF\xBF\xBF",                                                              // U+FFFF, a noncharacter
      "\xC4\xB0\xC3\x9F\xEF\xAC\x80",  // İ ß ﬀ: case folding changes their length
  };
  return kOdd;
}

const std::vector<std::string>& odd_escapes() {
  static const std::vector<std::string> kOdd = {
      "\\ud800",        "\\udc00", "\\udbff\\u0041", "\\udc00\\ud800", "\\u0000", "\\uffff",
      "\\ud83d\\ude00", "\\u202e", "\\\\",           "\\\"",           "\\/",
  };
  return kOdd;
}

const std::vector<std::string>& odd_numbers() {
  static const std::vector<std::string> kOdd = {
      "1e400",
      "-1e400",
      "18446744073709551616",
      "18446744073709551615",
      "-9223372036854775809",
      "2147483648",
      "-2147483649",
      "-0",
      "0.0000000000000000000000000001",
      "1E+2",
      "4e-400",
      "123456789012345678901234567890",
  };
  return kOdd;
}

const std::vector<std::string>& odd_percent() {
  static const std::vector<std::string> kOdd = {
      "%FF", "%", "%G1", "%1", "%00", "%C3%28", "%ED%A0%80", "%25", "%2", "+%2B+", "%%", "&&", "==", "&=&",
  };
  return kOdd;
}

std::size_t Mutator::big_count() {
  // Mostly sizes a decoder meets every day, sometimes past a platform's limit, rarely 1 MB: the
  // huge ones find the crashes, the many small ones keep each test within seconds.
  const std::size_t roll = rng_.below(100);
  if (roll < 85) return 1 + rng_.below(512);
  if (roll < 98) return 512 + rng_.below(64 * 1024);
  return (std::size_t(1) << 20) - rng_.below(1024);
}

json Mutator::replacement(const json& old, std::vector<std::string>& raw) {
  auto raw_value = [&raw](std::string text) {
    raw.push_back(std::move(text));
    return json(placeholder(raw.size() - 1));
  };
  switch (rng_.below(18)) {
    case 0: return nullptr;
    case 1: return rng_.one_in(2);
    case 2: {
      static const std::int64_t kInts[] = {0,
                                           -1,
                                           1,
                                           std::numeric_limits<std::int32_t>::max(),
                                           std::int64_t(std::numeric_limits<std::int32_t>::max()) + 1,
                                           std::numeric_limits<std::int64_t>::min(),
                                           std::numeric_limits<std::int64_t>::max()};
      return kInts[rng_.below(std::size(kInts))];
    }
    case 3: {
      if (rng_.one_in(2)) return std::numeric_limits<std::uint64_t>::max();
      static const double kDoubles[] = {0.5, -0.0, 1e308, -1e308, 1e-320, 3.0};
      return kDoubles[rng_.below(std::size(kDoubles))];
    }
    case 4: return raw_value(odd_numbers()[rng_.below(odd_numbers().size())]);
    case 5: return "";
    case 6: return "x";
    case 7: {
      // Past every platform's limit: up to 1 MB of one character or one odd sequence.
      static const char* const kUnits[] = {"A", " ", "\xC3\xA9", "\xE2\x80\xAE", "<", "\\", "@hallpass "};
      const std::string unit = kUnits[rng_.below(std::size(kUnits))];
      return repeat(unit, big_count() / unit.size() + 1);
    }
    case 8: return raw_value("\"" + odd_bytes()[rng_.below(odd_bytes().size())] + "\"");
    case 9: {
      std::string base = old.is_string() ? old.get<std::string>() : std::string("x");
      return raw_value(json(base).dump().insert(1, odd_escapes()[rng_.below(odd_escapes().size())]));
    }
    case 10: return json::array();
    case 11: return json::object();
    case 12: return json::array({old});
    case 13: return json{{"", old}};
    case 14: {
      // Deep nesting, from a few levels to far more than any real payload.
      const std::size_t depth = big_count() / 8 + 2;
      const bool arrays = rng_.one_in(2);
      return raw_value(arrays ? repeat("[", depth) + old.dump() + repeat("]", depth)
                              : repeat("{\"a\":", depth) + old.dump() + repeat("}", depth));
    }
    case 15: return old.dump();  // the value as a string: "123", "{\"a\":1}"
    case 16: {
      std::string base = old.is_string() ? old.get<std::string>() : std::string("x");
      const auto& odd = rng_.one_in(2) ? odd_bytes() : odd_percent();
      std::string text = odd[rng_.below(odd.size())];
      // Raw bytes cannot go through a json string (dump refuses invalid UTF-8): splice the text.
      std::string token = json(base).dump();
      std::string escaped_odd;
      for (unsigned char c : text) {
        if (c == '"' || c == '\\') escaped_odd += '\\';
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          escaped_odd += buf;
        } else {
          escaped_odd += static_cast<char>(c);
        }
      }
      token.insert(1 + rng_.below(token.size() - 1), escaped_odd);
      return raw_value(token);
    }
    default: {
      json many = json::array();
      const std::size_t n = 2 + big_count() / 1024;
      for (std::size_t i = 0; i < n; ++i) many.push_back(old);
      return many;
    }
  }
}

void Mutator::mutate_json_once(json& root, std::vector<std::string>& raw) {
  std::vector<json*> nodes;
  collect(root, nodes);
  json& node = *nodes[rng_.below(nodes.size())];
  if (node.is_object() && !node.empty() && rng_.one_in(3)) {
    auto it = node.begin();
    std::advance(it, rng_.below(node.size()));
    const std::string key = it.key();
    json value = *it;
    node.erase(it);
    switch (rng_.below(3)) {
      case 0: break;                                      // the member removed
      case 1: node[key + "_"] = std::move(value); break;  // renamed
      default: {
        // The member under a key that is not valid text.
        raw.push_back("\"" + key + odd_bytes()[rng_.below(odd_bytes().size())] + "\"");
        node[placeholder(raw.size() - 1)] = std::move(value);
      }
    }
    return;
  }
  node = replacement(node, raw);
}

std::optional<std::string> Mutator::json_level(std::string_view input) {
  json root = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return std::nullopt;
  std::vector<std::string> raw;
  const std::size_t rounds = 1 + rng_.below(3);
  for (std::size_t i = 0; i < rounds; ++i) mutate_json_once(root, raw);
  return substitute(root.dump(rng_.one_in(4) ? 2 : -1), raw);
}

std::vector<std::string> structural_sweep(std::string_view input, std::size_t max_nodes) {
  const json root = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return {};
  std::vector<json::json_pointer> pointers;
  collect_pointers(root, json::json_pointer(), pointers, max_nodes);
  std::vector<std::string> out;
  for (const auto& at : pointers) {
    const std::string old = root.at(at).dump();
    const std::vector<std::string> replacements = {
        "null", "-1",          "1e400",
        "\"\"", "\"\\ud800\"", "\"\xC3\x28\"",
        "[]",   "{}",          repeat("[", 100000) + old + repeat("]", 100000)};
    for (const std::string& replacement : replacements) {
      if (at.empty()) {
        out.push_back(replacement);
        continue;
      }
      json copy = root;
      copy.at(at) = placeholder(0);
      out.push_back(substitute(copy.dump(), {replacement}));
    }
  }
  return out;
}

void Mutator::mutate_bytes_once(std::string& s) {
  auto pos = [&](bool end_ok) { return s.empty() ? 0 : rng_.below(s.size() + (end_ok ? 1 : 0)); };
  switch (rng_.below(11)) {
    case 0:
      if (!s.empty()) s[pos(false)] ^= static_cast<char>(1u << rng_.below(8));
      break;
    case 1:
      if (!s.empty()) {
        static const char kBytes[] = {'\0', '\xFF', '\x80', '\xC0', '"', '\\', '{', '}', '[', ']', ':', ',',
                                      '%',  '&',    '=',    '+',    ' ', '\n', '<', '@', '#', '/', ';', '\''};
        s[pos(false)] = kBytes[rng_.below(sizeof kBytes)];
      }
      break;
    case 2: s.resize(pos(true)); break;
    case 3: {
      const std::size_t at = pos(true);
      s.erase(at, rng_.below(s.size() - at + 1));
      break;
    }
    case 4: {
      const std::size_t at = pos(true);
      const std::string piece = s.substr(at, rng_.below(s.size() - at + 1));
      s.insert(pos(true), piece);
      break;
    }
    case 5: s.insert(pos(true), odd_bytes()[rng_.below(odd_bytes().size())]); break;
    case 6: s.insert(pos(true), odd_escapes()[rng_.below(odd_escapes().size())]); break;
    case 7: s.insert(pos(true), odd_percent()[rng_.below(odd_percent().size())]); break;
    case 8: {
      static const char* const kUnits[] = {"A", "[", "{\"a\":", "\"", "\\", "%FF", "\xC3\xA9", " "};
      s.insert(pos(true), repeat(kUnits[rng_.below(std::size(kUnits))], big_count() / 4 + 1));
      break;
    }
    case 9: s.insert(pos(true), 1, static_cast<char>(rng_.below(256))); break;
    default: {
      // A digit run replaced by a number at the edge of every integer type.
      const std::size_t at = s.find_first_of("0123456789", pos(true));
      if (at == std::string::npos) break;
      const std::size_t end = s.find_first_not_of("0123456789.", at);
      s.replace(at, (end == std::string::npos ? s.size() : end) - at, odd_numbers()[rng_.below(odd_numbers().size())]);
    }
  }
}

std::string Mutator::byte_level(std::string_view input) {
  std::string s(input);
  const std::size_t rounds = 1 + rng_.below(4);
  for (std::size_t i = 0; i < rounds; ++i) mutate_bytes_once(s);
  return s;
}

std::string Mutator::mutate(std::string_view input) {
  if (rng_.one_in(2)) {
    if (auto structural = json_level(input)) {
      // Mostly a well-formed document of the wrong shape; sometimes broken further.
      return rng_.one_in(4) ? byte_level(*structural) : *structural;
    }
  }
  return byte_level(input);
}

std::vector<std::string> hostile_inputs() {
  std::vector<std::string> in = {
      "",
      " ",
      "\n",
      "\r\n",
      "null",
      "true",
      "0",
      "-1",
      "1e400",
      "\"\"",
      "\"x\"",
      "[]",
      "{}",
      "[null]",
      "{\"\":null}",
      "{\"type\":null}",
      "{\"type\":\"\"}",
      "{\"type\":[]}",
      "{\"type\":{}}",
      "\"\\ud800\"",
      "{\"\\ud800\":1}",
      "{\"a\":1,\"a\":2}",
      "\xEF\xBB\xBF{}",
      "{} {}",
      std::string("{}\0garbage", 10),
      "/*{}*/",
      "payload=",
      "payload",
      "=",
      "&",
      "%",
  };
  for (const std::string& odd : odd_bytes()) {
    in.push_back(odd);
    in.push_back("{\"type\":\"" + odd + "\",\"text\":\"" + odd + "\"}");
  }
  for (const std::string& odd : odd_percent()) in.push_back("text=" + odd + "&payload=" + odd);
  const std::size_t kDeep = 200000;
  in.push_back(repeat("[", kDeep));
  in.push_back(repeat("[", kDeep) + repeat("]", kDeep));
  in.push_back(repeat("{\"a\":", kDeep) + "1" + repeat("}", kDeep));
  in.push_back(repeat("{\"payload\":", kDeep) + "{}" + repeat("}", kDeep));
  in.push_back(std::string(1 << 20, 'A'));
  in.push_back("\"" + std::string(1 << 20, 'A') + "\"");
  in.push_back(repeat("\xC3\xA9", 1 << 19));
  in.push_back(repeat("%FF", 1 << 18));
  return in;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> read_corpus(const std::vector<std::filesystem::path>& folders) {
  std::vector<std::filesystem::path> files;
  for (const auto& folder : folders)
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(read_file(f));
  return out;
}

std::filesystem::path fixtures(std::string_view platform) {
  return std::filesystem::path(HALLPASS_SOURCE_DIR) / "tests/fixtures" / platform;
}

std::filesystem::path corpus(std::string_view name) {
  return std::filesystem::path(HALLPASS_SOURCE_DIR) / "tests/fuzz/corpus" / name;
}

std::string form_encode(std::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string printable(std::string_view input, std::size_t max) {
  std::string out;
  for (unsigned char c : input.substr(0, max)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (input.size() > max) out += "… (" + std::to_string(input.size()) + " bytes)";
  return out;
}

void check(Report& report, std::string_view input, const std::string& label, const Check& decode) {
  ++report.inputs;
  std::string problem;
  try {
    problem = decode(input);
  } catch (const std::exception& e) {
    problem = std::string("exception escaped (") + typeid(e).name() + "): " + e.what();
  } catch (...) {
    problem = "an exception that is not a std::exception escaped";
  }
  if (problem.empty()) return;
  if (report.failures++ == 0) report.first_failure = label + ": " + problem + "\ninput: " + printable(input);
}

Report run(const std::vector<std::string>& seeds, std::size_t count, const Check& decode, std::size_t truncations) {
  Report report;
  auto one = [&](std::string_view input, const std::string& label) { check(report, input, label, decode); };
  std::size_t n = 0;
  for (const std::string& input : hostile_inputs()) one(input, "hostile input " + std::to_string(n++));
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    one(seeds[i], "seed " + std::to_string(i));
    const std::size_t size = seeds[i].size();
    const std::size_t step = size > truncations ? size / truncations + 1 : 1;
    for (std::size_t cut = 0; cut < size; cut += step)
      one(std::string_view(seeds[i]).substr(0, cut), "seed " + std::to_string(i) + " cut at " + std::to_string(cut));
    const auto swept = structural_sweep(seeds[i]);
    for (std::size_t k = 0; k < swept.size(); ++k)
      one(swept[k], "seed " + std::to_string(i) + " structural variant " + std::to_string(k));
  }
  if (seeds.empty()) return report;
  for (std::size_t i = 0; i < count; ++i) {
    // Each mutation from its own generator, so one can be replayed alone.
    Mutator mutator(seed() ^ (i * 0xD1B54A32D192ED03ULL));
    const std::string input = mutator.mutate(seeds[i % seeds.size()]);
    one(input, "mutation " + std::to_string(i) + " of seed " + std::to_string(i % seeds.size()) +
                   " (HALLPASS_FUZZ_SEED=" + std::to_string(seed()) + ")");
  }
  return report;
}

namespace {

// A text's lines, each with its '\n' (the last one may have none), and back.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size() - 1);
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

}  // namespace

std::vector<LineVariant> line_variants(const std::string& text) {
  std::vector<LineVariant> out;
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto fewer = lines;
    fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back({"line " + std::to_string(i + 1) + " deleted", join_lines(fewer)});
    auto more = lines;
    more.insert(more.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
    out.push_back({"line " + std::to_string(i + 1) + " doubled", join_lines(more)});
  }
  return out;
}

const std::vector<std::string>& odd_yaml_values() {
  static const std::vector<std::string> values = {"[]",
                                                  "{}",
                                                  "[a, b]",
                                                  "{ x: 1 }",
                                                  "\"\"",
                                                  "~",
                                                  "-1",
                                                  "0",
                                                  "99999999999999999999999999",
                                                  "1e400",
                                                  "true",
                                                  "\"${HALLPASS_UNSET_VARIABLE}\"",
                                                  "\"${\"",
                                                  "&anchor x",
                                                  "*anchor",
                                                  "!!binary AAAA",
                                                  "\"\\0\"",
                                                  "\"\\xff\"",
                                                  "'it''s'",
                                                  "|\n  text\n",
                                                  "- a\n- b",
                                                  "\"\xC3\xA9t\xC3\xA9\"",
                                                  std::string(5000, 'x'),
                                                  "@x",
                                                  "`x`",
                                                  "%x",
                                                  "? x",
                                                  "2026-02-31",
                                                  "\"19:00\"",
                                                  "yes",
                                                  "\"#channel\"",
                                                  "-9223372036854775809"};
  return values;
}

}  // namespace fuzz
