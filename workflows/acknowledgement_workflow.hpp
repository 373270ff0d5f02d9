#pragma once
// The policy's acknowledgement (issue 21). The superintendent's office (or the IT lead) sends the
// policy to everyone, a site or a role: each person gets a short summary in their language, the
// full text on request and an "I have read it" button. Those who have not read it are reminded in
// the digest; a per-site report shows who acknowledged and when (also `hallpass acknowledgements`,
// as CSV). With classroom.acknowledgement_on_first_message a person never sent it gets it on their
// first message.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/district/config.hpp"
#include "bot/store/classroom_store.hpp"
#include "workflows/context.hpp"
#include "workflows/digest.hpp"

namespace workflows {

// "policy", "policy full", "policy read", "policy send all|site <id>|role <role>", "policy report [site]".
void on_policy_command(Context& ctx, std::string_view rest);
// Buttons "acknowledgement.full" and "acknowledgement.ack".
void on_acknowledgement_action(Context& ctx);
// Before a person's first event is handled: sends them the policy when the district asks for it.
void offer_policy_on_first_message(Context& ctx);
// Reminders for those sent the policy who have not read it.
void collect_acknowledgement_items(const Context& ctx, DigestBook& book);

// One person of the report: their site (empty: central office), and what the store knows.
struct AcknowledgementRow {
  std::string site;
  const bot::Person* person = nullptr;
  std::optional<bot::PolicyAcknowledgement> record;
};
// Everyone of the directory (of one site, when site is not empty), by site then name.
std::vector<AcknowledgementRow> acknowledgement_rows(const bot::DistrictConfig& config,
                                                     const std::vector<bot::PolicyAcknowledgement>& records,
                                                     std::string_view site = {});
// The rows as CSV: site,person,name,title,sent_at,acknowledged_at (local time, ISO).
std::string acknowledgement_csv(const Context& ctx, std::string_view site = {});

}  // namespace workflows
