// The prompts in prompts/<lang>/*.yaml: every language has every English key with the same
// {placeholders}, substitution, fallback to English, and YAML errors that name file and line.
#include "bot/district/prompts.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

namespace fs = std::filesystem;

const fs::path kPromptsDir = fs::path(HALLPASS_SOURCE_DIR) / "prompts";

// The {name} placeholders of a template, as a set.
std::set<std::string> placeholders(const std::string& tmpl) {
  static const std::regex re(R"(\{([A-Za-z_][A-Za-z0-9_]*)\})");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(tmpl.begin(), tmpl.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].str());
  return out;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "{" : ", {") + n + "}";
  return out.empty() ? "(none)" : out;
}

// A prompts folder under the system temp directory, removed at the end of the test.
class TempPrompts {
 public:
  TempPrompts() {
    std::random_device rd;
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    root_ = fs::temp_directory_path() / ("hallpass_prompts_test_" + std::to_string(stamp) + "_" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  ~TempPrompts() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempPrompts(const TempPrompts&) = delete;
  TempPrompts& operator=(const TempPrompts&) = delete;

  void write(const std::string& relative, const std::string& content) const {
    fs::path p = root_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }
  const fs::path& path() const { return root_; }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("every language has exactly the English prompt keys", "[unit][prompts]") {
  const auto prompts = bot::Prompts::load(kPromptsDir);
  const auto langs = prompts.languages();
  REQUIRE(std::find(langs.begin(), langs.end(), "en") != langs.end());
  REQUIRE(std::find(langs.begin(), langs.end(), "es") != langs.end());

  const auto en_keys = prompts.keys("en");
  REQUIRE(en_keys.size() > 50);

  for (const auto& lang : langs) {
    if (lang == "en") continue;
    std::vector<std::string> missing, extra;
    for (const auto& key : en_keys)
      if (!prompts.has(lang, key)) missing.push_back(key);
    for (const auto& key : prompts.keys(lang))
      if (!prompts.has("en", key)) extra.push_back(key);
    INFO("language: " << lang);
    CHECK(missing == std::vector<std::string>{});  // keys in prompts/en/ but not in prompts/<lang>/
    CHECK(extra == std::vector<std::string>{});    // keys in prompts/<lang>/ but not in prompts/en/
  }
}

TEST_CASE("every translation uses the same placeholders as English", "[unit][prompts]") {
  const auto prompts = bot::Prompts::load(kPromptsDir);
  for (const auto& lang : prompts.languages()) {
    if (lang == "en") continue;
    std::vector<std::string> mismatched;
    for (const auto& key : prompts.keys(lang)) {
      if (!prompts.has("en", key)) continue;  // reported by the keys test
      // Without vars, text() returns the template with its {placeholders} intact.
      auto en = placeholders(prompts.text("en", key));
      auto other = placeholders(prompts.text(lang, key));
      if (en != other) mismatched.push_back(key + ": en " + join(en) + ", " + lang + " " + join(other));
    }
    INFO("language: " << lang);
    CHECK(mismatched == std::vector<std::string>{});
  }
}

TEST_CASE("placeholders are substituted", "[unit][prompts]") {
  const auto prompts = bot::Prompts::load(kPromptsDir);
  const auto en = prompts.text("en", "request.filed.header", {{"id", "R-1"}});
  CHECK(en.find("R-1") != std::string::npos);
  CHECK(en.find("{id}") == std::string::npos);
  const auto es = prompts.text("es", "request.filed.header", {{"id", "R-1"}});
  CHECK(es.find("R-1") != std::string::npos);
  CHECK(es.find("{id}") == std::string::npos);
  CHECK(es != en);

  const auto date = prompts.text("es", "dates.short",
                                 {{"weekday", prompts.text("es", "dates.weekday_2")},
                                  {"day", "1"},
                                  {"month", prompts.text("es", "dates.month_12")}});
  CHECK(date == "mar 1 dic");
}

TEST_CASE("a key missing in a language falls back to English", "[unit][prompts]") {
  TempPrompts tmp;
  tmp.write("en/greet.yaml",
            "hello: \"Hello {name}\"\n"
            "only_en: \"English only\"\n"
            "nested:\n"
            "  deep: \"Deep {x}\"\n");
  tmp.write("es/greet.yaml", "hello: \"Hola {name}\"\n");

  const auto prompts = bot::Prompts::load(tmp.path());
  CHECK(prompts.has("en", "greet.hello"));
  CHECK(prompts.has("es", "greet.hello"));
  CHECK(prompts.has("en", "greet.only_en"));
  CHECK_FALSE(prompts.has("es", "greet.only_en"));
  CHECK(prompts.has("en", "greet.nested.deep"));
  CHECK_FALSE(prompts.has("es", "greet.nested.deep"));

  CHECK(prompts.text("es", "greet.hello", {{"name", "Ana"}}) == "Hola Ana");
  CHECK(prompts.text("es", "greet.only_en") == "English only");
  CHECK(prompts.text("es", "greet.nested.deep", {{"x", "1"}}) == "Deep 1");
  CHECK(prompts.text("fr", "greet.hello", {{"name", "Ana"}}) == "Hello Ana");
  CHECK(prompts.text("es", "greet.nowhere") == "[greet.nowhere]");
}

TEST_CASE("a YAML syntax error names the file and the line", "[unit][prompts]") {
  TempPrompts tmp;
  tmp.write("en/fine.yaml", "a: \"one\"\n");
  tmp.write("en/broken.yaml",
            "first: \"one\"\n"
            "second: \"two\"\n"
            "third: Due: tomorrow\n"  // an unquoted ": " inside text, the usual mistake
            "fourth: \"four\"\n");
  try {
    (void)bot::Prompts::load(tmp.path());
    FAIL("loading a prompt file with a YAML syntax error did not throw");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    INFO("message: " << msg);
    CHECK(msg.find("broken.yaml:") != std::string::npos);
    CHECK(msg.find("broken.yaml:3:") != std::string::npos);
  }
}
