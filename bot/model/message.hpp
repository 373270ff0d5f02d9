#pragma once
// The neutral message model: what workflows say, before any platform renders it.
//
// Text fields hold the neutral markup of bot/model/markup.hpp (**bold**, _italic_, [label](url),
// "- " list items, backslash escapes). User-supplied text is escaped with markup::escape()
// before it is placed in a template, so renderers can trust the markup and escape every text
// run for their own format (Slack mrkdwn, Matrix HTML, Adaptive Card text, web HTML).
#include <optional>
#include <string>
#include <vector>

namespace bot {

enum class ButtonStyle { normal, primary, danger };

struct Button {
  std::string action_id;  // e.g. "endorse"; workflows route on it
  std::string label;      // plain text
  std::string value;      // e.g. "R-1001"; comes back with the click
  ButtonStyle style = ButtonStyle::normal;
};

struct Field {
  std::string label;  // plain text
  std::string value;  // neutral markup
};

enum class InputKind { text, multiline, single_choice, multi_choice };

struct Choice {
  std::string value;  // what comes back
  std::string label;  // what is shown
};

struct FormInput {
  std::string key;    // name of the value in the submission
  std::string label;  // plain text
  InputKind kind = InputKind::text;
  bool required = false;
  std::vector<Choice> choices;  // for the choice kinds
  std::string initial;          // pre-filled value; multi_choice: comma-separated values
  std::string hint;             // plain text shown under the input
  std::string error;            // set when a submission was refused for this input
  std::size_t max_chars = 0;    // text kinds: the longest answer accepted (0: no limit); forms
                                // that can count show a counter and stop typing there
};

// A form is shown as a modal (Slack), a card with inputs (Teams), a dialog (web chat) or as
// text instructions (Matrix, console). Its submission comes back as an Inbound of kind
// form_submission carrying form_id, context and the values.
struct Form {
  std::string form_id;       // e.g. "request.platforms"
  std::string context;       // opaque to adapters, e.g. "R-1001"
  std::string title;         // plain text, short (Slack: 24 characters)
  std::string submit_label;  // plain text
  std::vector<FormInput> inputs;
};

enum class BlockKind { header, paragraph, quote, fields, context, buttons, form };

struct Block {
  BlockKind kind = BlockKind::paragraph;
  std::string text;             // header: plain text; paragraph/context/quote: markup
  std::string citation;         // quote only: "LAUSD BUL-5688.2, §I.1"
  std::vector<Field> fields;    // fields only
  std::vector<Button> buttons;  // buttons only
  std::optional<Form> form;     // form only
};

// Sentences a renderer may have to add on its own, in the reader's language. The outbox
// dispatcher sets them from prompts/<lang>/platform.yaml; the English defaults serve renderers
// used without it (tests, the console).
struct PlatformNotes {
  std::string shortened = "…message shortened to fit this chat platform.";
  std::string quote_shortened = "Quote shortened to fit; the citation names the full text.";
  std::string form_not_opened =
      "The form could not be opened. Please try again: run the command or press the button once more.";
  // In front of a reply posted at the top because its thread's first message is gone from the
  // chat (the web chat keeps the newest messages of each place), and of a new version of a
  // message that is gone.
  std::string thread_missing = "This belongs in a thread that is no longer in this chat, so it is posted here.";
  std::string update_missing = "This replaces a message that is no longer in this chat.";
  // How to answer a form by typing (Matrix, the console); the renderer puts its form command in
  // place of {command}.
  std::string form_how =
      "Answer with {command} followed by key=value; key=value, or one key=value per line (a value may go on over "
      "several lines). Write \\; for a ; that is followed by something like key=.";
  // The words a typed form's fields are described with (Matrix, the console).
  std::string form_required = "required";
  std::string form_one_of = "one of";
  std::string form_any_of = "any of, comma-separated";
  std::string form_now = "now";
};

struct Message {
  std::vector<Block> blocks;
  std::string fallback;  // plain text for notifications and platforms without rich text
  PlatformNotes notes;   // not stored: filled in for each delivery

  Message& header(std::string text);
  Message& paragraph(std::string markup);
  Message& quote(std::string verbatim, std::string citation);
  Message& fields(std::vector<Field> fields);
  Message& context(std::string markup);
  Message& buttons(std::vector<Button> buttons);
  Message& form(Form form);

  // The first form of the message, if any.
  const Form* find_form() const;
  // Plain text of the whole message (markup removed), used for the fallback and the console.
  std::string plain_text() const;
};

}  // namespace bot
