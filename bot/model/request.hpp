#pragma once
// The authorization request of the model board policy: an employee's written request naming each
// platform and its job-related objectives, and the superintendent's written response.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/model/clock.hpp"

namespace bot {

enum class RequestState {
  pending_site,         // waiting for a principal of the requester's site
  returned,             // a principal returned it to the employee (closed; file a new one)
  pending_decision,     // waiting for the superintendent or a designee
  needs_info,           // the superintendent asked the employee for more information
  authorized,           // authorized as proposed
  authorized_modified,  // an amended or more limited version was authorized
  rejected,             // rejected in its entirety
  withdrawn,            // the employee withdrew it
};

std::string_view to_string(RequestState s);
std::optional<RequestState> request_state_from(std::string_view s);
bool is_open(RequestState s);  // still waiting for someone

struct PlatformPlan {
  std::string platform;    // "instagram", "youtube", … or the name the employee gave for "other"
  std::string objectives;  // the job-related objectives, in the employee's words

  bool operator==(const PlatformPlan&) const = default;
};

// The written decision kept as the decision record.
struct Decision {
  std::string response;  // "authorize", "authorize_modified", "reject"
  std::string by;        // person id
  TimePoint at{};
  std::string explanation;               // required for reject and authorize_modified
  std::string conditions;                // added conditions (authorize_modified)
  std::vector<PlatformPlan> authorized;  // what the employee may use; empty when rejected
};

struct Request {
  std::string id;         // "R-1001"
  std::string requester;  // person id
  std::string site;       // site id of the requester, empty when it went straight to the superintendent
  std::vector<PlatformPlan> plans;
  std::vector<std::string> audience;  // students, parents, public, staff
  bool students_interact = false;
  RequestState state = RequestState::pending_site;
  TimePoint filed_at{};
  std::string due_date;  // local date the review window ends, "2026-12-01"
  bool overdue_notified = false;
  std::string endorsed_by;    // principal who endorsed it
  TimePoint routed_at{};      // when it reached its current approver (escalation counts from here)
  std::string returned_by;    // principal who returned it
  std::string return_note;    // why a principal returned it
  std::string info_question;  // what the superintendent asked
  std::string info_answer;    // what the employee answered
  TimePoint info_requested_at{};
  std::optional<Decision> decision;
  std::string withdrawn_by;
};

// A request being written: what the employee has entered so far.
struct Draft {
  std::string person;
  std::vector<PlatformPlan> plans;
  std::vector<std::string> audience;
  std::optional<bool> students_interact;
  std::string based_on;  // a returned request this one revises, if any
};

}  // namespace bot
