#include "adapters/webchat/webchat_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "adapters/common/text.hpp"
#include "bot/model/message_json.hpp"

namespace adapters::webchat {

namespace {

using adapters::text::trim_view;
using nlohmann::json;

// What a frame's text is trimmed of: blanks, tabs, line ends and form feeds.
constexpr std::string_view kFrameSpace = " \t\n\r\f";

constexpr std::string_view kCommand = "/socialmedia";
constexpr std::size_t kMaxIdLength = 128;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdLength && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

// Reads an optional string member; a present member of another type is an error.
bool read_string(const json& j, const char* key, std::string& out, std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error = std::string("\"") + key + "\" must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string_view role_name(bot::Role role) {
  switch (role) {
    case bot::Role::employee: return "employee";
    case bot::Role::principal: return "principal";
    case bot::Role::superintendent: return "superintendent";
    case bot::Role::designee: return "designee";
    case bot::Role::investigator: return "investigator";
    case bot::Role::it_admin: return "it_admin";
    case bot::Role::associated: return "associated";
  }
  return "employee";
}

std::string_view web_handle(const bot::Person& person) {
  auto it = person.handles.find("web");
  return it == person.handles.end() ? std::string_view(person.id) : std::string_view(it->second);
}

FrameError refuse(const ClientFrame& frame, std::string message, std::string key = {}, std::string detail = {}) {
  return FrameError{frame.event_id, std::move(message), std::move(key), std::move(detail)};
}

// Fills the Inbound's place from the place of a stored entry; the thread is named as the core
// knows it (an entry standing for a lost root goes by the lost root's ref).
void place_of(const Entry& entry, const WebchatHistory& history, bot::Inbound& in) {
  const bool dm = entry.place.rfind(kDmPrefix, 0) == 0;
  in.place.channel = dm ? std::string("dm") : entry.place;
  in.place.direct = dm;
  in.place.thread_ref = history.core_thread_ref(entry);
}

}  // namespace

void throw_exception_from_error(const FrameError& error, const boost::source_location&) {
  throw std::invalid_argument(error.message);
}

boost::system::result<ClientFrame, FrameError> parse_client_frame(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return FrameError{"", "The message was not valid JSON."};
  if (!j.is_object()) return FrameError{"", "The message must be a JSON object."};

  ClientFrame frame;
  std::string error;
  std::string type;
  if (!read_string(j, "event_id", frame.event_id, error)) return FrameError{"", error};
  if (!is_id(frame.event_id)) {
    return FrameError{"", "\"event_id\" must be 1 to 128 letters, digits, '-', '_', '.' or ':'."};
  }
  if (!read_string(j, "type", type, error)) return refuse(frame, error);

  auto need = [&](const char* key, std::string& out) {
    if (!read_string(j, key, out, error)) return false;
    if (out.empty()) {
      error = std::string("\"") + key + "\" is required for a \"" + type + "\" message.";
      return false;
    }
    return true;
  };

  if (type == "send") {
    frame.kind = ClientFrameKind::send;
    if (!need("channel", frame.channel) || !read_string(j, "thread_ref", frame.thread_ref, error) ||
        !read_string(j, "text", frame.text, error)) {
      return refuse(frame, error);
    }
    if (trim_view(frame.text, kFrameSpace).empty()) return refuse(frame, "There is no text to send.", "no_text");
  } else if (type == "action") {
    frame.kind = ClientFrameKind::action;
    if (!need("message_ref", frame.message_ref) || !need("action_id", frame.action_id) ||
        !read_string(j, "value", frame.value, error)) {
      return refuse(frame, error);
    }
  } else if (type == "form") {
    frame.kind = ClientFrameKind::form;
    if (!need("message_ref", frame.message_ref) || !need("form_id", frame.form_id)) {
      return refuse(frame, error);
    }
    auto values = j.find("values");
    if (values != j.end() && !values->is_null()) {
      if (!values->is_object()) return refuse(frame, "\"values\" must be an object.");
      for (const auto& [key, value] : values->items()) {
        if (value.is_string()) {
          frame.values[key] = value.get<std::string>();
        } else if (value.is_array()) {
          std::string joined;
          for (const auto& item : value) {
            if (!item.is_string()) return refuse(frame, "Form value \"" + key + "\" must be text.");
            if (!joined.empty()) joined += ',';
            joined += item.get<std::string>();
          }
          frame.values[key] = std::move(joined);
        } else if (!value.is_null()) {
          return refuse(frame, "Form value \"" + key + "\" must be text.");
        }
      }
    }
  } else if (type.empty()) {
    return refuse(frame, "\"type\" is required: \"send\", \"action\" or \"form\".");
  } else {
    return refuse(frame, "Unknown message type \"" + type + "\": expected \"send\", \"action\" or \"form\".");
  }
  return frame;
}

bool split_command(std::string_view text, std::string& rest) {
  text = trim_view(text, kFrameSpace);
  if (text.substr(0, kCommand.size()) != kCommand) return false;
  if (text.size() > kCommand.size() && !is_space(text[kCommand.size()])) return false;
  rest = std::string(trim_view(text.substr(kCommand.size()), kFrameSpace));
  return true;
}

bool mentions_bot(std::string_view text) {
  constexpr std::string_view kMention = "@hallpass";
  if (text.size() < kMention.size()) return false;
  for (std::size_t i = 0; i + kMention.size() <= text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < kMention.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(text[i + k])) == kMention[k];
    }
    if (match) return true;
  }
  return false;
}

