#include "workflows/digest.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "bot/store/audit_anchor.hpp"
#include "workflows/acknowledgement_workflow.hpp"
#include "workflows/classroom_checklist.hpp"
#include "workflows/incident_actions.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_authorizations.hpp"
#include "workflows/registry_renewal.hpp"
#include "workflows/request_cards.hpp"
#include "workflows/request_deadlines.hpp"

namespace workflows {

using bot::Message;
using bot::Request;
using bot::RequestState;

namespace {

constexpr std::string_view kLastNight = "digest.last_night";  // the latest night sent or skipped
// A digest fired within this of its time is on time, even with catch_up_hours: 0.
constexpr auto kOnTime = std::chrono::minutes(1);
// The summary's "due soon": the window closes within this many counted days.
constexpr int kDueSoonDays = 2;

// The directory by id: config.person() scans the list, too slow for a district-wide digest.
class People {
 public:
  explicit People(const bot::DistrictConfig& config) {
    by_id_.reserve(config.people.size());
    for (const auto& p : config.people) by_id_.emplace(p.id, &p);
  }
  const bot::Person* find(std::string_view id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  std::string name(std::string_view id) const {
    const bot::Person* p = find(id);
    return bot::markup::escape(p ? p->name : id);
  }

 private:
  std::unordered_map<std::string_view, const bot::Person*> by_id_;
};

std::string next_night(std::string_view night) {
  return bot::DistrictCalendar::iso(
      date::year_month_day{date::sys_days{bot::DistrictCalendar::parse_iso(night)} + date::days{1}});
}

// What a due date looks like as of ctx.now, computed once per date (and language) per run.
class WindowLabels {
 public:
  explicit WindowLabels(const Context& ctx) : ctx_(ctx) {}
  bool overdue(const std::string& due) {
    if (due.empty()) return false;
    auto it = overdue_.find(due);
    if (it == overdue_.end()) it = overdue_.emplace(due, ctx_.now >= ctx_.services.calendar.deadline(due)).first;
    return it->second;
  }
  const std::string& label(const std::string& lang, const std::string& due) {
    auto key = lang + '\n' + due;
    auto it = labels_.find(key);
    if (it == labels_.end()) it = labels_.emplace(key, due.empty() ? "" : ctx_.window_label(lang, due)).first;
    return it->second;
  }

