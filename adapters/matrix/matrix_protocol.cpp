#include "adapters/matrix/matrix_protocol.hpp"

#include "adapters/common/json_fields.hpp"
#include "adapters/common/text.hpp"

#include <boost/system/errc.hpp>
#include <chrono>

#include "bot/model/markup.hpp"

namespace adapters::matrix {

using adapters::text::trim;
using json_fields::member;
using json_fields::str;
using nlohmann::json;

namespace {

bool has_encryption(const json& events) {
  if (!events.is_array()) return false;
  for (const auto& e : events)
    if (str(e, "type") == "m.room.encryption") return true;
  return false;
}

bool safe_link(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:");
}

std::string markup_html(const std::string& markup) {
  std::string out;
  for (const auto& p : bot::markup::parse(markup)) {
    bool in_list = false;
    std::string para;
    for (size_t i = 0; i < p.lines.size(); ++i) {
      const auto& line = p.lines[i];
      std::string text;
      for (const auto& s : line.spans) {
        std::string t = escape_html(s.text);
        if (s.italic) t = "<em>" + t + "</em>";
        if (s.bold) t = "<strong>" + t + "</strong>";
        if (!s.link.empty() && safe_link(s.link)) t = "<a href=\"" + escape_html(s.link) + "\">" + t + "</a>";
        text += t;
      }
      if (line.list_item) {
        if (!in_list) para += "<ul>";
        in_list = true;
        para += "<li>" + text + "</li>";
      } else {
        if (in_list) para += "</ul>";
        in_list = false;
        if (!para.empty() && !para.ends_with("</ul>")) para += "<br>";
        para += text;
      }
    }
    if (in_list) para += "</ul>";
    out += "<p>" + para + "</p>";
  }
  return out;
}

std::string button_command(const bot::Button& b) {
  return std::string(kCommand) + " " + b.action_id + (b.value.empty() ? "" : " " + b.value);
}

std::string form_command(const bot::Form& f) {
  return std::string(kCommand) + " form " + f.form_id + " " + (f.context.empty() ? "-" : f.context);
}

std::string choices_text(const bot::FormInput& in) {
  std::string s;
  for (const auto& c : in.choices) s += (s.empty() ? "" : ", ") + c.value + " (" + c.label + ")";
  return s;
}

}  // namespace

boost::system::result<SyncBatch> parse_sync(std::string_view body) {
  json j = json_fields::parse(body);
  if (j.is_discarded() || !j.is_object() || !j.contains("next_batch") || !j["next_batch"].is_string())
    return boost::system::errc::make_error_code(boost::system::errc::bad_message);
  SyncBatch batch;
  batch.next_batch = j["next_batch"].get<std::string>();
  // References into j, read with member(): any part of a response may be of another type than
  // the spec says (json::value() would throw), and copies of deep values recurse.
  const json& rooms = member(j, "rooms");
  const json& invited = member(rooms, "invite");
  const json& joined = member(rooms, "join");
  const json& left = member(rooms, "leave");
  if (invited.is_object())
    for (const auto& [room_id, room] : invited.items()) {
      Invite inv{.room_id = room_id};
      const json& events = member(member(room, "invite_state"), "events");
      inv.encrypted = has_encryption(events);
      if (events.is_array())
        for (const auto& e : events) {
          if (str(e, "type") != "m.room.member") continue;
          const json& content = member(e, "content");
          if (str(content, "membership") != "invite") continue;
          inv.inviter = str(e, "sender");
          inv.is_direct = member(content, "is_direct") == true;
        }
      batch.invites.push_back(std::move(inv));
    }
  if (joined.is_object())
    for (const auto& [room_id, room] : joined.items()) {
      JoinedRoom jr{.room_id = room_id};
      const json& timeline = member(room, "timeline");
      const json& events = member(timeline, "events");
      if (events.is_array())
        for (const auto& e : events) jr.events.push_back(e);
      jr.limited = member(timeline, "limited") == true;
      jr.prev_batch = str(timeline, "prev_batch");
      jr.encrypted = has_encryption(member(member(room, "state"), "events")) ||
                     has_encryption(member(member(room, "state_after"), "events")) || has_encryption(events);
      batch.joined.push_back(std::move(jr));
    }
  if (left.is_object())
    for (const auto& [room_id, room] : left.items()) batch.left.push_back(room_id);
  return batch;
}

std::string strip_reply_fallback(std::string_view body) {
  size_t pos = 0;
  bool quoted = false;
  while (pos < body.size() && body.substr(pos).starts_with(">")) {
    quoted = true;
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  if (quoted && pos < body.size() && body[pos] == '\n') ++pos;
  return std::string(body.substr(pos));
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : bot::strip_bidi(text)) {  // bidi controls would reorder the card around them
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool parse_form_answer(std::string_view command_text, bot::Inbound& out) {
  std::string text = trim(command_text);
  if (!text.starts_with("form ") && !text.starts_with("form\n")) return false;
  std::string rest = trim(std::string_view(text).substr(5));
  // The form id and the context end at a blank or a line end: the fields may start on the next line.
  size_t sp = rest.find_first_of(" \t\r\n");
  out.form_id = rest.substr(0, sp);
  rest = sp == std::string::npos ? "" : trim(std::string_view(rest).substr(sp + 1));
  sp = rest.find_first_of(" \t\r\n");
  std::string context = rest.substr(0, sp);
  // The context may be left out when no value follows: "form incident.report key=value".
  if (context.find('=') != std::string::npos) {
    context.clear();
  } else {
    rest = sp == std::string::npos ? "" : trim(std::string_view(rest).substr(sp + 1));
  }
  out.form_context = context == "-" ? "" : context;
  if (out.form_id.empty()) return false;
  adapters::text::read_pairs(rest, out.values);
  out.kind = bot::InboundKind::form_submission;
  out.text.clear();
  return true;
}

std::optional<bot::Inbound> to_inbound(const json& event, const std::string& room_id, const Context& context) {
  if (!event.is_object() || str(event, "type") != "m.room.message") return std::nullopt;
  const std::string sender = str(event, "sender");
  if (sender.empty() || sender == context.bot_user_id) return std::nullopt;
  const json& content = member(event, "content");
  if (!content.is_object()) return std::nullopt;
  const std::string msgtype = str(content, "msgtype");
  // m.notice is never answered (other bots' output), so two bots cannot loop.
  if (msgtype == "m.notice") return std::nullopt;
  const json& relates = member(content, "m.relates_to");
  if (str(relates, "rel_type") == "m.replace") return std::nullopt;  // edits of earlier messages

  bot::Inbound ev;
  ev.platform = "matrix";
  ev.event_id = str(event, "event_id");
  if (ev.event_id.empty()) return std::nullopt;
  ev.actor = sender;
  ev.place.channel = room_id;
  ev.place.direct = context.direct_rooms.contains(room_id);
  if (str(relates, "rel_type") == "m.thread") ev.place.thread_ref = str(relates, "event_id");
  // Milliseconds since 1970; past the year 2200 the clock's nanoseconds would overflow.
  if (const json& ts = member(event, "origin_server_ts");
      ts.is_number_integer() && ts.get<long long>() >= 0 && ts.get<long long>() < 7258118400000LL)
    ev.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(ts.get<long long>()));
  const json& mentions = member(member(content, "m.mentions"), "user_ids");
  if (mentions.is_array())
    for (const auto& u : mentions)
      if (u.is_string() && u.get<std::string>() == context.bot_user_id) ev.mentions_bot = true;
  ev.has_attachment = msgtype == "m.file" || msgtype == "m.image" || msgtype == "m.video" || msgtype == "m.audio";
  if (ev.has_attachment) ev.attachment_ref = ev.event_id;
  // A message the core refuses (a pasted password) is redacted where the bot's power level allows.
  ev.message_ref = ev.event_id;

  std::string body = trim(strip_reply_fallback(str(content, "body")));
  for (std::string_view word : {kCommand, kSlashCommand}) {
    if (body.starts_with(word) &&
        (body.size() == word.size() || body[word.size()] == ' ' || body[word.size()] == '\n')) {
      ev.kind = bot::InboundKind::command;
      ev.text = trim(std::string_view(body).substr(word.size()));
      if (parse_form_answer(ev.text, ev)) return ev;
      std::string word = ev.text.substr(0, ev.text.find(' '));
      std::string rest = trim(std::string_view(ev.text).substr(word.size()));
      // "endorse R-1001" is the press of the card's button; "modify R-1001 keep …" stays a command.
      if (context.button_actions.contains(word) && rest.find(' ') == std::string::npos) {
        ev.kind = bot::InboundKind::action;
        ev.action_id = word;
        ev.action_value = rest;
        ev.text.clear();
      }
      return ev;
    }
  }
  ev.kind = bot::InboundKind::message;
  ev.text = body;
  return ev;
}

std::set<std::string> button_actions(const bot::Message& message) {
  std::set<std::string> out;
  for (const auto& b : message.blocks)
    for (const auto& btn : b.buttons) out.insert(btn.action_id);
  return out;
}

std::vector<bot::Inbound> inbound_events(const SyncBatch& batch, const Context& context) {
  std::vector<bot::Inbound> out;
  for (const auto& room : batch.joined)
    for (const auto& e : room.events)
      if (auto ev = to_inbound(e, room.room_id, context)) out.push_back(std::move(*ev));
  return out;
}

Rendered render(const bot::Message& m) {
  Rendered r;
  auto add = [&r](const std::string& plain, const std::string& html) {
    if (!r.body.empty()) r.body += "\n\n";
    r.body += plain;
    r.html += html;
  };
  for (const auto& b : m.blocks) {
    switch (b.kind) {
      case bot::BlockKind::header: add(b.text, "<h4>" + escape_html(b.text) + "</h4>"); break;
      case bot::BlockKind::paragraph: add(bot::markup::to_plain(b.text), markup_html(b.text)); break;
      case bot::BlockKind::context:
        add(bot::markup::to_plain(b.text), "<p><sub>" + markup_html(b.text) + "</sub></p>");
        break;
      case bot::BlockKind::quote: {
        std::string plain;
        std::string html;
        size_t start = 0;
        while (start <= b.text.size()) {
          size_t nl = b.text.find('\n', start);
          std::string line = b.text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
          plain += "> " + line + "\n";
          html += (html.empty() ? "" : "<br>") + escape_html(line);
          if (nl == std::string::npos) break;
          start = nl + 1;
        }
        plain += "— " + b.citation;
        add(plain, "<blockquote>" + html + "</blockquote><p>— " + escape_html(b.citation) + "</p>");
        break;
      }
      case bot::BlockKind::fields: {
        std::string plain;
        std::string html;
        for (const auto& f : b.fields) {
          plain += (plain.empty() ? "" : "\n") + f.label + ": " + bot::markup::to_plain(f.value);
          html += (html.empty() ? "" : "<br>") + ("<strong>" + escape_html(f.label) + ":</strong> ") +
                  markup_html(f.value).substr(3);  // drop the paragraph's opening tag
          if (html.ends_with("</p>")) html.resize(html.size() - 4);
        }
        add(plain, "<p>" + html + "</p>");
        break;
      }
      case bot::BlockKind::buttons: {
        std::string plain;
        std::string html;
        for (const auto& btn : b.buttons) {
          plain += (plain.empty() ? "" : "\n") + btn.label + ": " + button_command(btn);
          html += "<li>" + escape_html(btn.label) + ": <code>" + escape_html(button_command(btn)) + "</code></li>";
        }
        add(plain, "<ul>" + html + "</ul>");
        break;
      }
      case bot::BlockKind::form: {
        const bot::Form& f = *b.form;
        std::string example = form_command(f);
        const std::string how = bot::replace_all(m.notes.form_how, "{command}", example);
        std::string plain = f.title + " — " + how + "\n" + example + " key=value; key=value";
        std::string html = "<p><strong>" + escape_html(f.title) + "</strong> — " + escape_html(how) + "<br><code>" +
                           escape_html(example) + " key=value; key=value</code></p><ul>";
        for (const auto& in : f.inputs) {
          std::string line = in.key + (in.required ? " (" + m.notes.form_required + ")" : "") + ": " + in.label;
          if (!in.choices.empty())
            line += " — " + (in.kind == bot::InputKind::multi_choice ? m.notes.form_any_of : m.notes.form_one_of) +
                    ": " + choices_text(in);
          if (!in.initial.empty()) line += " [" + m.notes.form_now + ": " + in.initial + "]";
          if (!in.hint.empty()) line += " — " + in.hint;
          if (!in.error.empty()) line += " ⚠ " + in.error;
          plain += "\n- " + line;
          html += "<li>" + escape_html(line) + "</li>";
        }
        add(plain, html + "</ul>");
        break;
      }
    }
  }
  if (r.body.empty()) {
    r.body = m.fallback;
    r.html = "<p>" + escape_html(m.fallback) + "</p>";
  }
  return r;
}

namespace {

json notice(std::string body, std::string html) {
  json c = {{"msgtype", "m.notice"}, {"body", std::move(body)}};
  if (!html.empty()) {
    c["format"] = "org.matrix.custom.html";
    c["formatted_body"] = std::move(html);
  }
  return c;
}

// The event content for body and html: a new message (in the thread, if any) or the edit of one.
json event_content(const std::string& body, const std::string& html, const std::string& thread_root,
                   const std::string& replaces) {
  json c = notice(body, html);
  if (!replaces.empty()) {
    json content = notice("* " + body, "");
    content["m.new_content"] = std::move(c);
    content["m.relates_to"] = {{"rel_type", "m.replace"}, {"event_id", replaces}};
    return content;
  }
  if (!thread_root.empty())
    c["m.relates_to"] = {{"rel_type", "m.thread"},
                         {"event_id", thread_root},
                         {"is_falling_back", true},
                         {"m.in_reply_to", {{"event_id", thread_root}}}};
  return c;
}

}  // namespace

std::vector<json> notice_contents(const bot::Message& message, const std::string& thread_root,
                                  const std::string& replaces, size_t max_bytes) {
  Rendered r = render(message);
  json c = event_content(r.body, r.html, thread_root, replaces);
  if (c.dump().size() <= max_bytes) return {c};
  // Too long for one event. A card stays one event, so that an edit replaces all of it: the plain
  // text only (escaped HTML cannot be cut safely), cut at a word with "…" and a note saying so.
  const std::string note = "\n\n" + bot::markup::to_plain(bot::markup::escape(message.notes.shortened));
  std::size_t keep = max_bytes;
  for (int tries = 0; tries < 8; ++tries) {
    c = event_content(bot::cut_at_word_bytes(r.body, keep) + note, "", thread_root, replaces);
    const std::size_t size = c.dump().size();
    if (size <= max_bytes) break;
    // JSON escapes and an edit's second copy make the event longer than the text: shrink in proportion.
    keep = static_cast<std::size_t>(static_cast<double>(keep) * static_cast<double>(max_bytes) /
                                    static_cast<double>(size) * 0.98);
  }
  return {c};
}

long long retry_after_ms(std::string_view error_body) {
  json j = json_fields::parse(error_body);
  if (j.is_discarded() || !j.is_object()) return 0;
  auto it = j.find("retry_after_ms");
  return it != j.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

}  // namespace adapters::matrix
