#pragma once
// Files sent while an incident report is being written, or in a report's thread, are refused:
// Hallpass keeps no files with reports, and images of minors must not be copied or passed on by
// anyone but law enforcement (LAUSD BUL-5688.2 §IV.A.4; Standard SD AR 1114 §III.A.4). Nothing
// of the file is stored — not its reference, name or accompanying text — and the adapter is
// asked to delete it where the platform allows (bot::Outbound::delete_ref).
#include "workflows/context.hpp"

namespace workflows {

// True when the event carried a file in an incident's context and was refused (answered, the
// deletion asked for, the refusal audited); false when the event is not about a report.
bool refuse_incident_attachment(Context& ctx);

}  // namespace workflows
