#include "tests/support/webchat_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

namespace test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using nlohmann::json;

asio::awaitable<WebchatJoin> webchat_join(unsigned short port, std::string person_id) {
  auto executor = co_await asio::this_coro::executor;
  WebchatJoin joined{WebchatSocket(executor), json()};
  co_await beast::get_lowest_layer(joined.ws).async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
  co_await joined.ws.async_handshake("127.0.0.1:" + std::to_string(port), "/ws?person=" + person_id,
                                     asio::use_awaitable);
  joined.hello = co_await webchat_read(joined.ws);
  co_return std::move(joined);
}

asio::awaitable<json> webchat_read(WebchatSocket& ws) {
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  co_return json::parse(beast::buffers_to_string(buffer.data()));
}

asio::awaitable<json> webchat_read_until(WebchatSocket& ws, std::function<bool(const json&)> wanted) {
  for (;;) {
    json frame = co_await webchat_read(ws);
    if (wanted(frame)) co_return frame;
  }
}

asio::awaitable<void> webchat_write(WebchatSocket& ws, json frame) {
  const std::string text = frame.dump();
  ws.text(true);
  co_await ws.async_write(asio::buffer(text), asio::use_awaitable);
}

asio::awaitable<void> webchat_close(WebchatSocket& ws) {
  co_await ws.async_close(websocket::close_code::normal, asio::as_tuple(asio::use_awaitable));
}

json webchat_send_frame(std::string event_id, std::string channel, std::string text, std::string thread_ref) {
  json j = {{"type", "send"}, {"event_id", event_id}, {"channel", channel}, {"text", text}};
  if (!thread_ref.empty()) j["thread_ref"] = thread_ref;
  return j;
}

json webchat_action_frame(std::string event_id, std::string message_ref, std::string action_id, std::string value) {
  return {{"type", "action"},
          {"event_id", event_id},
          {"message_ref", message_ref},
          {"action_id", action_id},
          {"value", value}};
}

json webchat_form_frame(std::string event_id, std::string message_ref, std::string form_id, json values) {
  return {{"type", "form"},
          {"event_id", event_id},
          {"message_ref", message_ref},
          {"form_id", form_id},
          {"values", std::move(values)}};
}

bool entry_has_form(const json& entry, const std::string& form_id) {
  for (const auto& block : entry.value("content", json::object()).value("blocks", json::array()))
    if (block.value("type", "") == "form" && block.contains("form") && block["form"].value("form_id", "") == form_id)
      return true;
  return false;
}

bool entry_has_button(const json& entry, const std::string& action_id) {
  for (const auto& block : entry.value("content", json::object()).value("blocks", json::array()))
    for (const auto& button : block.value("buttons", json::array()))
      if (button.value("action_id", "") == action_id) return true;
  return false;
}

std::string entry_text(const json& entry) {
  std::string out;
  for (const auto& block : entry.value("content", json::object()).value("blocks", json::array())) {
    if (!block.contains("text")) continue;
    if (!out.empty()) out += '\n';
    out += block["text"].get<std::string>();
  }
  return out;
}

}  // namespace test_support
