#include "adapters/console/console_adapter.hpp"

#include <algorithm>
#include <utility>

#include "adapters/common/text.hpp"
#include "bot/model/markup.hpp"
#include "bot/model/sha256.hpp"

namespace adapters::console {

namespace {

using adapters::text::trim;
// What a typed line is trimmed of (a CR from a Windows terminal; getline took the LF).
constexpr std::string_view kBlanks = " \t\r";

// The message as console lines: text, quotes with citations, fields, buttons and form inputs.
std::vector<std::string> render(const bot::Message& m) {
  std::vector<std::string> lines;
  auto add_text = [&lines](const std::string& text, const std::string& prefix = "") {
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      lines.push_back(prefix + text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  };
  for (const auto& b : m.blocks) {
    switch (b.kind) {
      case bot::BlockKind::header: add_text("== " + b.text + " =="); break;
      case bot::BlockKind::paragraph:
      case bot::BlockKind::context: add_text(bot::markup::to_plain(b.text)); break;
      case bot::BlockKind::quote:
        add_text(b.text, "> ");
        lines.push_back("  — " + b.citation);
        break;
      case bot::BlockKind::fields:
        for (const auto& f : b.fields) {
          std::string v = bot::markup::to_plain(f.value);
          if (v.find('\n') == std::string::npos)
            lines.push_back(f.label + ": " + v);
          else {
            lines.push_back(f.label + ":");
            add_text(v, "  ");
          }
        }
        break;
      case bot::BlockKind::buttons: {
        std::string row;
        for (const auto& btn : b.buttons)
          row += (row.empty() ? "" : " ") +
                 ("[" + btn.action_id + (btn.value.empty() ? "" : " " + btn.value) + ": " + btn.label + "]");
        lines.push_back(row);
        break;
      }
      case bot::BlockKind::form: {
        const bot::Form& f = *b.form;
        lines.push_back("[form " + f.form_id + (f.context.empty() ? "" : " " + f.context) + ": " + f.title + "]  " +
                        bot::replace_all(m.notes.form_how, "{command}", "@form"));
        for (const auto& in : f.inputs) {
          std::string line = "  " + in.key + (in.required ? "*" : "") + " — " + in.label;
          if (!in.choices.empty()) {
            line += " (" + (in.kind == bot::InputKind::multi_choice ? m.notes.form_any_of : m.notes.form_one_of) + ":";
            for (const auto& c : in.choices) line += " " + c.value;
            line += ")";
          }
          if (!in.initial.empty()) line += " = " + in.initial;
          lines.push_back(line);
          if (!in.error.empty()) lines.push_back("    ! " + in.error);
        }
        break;
      }
    }
  }
  return lines;
}

}  // namespace

ConsoleAdapter::ConsoleAdapter(std::istream& in, std::ostream& out, std::string person_id)
    : in_(in), out_(out), me_(std::move(person_id)), channel_("dm:" + me_) {}

std::string ConsoleAdapter::place_label(const std::string& channel, const std::string& thread_ref) const {
  std::string label = channel == "dm:" + me_ ? "dm" : channel;
  if (!thread_ref.empty()) label += "/" + thread_ref;
  return label;
}

boost::asio::awaitable<bot::SendResult> ConsoleAdapter::send(bot::Delivery d) {
  std::string ref;
  if (!d.update_ref.empty())
    ref = d.update_ref;
  else if (!d.thread_key.empty() && d.thread_ref.empty())
    ref = d.thread_key;  // a readable thread name
  else
    ref = "c-" + std::to_string(next_ref_++);
  std::string thread = d.thread_ref.empty() && !d.thread_key.empty() ? "" : d.thread_ref;
  std::string label = place_label(d.channel, thread);
  if (!d.ephemeral_user.empty())
    label += " (only " + (d.ephemeral_user == me_ ? std::string("you") : d.ephemeral_user) + ")";
  if (!d.delete_ref.empty()) {
    // The file is "deleted" by saying so; its name is not printed again.
    out_ << "→ [" << label << "] (deleted)\n";
    out_.flush();
    co_return bot::SendResult{.ref = ""};
  }
  if (!d.update_ref.empty()) label += " (updated)";
  auto lines = render(d.message);
  out_ << "→ [" << label << "] " << (lines.empty() ? "" : lines.front()) << '\n';
  for (size_t i = 1; i < lines.size(); ++i) out_ << "  " << lines[i] << '\n';
  out_.flush();
  shown_.push_back({d.channel, d.thread_ref.empty() ? (d.thread_key.empty() ? "" : ref) : d.thread_ref,
                    d.ephemeral_user, d.message});
  co_return bot::SendResult{.ref = ref};
}

bool ConsoleAdapter::handle_line(const std::string& raw, bot::Inbound& ev) {
  std::string line = trim(raw, kBlanks);
  if (typing_form_) {
    if (!line.empty() && line != "@end") {
      form_lines_ += raw + "\n";  // as typed: a value may go on over several lines
      return false;
    }
    typing_form_ = false;
    line = "@form " + std::exchange(form_lines_, {});
  } else if (line == "@form") {
    typing_form_ = true;
    form_lines_.clear();
    out_ << "(form: one key=value per line; an empty line or @end sends it)\n";
    return false;
  }
  ev.platform = "console";
  ev.event_id = "console-" + bot::random_id();
  ev.actor = me_;
  ev.time = std::chrono::system_clock::now();
  ev.place = {.channel = channel_, .thread_ref = thread_ref_, .direct = channel_.starts_with("dm:")};
  if (line.empty() || line.starts_with("#")) return false;
  if (line.starts_with("@in ")) {
    std::string place = trim(line.substr(4), kBlanks);
    size_t slash = place.find('/');
    std::string chan = place.substr(0, slash);
    channel_ = chan == "dm" ? "dm:" + me_ : chan;
    thread_ref_ = slash == std::string::npos ? "" : place.substr(slash + 1);
    out_ << "(in " << place_label(channel_, thread_ref_) << ")\n";
    return false;
  }
  if (line.starts_with("@click ")) {
    std::string args = trim(line.substr(7), kBlanks);
    std::string action = args.substr(0, args.find(' '));
    std::string value = args.find(' ') == std::string::npos ? "" : trim(args.substr(args.find(' ') + 1), kBlanks);
    for (auto it = shown_.rbegin(); it != shown_.rend(); ++it) {
      if (!it->for_user.empty() && it->for_user != me_) continue;
      for (const auto& b : it->message.blocks)
        for (const auto& btn : b.buttons)
          if (btn.action_id == action && (value.empty() || btn.value == value)) {
            ev.kind = bot::InboundKind::action;
            ev.action_id = btn.action_id;
            ev.action_value = btn.value;
            ev.place = {.channel = it->channel, .thread_ref = it->thread_ref, .direct = it->channel.starts_with("dm:")};
            return true;
          }
    }
    if (!value.empty()) {
      // A button shown in an earlier run over the same database: the bot checks who may press it.
      ev.kind = bot::InboundKind::action;
      ev.action_id = action;
      ev.action_value = value;
      return true;
    }
    out_ << "! no message in this session shows a button '" << action << "'; name the request: @click " << action
         << " R-1001\n";
    return false;
  }
  if (line.starts_with("@form")) {
    for (auto it = shown_.rbegin(); it != shown_.rend(); ++it) {
      const bot::Form* form = it->message.find_form();
      bool mine = it->channel == "dm:" + me_ || it->for_user == me_;
      if (!form || !mine) continue;
      ev.kind = bot::InboundKind::form_submission;
      ev.form_id = form->form_id;
      ev.form_context = form->context;
      ev.place = {.channel = it->channel, .thread_ref = it->thread_ref, .direct = it->channel.starts_with("dm:")};
      std::string rest = line.substr(5);
      adapters::text::read_pairs(rest, ev.values, kBlanks);
      return true;
    }
    out_ << "! no form is open for you\n";
    return false;
  }
  if (line.starts_with("@attach ")) {
    // A message carrying a file: "@attach NAME [text]". The console has no files; the name stands in.
    std::string args = trim(line.substr(8), kBlanks);
    size_t space = args.find(' ');
    ev.kind = bot::InboundKind::message;
    ev.has_attachment = true;
    ev.attachment_ref = "console-file:" + args.substr(0, space);
    ev.text = space == std::string::npos ? "" : trim(args.substr(space + 1), kBlanks);
    return true;
  }
  if (line.starts_with("@")) {
    out_ << "! unknown console command; use @in, @click, @form or @attach\n";
    return false;
  }
  if (line.starts_with("/")) {
    std::string word = line.substr(0, line.find(' '));
    if (word != "/socialmedia") {
      out_ << "! " << word << " is not a Hallpass command; type /socialmedia help\n";
      return false;
    }
    ev.kind = bot::InboundKind::command;
    ev.text = trim(line.substr(word.size()), kBlanks);
    return true;
  }
  ev.kind = bot::InboundKind::message;
  ev.text = line;
  ev.mentions_bot = line.find("@hallpass") != std::string::npos;
  return true;
}

boost::asio::awaitable<void> ConsoleAdapter::run(bot::EventSink& sink) {
  // What fell due while nobody was at the console (deadlines passed) is printed first.
  co_await sink.drained();
  std::string line;
  while (std::getline(in_, line)) {
    bot::Inbound ev;
    if (!handle_line(line, ev)) continue;
    sink.handle(ev);
    co_await sink.drained();
  }
  // A form typed one field per line is sent at the end of the input too.
  if (bot::Inbound ev; typing_form_ && handle_line("", ev)) {
    sink.handle(ev);
    co_await sink.drained();
  }
}

}  // namespace adapters::console
