#include "adapters/teams/teams_protocol.hpp"

#include "adapters/common/json_fields.hpp"
#include "adapters/common/text.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace adapters::teams {

namespace {

using adapters::text::trim;
using json_fields::member;
using json_fields::str;
using nlohmann::json;
using Clock = std::chrono::system_clock;

Error fail(std::string message) { return protocol_error(std::move(message)); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "socialmedia …" or "/socialmedia …" → what follows the word; nullopt for any other text.
std::optional<std::string> command_text(std::string_view text) {
  std::string_view t = text;
  if (t.starts_with('/')) t.remove_prefix(1);
  if (t.size() < kCommandWord.size() || !iequals(t.substr(0, kCommandWord.size()), kCommandWord)) return std::nullopt;
  std::string_view rest = t.substr(kCommandWord.size());
  if (!rest.empty() && !is_space(rest.front())) return std::nullopt;  // "socialmediafoo"
  return trim(rest);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A form value as the core keeps it: strings as sent, lists comma-separated.
std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!out.empty()) out += ',';
      out += value_text(e);
    }
    return out;
  }
  return v.dump();
}

// Files arrive as attachments of their own content type; a pasted picture as image/*. The
// text/html attachment Teams adds to channel messages is the message itself, not a file.
bool carries_file(const json& attachments) {
  if (!attachments.is_array()) return false;
  for (const auto& a : attachments) {
    const std::string type = str(a, "contentType");
    if (type.starts_with("image/") || type == "application/vnd.microsoft.teams.file.download.info" ||
        type.starts_with("application/vnd.microsoft.teams.file"))
      return true;
  }
  return false;
}

ConversationReference reference_of(const json& a) {
  ConversationReference r;
  const json& conversation = member(a, "conversation");
  const json& channel_data = member(a, "channelData");
  r.service_url = str(a, "serviceUrl");
  r.conversation_id = split_conversation_id(str(conversation, "id")).base;
  r.conversation_type = str(conversation, "conversationType");
  if (r.conversation_type.empty() && r.conversation_id.starts_with("a:")) r.conversation_type = "personal";
  r.tenant_id = str(conversation, "tenantId");
  if (r.tenant_id.empty()) r.tenant_id = str(member(channel_data, "tenant"), "id");
  r.bot_id = str(member(a, "recipient"), "id");
  r.bot_name = str(member(a, "recipient"), "name");
  const json& from = member(a, "from");
  r.user_id = str(from, "id");
  r.user_aad_object_id = str(from, "aadObjectId");
  r.user_name = str(from, "name");
  r.channel_id = str(member(channel_data, "channel"), "id");
  r.team_id = str(member(channel_data, "team"), "id");
  return r;
}

bool lists_member(const json& members, const std::string& id) {
  if (!members.is_array() || id.empty()) return false;
  return std::any_of(members.begin(), members.end(), [&](const json& m) { return str(m, "id") == id; });
}