 private:
  const Context& ctx_;
  std::unordered_map<std::string, bool> overdue_;
  std::unordered_map<std::string, std::string> labels_;
};

std::string_view section_key(DigestSection s) {
  switch (s) {
    case DigestSection::to_act: return "digest.section.to_act";
    case DigestSection::your_answer: return "digest.section.your_answer";
    case DigestSection::waiting_for_info: return "digest.section.waiting_for_info";
  }
  return "digest.section.to_act";
}

// "R-999" before "R-1001".
bool id_less(const std::string& a, const std::string& b) { return a.size() != b.size() ? a.size() < b.size() : a < b; }

Message digest_message(const Context& ctx, const bot::Person& who, std::vector<DigestItem> items,
                       std::string_view night, WindowLabels& windows) {
  const std::string& lang = who.language;
  // Overdue first, then by due date (items without one last), then by id.
  std::sort(items.begin(), items.end(), [&](const DigestItem& a, const DigestItem& b) {
    bool ao = windows.overdue(a.due_date), bo = windows.overdue(b.due_date);
    if (ao != bo) return ao;
    if (a.due_date.empty() != b.due_date.empty()) return b.due_date.empty();
    if (a.due_date != b.due_date) return a.due_date < b.due_date;
    return id_less(a.id, b.id);
  });
  Message m;
  m.header(ctx.text_in(lang, "digest.header", {{"date", ctx.date_label(lang, night)}}));
  for (DigestSection section : {DigestSection::to_act, DigestSection::your_answer, DigestSection::waiting_for_info}) {
    std::string lines;
    int n = 0;
    for (const auto& item : items) {
      if (item.section != section) continue;
      bot::PromptVars vars;
      vars.reserve(item.vars.size() + item.keyed_vars.size() + 1);
      for (const auto& [name, value] : item.vars) vars.emplace_back(name, value);
      for (const auto& [name, key] : item.keyed_vars) vars.emplace_back(name, ctx.text_in(lang, key));
      vars.emplace_back("window", windows.label(lang, item.due_date));
      if (n++) lines += '\n';
      lines += "- " + ctx.text_in(lang, item.line_key, vars);
    }
    if (n == 0) continue;
    m.paragraph(ctx.text_in(lang, section_key(section), {{"n", std::to_string(n)}}));
    m.paragraph(std::move(lines));
  }
  m.context(ctx.text_in(lang, "digest.footer"));
  // A short notification text: the whole digest can be long.
  m.fallback = ctx.text_in(lang, "digest.fallback",
                           {{"n", std::to_string(items.size())}, {"date", ctx.date_label(lang, night)}});
  return m;
}

// The superintendent's place: counts for the whole district. None when there is nothing to count.
std::optional<Message> summary_message(const Context& ctx, const std::vector<Request>& open, std::string_view night,
                                       WindowLabels& windows) {
  const auto& cal = ctx.services.calendar;
  int at_site = 0, for_decision = 0, for_info = 0, due_soon = 0, overdue = 0;
  for (const auto& r : open) {
    if (r.state == RequestState::pending_site)
      ++at_site;
    else if (r.state == RequestState::pending_decision)
      ++for_decision;
    else if (r.state == RequestState::needs_info)
      ++for_info;
    if (windows.overdue(r.due_date))
      ++overdue;
    else if (cal.days_left(ctx.now, r.due_date) <= kDueSoonDays)
      ++due_soon;
  }
  // Decided this week: the night and the six days before it.
  auto week_start = date::year_month_day{date::sys_days{bot::DistrictCalendar::parse_iso(night)} - date::days{6}};
  const size_t decided = ctx.store.requests_decided_since(cal.at_local(week_start, "00:00")).size();
  if (open.empty() && decided == 0) return std::nullopt;

  const std::string lang = ctx.place_lang("superintendent");
  const std::string date = ctx.date_label(lang, night);
  Message m;
  m.header(ctx.text_in(lang, "digest.summary.header", {{"date", date}}));
  m.fields({{ctx.text_in(lang, "digest.summary.pending"), ctx.text_in(lang, "digest.summary.pending_value",
                                                                      {{"n", std::to_string(open.size())},
                                                                       {"site", std::to_string(at_site)},
                                                                       {"decision", std::to_string(for_decision)},
                                                                       {"info", std::to_string(for_info)}})},
            {ctx.text_in(lang, "digest.summary.due_soon", {{"days", std::to_string(kDueSoonDays)}}),
             std::to_string(due_soon)},
            {ctx.text_in(lang, "digest.summary.overdue"), std::to_string(overdue)},
            {ctx.text_in(lang, "digest.summary.decided"), std::to_string(decided)}});
  m.context(ctx.text_in(lang, "digest.summary.footer"));
  // An anchor outside the database: the chat keeps the head even if the file is rolled back.
  if (const bot::AuditHead head = ctx.store.audit_head(); head.seq > 0)
    m.context(ctx.text_in(lang, "digest.summary.audit", {{"head", bot::short_head(head)}}));
  m.fallback = ctx.text_in(lang, "digest.summary.fallback",
                           {{"date", date}, {"n", std::to_string(open.size())}, {"overdue", std::to_string(overdue)}});
  return m;
}

}  // namespace

void DigestBook::add(std::string_view person_id, DigestItem item) {
  auto it = items_.find(person_id);
  if (it == items_.end()) it = items_.emplace(std::string(person_id), std::vector<DigestItem>{}).first;
  it->second.push_back(std::move(item));
  ++count_;
}

void collect_request_items(const Context& ctx, const std::vector<Request>& open, DigestBook& book) {
  const People people(ctx.config);
  std::unordered_map<std::string_view, const bot::Site*> sites;
  for (const auto& s : ctx.config.sites) sites.emplace(s.id, &s);
  const std::vector<std::string> deciders = ctx.config.deciders();

  for (const auto& r : open) {
    const std::string requester = people.name(r.requester);
    const std::string platforms = platform_names_markup(r.plans);
    auto item = [&](DigestSection section, std::string line_key) {
      return DigestItem{.section = section,
                        .id = r.id,
                        .line_key = std::move(line_key),
                        .vars = {{"id", r.id}, {"requester", requester}, {"platforms", platforms}},
                        .due_date = r.due_date};
    };
    // Nobody reviews their own request.
    auto give = [&](const std::string& who, const DigestItem& it) {
      if (who != r.requester) book.add(who, it);
    };
    switch (r.state) {
      case RequestState::pending_site: {
        auto site = sites.find(r.site);
        if (site != sites.end()) {
          DigestItem it = item(DigestSection::to_act, "digest.line.endorse");
          for (const auto& p : site->second->principals) give(p, it);
        }
        // Escalated requests may be decided directly: the cheap time check spares a store read.
        if (auto due = escalation_due(ctx, r); due && ctx.now >= *due)
          if (auto days = escalated_after_days(ctx, r.id)) {
            DigestItem it =
                item(DigestSection::to_act, *days == 1 ? "digest.line.escalated_one" : "digest.line.escalated");
            it.vars.emplace_back("days", std::to_string(*days));
            for (const auto& d : deciders) give(d, it);
          }
        break;
      }
      case RequestState::pending_decision: {
        DigestItem it = item(DigestSection::to_act, "digest.line.decide");
        for (const auto& d : deciders) give(d, it);
        break;
      }
      case RequestState::needs_info: {
        DigestItem waiting = item(DigestSection::waiting_for_info, "digest.line.waiting_info");
        for (const auto& d : deciders) give(d, waiting);
        DigestItem answer = item(DigestSection::your_answer, "digest.line.answer");
        answer.vars.emplace_back("question", bot::markup::escape(r.info_question));
        book.add(r.requester, std::move(answer));
        break;
      }
      default: break;
    }
  }
}

DigestBook collect_digest_items(const Context& ctx, const std::vector<Request>& open_requests) {
  DigestBook book;
  collect_request_items(ctx, open_requests, book);
  // Other workflows add their collectors here.
  collect_incident_items(ctx, book);
  collect_classroom_items(ctx, book);
  collect_acknowledgement_items(ctx, book);
  collect_renewal_items(ctx, book);
  collect_authorization_items(ctx, book);
  return book;
}

int send_digests(Context& ctx, std::string_view night) {
  const std::vector<Request> open = ctx.store.open_requests();
  DigestBook book = collect_digest_items(ctx, open);
  const People people(ctx.config);
  WindowLabels windows(ctx);
  int sent = 0;
  for (const auto& [person_id, items] : book.by_person()) {
    const bot::Person* who = people.find(person_id);
    if (!who || items.empty()) continue;  // only people of the directory can be reached
    ctx.to_person(person_id, digest_message(ctx, *who, items, night, windows));
    ++sent;
  }
  if (auto summary = summary_message(ctx, open, night, windows))
    ctx.to_place("superintendent", std::move(*summary), "");
  send_registry_summary(ctx, night);
  return sent;
}

bot::TimePoint digest_due(const Context& ctx, std::string_view night) {
  return ctx.services.calendar.at_local(bot::DistrictCalendar::parse_iso(night), ctx.config.digest.time);
}

void schedule_next_digest(Context& ctx) {
  std::string night = bot::DistrictCalendar::iso(ctx.services.calendar.local_day(ctx.now));
  if (digest_due(ctx, night) < ctx.now) night = next_night(night);
  ctx.effects.schedule({"digest", night, digest_due(ctx, night)});
}

void on_digest_timer(Context& ctx, const bot::Timer& timer) {
  const std::string night = timer.subject;
  const auto grace = std::max<bot::TimePoint::duration>(std::chrono::hours(ctx.config.digest.catch_up_hours), kOnTime);
  // The next night whose digest can still go out; the ones between were missed for good.
  std::vector<std::string> missed;
  std::string next = next_night(night);
  while (digest_due(ctx, next) + grace <= ctx.now) {
    missed.push_back(next);
    next = next_night(next);
  }
  ctx.effects.schedule({"digest", next, digest_due(ctx, next)});

  // A night is handled once, even if two timers name it (the digest time changed while one waited).
  if (auto last = ctx.store.workflow_value(kLastNight); last && *last >= night) return;
  ctx.store.set_workflow_value(kLastNight, missed.empty() ? night : missed.back());

  const auto late = ctx.now - timer.due;
  const auto late_minutes = std::chrono::duration_cast<std::chrono::minutes>(late).count();
  if (late >= grace) {
    ctx.audit(
        "digest.skipped", "digest:" + night,
        {{"due", bot::DistrictCalendar::iso(ctx.services.calendar.local_day(timer.due)) + " " + ctx.config.digest.time},
         {"late_minutes", late_minutes},
         {"catch_up_hours", ctx.config.digest.catch_up_hours},
         {"also_skipped", missed}});
    return;
  }
  int people = send_digests(ctx, night);
  ctx.audit("digest.sent", "digest:" + night, {{"people", people}, {"late_minutes", late_minutes}});
}

}  // namespace workflows
