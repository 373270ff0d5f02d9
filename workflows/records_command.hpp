#pragma once
// `/socialmedia records export R-1001` (issue 22): for the superintendent's office, what the
// public-records export of a request holds and the command that writes its files on the server.
// A workflow does no I/O, so the files themselves come from `hallpass records export`.
#include <string_view>

#include "workflows/context.hpp"

namespace workflows {

void on_records_command(Context& ctx, std::string_view rest);

}  // namespace workflows
