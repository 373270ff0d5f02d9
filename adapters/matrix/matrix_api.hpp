#pragma once
// MatrixApi: the Client-Server API calls the adapter needs, over an HttpClient. Each call returns
// the HTTP response (status, body, error kind); the adapter decides about retries. The access
// token goes in the Authorization header only, never in a URL or a log line.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "adapters/common/http_client.hpp"

namespace adapters::matrix {

// Percent-encodes a path segment or query value (room ids, event ids, txn ids, tokens).
std::string url_encode(std::string_view s);

class MatrixApi {
 public:
  // client must outlive the api.
  MatrixApi(http::HttpClient& client, std::string access_token);

  boost::asio::awaitable<http::Response> whoami();
  boost::asio::awaitable<http::Response> create_filter(std::string user_id, std::string filter_json);
  // since empty: the initial sync. timeout_ms: how long the server may hold the request.
  boost::asio::awaitable<http::Response> sync(std::string filter_id, std::string since, int timeout_ms);
  // PUT /rooms/{room}/send/{type}/{txn}: the same txn_id from the same device returns the first event id.
  boost::asio::awaitable<http::Response> send(std::string room_id, std::string event_type, std::string txn_id,
                                              std::string content_json);
  // PUT /rooms/{room}/redact/{event}/{txn}
  boost::asio::awaitable<http::Response> redact(std::string room_id, std::string event_id, std::string txn_id);
  boost::asio::awaitable<http::Response> join(std::string room_id);
  boost::asio::awaitable<http::Response> leave(std::string room_id);
  // A trusted_private_chat room with is_direct, inviting user_id.
  boost::asio::awaitable<http::Response> create_direct_room(std::string user_id);
  boost::asio::awaitable<http::Response> get_account_data(std::string user_id, std::string type);
  boost::asio::awaitable<http::Response> put_account_data(std::string user_id, std::string type,
                                                          std::string content_json);
  // GET /rooms/{room}/state/{type} (state key ""): 404 when the room has no such state.
  boost::asio::awaitable<http::Response> room_state(std::string room_id, std::string type);
  // GET /rooms/{room}/event/{event}: 404 when the event is not in that room.
  boost::asio::awaitable<http::Response> room_event(std::string room_id, std::string event_id);
  // GET /rooms/{room}/joined_members: {"joined": {user id: {…}}}.
  boost::asio::awaitable<http::Response> joined_members(std::string room_id);
  // GET /rooms/{room}/messages?dir=b&from=…&to=…&limit=…
  boost::asio::awaitable<http::Response> messages(std::string room_id, std::string from, std::string to, int limit);

 private:
  http::Request make(std::string method, std::string target, std::string body = {}) const;

  http::HttpClient& client_;
  std::string token_;
};

}  // namespace adapters::matrix
