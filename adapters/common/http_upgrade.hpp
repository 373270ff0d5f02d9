#pragma once
// Upgrade: a connection HttpServer hands over when its handler accepts an upgrade request
// (ServerOptions::on_upgrade): the stream and the request as parsed, so the taker can answer
// it, e.g. boost::beast::websocket::stream::async_accept(request). Beast is in this header only,
// so the users of HttpServer that never upgrade do not compile it.
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace adapters::http {

struct Upgrade {
  boost::beast::tcp_stream stream;  // no timeout set: the new protocol sets its own
  boost::beast::http::request<boost::beast::http::string_body> request;
};

}  // namespace adapters::http
