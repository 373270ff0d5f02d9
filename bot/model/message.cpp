#include "bot/model/message.hpp"

#include "bot/model/markup.hpp"

namespace bot {

Message& Message::header(std::string text) {
  blocks.push_back(Block{.kind = BlockKind::header, .text = std::move(text)});
  return *this;
}

Message& Message::paragraph(std::string markup) {
  blocks.push_back(Block{.kind = BlockKind::paragraph, .text = std::move(markup)});
  return *this;
}

Message& Message::quote(std::string verbatim, std::string citation) {
  blocks.push_back(Block{.kind = BlockKind::quote, .text = std::move(verbatim), .citation = std::move(citation)});
  return *this;
}

Message& Message::fields(std::vector<Field> f) {
  blocks.push_back(Block{.kind = BlockKind::fields, .fields = std::move(f)});
  return *this;
}

Message& Message::context(std::string markup) {
  blocks.push_back(Block{.kind = BlockKind::context, .text = std::move(markup)});
  return *this;
}

Message& Message::buttons(std::vector<Button> b) {
  blocks.push_back(Block{.kind = BlockKind::buttons, .buttons = std::move(b)});
  return *this;
}

Message& Message::form(Form f) {
  blocks.push_back(Block{.kind = BlockKind::form, .form = std::move(f)});
  return *this;
}

const Form* Message::find_form() const {
  for (const auto& b : blocks)
    if (b.kind == BlockKind::form && b.form) return &*b.form;
  return nullptr;
}

std::string Message::plain_text() const {
  std::string out;
  auto add = [&out](const std::string& s) {
    if (s.empty()) return;
    if (!out.empty()) out += '\n';
    out += s;
  };
  for (const auto& b : blocks) {
    switch (b.kind) {
      case BlockKind::header: add(b.text); break;
      case BlockKind::paragraph:
      case BlockKind::context: add(markup::to_plain(b.text)); break;
      case BlockKind::quote: add("> " + b.text + "\n  — " + b.citation); break;
      case BlockKind::fields:
        for (const auto& f : b.fields) add(f.label + ": " + markup::to_plain(f.value));
        break;
      case BlockKind::buttons: {
        std::string line;
        for (const auto& btn : b.buttons) line += (line.empty() ? "" : "  ") + ("[" + btn.label + "]");
        add(line);
        break;
      }
      case BlockKind::form:
        if (b.form) add(b.form->title);
        break;
    }
  }
  return out;
}

}  // namespace bot