boost::system::result<bot::Inbound, FrameError> resolve_frame(const ClientFrame& frame, const WebchatHistory& history,
                                                              const std::string& person_id,
                                                              const std::set<std::string, std::less<>>& channels,
                                                              std::chrono::system_clock::time_point now) {
  bot::Inbound in;
  in.platform = "web";
  in.event_id = frame.event_id;
  in.actor = person_id;
  in.time = now;

  if (frame.kind == ClientFrameKind::send) {
    std::string place;
    if (frame.channel == "dm") {
      place = std::string(kDmPrefix) + person_id;
      in.place.direct = true;
    } else if (channels.count(frame.channel) != 0) {
      place = frame.channel;
    } else {
      return refuse(frame, "There is no channel \"" + frame.channel + "\" in this web chat.", "no_channel",
                    frame.channel);
    }
    in.place.channel = frame.channel;
    if (!frame.thread_ref.empty()) {
      const Entry* root = history.find(frame.thread_ref);
      if (root == nullptr || !visible_to(*root, person_id) || root->place != place) {
        return refuse(frame, "That thread is not in this conversation any more.", "thread_gone");
      }
      in.place.thread_ref = history.core_thread_ref(*root);
    }
    std::string rest;
    if (split_command(frame.text, rest)) {
      in.kind = bot::InboundKind::command;
      in.text = std::move(rest);
    } else {
      const std::string_view text = trim_view(frame.text, kFrameSpace);
      if (!text.empty() && text.front() == '/') {
        // Echoed back, so only as much as recognises it.
        const std::string word =
            bot::cut_at_word(text.substr(0, std::min(text.find_first_of(" \t\r\n"), text.size())), 80);
        return refuse(frame,
                      "Unknown command \"" + word + "\". Hallpass understands /socialmedia (try /socialmedia help).",
                      "unknown_command", word);
      }
      in.kind = bot::InboundKind::message;
      in.text = std::string(text);
    }
    in.mentions_bot = mentions_bot(frame.text);
    return in;
  }

  const Entry* entry = history.find(frame.message_ref);
  if (entry == nullptr || !visible_to(*entry, person_id) || !entry->message) {
    return refuse(frame, "That message is not in this web chat any more.", "message_gone");
  }
  place_of(*entry, history, in);

  if (frame.kind == ClientFrameKind::action) {
    for (const auto& block : entry->message->blocks) {
      if (block.kind != bot::BlockKind::buttons) continue;
      for (const auto& button : block.buttons) {
        if (button.action_id == frame.action_id && button.value == frame.value) {
          in.kind = bot::InboundKind::action;
          in.action_id = button.action_id;
          in.action_value = button.value;
          return in;
        }
      }
    }
    return refuse(frame, "That button is no longer available.", "button_gone");
  }

  for (const auto& block : entry->message->blocks) {
    if (block.kind != bot::BlockKind::form || !block.form || block.form->form_id != frame.form_id) {
      continue;
    }
    in.kind = bot::InboundKind::form_submission;
    in.form_id = block.form->form_id;
    in.form_context = block.form->context;
    for (const auto& input : block.form->inputs) {
      auto it = frame.values.find(input.key);
      if (it != frame.values.end()) in.values[input.key] = it->second;
    }
    return in;
  }
  return refuse(frame, "That form is no longer available.", "form_gone");
}

std::string entry_json(const Entry& entry, const bot::DistrictConfig& config) {
  json j = {
      {"ref", entry.ref},
      {"channel", entry.place},
      {"thread_ref", entry.thread_ref},
      {"thread_key", entry.thread_key},
      {"ephemeral", !entry.ephemeral_user.empty()},
      {"edited", entry.edited},
      {"time", iso_time(entry.time)},
  };
  if (entry.author.empty()) {
    j["author"] = {{"id", "hallpass"}, {"name", "Hallpass"}, {"bot", true}};
  } else {
    const bot::Person* person = web_person(config, entry.author);
    j["author"] = {{"id", entry.author}, {"name", person != nullptr ? person->name : entry.author}, {"bot", false}};
    j["text"] = entry.text;
  }
  if (entry.message) j["content"] = bot::message_to_json(*entry.message);
  // Replacement of invalid UTF-8 keeps a stray byte in a delivery from failing the whole push.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string hello_frame(std::string_view person_id, const std::vector<const Entry*>& entries) {
  std::string out = R"({"type":"hello","person":)";
  out += json(person_id).dump();
  out += R"(,"messages":[)";
  bool first = true;
  for (const Entry* e : entries) {
    if (!e->json) continue;
    if (!first) out += ',';
    first = false;
    out += *e->json;
  }
  out += "]}";
  return out;
}

