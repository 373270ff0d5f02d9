#include "adapters/matrix/matrix_api.hpp"

#include "adapters/common/path_segment.hpp"

#include <nlohmann/json.hpp>

namespace adapters::matrix {

namespace asio = boost::asio;
namespace {
constexpr std::string_view kPrefix = "/_matrix/client/v3";
}

std::string url_encode(std::string_view s) { return http::encode_path_segment(s); }

MatrixApi::MatrixApi(http::HttpClient& client, std::string access_token)
    : client_(client), token_(std::move(access_token)) {}

http::Request MatrixApi::make(std::string method, std::string target, std::string body) const {
  http::Request r;
  r.method = std::move(method);
  r.target = std::string(kPrefix) + target;
  r.body = std::move(body);
  r.headers["Authorization"] = "Bearer " + token_;
  return r;
}

asio::awaitable<http::Response> MatrixApi::whoami() {
  co_return co_await client_.request(make("GET", "/account/whoami"));
}

asio::awaitable<http::Response> MatrixApi::create_filter(std::string user_id, std::string filter_json) {
  co_return co_await client_.request(make("POST", "/user/" + url_encode(user_id) + "/filter", std::move(filter_json)));
}

asio::awaitable<http::Response> MatrixApi::sync(std::string filter_id, std::string since, int timeout_ms) {
  std::string target = "/sync?timeout=" + std::to_string(timeout_ms) + "&set_presence=offline";
  if (!filter_id.empty()) target += "&filter=" + url_encode(filter_id);
  if (!since.empty()) target += "&since=" + url_encode(since);
  http::Request r = make("GET", target);
  // The server holds the request up to timeout_ms; allow that plus time for the answer.
  r.timeout = std::chrono::milliseconds(timeout_ms) + std::chrono::seconds(15);
  co_return co_await client_.request(std::move(r));
}

asio::awaitable<http::Response> MatrixApi::send(std::string room_id, std::string event_type, std::string txn_id,
                                                std::string content_json) {
  co_return co_await client_.request(
      make("PUT", "/rooms/" + url_encode(room_id) + "/send/" + url_encode(event_type) + "/" + url_encode(txn_id),
           std::move(content_json)));
}

asio::awaitable<http::Response> MatrixApi::redact(std::string room_id, std::string event_id, std::string txn_id) {
  co_return co_await client_.request(make(
      "PUT", "/rooms/" + url_encode(room_id) + "/redact/" + url_encode(event_id) + "/" + url_encode(txn_id), "{}"));
}

asio::awaitable<http::Response> MatrixApi::join(std::string room_id) {
  co_return co_await client_.request(make("POST", "/join/" + url_encode(room_id), "{}"));
}

asio::awaitable<http::Response> MatrixApi::leave(std::string room_id) {
  co_return co_await client_.request(make("POST", "/rooms/" + url_encode(room_id) + "/leave", "{}"));
}

asio::awaitable<http::Response> MatrixApi::create_direct_room(std::string user_id) {
  nlohmann::json body = {{"is_direct", true}, {"invite", {user_id}}, {"preset", "trusted_private_chat"}};
  co_return co_await client_.request(make("POST", "/createRoom", body.dump()));
}

asio::awaitable<http::Response> MatrixApi::get_account_data(std::string user_id, std::string type) {
  co_return co_await client_.request(make("GET", "/user/" + url_encode(user_id) + "/account_data/" + url_encode(type)));
}

asio::awaitable<http::Response> MatrixApi::put_account_data(std::string user_id, std::string type,
                                                            std::string content_json) {
  co_return co_await client_.request(
      make("PUT", "/user/" + url_encode(user_id) + "/account_data/" + url_encode(type), std::move(content_json)));
}

asio::awaitable<http::Response> MatrixApi::room_state(std::string room_id, std::string type) {
  co_return co_await client_.request(make("GET", "/rooms/" + url_encode(room_id) + "/state/" + url_encode(type)));
}

asio::awaitable<http::Response> MatrixApi::room_event(std::string room_id, std::string event_id) {
  co_return co_await client_.request(make("GET", "/rooms/" + url_encode(room_id) + "/event/" + url_encode(event_id)));
}

asio::awaitable<http::Response> MatrixApi::joined_members(std::string room_id) {
  co_return co_await client_.request(make("GET", "/rooms/" + url_encode(room_id) + "/joined_members"));
}

asio::awaitable<http::Response> MatrixApi::messages(std::string room_id, std::string from, std::string to, int limit) {
  std::string target =
      "/rooms/" + url_encode(room_id) + "/messages?dir=b&limit=" + std::to_string(limit) + "&from=" + url_encode(from);
  if (!to.empty()) target += "&to=" + url_encode(to);
  co_return co_await client_.request(make("GET", target));
}

}  // namespace adapters::matrix
