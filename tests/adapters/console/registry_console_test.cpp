// The registry from the console, the real binary over a real SQLite file, as a reviewer plays it:
// a teacher's authorized Instagram request becomes a registered account with a monitor, a pasted
// password is refused and is in neither the database nor its write-ahead log, and the export has
// no credential column.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

struct Run {
  std::string out;
  int exit_code = -1;
};

class Transcript {
 public:
  explicit Transcript(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("hallpass-registry-console-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Transcript() { std::filesystem::remove_all(dir_); }

  std::string db() const { return (dir_ / "hallpass.db").string(); }

  Run as(const std::string& person, const std::string& now, const std::string& lines) {
    auto input = dir_ / "input.txt";
    std::ofstream(input) << lines;
    std::string cmd = std::string(HALLPASS_BINARY) + " console --db " + db() + " --as " + person + " --now " + now +
                      " < " + input.string() + " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    r.exit_code = WEXITSTATUS(::pclose(p));
    return r;
  }

  std::string bytes(const std::string& suffix = {}) const {
    std::ifstream in(db() + suffix, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::filesystem::path dir_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("console: an authorized Instagram request is registered with its monitor; a password is refused",
          "[unit][console][registry]") {
  Transcript t("flow");
  t.as("t.garcia", "2026-11-24T10:00:00-08:00",
       "/socialmedia request\n"
       "@form platforms=instagram; audience=parents,students; students_interact=no\n"
       "@form objectives.instagram=Share weekly class projects\n"
       "@click confirm\n");
  t.as("r.alvarez", "2026-11-25T09:00:00-08:00", "@in #lincoln-approvals/R-1001\n/socialmedia endorse\n");
  auto decided = t.as("m.okafor", "2026-11-26T09:00:00-08:00", "@in #superintendent/R-1001\n/socialmedia authorize\n");
  CHECK(decided.exit_code == 0);

  const std::string secret = "Lions#Roar2026";
  auto teacher = t.as("t.garcia", "2026-11-26T10:00:00-08:00",
                      "password: " + secret +
                          "\n"
                          "/socialmedia accounts register\n"
                          "@form handle=@lincoln4th; address=https://www.instagram.com/lincoln4th; "
                          "monitors=Teresa Garcia, Sam Patel; credentials=yes\n"
                          "/socialmedia accounts\n");
  CHECK(teacher.exit_code == 0);
  CHECK(contains(teacher.out, "Please do not send passwords here."));
  CHECK(contains(teacher.out, "Each site must maintain a confidential database of usernames/passwords"));
  CHECK(contains(teacher.out, "Register your Instagram account (R-1001)"));
  CHECK(contains(teacher.out, "Registered: Instagram @lincoln4th (A-1001), monitored by Teresa Garcia, Sam Patel."));
  CHECK(contains(teacher.out, "owner Teresa Garcia; monitored by Teresa Garcia, Sam Patel"));
  // Typed on the console's standard input, it is on no disk: not in the database, not in its WAL.
  CHECK(!contains(t.bytes() + t.bytes("-wal"), secret));

  auto principal = t.as("r.alvarez", "2026-11-26T11:00:00-08:00", "/socialmedia accounts\n");
  CHECK(contains(principal.out, "El registro de Lincoln Elementary School."));
  CHECK(contains(principal.out, "Instagram @lincoln4th (A-1001)"));

  auto office = t.as("d.lee", "2026-11-26T12:00:00-08:00", "/socialmedia accounts export\n");
  CHECK(contains(office.out,
                 "account,site,platform,name_or_handle,address,owner,monitors,kind,group,registered_on,"
                 "held_at_site_confirmed_by,school_year_confirmed"));
  CHECK(contains(office.out, "A-1001,Lincoln Elementary School,Instagram,@lincoln4th"));
  CHECK(!contains(t.bytes() + t.bytes("-wal"), secret));
}
