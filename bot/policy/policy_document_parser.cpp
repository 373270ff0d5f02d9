#include "bot/policy/policy_document_parser.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "bot/model/text.hpp"

namespace bot {
namespace {

// What this parser trims: blanks, tabs and a CR left by Windows line ends (not other line breaks).
constexpr std::string_view kBlanks = " \t\r";

constexpr std::string_view kFrontMatterFence = "---";
struct FrontMatterKey {
  std::string_view name;
  bool required;
};
// `called`: the names staff give the document or its district in a question, comma-separated.
constexpr FrontMatterKey kFrontMatterKeys[] = {{"id", true},     {"title", true}, {"citation", true},
                                               {"source", true}, {"date", true},  {"called", false}};
// Slugs of unnumbered headings keep this many words: short enough to type, long enough to differ.
constexpr size_t kSlugWords = 4;

// A label is the document's own number for a heading or an item: "IV", "A", "a", "12".
const std::regex kLabelChain(R"(^([IVXLCDM]+|[A-Za-z]|[0-9]+)(\.([IVXLCDM]+|[A-Za-z]|[0-9]+))*$)");
const std::regex kAnchorSyntax(R"(^[A-Za-z0-9][A-Za-z0-9._-]*$)");
const std::regex kDocIdSyntax(R"(^[a-z0-9][a-z0-9._-]*$)");

bool is_label_chain(std::string_view s) { return !s.empty() && std::regex_match(s.begin(), s.end(), kLabelChain); }

// Splits a trailing " {#anchor}" off a heading or a block; returns the anchor if there is one.
std::optional<std::string> take_explicit_anchor(std::string& text) {
  if (text.size() < 4 || text.back() != '}') return std::nullopt;
  const size_t open = text.rfind("{#");
  if (open == std::string::npos) return std::nullopt;
  std::string anchor = text.substr(open + 2, text.size() - open - 3);
  text = trim(std::string_view(text).substr(0, open), kBlanks);
  return anchor;
}

// "1. ", "a. ", "IV. " at the start of a line: the document's own number, and what follows.
std::optional<std::pair<std::string, std::string>> split_item_label(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  } else if (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
    ++i;
  } else {
    return std::nullopt;
  }
  if (i + 1 >= s.size() || s[i] != '.' || (s[i + 1] != ' ' && s[i + 1] != '\t')) return std::nullopt;
  return std::pair{std::string(s.substr(0, i)), trim(s.substr(i + 1), kBlanks)};
}

// Headings may carry a roman numeral as well ("IV. ADMINISTRATOR/DESIGNEE RESPONSIBILITIES:").
std::optional<std::pair<std::string, std::string>> split_heading_label(std::string_view s) {
  static const std::regex kHeadingLabel(R"(^([IVXLCDM]+|[A-Za-z]|[0-9]+)\.[ \t]+(.*)$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(s.begin(), s.end(), m, kHeadingLabel)) return std::nullopt;
  return std::pair{m[1].str(), m[2].str()};
}

std::string slug_of(std::string_view text) {
  std::string slug;
  size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (!in_word) {
        if (words == kSlugWords) break;
        if (!slug.empty()) slug += '-';
        ++words;
        in_word = true;
      }
      slug += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else {
      in_word = false;
    }
  }
  return slug;
}

struct Heading {
  int level = 0;
  std::string text;       // as written, without the anchor
  std::string cite_name;  // the heading in citations of unnumbered headings
  std::string anchor;     // may be empty for the document's title
  bool numbered = false;  // the anchor is the document's own numbering: cite as "§IV.A"
  int paragraphs = 0;
  int bullets = 0;
};

struct LastItem {
  std::string anchor;
  std::string local;  // label path below the heading, "3" or "3.a"
  int sub_bullets = 0;
};

enum class BlockKind { none, paragraph, item, sub_item };

struct Block {
  BlockKind kind = BlockKind::none;
  int line = 0;
  std::string label;  // empty for a bullet without a number
  std::string text;
};

class Parser {
 public:
  Parser(std::string_view text, std::filesystem::path file) : text_(text), file_(std::move(file)) {}

