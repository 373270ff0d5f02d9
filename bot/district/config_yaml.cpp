#include "bot/district/config_yaml.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "bot/district/config_loader.hpp"

namespace bot {
namespace {

// A district file is six levels deep (incidents → categories → threat → contacts → item → name)
// and has a few thousand values; far more is a mistake or an attack (aliases that multiply).
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxNodes = 200'000;

const YamlNode& missing_node() {
  static const YamlNode node;
  return node;
}

// Builds the tree from the parser's events, without yaml-cpp's own Node (whose LoadAll never
// ends on a stray ',' at the start of a document) and without recursion. Aliases are copied,
// within the node budget.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(const std::filesystem::path& file, std::vector<ConfigError>& errors) : file_(file), errors_(errors) {}

  bool empty_document() const { return !root_set_ || root_.kind == YamlNode::Kind::null; }
  YamlNode take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode n;
    n.kind = YamlNode::Kind::null;
    n.line = line(mark);
    complete(std::move(n), anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end() || !count(it->second.second, line(mark))) {
      OnNull(mark, YAML::NullAnchor);
      return;
    }
    complete(YamlNode(it->second.first), YAML::NullAnchor, it->second.second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!count(1, line(mark))) return OnNull(mark, anchor);
    YamlNode n;
    n.kind = YamlNode::Kind::scalar;
    n.line = line(mark);
    n.text = value;
    // "?" is yaml-cpp's tag for a plain (unquoted, untagged) scalar.
    n.quoted = tag != "?";
    complete(std::move(n), anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::list, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::size_t nodes = 1;        // in this subtree, for aliases of it
    std::optional<YamlNode> key;  // a map's key waiting for its value
    bool skipped_key = false;     // the key was not a scalar: drop its value too
  };

  static int line(const YAML::Mark& m) { return m.is_null() ? 0 : m.line + 1; }

  // Takes n more nodes from the budget; false (reported once) when it is spent.
  bool count(std::size_t n, int at) {
    nodes_ += n;
    if (nodes_ <= kMaxNodes) return true;
    if (!budget_reported_)
      add(at,
          "the file holds more than 200,000 values (aliases that repeat each other?). A district file needs "
          "far fewer: write each value out, or import the people from people_csv.");
    budget_reported_ = true;
    return false;
  }

  void open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (too_deep_ > 0 || stack_.size() >= static_cast<std::size_t>(kMaxDepth)) {
      if (too_deep_++ == 0)
        add(line(mark),
            "the values here are nested more than 32 levels deep; a district file needs at most 6. "
            "Check the indentation and the brackets.");
      return;
    }
    Frame f;
    f.node.kind = kind;
    f.node.line = line(mark);
    f.anchor = anchor;
    count(1, f.node.line);
    stack_.push_back(std::move(f));
  }

  void close() {
    if (too_deep_ > 0) {
      // The outermost of the skipped containers stands as an empty value.
      if (--too_deep_ == 0) {
        YamlNode n;
        n.kind = YamlNode::Kind::null;
        complete(std::move(n), YAML::NullAnchor, 1);
      }
      return;
    }
    if (stack_.empty()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(f.node), f.anchor, f.nodes);
  }

  // A finished node: remembered under its anchor, then added to its list or map, or the root.
  void complete(YamlNode n, YAML::anchor_t anchor, std::size_t nodes) {
    if (too_deep_ > 0) return;
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {n, nodes};
    if (stack_.empty()) {
      root_ = std::move(n);
      root_set_ = true;
      return;
    }
    Frame& parent = stack_.back();
    parent.nodes += nodes;
    if (parent.node.kind == YamlNode::Kind::list) {
      parent.node.items.push_back(std::move(n));
      return;
    }
    if (!parent.key && !parent.skipped_key) {
      if (n.kind != YamlNode::Kind::scalar) {
        add(n.line, "a key must be a plain word followed by ':', not " + std::string(n.kind_name()) +
                        ". Check the brackets and the indentation on this line.");
        parent.skipped_key = true;
      } else {
        parent.key = std::move(n);
      }
      return;
    }
    if (parent.skipped_key) {
      parent.skipped_key = false;
      return;
    }
    YamlNode key = std::move(*parent.key);
    parent.key.reset();
    for (const auto& e : parent.node.entries)
      if (e.key == key.text) {
        add(key.line, "'" + (key.text.size() > 60 ? key.text.substr(0, 60) + "…" : key.text) +
                          "' is written twice here (first on line " + std::to_string(e.key_line) +
                          "). Keep one of the two.");
        return;
      }
    parent.node.entries.push_back({std::move(key.text), key.line, std::move(n)});
  }

  void add(int line, std::string message) { errors_.push_back({file_.string(), line, std::move(message)}); }

