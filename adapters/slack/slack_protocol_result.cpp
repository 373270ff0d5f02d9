#include "adapters/slack/slack_protocol_result.hpp"

#include "adapters/common/json_fields.hpp"

#include <nlohmann/json.hpp>

namespace adapters::slack {

namespace protocol_detail {

using nlohmann::json;

ProtocolError fail(std::string message) { return protocol_error(std::move(message)); }

std::optional<json> parse_json(std::string_view text) {
  json j = json_fields::parse(text);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace protocol_detail

}  // namespace adapters::slack
