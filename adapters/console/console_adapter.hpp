#pragma once
// The console adapter: the whole bot from a terminal, as one person of the directory.
//
// Reads lines: "/socialmedia …" is a command; "@in PLACE" moves (dm, #channel, #channel/R-1001);
// "@click ACTION [VALUE]" presses a button of the latest message that has it; "@form k=v; k=v"
// submits the latest form shown to this person; "@attach NAME [text]" sends a message carrying a
// file; "#…" is a comment; anything else is a message in the current place. Prints every message
// it is given as "→ [place] text", and a deletion the bot asks for as "→ [place] (deleted)".
// Which messages it is given is the dispatcher's Scope (cmd_console): only this person's, and only
// those of this run, so a console over a live database takes nothing meant for another platform.
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "bot/model/adapter.hpp"

namespace adapters::console {

class ConsoleAdapter final : public bot::Adapter {
 public:
  ConsoleAdapter(std::istream& in, std::ostream& out, std::string person_id);

  std::string_view platform() const override { return "console"; }
  // Reads until end of input; after each line waits until the bot's answers are printed.
  boost::asio::awaitable<void> run(bot::EventSink& sink) override;
  boost::asio::awaitable<bot::SendResult> send(bot::Delivery delivery) override;

 private:
  struct Shown {
    std::string channel;
    std::string thread_ref;  // the thread it is in, or its own ref when it starts one
    std::string for_user;    // shown only to this person (empty: everyone in the place)
    bot::Message message;
  };
  bool handle_line(const std::string& line, bot::Inbound& event);
  std::string place_label(const std::string& channel, const std::string& thread_ref) const;

  std::istream& in_;
  std::ostream& out_;
  std::string me_;
  std::string channel_;
  std::string thread_ref_;
  std::vector<Shown> shown_;
  int next_ref_ = 1;
  // "@form" alone starts a form answered one key=value per line; an empty line or "@end" sends it.
  bool typing_form_ = false;
  std::string form_lines_;
};

}  // namespace adapters::console
