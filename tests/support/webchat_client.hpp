#pragma once
// The browser's side of the web chat over a real WebSocket on 127.0.0.1, for tests of the
// adapter and of `hallpass demo`: join as a person, then read and write the JSON frames of
// adapters/webchat/webchat_protocol.hpp. Coroutines on the test's io_context; a failed read or
// write throws boost::system::system_error.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace test_support {

using WebchatSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

struct WebchatJoin {
  WebchatSocket ws;
  nlohmann::json hello;  // the first frame: {"type":"hello","person",…,"messages":[…]}
};

// Opens /ws?person=<id> and reads the hello frame.
boost::asio::awaitable<WebchatJoin> webchat_join(unsigned short port, std::string person_id);
boost::asio::awaitable<nlohmann::json> webchat_read(WebchatSocket& ws);
// Reads frames until one satisfies `wanted` and returns it; the frames before it are dropped.
boost::asio::awaitable<nlohmann::json> webchat_read_until(WebchatSocket& ws,
                                                          std::function<bool(const nlohmann::json&)> wanted);
boost::asio::awaitable<void> webchat_write(WebchatSocket& ws, nlohmann::json frame);
boost::asio::awaitable<void> webchat_close(WebchatSocket& ws);

// Frames a browser sends (event_id made by the caller).
nlohmann::json webchat_send_frame(std::string event_id, std::string channel, std::string text,
                                  std::string thread_ref = "");
nlohmann::json webchat_action_frame(std::string event_id, std::string message_ref, std::string action_id,
                                    std::string value);
nlohmann::json webchat_form_frame(std::string event_id, std::string message_ref, std::string form_id,
                                  nlohmann::json values);

// Does the entry (a frame's "message") hold a form with this id, or a button with this action?
bool entry_has_form(const nlohmann::json& entry, const std::string& form_id);
bool entry_has_button(const nlohmann::json& entry, const std::string& action_id);
// The text of every block of the entry's content, joined with newlines.
std::string entry_text(const nlohmann::json& entry);

}  // namespace test_support
