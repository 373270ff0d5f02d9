#include "bot/model/message_json.hpp"

#include <nlohmann/json.hpp>

namespace bot {
namespace {

using nlohmann::json;

std::string_view kind_name(BlockKind k) {
  switch (k) {
    case BlockKind::header: return "header";
    case BlockKind::paragraph: return "paragraph";
    case BlockKind::quote: return "quote";
    case BlockKind::fields: return "fields";
    case BlockKind::context: return "context";
    case BlockKind::buttons: return "buttons";
    case BlockKind::form: return "form";
  }
  return "paragraph";
}

BlockKind kind_from(const std::string& s) {
  if (s == "header") return BlockKind::header;
  if (s == "paragraph") return BlockKind::paragraph;
  if (s == "quote") return BlockKind::quote;
  if (s == "fields") return BlockKind::fields;
  if (s == "context") return BlockKind::context;
  if (s == "buttons") return BlockKind::buttons;
  if (s == "form") return BlockKind::form;
  throw json::type_error::create(302, "unknown block type '" + s + "'", nullptr);
}

std::string_view style_name(ButtonStyle s) {
  switch (s) {
    case ButtonStyle::primary: return "primary";
    case ButtonStyle::danger: return "danger";
    case ButtonStyle::normal: break;
  }
  return "normal";
}

ButtonStyle style_from(const std::string& s) {
  if (s == "primary") return ButtonStyle::primary;
  if (s == "danger") return ButtonStyle::danger;
  return ButtonStyle::normal;
}

std::string_view input_kind_name(InputKind k) {
  switch (k) {
    case InputKind::text: return "text";
    case InputKind::multiline: return "multiline";
    case InputKind::single_choice: return "single_choice";
    case InputKind::multi_choice: return "multi_choice";
  }
  return "text";
}

InputKind input_kind_from(const std::string& s) {
  if (s == "multiline") return InputKind::multiline;
  if (s == "single_choice") return InputKind::single_choice;
  if (s == "multi_choice") return InputKind::multi_choice;
  return InputKind::text;
}

json form_to_json(const Form& f) {
  json inputs = json::array();
  for (const auto& in : f.inputs) {
    json choices = json::array();
    for (const auto& c : in.choices) choices.push_back({{"value", c.value}, {"label", c.label}});
    inputs.push_back({{"key", in.key},
                      {"label", in.label},
                      {"kind", input_kind_name(in.kind)},
                      {"required", in.required},
                      {"choices", choices},
                      {"initial", in.initial},
                      {"hint", in.hint},
                      {"error", in.error}});
    if (in.max_chars > 0) inputs.back()["max_chars"] = in.max_chars;
  }
  return {{"form_id", f.form_id},
          {"context", f.context},
          {"title", f.title},
          {"submit_label", f.submit_label},
          {"inputs", inputs}};
}

Form form_from_json(const json& j) {
  Form f{.form_id = j.at("form_id").get<std::string>(),
         .context = j.value("context", ""),
         .title = j.value("title", ""),
         .submit_label = j.value("submit_label", "")};
  for (const auto& in : j.value("inputs", json::array())) {
    FormInput fi{.key = in.at("key").get<std::string>(),
                 .label = in.value("label", ""),
                 .kind = input_kind_from(in.value("kind", "text")),
                 .required = in.value("required", false),
                 .initial = in.value("initial", ""),
                 .hint = in.value("hint", ""),
                 .error = in.value("error", ""),
                 .max_chars = in.value("max_chars", std::size_t{0})};
    for (const auto& c : in.value("choices", json::array()))
      fi.choices.push_back({c.at("value").get<std::string>(), c.value("label", "")});
    f.inputs.push_back(std::move(fi));
  }
  return f;
}

}  // namespace

nlohmann::json message_to_json(const Message& m) {
  json blocks = json::array();
  for (const auto& b : m.blocks) {
    json jb = {{"type", kind_name(b.kind)}};
    switch (b.kind) {
      case BlockKind::header:
      case BlockKind::paragraph:
      case BlockKind::context: jb["text"] = b.text; break;
      case BlockKind::quote:
        jb["text"] = b.text;
        jb["citation"] = b.citation;
        break;
      case BlockKind::fields: {
        json fields = json::array();
        for (const auto& f : b.fields) fields.push_back({{"label", f.label}, {"value", f.value}});
        jb["fields"] = fields;
        break;
      }
      case BlockKind::buttons: {
        json buttons = json::array();
        for (const auto& btn : b.buttons)
          buttons.push_back({{"action_id", btn.action_id},
                             {"label", btn.label},
                             {"value", btn.value},
                             {"style", style_name(btn.style)}});
        jb["buttons"] = buttons;
        break;
      }
      case BlockKind::form:
        if (b.form) jb["form"] = form_to_json(*b.form);
        break;
    }
    blocks.push_back(std::move(jb));
  }
  return {{"fallback", m.fallback}, {"blocks", blocks}};
}

Message message_from_json(const nlohmann::json& j) {
  Message m;
  m.fallback = j.value("fallback", "");
  for (const auto& jb : j.at("blocks")) {
    Block b{.kind = kind_from(jb.at("type").get<std::string>())};
    b.text = jb.value("text", "");
    b.citation = jb.value("citation", "");
    for (const auto& f : jb.value("fields", json::array()))
      b.fields.push_back({f.at("label").get<std::string>(), f.at("value").get<std::string>()});
    for (const auto& btn : jb.value("buttons", json::array()))
      b.buttons.push_back({btn.at("action_id").get<std::string>(), btn.value("label", ""), btn.value("value", ""),
                           style_from(btn.value("style", "normal"))});
    if (jb.contains("form")) b.form = form_from_json(jb.at("form"));
    m.blocks.push_back(std::move(b));
  }
  return m;
}

}  // namespace bot
