#pragma once
// Classroom use and the policy's acknowledgement (issue 21): the checklist a teacher works through
// before using an authorized account with students, and who was sent the policy and read it.
// Nothing here holds a student's name, photo or consent form: only that the teacher confirmed, when.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"

namespace bot {

// One authorized request whose audience includes students (or where students interact).
struct ClassroomChecklist {
  std::string request_id;                     // "R-1001"
  std::string teacher;                        // the requester's person id
  std::string site;                           // the teacher's site id (empty: central office)
  bool consent_needed = false;                // the objectives involve students' photos, video, names or work
  bool comments = false;                      // students interact: comments to moderate daily
  std::optional<TimePoint> parents_notified;  // ticked by the teacher
  std::optional<TimePoint> admin_access;      // confirmed by the principal
  std::string admin_access_by;
  std::optional<TimePoint> login_given;  // confirmed by the principal; the login itself never passes here
  std::string login_by;
  std::optional<TimePoint> consent_confirmed;  // the teacher confirmed consent forms are on file
  bool moderation_on = false;                  // the daily moderation reminder
  std::string moderation_last;                 // the local date of the last reminder, "2026-11-25"

  // Parents, administrator access, login (and consent when needed) all done.
  bool done() const {
    return parents_notified && admin_access && login_given && (!consent_needed || consent_confirmed);
  }
};

// One person sent the policy: when, by whom, and when they said they had read it.
struct PolicyAcknowledgement {
  std::string person;
  std::string policy;  // document id
  TimePoint sent_at{};
  std::string sent_by;  // person id, or "hallpass" (on a first message)
  std::optional<TimePoint> acknowledged_at;
};

class ClassroomRepository {
 public:
  virtual ~ClassroomRepository() = default;
  virtual std::optional<ClassroomChecklist> classroom_checklist(std::string_view request_id) = 0;
  virtual void save_classroom_checklist(const ClassroomChecklist& c) = 0;
  virtual std::vector<ClassroomChecklist> classroom_checklists() = 0;  // oldest request first
  virtual std::optional<PolicyAcknowledgement> policy_acknowledgement(std::string_view person) = 0;
  virtual void save_policy_acknowledgement(const PolicyAcknowledgement& a) = 0;
  virtual std::vector<PolicyAcknowledgement> policy_acknowledgements() = 0;  // by person id
};

}  // namespace bot
