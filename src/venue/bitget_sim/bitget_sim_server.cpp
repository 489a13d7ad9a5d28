#include "venue/bitget_sim/bitget_sim_server.hpp"

#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

std::unique_ptr<net::HttpServer> bitget_rest_server(BitgetExchange& exchange,
                                                    std::mutex& exchange_mutex, const Clock& clock,
                                                    const std::string& bind, uint16_t port) {
  net::HttpServerOptions o;
  o.threads = 1;
  o.error_reply = [&clock](int status, const std::string& message) {
    net::HttpResponse res;
    res.status = status;
    res.body = error_body({ErrorKind::ParameterInvalid, std::to_string(status), message, status},
                          clock.now());
    return res;
  };
  return std::make_unique<net::HttpServer>(
      bind, port,
      [&exchange, &exchange_mutex](const net::HttpRequest& r) {
        std::lock_guard lock(exchange_mutex);
        return exchange.handle(r);
      },
      std::move(o));
}

}  // namespace aitrapp::bitget
