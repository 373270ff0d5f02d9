#pragma once
// Percent-encoding of one path segment or query value (platform ids such as Matrix "!room:server"
// or Teams "19:…@thread.tacv2;messageid=1" carry ':', '@', ';' and '='): everything but RFC 3986's
// unreserved characters is encoded, so an id can never add a path level or a query.
#include <string>
#include <string_view>

namespace adapters::http {

std::string encode_path_segment(std::string_view segment);

}  // namespace adapters::http