std::string entry_frame(const Entry& entry, bool replaced) {
  std::string out = replaced ? R"({"type":"update","message":)" : R"({"type":"message","message":)";
  out += entry.json ? *entry.json : std::string("null");
  out += '}';
  return out;
}

std::string ack_frame(std::string_view event_id, bool duplicate) {
  return json{{"type", "ack"}, {"event_id", event_id}, {"duplicate", duplicate}}.dump();
}

std::string error_frame(std::string_view event_id, std::string_view message) {
  json j = {{"type", "error"}, {"message", message}};
  if (!event_id.empty()) j["event_id"] = event_id;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_frame(const FrameError& error) {
  json j = {{"type", "error"}, {"message", error.message}};
  if (!error.event_id.empty()) j["event_id"] = error.event_id;
  if (!error.key.empty()) j["key"] = error.key;
  if (!error.detail.empty()) j["detail"] = error.detail;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::string> config_channels(const bot::DistrictConfig& config) {
  std::vector<std::string> out;
  auto add = [&](const bot::Place& place) {
    auto it = place.addresses.find("web");
    if (it != place.addresses.end() && is_channel_name(it->second) &&
        std::find(out.begin(), out.end(), it->second) == out.end()) {
      out.push_back(it->second);
    }
  };
  for (const auto& site : config.sites) add(site.approvals);
  add(config.superintendent_place);
  return out;
}

PageStrings page_strings(const bot::Prompts& prompts) {
  constexpr std::string_view kPrefix = "webchat.";
  PageStrings out;
  for (const auto& lang : prompts.languages()) {
    auto& strings = out[lang];
    for (const auto& key : prompts.keys(lang)) {
      if (key.rfind(kPrefix, 0) == 0) strings[key.substr(kPrefix.size())] = prompts.text(lang, key);
    }
  }
  return out;
}

std::size_t max_message_chars(std::size_t max_message_bytes) {
  constexpr std::size_t kFrameOverhead = 1024;  // the frame's other members
  if (max_message_bytes <= kFrameOverhead + 6) return 1;
  const std::size_t chars = (max_message_bytes - kFrameOverhead) / 6;
  const std::size_t step = chars >= 1000 ? 1000 : chars >= 100 ? 100 : 1;
  return chars / step * step;
}

std::string bootstrap_json(const bot::DistrictConfig& config, std::size_t max_message_bytes,
                           const PageStrings& strings) {
  json people = json::array();
  std::vector<std::string> admins;  // web handles of IT administrators: they see every channel
  for (const auto& person : config.people) {
    json roles = json::array();
    for (auto role : person.roles) roles.push_back(role_name(role));
    people.push_back({{"id", web_handle(person)},
                      {"name", person.name},
                      {"title", person.title},
                      {"roles", std::move(roles)},
                      {"site", person.site},
                      {"language", person.language}});
    if (person.has_role(bot::Role::it_admin)) admins.emplace_back(web_handle(person));
  }
  auto handles = [&](const std::vector<std::string>& ids) {
    json out = json::array();
    for (const auto& id : ids) {
      if (const bot::Person* p = config.person(id)) out.push_back(web_handle(*p));
    }
    for (const auto& admin : admins) {
      if (std::find(out.begin(), out.end(), admin) == out.end()) out.push_back(admin);
    }
    return out;
  };
  json channels = json::array();
  auto add = [&](const bot::Place& place, std::string_view kind, std::string_view site, json members) {
    auto it = place.addresses.find("web");
    if (it == place.addresses.end() || !is_channel_name(it->second)) return;
    json c = {{"id", it->second}, {"name", place.name}, {"kind", kind}};
    if (!site.empty()) c["site"] = site;
    c["members"] = std::move(members);
    channels.push_back(std::move(c));
  };
  for (const auto& site : config.sites) {
    add(site.approvals, "approvals", site.id, handles(site.principals));
  }
  std::vector<std::string> office;
  if (!config.superintendent.empty()) office.push_back(config.superintendent);
  office.insert(office.end(), config.designees.begin(), config.designees.end());
  add(config.superintendent_place, "superintendent", "", handles(office));
  json j = {{"bot_name", "Hallpass"},
            {"district", config.name},
            {"time_zone", config.time_zone},
            {"language", config.default_language},
            {"max_message_bytes", max_message_bytes},
            {"max_message_chars", max_message_chars(max_message_bytes)},
            {"people", std::move(people)},
            {"channels", std::move(channels)},
            {"strings", strings}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

const bot::Person* web_person(const bot::DistrictConfig& config, std::string_view handle) {
  if (handle.empty()) return nullptr;
  for (const auto& person : config.people) {
    if (web_handle(person) == handle) return &person;
  }
  return nullptr;
}

}  // namespace adapters::webchat
