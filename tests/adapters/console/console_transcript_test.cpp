// The console end to end: the real binary, a real SQLite file, one run per person, as a reviewer plays it.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

struct Run {
  std::string out;
  int exit_code = -1;
};

class Transcript {
 public:
  explicit Transcript(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("hallpass-console-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Transcript() { std::filesystem::remove_all(dir_); }

  Run as(const std::string& person, const std::string& now, const std::string& lines) {
    auto input = dir_ / "input.txt";
    std::ofstream(input) << lines;
    std::string cmd = std::string(HALLPASS_BINARY) + " console --db " + (dir_ / "hallpass.db").string() + " --as " +
                      person + " --now " + now + " < " + input.string() + " 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    r.exit_code = WEXITSTATUS(::pclose(p));
    return r;
  }

 private:
  std::filesystem::path dir_;
};

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("console: Instagram and YouTube requested, Instagram authorized with an explanation", "[unit][console]") {
  Transcript t("flow");
  auto teacher = t.as("t.garcia", "2026-11-24T10:00:00-08:00",
                      "/socialmedia request\n"
                      "@form platforms=instagram,youtube; audience=parents,students; students_interact=no\n"
                      "@form objectives.instagram=Share weekly class projects; objectives.youtube=Post concert videos\n"
                      "@click confirm\n");
  CHECK(teacher.exit_code == 0);
  CHECK(teacher.out.find("→ [dm/R-1001] == Request R-1001 is filed ==") == std::string::npos);
  CHECK(teacher.out.find("Request R-1001 is filed") != std::string::npos);
  // The approvals card is for the principals, on their platform: the teacher's console leaves it
  // in the outbox, and says so.
  CHECK(teacher.out.find("== Social media request R-1001 ==") == std::string::npos);
  CHECK(teacher.out.find("wait in the outbox for their own chat platforms") != std::string::npos);

  auto colleague =
      t.as("s.patel", "2026-11-24T11:00:00-08:00", "@in #lincoln-approvals/R-1001\n/socialmedia endorse\n");
  CHECK(colleague.out.find("Only a principal of Lincoln Elementary School can endorse or return R-1001.") !=
        std::string::npos);

  // The thread is named, not shown: the card went to the principals' platform, not to a console.
  auto principal =
      t.as("r.alvarez", "2026-11-25T09:00:00-08:00", "@in #lincoln-approvals/R-1001\n/socialmedia endorse\n");
  CHECK(principal.exit_code == 0);
  CHECK(principal.out.find("→ [#superintendent]") == std::string::npos);

  auto superintendent = t.as("m.okafor", "2026-11-26T09:00:00-08:00",
                             "@in #superintendent/R-1001\n"
                             "/socialmedia reject\n"
                             "/socialmedia modify keep instagram because Student videos need signed media releases\n");
  CHECK(superintendent.out.find("needs a written explanation") != std::string::npos);
  CHECK(superintendent.out.find("> The Superintendent's written response shall provide a brief explanation for any "
                                "denial of or modification to a proposal;") != std::string::npos);
  // The decision letter is Teresa's: it waits for her platform, the superintendent's console keeps out of it.
  CHECK(superintendent.out.find("Decision on your request R-1001") == std::string::npos);

  auto status = t.as("t.garcia", "2026-11-26T10:00:00-08:00", "/socialmedia status\n");
  auto authorized = status.out.substr(status.out.find("You are authorized for"));
  authorized = authorized.substr(0, authorized.find("R-1001 —"));
  CHECK(authorized.find("Instagram") != std::string::npos);
  CHECK(authorized.find("YouTube") == std::string::npos);
  // Exactly the authorized scope: YouTube was refused.
  CHECK(status.out.find("R-1001 — Instagram: authorized in a modified form; not authorized: YouTube") !=
        std::string::npos);
  CHECK(status.out.find("Instagram, YouTube: authorized") == std::string::npos);
}

TEST_CASE("console: an undecided request is overdue on day 8 and told once", "[unit][console][timeline]") {
  Transcript t("overdue");
  t.as("b.ortiz", "2026-11-24T10:00:00-08:00",
       "/socialmedia request\n"
       "@form platforms=linkedin; audience=public; students_interact=no\n"
       "@form objectives.linkedin=Post district job openings\n"
       "@click confirm\n");
  auto day7 = t.as("b.ortiz", "2026-12-01T18:00:00-08:00", "/socialmedia status\n");
  CHECK(count(day7.out, "overdue") == 0);
  CHECK(day7.out.find("due today, Tue Dec 1") != std::string::npos);
  auto day8 = t.as("b.ortiz", "2026-12-02T08:00:00-08:00", "/socialmedia status\n");
  CHECK(count(day8.out, "→ [dm/R-1001] Your request R-1001 is overdue") == 1);
  // The superintendent and the designee are told on their own platform, not on Beatriz's console.
  CHECK(count(day8.out, "Request R-1001 from Beatriz Ortiz is overdue") == 0);
  auto day9 = t.as("b.ortiz", "2026-12-03T08:00:00-08:00", "/socialmedia status\n");
  CHECK(count(day9.out, "is overdue") == 0);
  CHECK(day9.out.find("overdue: was due Tue Dec 1") != std::string::npos);
}

TEST_CASE("console: unknown people, commands and console words get a clear answer", "[unit][console]") {
  Transcript t("errors");
  auto nobody = t.as("x.nobody", "2026-11-24T10:00:00-08:00", "");
  CHECK(nobody.exit_code == 2);
  CHECK(nobody.out.find("'x.nobody' is not in the directory") != std::string::npos);
  auto words = t.as("t.garcia", "2026-11-24T10:00:00-08:00", "/deploy prod\n@jump\n@form a=b\n/socialmedia dance\n");
  CHECK(words.out.find("/deploy is not a Hallpass command") != std::string::npos);
  CHECK(words.out.find("unknown console command") != std::string::npos);
  CHECK(words.out.find("no form is open for you") != std::string::npos);
  CHECK(words.out.find("I don't know \"dance\"") != std::string::npos);
}

TEST_CASE("console: a ';' inside an objective is kept, on one line or one field per line", "[unit][console]") {
  Transcript t("semicolon");
  auto one_line = t.as("t.garcia", "2026-11-24T10:00:00-08:00",
                       "/socialmedia request\n"
                       "@form platforms=instagram,youtube; audience=parents; students_interact=no\n"
                       "@form objectives.instagram=Share weekly class news; remind families about field trips; "
                       "objectives.youtube=Post concert videos\n"
                       "@click confirm\n");
  // The form teaches the syntax, and the summary shows what was recorded, whole.
  CHECK(one_line.out.find("or one key=value per line") != std::string::npos);
  CHECK(one_line.out.find("Instagram — Share weekly class news; remind families about field trips") !=
        std::string::npos);
  CHECK(one_line.out.find("Request R-1001 is filed") != std::string::npos);

  auto per_line = t.as("t.garcia", "2026-11-24T11:00:00-08:00",
                       "/socialmedia request\n"
                       "@form\n"
                       "platforms=instagram\n"
                       "audience=parents,students\n"
                       "students_interact=no\n"
                       "\n"
                       "@form\n"
                       "objectives.instagram=Share weekly class news; remind families\n"
                       "about field trips\\; key=value is text too\n"
                       "@end\n"
                       "@click confirm\n");
  CHECK(per_line.out.find("Instagram — Share weekly class news; remind families") != std::string::npos);
  CHECK(per_line.out.find("about field trips; key=value is text too") != std::string::npos);
  CHECK(per_line.out.find("Request R-1002 is filed") != std::string::npos);
}