// Fills kind, action or form fields from an Action.Submit value. False when the value is not
// from one of our cards.
bool card_submission(const json& value, bot::Inbound& in, std::string& why_not) {
  const json& data = member(value, std::string(kCardDataKey).c_str());
  if (!data.is_object()) {
    why_not = "a card submission without Hallpass data";
    return false;
  }
  const std::string kind = str(data, "kind");
  if (kind == "action") {
    in.kind = bot::InboundKind::action;
    in.action_id = str(data, "action_id");
    in.action_value = str(data, "value");
    if (in.action_id.empty()) why_not = "a card action without action_id";
    return !in.action_id.empty();
  }
  if (kind == "form") {
    in.kind = bot::InboundKind::form_submission;
    in.form_id = str(data, "form_id");
    in.form_context = str(data, "context");
    for (const auto& [key, v] : value.items())
      if (key != kCardDataKey && key != "msteams") in.values[key] = value_text(v);
    if (in.form_id.empty()) why_not = "a card form without form_id";
    return !in.form_id.empty();
  }
  why_not = "a card submission of unknown kind \"" + kind + "\"";
  return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

// ---- references ------------------------------------------------------------------------------

std::string reference_to_json(const ConversationReference& r) {
  json j{{"serviceUrl", r.service_url},
         {"channelId", "msteams"},
         {"conversation",
          {{"id", r.conversation_id}, {"conversationType", r.conversation_type}, {"tenantId", r.tenant_id}}},
         {"bot", {{"id", r.bot_id}, {"name", r.bot_name}}},
         {"user", {{"id", r.user_id}, {"aadObjectId", r.user_aad_object_id}, {"name", r.user_name}}},
         {"channelData",
          {{"tenant", {{"id", r.tenant_id}}}, {"team", {{"id", r.team_id}}}, {"channel", {{"id", r.channel_id}}}}}};
  return j.dump();
}

Result<ConversationReference> reference_from_json(std::string_view text) {
  json j = json_fields::parse(text);
  if (j.is_discarded() || !j.is_object()) return fail("conversation reference is not a JSON object");
  ConversationReference r;
  const json& conversation = member(j, "conversation");
  const json& channel_data = member(j, "channelData");
  r.service_url = str(j, "serviceUrl");
  r.conversation_id = str(conversation, "id");
  r.conversation_type = str(conversation, "conversationType");
  r.tenant_id = str(conversation, "tenantId");
  if (r.tenant_id.empty()) r.tenant_id = str(member(channel_data, "tenant"), "id");
  r.bot_id = str(member(j, "bot"), "id");
  r.bot_name = str(member(j, "bot"), "name");
  r.user_id = str(member(j, "user"), "id");
  r.user_aad_object_id = str(member(j, "user"), "aadObjectId");
  r.user_name = str(member(j, "user"), "name");
  r.channel_id = str(member(channel_data, "channel"), "id");
  r.team_id = str(member(channel_data, "team"), "id");
  if (r.service_url.empty()) return fail("conversation reference without serviceUrl");
  if (r.conversation_id.empty()) return fail("conversation reference without conversation.id");
  return r;
}

// ---- conversation ids ------------------------------------------------------------------------

ConversationId split_conversation_id(std::string_view id) {
  constexpr std::string_view kMarker = ";messageid=";
  const size_t at = id.find(kMarker);
  if (at == std::string_view::npos) return {std::string(id), {}};
  return {std::string(id.substr(0, at)), std::string(id.substr(at + kMarker.size()))};
}

Result<std::string> thread_conversation_id(std::string_view channel_id, std::string_view root) {
  if (!all_digits(root) || root.find_first_not_of('0') == std::string_view::npos)
    return fail("\"" + std::string(root) + "\" is not a Teams message id");
  const ConversationId base = split_conversation_id(channel_id);
  if (base.base.empty()) return fail("a thread needs a channel id");
  return Result<std::string>(boost::system::in_place_value, base.base + ";messageid=" + std::string(root));
}

bool is_channel_conversation(std::string_view id, std::string_view type) {
  if (!type.empty()) return type == "channel";
  const std::string base = split_conversation_id(id).base;
  return base.starts_with("19:") && (base.ends_with("@thread.tacv2") || base.ends_with("@thread.skype"));
}

// ---- mentions and timestamps -----------------------------------------------------------------

std::string strip_mentions(std::string_view text, const json& entities, std::string_view bot_id) {
  std::string out(text);
  if (entities.is_array()) {
    for (const auto& e : entities) {
      if (str(e, "type") != "mention") continue;
      const std::string shown = str(e, "text");  // "<at>Hallpass</at>", exactly as in the text
      if (shown.empty()) continue;
      const json& mentioned = member(e, "mentioned");
      if (!bot_id.empty() && str(mentioned, "id") == bot_id) {
        replace_all(out, shown, " ");
      } else {
        std::string name = shown;
        replace_all(name, "<at>", "");
        replace_all(name, "</at>", "");
        replace_all(out, shown, name);
      }
    }
  }
  // Tags without an entity (an edited mention) are unwrapped too: the name stays, the markup goes.
  replace_all(out, "<at>", "");
  replace_all(out, "</at>", "");
  // Teams puts a non-breaking space after a mention, as an entity or as U+00A0.
  replace_all(out, "&nbsp;", " ");
  replace_all(out, "\xC2\xA0", " ");
  out = trim(out);
  // The removed mention leaves two spaces where it stood in the middle of a sentence.
  std::string collapsed;
  for (char c : out)
    if (!(c == ' ' && !collapsed.empty() && collapsed.back() == ' ')) collapsed += c;
  return collapsed;
}

std::optional<Clock::time_point> parse_timestamp(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    std::string_view d = s.substr(pos, len);
    if (!all_digits(d)) return std::nullopt;
    return std::stoi(std::string(d));
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  // Years outside 1900–2199 would overflow the clock's nanoseconds.
  if (!y || !mo || !d || !h || !mi || !sec || *y < 1900 || *y > 2199 || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 ||
      *h > 23 || *mi > 59 || *sec > 60)
    return std::nullopt;
  size_t pos = 19;
  long long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start) return std::nullopt;
    std::string frac(s.substr(start, std::min<size_t>(pos - start, 6)));
    frac.resize(6, '0');
    micros = std::stoll(frac);
  }
  long long offset_minutes = 0;
  std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2))) {
    offset_minutes = std::stoi(std::string(zone.substr(1, 2))) * 60 + std::stoi(std::string(zone.substr(4, 2)));
    if (zone[0] == '-') offset_minutes = -offset_minutes;
  } else {
    return std::nullopt;
  }
  const long long seconds = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400 +
                            *h * 3600LL + *mi * 60LL + *sec - offset_minutes * 60;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds) + std::chrono::microseconds(micros)));
}

