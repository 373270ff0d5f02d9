#pragma once
// Public records (issue 22): the case file of a request, a date range or an account as JSON and
// readable HTML — every version of the request, every response with its explanation, who did what
// and when through which platform message, and the audit chain's proof for those rows — with the
// redactions made before it leaves the office listed in it. Incident reports are in it only when
// asked for on purpose and only for their own investigators. Pure: reads the store, writes nothing
// (the command line writes the files).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/district/config.hpp"
#include "bot/district/prompts.hpp"
#include "bot/store/domain_store.hpp"

namespace workflows {

struct RecordsQuery {
  std::string request;                 // "R-1001": that request and every version of it
  std::string incident;                // "I-2001": that report (needs include_incidents and an investigator)
  std::optional<bot::TimePoint> from;  // a date range: every record with an action in [from, to)
  std::optional<bot::TimePoint> to;
  std::string account;                     // requests whose plans name it; reports about it (when included)
  std::string actor;                       // who exports (person id); investigators alone export reports
  bool include_incidents = false;          // on purpose only: reports are never exported by default
  std::vector<std::string> redact_fields;  // field names whose values are replaced everywhere
  bool mask_contacts = true;               // e-mail addresses and phone numbers in free text
  std::string lang = "en";
};

struct RecordsExport {
  std::string refusal;  // set when nothing may be exported: why, in the query's language
  nlohmann::json json;
  std::string html;
  std::size_t requests = 0, incidents = 0, actions = 0, redactions = 0;
};

RecordsExport build_records_export(bot::DomainStore& store, const bot::DistrictConfig& config,
                                   const bot::Prompts& prompts, const RecordsQuery& query, bot::TimePoint now);

struct RecordsProofCheck {
  bool ok = true;
  std::string problem;              // the first problem, naming the row
  std::size_t rows_recomputed = 0;  // rows whose hash was recomputed from the exported text
  std::size_t rows_linked = 0;      // redacted rows: checked by their place in the chain only
  std::int64_t head_seq = 0;
};

// Checks an export's proof without the database: each unredacted row's hash recomputed from its
// text (a keyed log needs `key`), each row in its place in the chain of links, the links unbroken
// up to the head recorded at export.
RecordsProofCheck check_records_proof(const nlohmann::json& exported, const std::string& key);

// Masks e-mail addresses and phone numbers in free text; counts what it masked.
std::string mask_contacts(const std::string& text, std::size_t& emails, std::size_t& phones);

}  // namespace workflows