  boost::system::result<PolicyDocument, PolicyParseError> run() {
    split_lines();
    size_t body_start = 0;
    if (!parse_front_matter(body_start)) return *error_;
    for (size_t i = body_start; i < lines_.size() && !error_; ++i) {
      body_line(static_cast<int>(i + 1), lines_[i]);
    }
    if (!error_) flush();
    if (error_) return *error_;
    if (doc_.passages.empty()) {
      return fail(0, "the document has no passages: add paragraphs or numbered items below the front matter");
    }
    return std::move(doc_);
  }

 private:
  PolicyParseError fail(int line, std::string message) {
    if (!error_) error_ = PolicyParseError{file_.string(), line, std::move(message)};
    return *error_;
  }

  void split_lines() {
    std::string_view t = text_;
    if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);  // a UTF-8 byte order mark
    size_t pos = 0;
    while (pos <= t.size()) {
      const size_t nl = t.find('\n', pos);
      std::string_view line = t.substr(pos, nl == std::string_view::npos ? t.size() - pos : nl - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.emplace_back(line);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
  }

  bool parse_front_matter(size_t& body_start) {
    if (lines_.empty() || trim(lines_[0], kBlanks) != kFrontMatterFence) {
      fail(1,
           "the file must start with front matter: a line `---`, then the keys id, title, citation, "
           "source and date, then a closing `---`");
      return false;
    }
    size_t close = 1;
    while (close < lines_.size() && trim(lines_[close], kBlanks) != kFrontMatterFence) ++close;
    if (close == lines_.size()) {
      fail(1, "the front matter is not closed: add a line `---` after its last key");
      return false;
    }
    std::string yaml;
    for (size_t i = 1; i < close; ++i) yaml += lines_[i] + "\n";
    YAML::Node node;
    try {
      node = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      fail(static_cast<int>(e.mark.line) + 2, "the front matter is not valid YAML (" + e.msg +
                                                  "): write each key as `key: value`, quoting values "
                                                  "that contain a colon");
      return false;
    }
    if (!node.IsMap()) {
      fail(2, "the front matter must be `key: value` lines (id, title, citation, source, date)");
      return false;
    }
    std::map<std::string, std::string> values;
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const int line = static_cast<int>(kv.first.Mark().line) + 2;
      if (std::none_of(std::begin(kFrontMatterKeys), std::end(kFrontMatterKeys),
                       [&](const FrontMatterKey& k) { return k.name == key; })) {
        std::string keys;
        for (const FrontMatterKey& k : kFrontMatterKeys)
          keys += std::string(keys.empty() ? "" : ", ") + (k.required ? "" : "(optional) ") + std::string(k.name);
        fail(line, "unknown front matter key `" + key + "`: the keys are " + keys + "; put other details in `source`");
        return false;
      }
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        fail(line, "front matter key `" + key + "` must be a single line of text");
        return false;
      }
      values[key] = kv.second.IsNull() ? std::string() : trim(kv.second.as<std::string>(), kBlanks);
    }
    for (const FrontMatterKey& k : kFrontMatterKeys) {
      if (!k.required) continue;
      const std::string key(k.name);
      if (!values.contains(key)) {
        fail(1, std::string("the front matter has no `") + key + "`: add `" + key +
                    ": …` between the `---` lines (date may be \"\" for an undated source)");
        return false;
      }
      if (key != "date" && values[key].empty()) {
        fail(1, std::string("the front matter's `") + key + "` is empty: give it a value");
        return false;
      }
    }
    doc_.id = values["id"];
    doc_.title = values["title"];
    doc_.citation = values["citation"];
    doc_.source = values["source"];
    doc_.date = values["date"];
    std::string_view names = values["called"];
    while (!names.empty()) {
      const size_t comma = names.find(',');
      const std::string name = trim(names.substr(0, comma), kBlanks);
      if (!name.empty()) doc_.called.push_back(name);
      names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
    }
    if (!std::regex_match(doc_.id, kDocIdSyntax)) {
      fail(2, "the id `" + doc_.id +
                  "` may only use lower-case letters, digits, '.', '-' and '_', starting with a "
                  "letter or digit");
      return false;
    }
    // Passages before the first heading stand under the document's title.
    headings_.push_back(Heading{0, "", doc_.title, "", false});
    body_start = close + 1;
    return true;
  }

