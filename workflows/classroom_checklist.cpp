#include "workflows/classroom_checklist.hpp"

#include <algorithm>
#include <array>
#include <span>

#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "workflows/acknowledgement_workflow.hpp"
#include "workflows/platforms.hpp"
#include "workflows/registry_authorizations.hpp"
#include "workflows/request_cards.hpp"

namespace workflows {

using bot::ClassroomChecklist;
using bot::Message;
using bot::Request;

namespace {

// The clauses each item quotes, best first: a district quotes the first its documents hold.
constexpr std::array<std::string_view, 2> kParentsClauses = {"lausd-bul-5688.2#II.1", "lausd-bul-5688.2#III.B.2"};
constexpr std::array<std::string_view, 2> kAdminClauses = {"lausd-bul-5688.2#II.2", "model-bp#student-communication.3"};
constexpr std::array<std::string_view, 1> kLoginClauses = {"lbusd-ethics-e#registry.p1"};
constexpr std::array<std::string_view, 2> kModerationClauses = {"lausd-bul-5688.2#II.3", "lausd-bul-5688.2#III.B.4"};
// The decision's conditions besides the items': instructional purpose, privacy settings, and no
// personal social media with students.
constexpr std::array<std::string_view, 3> kGeneralClauses = {"lausd-bul-5688.2#II.p2", "lausd-bul-5688.2#II.p4",
                                                             "model-bp#students.p1"};
// The consent clauses: all that the district's documents hold.
constexpr std::array<std::string_view, 4> kConsentClauses = {"standard-sd-ar-1114#II.3", "lbusd-ethics-e#privacy.3",
                                                             "lbusd-ethics-e#privacy.4",
                                                             "model-bp#student-communication.7"};

// Words that put students' photos, video, names or work in a request or question (whole words).
constexpr std::array<std::string_view, 34> kMediaWords = {
    "photo",      "photos",      "photograph", "photographs", "picture",    "pictures", "pic",
    "pics",       "video",       "videos",     "image",       "images",     "selfie",   "selfies",
    "names",      "recording",   "recordings", "portfolio",   "portfolios", "foto",     "fotos",
    "fotografía", "fotografías", "imagen",     "imágenes",    "vídeo",      "vídeos",   "nombres",
    "grabación",  "grabaciones", "retrato",    "retratos",    "artwork",    "trabajos"};
// Phrases about students' work.
constexpr std::array<std::string_view, 6> kWorkPhrases = {"student work", "students' work", "their work",
                                                          "class work",   "classwork",      "work samples"};

constexpr std::string_view kModerationTimer = "classroom.moderation";

const bot::Passage* first_passage(const Context& ctx, std::span<const std::string_view> ids) {
  if (!ctx.services.policy) return nullptr;
  for (auto id : ids)
    if (const bot::Passage* p = ctx.services.policy->find(id)) return p;
  return nullptr;
}

void quote_first(const Context& ctx, Message& m, std::span<const std::string_view> ids) {
  if (const bot::Passage* p = first_passage(ctx, ids)) m.quote(p->text, p->citation);
}

void quote_all(const Context& ctx, Message& m, std::span<const std::string_view> ids) {
  if (!ctx.services.policy) return;
  for (auto id : ids)
    if (const bot::Passage* p = ctx.services.policy->find(id)) m.quote(p->text, p->citation);
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : lower(text)) {
    // Letters, digits and any byte of a UTF-8 sequence (accented letters) make words.
    if (std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80)) {
      w += c;
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

std::string objectives_of(const Request& r) {
  std::string out;
  const auto& plans = r.decision && !r.decision->authorized.empty() ? r.decision->authorized : r.plans;
  for (const auto& p : plans) out += (out.empty() ? "" : " ") + p.objectives;
  return out;
}

bool request_involves_media(const Request& r) { return involves_student_media(objectives_of(r)); }

const std::vector<bot::PlatformPlan>& authorized_plans(const Request& r) {
  return r.decision && !r.decision->authorized.empty() ? r.decision->authorized : r.plans;
}

// Authorized and in force: not suspended, revoked or past its end date (the registry's terms).
bool is_authorized(const Context& ctx, const Request& r) { return authorization_in_force(ctx, r); }

// Who confirms access and login: the site's principals, else (central office) the deciders.
std::vector<std::string> confirmers(const Context& ctx, const ClassroomChecklist& c) {
  if (const bot::Site* s = ctx.config.site(c.site); s && !s->principals.empty()) return s->principals;
  return ctx.config.deciders();
}

bool is_confirmer(const Context& ctx, const ClassroomChecklist& c, std::string_view person) {
  auto who = confirmers(ctx, c);
  return std::find(who.begin(), who.end(), person) != who.end();
}

std::string site_name(const Context& ctx, std::string_view lang, std::string_view site) {
  const bot::Site* s = ctx.config.site(site);
  return s ? bot::markup::escape(s->name) : ctx.text_in(lang, "classroom.no_site");
}

std::string confirmer_names(const Context& ctx, const ClassroomChecklist& c) {
  std::string out;
  for (const auto& p : confirmers(ctx, c)) out += (out.empty() ? "" : ", ") + ctx.name_of(p);
  return out;
}

enum class Item { parents, admin_access, login, consent };

std::string_view item_key(Item i) {
  switch (i) {
    case Item::parents: return "parents";
    case Item::admin_access: return "admin_access";
    case Item::login: return "login";
    case Item::consent: return "consent";
  }
  return "parents";
}

std::vector<Item> items_of(const ClassroomChecklist& c) {
  std::vector<Item> out = {Item::parents, Item::admin_access, Item::login};
  if (c.consent_needed) out.push_back(Item::consent);
  return out;
}

const std::optional<bot::TimePoint>& done_at(const ClassroomChecklist& c, Item i) {
  switch (i) {
    case Item::parents: return c.parents_notified;
    case Item::admin_access: return c.admin_access;
    case Item::login: return c.login_given;
    case Item::consent: return c.consent_confirmed;
  }
  return c.parents_notified;
}

std::optional<Item> item_from(std::string_view word) {
  std::string w = lower(word);
  if (w == "parents" || w == "padres") return Item::parents;
  if (w == "access" || w == "admin_access" || w == "acceso") return Item::admin_access;
  if (w == "login") return Item::login;
  if (w == "consent" || w == "consentimiento") return Item::consent;
  return std::nullopt;
}

std::string item_label(const Context& ctx, std::string_view lang, Item i) {
  return ctx.text_in(lang, "classroom.checklist." + std::string(item_key(i)));
}

std::string missing_items(const Context& ctx, std::string_view lang, const ClassroomChecklist& c) {
  std::string out;
  for (Item i : items_of(c))
    if (!done_at(c, i))
      out += (out.empty() ? "" : ", ") + ctx.text_in(lang, "classroom.short." + std::string(item_key(i)));
  return out;
}

std::string checklist_key(const ClassroomChecklist& c) { return "classroom/" + c.request_id; }

Message checklist_message(const Context& ctx, const ClassroomChecklist& c, const Request& r) {
  const std::string lang = ctx.lang_of(c.teacher);
  const std::string platforms = platform_names_markup(authorized_plans(r));
  Message m;
  m.header(ctx.text_in(lang, "classroom.checklist.header", {{"platforms", platforms}, {"id", c.request_id}}));
  m.paragraph(ctx.text_in(lang, "classroom.checklist.intro"));
  for (Item i : items_of(c)) {
    const auto& at = done_at(c, i);
    std::string mark =
        at ? ctx.text_in(lang, "classroom.checklist.mark_done", {{"date", ctx.date_label(lang, *at)}})
        : (i == Item::admin_access || i == Item::login)
            ? ctx.text_in(lang, "classroom.checklist.mark_waiting", {{"principal", confirmer_names(ctx, c)}})
            : ctx.text_in(lang, "classroom.checklist.mark_todo");
    m.paragraph(
        ctx.text_in(lang, "classroom.checklist.item_line", {{"mark", mark}, {"item", item_label(ctx, lang, i)}}));
    switch (i) {
      case Item::parents: quote_first(ctx, m, kParentsClauses); break;
      case Item::admin_access: quote_first(ctx, m, kAdminClauses); break;
      case Item::login: quote_first(ctx, m, kLoginClauses); break;
      case Item::consent: quote_all(ctx, m, kConsentClauses); break;
    }
  }
  if (c.done()) {
    m.paragraph(ctx.text_in(lang, "classroom.checklist.all_done", {{"platforms", platforms}}));
  } else {
    std::vector<bot::Button> buttons;
    if (!c.parents_notified)
      buttons.push_back({"classroom.parents", ctx.text_in(lang, "classroom.checklist.button.parents"), c.request_id,
                         bot::ButtonStyle::primary});
    buttons.push_back({"classroom.letter", ctx.text_in(lang, "classroom.checklist.button.letter"), c.request_id,
                       bot::ButtonStyle::normal});
    if (c.consent_needed && !c.consent_confirmed)
      buttons.push_back({"classroom.consent", ctx.text_in(lang, "classroom.checklist.button.consent"), c.request_id,
                         bot::ButtonStyle::normal});
    m.buttons(std::move(buttons));
    m.context(ctx.text_in(lang, "classroom.checklist.how", {{"id", c.request_id}}));
  }
  m.fallback = ctx.text_in(lang, "classroom.checklist.fallback", {{"id", c.request_id}});
  return m;
}

// Where the principals confirm: the site's approvals place (the superintendent's for the central
// office), in the request's thread, beside its card.
std::string confirm_place(const ClassroomChecklist& c) { return c.site.empty() ? "superintendent" : "site:" + c.site; }

Message principal_message(const Context& ctx, const ClassroomChecklist& c, const Request& r, std::string_view lang) {
  const std::string platforms = platform_names_markup(authorized_plans(r));
  const std::string teacher = ctx.name_of(c.teacher);
  Message m;
  m.paragraph(ctx.text_in(lang, "classroom.principal.ask",
                          {{"teacher", teacher}, {"platforms", platforms}, {"id", c.request_id}}));
  quote_first(ctx, m, kAdminClauses);
  quote_first(ctx, m, kLoginClauses);
  for (Item i : {Item::admin_access, Item::login})
    if (const auto& at = done_at(c, i))
      m.paragraph(ctx.text_in(
          lang, "classroom.checklist.item_line",
          {{"mark", ctx.text_in(lang, "classroom.checklist.mark_done", {{"date", ctx.date_label(lang, *at)}})},
           {"item", item_label(ctx, lang, i)}}));
  std::vector<bot::Button> buttons;
  if (!c.admin_access)
    buttons.push_back({"classroom.access", ctx.text_in(lang, "classroom.principal.button.admin_access"), c.request_id,
                       bot::ButtonStyle::primary});
  if (!c.login_given)
    buttons.push_back({"classroom.login", ctx.text_in(lang, "classroom.principal.button.login"), c.request_id,
                       bot::ButtonStyle::primary});
  if (!buttons.empty()) m.buttons(std::move(buttons));
  m.context(ctx.text_in(lang, "classroom.principal.never_in_chat"));
  m.fallback = ctx.text_in(lang, "classroom.principal.fallback", {{"teacher", teacher}, {"id", c.request_id}});
  return m;
}

void send_keyed(const Context& ctx, const std::string& person, Message m, const std::string& key, bool update) {
  ctx.effects.send({.to = bot::Recipient::person(person),
                    .message = std::move(m),
                    .record_key = update ? std::string() : key,
                    .update_key = update ? key : std::string()});
}

// Posts (or replaces) the teacher's checklist and the principals' confirmation messages.
void show_checklist(const Context& ctx, const ClassroomChecklist& c, const Request& r, bool update) {
  send_keyed(ctx, c.teacher, checklist_message(ctx, c, r), checklist_key(c), update);
  const std::string place = confirm_place(c);
  const std::string key = checklist_key(c) + "/" + place;
  ctx.to_place(place, principal_message(ctx, c, r, ctx.place_lang(place)), r.id, update ? "" : key, update ? key : "");
}

// The next instant of the morning reminder strictly after `after`, on one of the district's days.
std::optional<bot::TimePoint> next_morning(const Context& ctx, bot::TimePoint after) {
  const auto& cal = ctx.services.calendar;
  const auto& days = ctx.config.classroom.moderation_days;
  date::sys_days d{cal.local_day(after)};
  for (int i = 0; i < 8; ++i, d += date::days{1}) {
    unsigned wd = date::weekday{d}.c_encoding();
    if (std::find(days.begin(), days.end(), wd) == days.end()) continue;
    bot::TimePoint at = cal.at_local(date::year_month_day{d}, ctx.config.classroom.moderation_time);
    if (at > after) return at;
  }
  return std::nullopt;
}

void schedule_moderation(const Context& ctx, const std::string& id) {
  if (ctx.config.classroom.moderation_reminder != "morning") return;
  if (auto due = next_morning(ctx, ctx.now)) ctx.effects.schedule({std::string(kModerationTimer), id, *due});
}

void reply_text(const Context& ctx, std::string_view key, const bot::PromptVars& vars) {
  Message m;
  m.paragraph(ctx.text(*ctx.actor, key, vars));
  ctx.reply(std::move(m));
}

void send_letter(const Context& ctx, const ClassroomChecklist& c, const Request& r) {
  const std::string lang = ctx.actor->language;
  Message m;
  m.paragraph(ctx.text(*ctx.actor, "classroom.letter.intro"));
  for (std::string_view letter_lang : {"en", "es"}) {
    std::string objectives;
    const auto& plans = authorized_plans(r);
    for (const auto& p : plans)
      objectives += (objectives.empty() ? "" : " ") +
                    (plans.size() > 1 ? bot::markup::escape(platform_label(p.platform)) + ": " : std::string()) +
                    bot::markup::escape(p.objectives);
    m.header(ctx.text_in(lang, letter_lang == "en" ? "classroom.letter.en_header" : "classroom.letter.es_header"));
    m.paragraph(ctx.text_in(letter_lang, "classroom.letter.body",
                            {{"site", site_name(ctx, letter_lang, c.site)},
                             {"platforms", platform_names_markup(authorized_plans(r))},
                             {"objectives", objectives},
                             {"teacher", ctx.name_of(c.teacher)}}));
  }
  if (!c.parents_notified)
    m.buttons({{"classroom.parents", ctx.text(*ctx.actor, "classroom.checklist.button.parents"), c.request_id,
                bot::ButtonStyle::primary}});
  ctx.reply(std::move(m));
  ctx.audit("classroom.letter_drafted", c.request_id, nlohmann::json::object());
}

// Ticks an item by the actor, after checking who may.
void tick(Context& ctx, ClassroomChecklist c, const Request& r, Item item) {
  const bot::Person& me = *ctx.actor;
  const std::string id = c.request_id;
  const bool principal_item = item == Item::admin_access || item == Item::login;
  if (principal_item && !is_confirmer(ctx, c, me.id)) {
    reply_text(ctx, "classroom.not_principal", {{"site", site_name(ctx, me.language, c.site)}, {"id", id}});
    ctx.audit("refused:classroom_not_principal", id, {{"item", item_key(item)}});
    return;
  }
  if (!principal_item && me.id != c.teacher) {
    reply_text(ctx, "classroom.not_teacher", {{"teacher", ctx.name_of(c.teacher)}, {"id", id}});
    ctx.audit("refused:classroom_not_teacher", id, {{"item", item_key(item)}});
    return;
  }
  // The short name: "administrator access", not the teacher's "(your principal confirms)".
  const std::string label = ctx.text_in(me.language, "classroom.short." + std::string(item_key(item)));
  if (const auto& at = done_at(c, item)) {
    reply_text(ctx, "classroom.already", {{"item", label}, {"id", id}, {"date", ctx.date_label(me.language, *at)}});
    return;
  }
  const bool was_done = c.done();
  switch (item) {
    case Item::parents: c.parents_notified = ctx.now; break;
    case Item::admin_access:
      c.admin_access = ctx.now;
      c.admin_access_by = me.id;
      break;
    case Item::login:
      c.login_given = ctx.now;
      c.login_by = me.id;
      break;
    case Item::consent:
      // A later question can bring consent in: confirming it makes it part of the checklist.
      c.consent_needed = true;
      c.consent_confirmed = ctx.now;
      break;
  }
  ctx.store.save_classroom_checklist(c);
  ctx.audit("classroom." + std::string(item_key(item)), id, {{"done", c.done()}});
  if (item == Item::consent)
    reply_text(ctx, "classroom.consent.recorded", {{"id", id}, {"date", ctx.date_label(me.language, ctx.now)}});
  else
    reply_text(ctx, "classroom.ticked", {{"item", label}, {"id", id}, {"date", ctx.date_label(me.language, ctx.now)}});
  if (principal_item) {
    Message told;
    const std::string lang = ctx.lang_of(c.teacher);
    told.paragraph(ctx.text_in(lang, "classroom.told_teacher",
                               {{"principal", ctx.name_of(me.id)},
                                {"item", ctx.text_in(lang, "classroom.short." + std::string(item_key(item)))},
                                {"id", id}}));
    ctx.to_person(c.teacher, std::move(told));
  }
  show_checklist(ctx, c, r, true);
  refresh_cards(ctx, r);  // the card's checklist line
  if (c.done() && !was_done) ctx.audit("classroom.done", id, nlohmann::json::object());
}

struct Target {
  std::optional<ClassroomChecklist> checklist;
  std::optional<Request> request;
};

// The checklist a command or button names; else the actor's only one (or the thread's).
Target find_target(const Context& ctx, std::string_view named) {
  std::string id(named);
  if (id.empty() && !ctx.thread_key.empty()) id = ctx.thread_key;
  if (id.empty()) {
    std::vector<ClassroomChecklist> mine;
    for (auto& c : ctx.store.classroom_checklists())
      if (c.teacher == ctx.actor->id || is_confirmer(ctx, c, ctx.actor->id))
        if (!c.done()) mine.push_back(std::move(c));
    if (mine.size() == 1) id = mine.front().request_id;
  }
  Target t;
  if (id.empty()) return t;
  t.request = ctx.store.request(id);
  t.checklist = ctx.store.classroom_checklist(id);
  if (!t.request) t.checklist.reset();
  return t;
}

void act_on_item(Context& ctx, std::string_view named, std::string_view word) {
  Target t = find_target(ctx, named);
  if (!t.checklist) {
    if (named.empty() && ctx.thread_key.empty()) return reply_text(ctx, "classroom.which", {});
    std::string id(named.empty() ? std::string_view(ctx.thread_key) : named);
    return reply_text(ctx, "classroom.no_checklist", {{"id", bot::markup::escape_short(id, 40)}});
  }
  std::string w = lower(word);
  if (w.empty()) {
    // Showing the list again: to the teacher, or to a principal their confirmation message.
    if (ctx.actor->id == t.checklist->teacher) return ctx.reply(checklist_message(ctx, *t.checklist, *t.request));
    return ctx.reply(principal_message(ctx, *t.checklist, *t.request, ctx.actor->language));
  }
  if (w == "letter" || w == "carta") {
    if (ctx.actor->id != t.checklist->teacher)
      return reply_text(ctx, "classroom.not_teacher",
                        {{"teacher", ctx.name_of(t.checklist->teacher)}, {"id", t.checklist->request_id}});
    return send_letter(ctx, *t.checklist, *t.request);
  }
  auto item = item_from(w);
  if (!item) return reply_text(ctx, "classroom.unknown_item", {{"item", bot::markup::escape_short(word, 40)}});
  tick(ctx, std::move(*t.checklist), *t.request, *item);
}

}  // namespace

bool is_classroom_use(const Request& r) {
  return r.students_interact || std::find(r.audience.begin(), r.audience.end(), "students") != r.audience.end();
}

bool involves_student_media(std::string_view text) {
  const std::string low = lower(text);
  for (auto phrase : kWorkPhrases)
    if (low.find(phrase) != std::string::npos) return true;
  for (const auto& w : words_of(text))
    if (std::find(kMediaWords.begin(), kMediaWords.end(), w) != kMediaWords.end()) return true;
  return false;
}

void add_classroom_conditions(const Context& ctx, const Request& r, Message& letter) {
  if (!is_classroom_use(r) || !is_authorized(ctx, r)) return;
  const std::string lang = ctx.lang_of(r.requester);
  letter.header(ctx.text_in(lang, "classroom.conditions.header"));
  letter.paragraph(ctx.text_in(lang, "classroom.conditions.intro"));
  quote_all(ctx, letter, std::span(kGeneralClauses).first(2));
  quote_first(ctx, letter, kParentsClauses);
  quote_first(ctx, letter, kAdminClauses);
  quote_first(ctx, letter, kLoginClauses);
  if (r.students_interact) quote_first(ctx, letter, kModerationClauses);
  quote_all(ctx, letter, std::span(kGeneralClauses).subspan(2));
  if (request_involves_media(r)) {
    letter.paragraph(ctx.text_in(lang, "classroom.conditions.consent_intro"));
    quote_all(ctx, letter, kConsentClauses);
  }
}

void on_classroom_authorized(Context& ctx, const Request& r) {
  if (!is_classroom_use(r) || !is_authorized(ctx, r)) return;
  const bot::Person* teacher = ctx.config.person(r.requester);
  ClassroomChecklist c{.request_id = r.id,
                       .teacher = r.requester,
                       .site = teacher ? teacher->site : r.site,
                       .consent_needed = request_involves_media(r),
                       .comments = r.students_interact,
                       .moderation_on = r.students_interact};
  if (auto existing = ctx.store.classroom_checklist(r.id)) c = *existing;  // never undo what was ticked
  ctx.store.save_classroom_checklist(c);
  ctx.audit("classroom.checklist", r.id, {{"consent_needed", c.consent_needed}, {"comments", c.comments}});
  show_checklist(ctx, c, r, false);
  refresh_cards(ctx, r);
  if (c.moderation_on) {
    ctx.store.cancel_timers(kModerationTimer, r.id);
    schedule_moderation(ctx, r.id);
  }
}

void add_classroom_card_fields(const Context& ctx, const Request& r, std::string_view lang,
                               std::vector<bot::Field>& fields) {
  if (!is_classroom_use(r)) return;
  if (auto c = is_authorized(ctx, r) ? ctx.store.classroom_checklist(r.id) : std::nullopt) {
    const auto total = std::to_string(items_of(*c).size());
    int done = 0;
    for (Item i : items_of(*c)) done += done_at(*c, i).has_value();
    fields.push_back({ctx.text_in(lang, "classroom.card.field"),
                      c->done() ? ctx.text_in(lang, "classroom.card.complete", {{"total", total}})
                                : ctx.text_in(lang, "classroom.card.progress",
                                              {{"done", std::to_string(done)},
                                               {"total", total},
                                               {"missing", missing_items(ctx, lang, *c)}})});
  } else if (request_involves_media(r) && r.state != bot::RequestState::rejected) {
    fields.push_back(
        {ctx.text_in(lang, "classroom.card.consent_field"), ctx.text_in(lang, "classroom.card.consent_note")});
  }
}

void collect_classroom_items(const Context& ctx, DigestBook& book) {
  const bool digest_moderation = ctx.config.classroom.moderation_reminder == "digest";
  const auto& days = ctx.config.classroom.moderation_days;
  // The digest goes out in the evening: its moderation line is for the next day.
  const unsigned tomorrow =
      date::weekday{date::sys_days{ctx.services.calendar.local_day(ctx.now)} + date::days{1}}.c_encoding();
  const bool moderation_day = std::find(days.begin(), days.end(), tomorrow) != days.end();
  for (const auto& c : ctx.store.classroom_checklists()) {
    const bool open = !c.done();
    const bool moderate = digest_moderation && moderation_day && c.moderation_on;
    if (!open && !moderate) continue;
    auto r = ctx.store.request(c.request_id);
    if (!r || !is_authorized(ctx, *r)) continue;
    const std::string platforms = platform_names_markup(authorized_plans(*r));
    if (open) {
      // {missing} is in the reader's language: one item per reader language.
      for (const auto& who : confirmers(ctx, c)) {
        if (who == c.teacher) continue;
        book.add(who, {.section = DigestSection::to_act,
                       .id = c.request_id,
                       .line_key = "classroom.digest.line",
                       .vars = {{"id", c.request_id},
                                {"teacher", ctx.name_of(c.teacher)},
                                {"platforms", platforms},
                                {"missing", missing_items(ctx, ctx.lang_of(who), c)}}});
      }
    }
    if (moderate)
      book.add(c.teacher, {.section = DigestSection::to_act,
                           .id = c.request_id,
                           .line_key = "classroom.moderation.digest_line",
                           .vars = {{"id", c.request_id}, {"platforms", platforms}}});
  }
}

void on_checklist_command(Context& ctx, std::string_view rest) {
  std::string text = trim(rest);
  std::string id = find_request_id(text).value_or("");
  std::string word;
  if (!id.empty()) {
    size_t at = lower(text).find(lower(id));
    word = trim(text.substr(0, at) + " " + text.substr(at + id.size()));
  } else {
    word = text;
  }
  if (id.empty() && word.empty() && ctx.thread_key.empty()) {
    // The person's own checklists, each shown again.
    bool any = false;
    for (const auto& c : ctx.store.classroom_checklists()) {
      auto r = ctx.store.request(c.request_id);
      if (!r) continue;
      if (c.teacher == ctx.actor->id) {
        ctx.reply(checklist_message(ctx, c, *r));
        any = true;
      } else if (!c.done() && is_confirmer(ctx, c, ctx.actor->id)) {
        ctx.reply(principal_message(ctx, c, *r, ctx.actor->language));
        any = true;
      }
    }
    if (!any) reply_text(ctx, "classroom.none_yours", {});
    return;
  }
  act_on_item(ctx, id, word);
}

void on_moderation_command(Context& ctx, std::string_view rest) {
  std::string text = lower(trim(rest));
  auto id = find_request_id(text);
  const bool off = text.find("off") != std::string::npos || text.find("stop") != std::string::npos ||
                   text.find("desactivar") != std::string::npos;
  const bool on = !off && (text.find("on") != std::string::npos || text.find("activar") != std::string::npos);
  Target t = find_target(ctx, id.value_or(""));
  if (!t.checklist || (!on && !off)) return reply_text(ctx, "classroom.moderation.usage", {});
  ClassroomChecklist c = std::move(*t.checklist);
  if (ctx.actor->id != c.teacher)
    return reply_text(ctx, "classroom.not_teacher", {{"teacher", ctx.name_of(c.teacher)}, {"id", c.request_id}});
  c.moderation_on = on;
  ctx.store.save_classroom_checklist(c);
  ctx.store.cancel_timers(kModerationTimer, c.request_id);
  if (on && is_authorized(ctx, *t.request)) schedule_moderation(ctx, c.request_id);
  ctx.audit(on ? "classroom.moderation_on" : "classroom.moderation_off", c.request_id, nlohmann::json::object());
  reply_text(ctx, on ? "classroom.moderation.on" : "classroom.moderation.off", {{"id", c.request_id}});
}

void on_classroom_action(Context& ctx) {
  const std::string word = ctx.event->action_id.substr(std::string_view("classroom.").size());
  if (word == "moderation_off") return on_moderation_command(ctx, "off " + ctx.event->action_value);
  act_on_item(ctx, ctx.event->action_value, word);
}

void on_typed_button(Context& ctx, std::string_view word, std::string_view rest) {
  if (word == "acknowledgement.full") return on_policy_command(ctx, "full");
  if (word == "acknowledgement.ack") return on_policy_command(ctx, "read");
  std::string item(word.substr(word.find('.') + 1));
  if (item == "moderation_off") return on_moderation_command(ctx, "off " + std::string(rest));
  act_on_item(ctx, trim(rest), item);
}

void on_classroom_timer(Context& ctx, const bot::Timer& timer) {
  if (timer.kind != kModerationTimer) return;
  auto c = ctx.store.classroom_checklist(timer.subject);
  auto r = ctx.store.request(timer.subject);
  // Switched off, or the authorization ended: the reminders stop.
  if (!c || !r || !c->moderation_on || !is_authorized(ctx, *r)) return;
  if (ctx.config.classroom.moderation_reminder != "morning") return;
  const std::string today = bot::DistrictCalendar::iso(ctx.services.calendar.local_day(ctx.now));
  if (c->moderation_last != today) {
    const std::string lang = ctx.lang_of(c->teacher);
    Message m;
    m.paragraph(ctx.text_in(lang, "classroom.moderation.reminder",
                            {{"platforms", platform_names_markup(authorized_plans(*r))}, {"id", c->request_id}}));
    quote_first(ctx, m, kModerationClauses);
    m.buttons({{"classroom.moderation_off", ctx.text_in(lang, "classroom.moderation.off_button"), c->request_id,
                bot::ButtonStyle::normal}});
    ctx.to_person(c->teacher, std::move(m));
    c->moderation_last = today;
    ctx.store.save_classroom_checklist(*c);
    ctx.audit("classroom.moderation_reminded", c->request_id, {{"date", today}});
  }
  schedule_moderation(ctx, c->request_id);
}

void add_consent_step(const Context& ctx, std::string_view question, std::string_view lang, Message& answer) {
  if (!involves_student_media(question)) return;
  answer.paragraph(ctx.text_in(lang, "classroom.consent.ask_note"));
  quote_all(ctx, answer, kConsentClauses);
  if (!ctx.actor) return;
  std::vector<bot::Button> buttons;
  for (const auto& c : ctx.store.classroom_checklists())
    if (c.teacher == ctx.actor->id && !c.consent_confirmed)
      if (auto r = ctx.store.request(c.request_id); r && is_authorized(ctx, *r))
        buttons.push_back({"classroom.consent", ctx.text_in(lang, "classroom.consent.button", {{"id", c.request_id}}),
                           c.request_id, bot::ButtonStyle::primary});
  if (!buttons.empty()) answer.buttons(std::move(buttons));
}

bool refused_as_associated(const Context& ctx) {
  if (!ctx.actor || !ctx.actor->has_role(bot::Role::associated) || ctx.config.classroom.associated_may_request)
    return false;
  reply_text(ctx, "classroom.associated.refused", {});
  ctx.audit("refused:associated_request", "", nlohmann::json::object());
  return true;
}

}  // namespace workflows
