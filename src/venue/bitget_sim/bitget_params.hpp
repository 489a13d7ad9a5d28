#pragma once
// A Bitget request's parameters, wherever they travel: the query of a GET, the JSON object body
// of a POST, or one element of a batch list. Bitget sends every value as a string; a JSON number
// or boolean is taken as its text, so a client that sends 0.01 unquoted is read the same.
// Values are copies; thread-safe for reading.
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "net/http_server.hpp"
#include "venue/bitget/bitget_errors.hpp"

namespace aitrapp::bitget {

class Params {
 public:
  // The query (GET) or the body (POST: a JSON object, or empty); the error names what is wrong
  // with a body that is not one.
  static std::variant<Params, ApiError> of(const net::HttpRequest& r);
  // A batch element (a JSON object) under the request's own parameters: the element's values
  // win, the rest (symbol, productType, marginCoin, marginMode) come from `outer`.
  static std::variant<Params, ApiError> element(const nlohmann::json& item, const Params& outer,
                                                const std::string& list_name);
  Params() : values_(nlohmann::json::object()) {}
  // Parameters the simulator writes itself (an order from the exchange UI); `object` is a JSON
  // object.
  explicit Params(nlohmann::json object) : values_(std::move(object)) {}

  // The value, or "" when absent or null.
  std::string get(const char* name) const;
  bool has(const char* name) const { return !get(name).empty(); }
  // A whole number in [lo, hi] (a time in ms, a page size), or the error naming the parameter,
  // what was sent and the range. Only for a parameter that is present.
  std::variant<int64_t, ApiError> whole(const char* name, int64_t lo, int64_t hi) const;
  // An array parameter (orderList, orderIdList); nullptr when absent. Not an array: the error.
  std::variant<const nlohmann::json*, ApiError> list(const char* name) const;

 private:
  nlohmann::json values_;
};

// The request's productType upper-cased (Bitget takes either case): one of the six Bitget has
// (USDT-, COIN- and USDC-FUTURES and their demo S- forms), or the error when it is missing or
// not one of them.
std::variant<std::string, ApiError> product_type(const Params& p);
inline constexpr const char* kUsdtFutures = "USDT-FUTURES";

// The value upper-cased (Bitget takes productType and symbol in either case).
std::string upper(std::string s);
std::string lower(std::string s);

}  // namespace aitrapp::bitget
