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

  // The value, or "" when absent or null.
  std::string get(const char* name) const;
  bool has(const char* name) const { return !get(name).empty(); }
  // An array parameter (orderList, orderIdList); nullptr when absent. Not an array: the error.
  std::variant<const nlohmann::json*, ApiError> list(const char* name) const;

 private:
  explicit Params(nlohmann::json object) : values_(std::move(object)) {}
  nlohmann::json values_;
};

// The value upper-cased (Bitget takes productType and symbol in either case).
std::string upper(std::string s);
std::string lower(std::string s);

}  // namespace aitrapp::bitget