// ---- activities ------------------------------------------------------------------------------

Result<ParsedActivity> parse_activity(std::string_view body, Clock::time_point now) {
  json a = json_fields::parse(body);
  if (a.is_discarded() || !a.is_object()) return fail("activity is not a JSON object");
  ParsedActivity out;
  out.type = str(a, "type");
  out.id = str(a, "id");
  out.channel_id = str(a, "channelId");
  out.service_url = str(a, "serviceUrl");
  if (out.type.empty()) return fail("activity without type");
  if (out.service_url.empty()) return fail(out.type + " activity without serviceUrl");
  const json& conversation = member(a, "conversation");
  const std::string conversation_id = str(conversation, "id");
  if (conversation_id.empty()) return fail(out.type + " activity without conversation.id");
  out.reference = reference_of(a);
  const ConversationReference& ref = out.reference;

  if (out.type == "conversationUpdate") {
    if (lists_member(member(a, "membersAdded"), ref.bot_id))
      out.installation = Installation::added;
    else if (lists_member(member(a, "membersRemoved"), ref.bot_id))
      out.installation = Installation::removed;
    out.ignored = "a conversation update";
    return out;
  }
  if (out.type == "installationUpdate") {
    const std::string action = str(a, "action");
    if (action == "add" || action == "add-upgrade")
      out.installation = Installation::added;
    else if (action == "remove" || action == "remove-upgrade")
      out.installation = Installation::removed;
    out.ignored = "an installation update";
    return out;
  }
  if (out.type != "message") {
    // typing, messageReaction, messageUpdate, messageDelete, invoke (we send no Action.Execute).
    out.ignored = "a " + out.type + " activity";
    return out;
  }

  if (out.id.empty()) return fail("message activity without id");
  if (ref.user_id.empty()) return fail("message activity without from.id");
  if (ref.bot_id.empty()) return fail("message activity without recipient.id");
  const json& from = member(a, "from");
  if (ref.user_id == ref.bot_id || str(from, "role") == "bot" || ref.user_id.starts_with("28:")) {
    out.ignored = "a message from a bot";
    return out;
  }

  bot::Inbound in;
  in.platform = std::string(kPlatform);
  in.event_id = out.id;
  in.actor = ref.user_id;
  in.place.workspace = ref.tenant_id;
  in.time = parse_timestamp(str(a, "timestamp")).value_or(now);
  const ConversationId where = split_conversation_id(conversation_id);
  const std::string reply_to = str(a, "replyToId");
  const bool personal = ref.personal();
  const bool channel = is_channel_conversation(conversation_id, ref.conversation_type);
  if (personal) {
    in.place.channel = "dm:" + ref.user_id;
    in.place.direct = true;
  } else {
    in.place.channel = where.base;
  }
  if (channel) {
    // Replies inside a thread carry the root in the conversation id; a new top-level post is the
    // root of its own thread (Teams puts its own id there too).
    in.place.thread_ref = !where.message_id.empty() ? where.message_id : !reply_to.empty() ? reply_to : out.id;
  }

  const json& value = member(a, "value");
  if (value.is_object()) {
    std::string why_not;
    if (!card_submission(value, in, why_not)) {
      out.ignored = why_not;
      return out;
    }
    // The clicked card's thread: in a personal chat the card itself, which the core may have
    // recorded as a thread root (threads are kept by key even where Teams shows none).
    if (!channel && !reply_to.empty()) in.place.thread_ref = reply_to;
    in.reply_context = reply_to;
    out.inbound = std::move(in);
    return out;
  }

  // A reply to one of the bot's messages in a personal chat (Teams' "Reply" on it): that message,
  // which the core knows as a thread's first message when it is one (the request's, in her DM).
  if (!channel && !reply_to.empty()) in.place.thread_ref = reply_to;
  in.text = strip_mentions(str(a, "text"), member(a, "entities"), ref.bot_id);
  const json& entities = member(a, "entities");
  if (entities.is_array())
    for (const auto& e : entities)
      if (str(e, "type") == "mention" && str(member(e, "mentioned"), "id") == ref.bot_id) in.mentions_bot = true;
  in.has_attachment = carries_file(member(a, "attachments"));
  if (auto command = command_text(in.text)) {
    in.kind = bot::InboundKind::command;
    in.text = std::move(*command);
  } else {
    in.kind = bot::InboundKind::message;
    if (in.text.empty() && !in.has_attachment) {
      out.ignored = "a message without text";
      return out;
    }
  }
  out.inbound = std::move(in);
  return out;
}

}  // namespace adapters::teams
