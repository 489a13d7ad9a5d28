#pragma once
// The HTTP status a server answers to a WebSocket upgrade request, read as a plain HTTP
// response: 101 when it upgrades, the refusal's status otherwise.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace aitrapp::support {

inline int ws_upgrade_status(uint16_t port, const std::string& host, const std::string& path,
                             const std::string& origin) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::verb::get, path, 11};
  req.set(http::field::host, host);
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  if (!origin.empty()) req.set(http::field::origin, origin);
  http::write(stream, req);
  boost::beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(stream, b, res);
  return res.result_int();
}

}  // namespace aitrapp::support