  const std::filesystem::path& file_;
  std::vector<ConfigError>& errors_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<YamlNode, std::size_t>> anchors_;
  YamlNode root_;
  bool root_set_ = false;
  std::size_t nodes_ = 0;
  bool budget_reported_ = false;
  int too_deep_ = 0;  // containers opened past kMaxDepth, not kept
};

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is malformed.
std::size_t utf8_length(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t len;
  if (c < 0x80) return cp = c, 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    len = 4, cp = c & 0x07;
  else
    return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

// yaml-cpp's words for the usual mistakes, in the words of someone who edits the file.
std::string plain(const std::string& msg) {
  static const std::pair<std::string_view, std::string_view> kPlain[] = {
      {"end of map flow not found", "a '{' opened here is not closed with '}' (or a value in it needs quotes)"},
      {"end of sequence flow not found", "a '[' opened here is not closed with ']' (or a value in it needs quotes)"},
      {"illegal EOF in scalar", "a quote opened here is not closed"},
      {"end of map not found", "this line's indentation does not fit the lines above it"},
      {"end of sequence not found", "this line's indentation does not fit the list above it"},
      {"illegal map value", "a ':' where no key can start (a value with ': ' in it needs quotes)"},
      {"unknown escape character", "an unknown \\ escape inside double quotes (write \\\\ for a backslash)"},
      {"illegal tab when looking for indentation", "a tab in the indentation: indent with spaces only"},
      {"illegal flow end", "a ']' or '}' that closes nothing"},
      {"illegal block entry", "a '- ' list item where a value was expected (check the indentation)"},
  };
  for (const auto& [yaml, words] : kPlain)
    if (msg.starts_with(yaml)) return std::string(words) + " (YAML: " + msg + "). Check this line and the one before.";
  return msg +
         ". Check the indentation and the quotes on this line and the one before (a value with ': ' or "
         "'#' in it needs quotes).";
}

}  // namespace

const YamlNode& YamlNode::operator[](std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return e.value;
  return missing_node();
}

int YamlNode::key_line(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return e.key_line;
  return line;
}

std::string_view YamlNode::kind_name() const {
  switch (kind) {
    case Kind::missing: return "nothing";
    case Kind::null: return "empty";
    case Kind::scalar: return "a single value";
    case Kind::list: return "a list";
    case Kind::map: return "a map (key: value pairs)";
  }
  return "nothing";
}

bool is_valid_utf8(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i, cp);
    if (!n) return false;
    i += n;
  }
  return true;
}

std::string first_control_character(std::string_view s, bool allow_newlines) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i, cp);
    if (!n) return "a byte that is not UTF-8";
    i += n;
    const bool allowed = cp == '\t' || (allow_newlines && (cp == '\n' || cp == '\r'));
    if (!allowed && (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
      return buf;
    }
  }
  return {};
}

YamlDocument parse_config_yaml(std::string_view text, const std::filesystem::path& file,
                               std::vector<ConfigError>& errors) {
  YamlDocument doc;
  // Bytes first, line by line: yaml-cpp passes bytes that are not UTF-8 through untouched, and
  // an IT person can fix a line, not a value deep in a map.
  int line_no = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++line_no;
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a UTF-8 byte order mark
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!is_valid_utf8(line)) {
      errors.push_back({file.string(), line_no,
                        "this line is not UTF-8 text. Save the file as UTF-8 (in most editors: Save as → "
                        "Encoding: UTF-8) and check the letters with accents on this line."});
      doc.bad_text_lines.push_back(line_no);
    } else if (auto c = first_control_character(line, false); !c.empty()) {
      errors.push_back({file.string(), line_no,
                        "this line holds an invisible control character (" + c +
                            "). Delete it (retype the line if you cannot see it)."});
      doc.bad_text_lines.push_back(line_no);
    }
    if (end == text.size()) break;
    start = end + 1;
  }

  // The first line that is neither blank, a comment nor a document marker; 0 when there is none.
  const auto first_content_line = [&] {
    int n = 0;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      ++n;
      const auto line = text.substr(start, end - start);
      const auto c = line.find_first_not_of(" \t\r");
      if (c != std::string_view::npos && line[c] != '#' && !line.substr(c).starts_with("---") &&
          !line.substr(c).starts_with("..."))
        return n;
      start = end + 1;
    }
    return 0;
  };
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    TreeBuilder builder(file, errors);
    if (!parser.HandleNextDocument(builder)) return doc;
    const bool empty = builder.empty_document();
    doc.root = builder.take_root();
    if (empty) {
      // Text that is not a comment, yet no document: a stray ',', ']' or '}' where the file
      // should start. The parser stands still on it (YAML::LoadAll would loop for ever).
      if (const int line = first_content_line(); line > 0)
        errors.push_back({file.string(), line,
                          "this is not valid YAML: the file cannot start with this line (a stray ',', ']' or '}'?). "
                          "The first line that is not a comment should be 'district:'."});
      return doc;
    }
    TreeBuilder second(file, errors);
    if (parser.HandleNextDocument(second)) {
      // The line where the second document starts (a '---', '...' or '%' directive line after
      // the first content), so the person is sent there, not to line 1.
      int line = 0;
      const int first = first_content_line();
      int n = 0;
      for (size_t start = 0; start < text.size() && line == 0;) {
        const size_t end = std::min(text.find('\n', start), text.size());
        ++n;
        const auto l = text.substr(start, end - start);
        if (n > first && (l.starts_with("---") || l.starts_with("...") || l.starts_with("%"))) line = n;
        start = end + 1;
      }
      errors.push_back({file.string(), line > 0 ? line : 1,
                        "the file holds more than one YAML document (a '---' or '%' line after the first). One "
                        "district per file: delete that line and what follows, or move it to a file of its own."});
    }
  } catch (const YAML::DeepRecursion& e) {
    errors.push_back({file.string(), e.mark.is_null() ? 1 : e.mark.line + 1,
                      "the values here are nested too deeply (more brackets or indentation levels than a district "
                      "file ever needs). Check the brackets and the indentation."});
  } catch (const YAML::Exception& e) {
    errors.push_back(
        {file.string(), e.mark.is_null() ? 1 : e.mark.line + 1, "this is not valid YAML: " + plain(e.msg)});
  }
  return doc;
}

}  // namespace bot
