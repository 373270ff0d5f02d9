#pragma once
// Classroom use (issue 21): when an authorized request's audience includes students, or students
// interact, the decision carries the policy's conditions and the teacher gets a checklist in the DM,
// each item quoted from the policy: parents notified (with a parent letter drafted in English and
// Spanish), administrator access and the login (both confirmed by the principal, the login never
// typed into chat), and consent forms on file when the objectives involve students' photos, video,
// names or work. The principal sees its state on the request's card and in the digest until done.
// Also: the daily moderation reminder for accounts with comments, and the refusal of a request by
// an associated person.
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/message.hpp"
#include "bot/model/request.hpp"
#include "workflows/context.hpp"
#include "workflows/digest.hpp"

namespace workflows {

// Whether the request is for use with students: its audience includes them, or they interact.
bool is_classroom_use(const bot::Request& r);
// Whether text (objectives, a question) involves students' photos, video, names or work, in
// English or Spanish.
bool involves_student_media(std::string_view text);

// Appends the policy's classroom conditions (and consent clauses) to an authorization letter.
void add_classroom_conditions(const Context& ctx, const bot::Request& r, bot::Message& letter);
// After an authorization: creates the checklist, sends it to the teacher and asks the principal to
// confirm access and login; starts the moderation reminder when students interact.
void on_classroom_authorized(Context& ctx, const bot::Request& r);
// The card's fields about classroom use (the checklist's state, the consent note), in lang.
void add_classroom_card_fields(const Context& ctx, const bot::Request& r, std::string_view lang,
                               std::vector<bot::Field>& fields);
// Digest items: incomplete checklists to the site's principals and the teacher; moderation lines
// when the district chose the digest for them.
void collect_classroom_items(const Context& ctx, DigestBook& book);

// "checklist [R-1001] [parents|letter|consent|access|login]"
void on_checklist_command(Context& ctx, std::string_view rest);
// "moderation off|on R-1001"
void on_moderation_command(Context& ctx, std::string_view rest);
// Buttons "classroom.<item>" (value: the request id).
void on_classroom_action(Context& ctx);
// A button's words typed as a command ("classroom.parents R-1001", "acknowledgement.ack"), as
// Matrix sends them after a restart forgot which buttons it showed.
void on_typed_button(Context& ctx, std::string_view word, std::string_view rest);
// Timer "classroom.moderation" (subject: the request id).
void on_classroom_timer(Context& ctx, const bot::Timer& timer);
// A later question that involves students' media: the consent clauses not already quoted, and
// the confirmation step for the asker's class accounts.
void add_consent_step(const Context& ctx, std::string_view question, std::string_view lang, bot::Message& answer);

// True (and the person told why) when an associated person may not start or file a request.
bool refused_as_associated(const Context& ctx);

}  // namespace workflows