  void body_line(int number, const std::string& raw) {
    std::string line = raw;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty()) {
      flush();
      return;
    }
    size_t indent = 0;
    while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
    std::string_view rest = std::string_view(line).substr(indent);

    if (indent == 0 && rest.front() == '#') {
      size_t level = 0;
      while (level < rest.size() && rest[level] == '#') ++level;
      if (level <= 6 && level < rest.size() && (rest[level] == ' ' || rest[level] == '\t')) {
        flush();
        heading(number, static_cast<int>(level), trim(rest.substr(level), kBlanks));
        return;
      }
    }

    bool bullet = false;
    if (rest.size() >= 2 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+') &&
        (rest[1] == ' ' || rest[1] == '\t')) {
      bullet = true;
      rest = std::string_view(line).substr(indent + 2);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    }
    const auto labelled = split_item_label(rest);
    if (bullet || labelled) {
      flush();
      const bool sub = indent >= 2;
      if (sub && !last_item_) {
        fail(number,
             "an indented item must follow a numbered item it belongs to: remove the indentation "
             "or add the parent item above it");
        return;
      }
      block_.kind = sub ? BlockKind::sub_item : BlockKind::item;
      block_.line = number;
      block_.label = labelled ? labelled->first : std::string();
      block_.text = labelled ? labelled->second : std::string(rest);
      return;
    }
    if (block_.kind == BlockKind::none) {
      block_.kind = BlockKind::paragraph;
      block_.line = number;
      block_.text = std::string(rest);
    } else {
      // A wrapped line continues its paragraph or item.
      block_.text += ' ';
      block_.text += rest;
    }
  }

  void heading(int number, int level, std::string text) {
    auto explicit_anchor = take_explicit_anchor(text);
    if (text.empty()) {
      fail(number, "the heading has no text: write it after the #s");
      return;
    }
    while (headings_.size() > 1 && headings_.back().level >= level) headings_.pop_back();
    const Heading& parent = headings_.back();
    Heading h;
    h.level = level;
    h.text = text;
    h.cite_name = text;
    while (!h.cite_name.empty() && h.cite_name.back() == ':') h.cite_name.pop_back();
    const auto label = split_heading_label(text);
    if (label) h.cite_name = label->second;
    if (explicit_anchor) {
      if (!std::regex_match(*explicit_anchor, kAnchorSyntax)) {
        fail(number, "the anchor `{#" + *explicit_anchor + "}` may only use letters, digits, '.', '-' and '_'");
        return;
      }
      h.anchor = *explicit_anchor;
    } else if (level == 1) {
      h.anchor.clear();  // the document's title: its passages are "p1", "1", …
    } else if (label) {
      h.anchor = parent.numbered ? parent.anchor + "." + label->first : label->first;
    } else {
      h.anchor = slug_of(text);
      if (h.anchor.empty()) {
        fail(number, "cannot make an anchor from this heading: add one, e.g. `## Título {#title}`");
        return;
      }
    }
    h.numbered = is_label_chain(h.anchor);
    if (!h.anchor.empty()) {
      if (auto it = heading_anchors_.find(h.anchor); it != heading_anchors_.end()) {
        fail(number, "the heading anchor `" + h.anchor + "` is already used by the heading on line " +
                         std::to_string(it->second) + ": give one of them an explicit `{#…}` anchor");
        return;
      }
      heading_anchors_[h.anchor] = number;
    }
    headings_.push_back(std::move(h));
    last_item_.reset();
  }

  static std::string prefixed(const Heading& h, const std::string& local) {
    return h.anchor.empty() ? local : h.anchor + "." + local;
  }

  void flush() {
    if (block_.kind == BlockKind::none) return;
    Block b = std::move(block_);
    block_ = Block{};
    auto explicit_anchor = take_explicit_anchor(b.text);
    b.text = trim(b.text, kBlanks);
    if (explicit_anchor && !std::regex_match(*explicit_anchor, kAnchorSyntax)) {
      fail(b.line, "the anchor `{#" + *explicit_anchor + "}` may only use letters, digits, '.', '-' and '_'");
      return;
    }
    if (b.text.empty()) {
      fail(b.line, "the item has no text: write its wording after the number, or remove the line");
      return;
    }
    Heading& h = headings_.back();
    Passage p;
    p.doc = doc_.id;
    p.title = doc_.title;
    p.section = h.text;
    p.text = b.text;
    std::string anchor;
    std::string cite;
    const std::string where = h.numbered ? "§" + h.anchor : h.cite_name;
    const std::string lead = where.empty() ? doc_.citation : doc_.citation + ", " + where;

    if (b.kind == BlockKind::paragraph) {
      const bool note =
          (b.text.front() == '(' && b.text.back() == ')') || (b.text.front() == '[' && b.text.back() == ']');
      if (note) return;  // a cross-reference note: kept in the file, never quoted
      last_item_.reset();
      const std::string n = std::to_string(++h.paragraphs);
      anchor = prefixed(h, "p" + n);
      cite = lead + " ¶" + n;
    } else if (b.kind == BlockKind::item) {
      const std::string local = b.label.empty() ? std::to_string(++h.bullets) : b.label;
      anchor = prefixed(h, local);
      cite = h.numbered ? doc_.citation + ", §" + anchor : lead + ", item " + local;
      last_item_ = LastItem{explicit_anchor ? *explicit_anchor : anchor, local, 0};
    } else {
      const std::string sub = b.label.empty() ? std::to_string(++last_item_->sub_bullets) : b.label;
      const std::string local = last_item_->local + "." + sub;
      anchor = last_item_->anchor + "." + sub;
      cite = h.numbered ? doc_.citation + ", §" + prefixed(h, local) : lead + ", item " + local;
    }
    if (explicit_anchor) anchor = *explicit_anchor;
    if (auto it = passage_anchors_.find(anchor); it != passage_anchors_.end()) {
      fail(b.line, "the passage id `" + doc_.id + "#" + anchor + "` is already used on line " +
                       std::to_string(it->second) +
                       ": number the items differently or give one an explicit `{#…}` anchor");
      return;
    }
    passage_anchors_[anchor] = b.line;
    p.id = doc_.id + "#" + anchor;
    p.citation = std::move(cite);
    doc_.passages.push_back(std::move(p));
  }

  std::string_view text_;
  std::filesystem::path file_;
  std::vector<std::string> lines_;
  PolicyDocument doc_;
  std::vector<Heading> headings_;
  std::map<std::string, int> heading_anchors_;
  std::map<std::string, int> passage_anchors_;
  std::optional<LastItem> last_item_;
  Block block_;
  std::optional<PolicyParseError> error_;
};

}  // namespace

std::string PolicyParseError::to_string() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line;
  out << ": " << message;
  return out.str();
}

void throw_exception_from_error(const PolicyParseError& e, const boost::source_location&) {
  throw std::runtime_error(e.to_string());
}

boost::system::result<PolicyDocument, PolicyParseError> parse_policy_document(std::string_view text,
                                                                              const std::filesystem::path& file) {
  return Parser(text, file).run();
}

boost::system::result<PolicyDocument, PolicyParseError> read_policy_document(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return PolicyParseError{file.string(), 0,
                            "cannot read the file: check the path in the district config's "
                            "`policies:` list (relative paths start at the config file's folder)"};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_policy_document(buffer.str(), file);
}

}  // namespace bot
