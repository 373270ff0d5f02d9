#pragma once
// Passwords never enter Hallpass. The registry records that the site holds an official account's
// username and password (LBUSD Code of Ethics §E, Registry 2), never the credentials themselves:
// a message or form value that looks like a password is refused before any workflow sees it,
// with the clause quoted, and is written nowhere (not the audit log, the outbox, a draft or the log).
#include <string_view>

#include "workflows/context.hpp"

namespace workflows {

// Refuses the event when its text or any form value looks like a password: answers with the
// clause, asks the platform to delete the message where it can, audits the refusal (which field,
// never the value) and returns true. A registry form is sent back with that field emptied.
bool refuse_pasted_password(Context& ctx);

}  // namespace workflows
