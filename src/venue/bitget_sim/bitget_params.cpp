#include "venue/bitget_sim/bitget_params.hpp"

#include <algorithm>
#include <array>

namespace aitrapp::bitget {

using nlohmann::json;

std::variant<std::string, ApiError> product_type(const Params& r) {
  static constexpr std::array<const char*, 6> kProductTypes = {"USDT-FUTURES",  "COIN-FUTURES",
                                                               "USDC-FUTURES",  "SUSDT-FUTURES",
                                                               "SCOIN-FUTURES", "SUSDC-FUTURES"};
  const std::string raw = r.get("productType");
  if (raw.empty()) return api_error(ErrorKind::ParameterEmpty, "productType");
  const std::string p = upper(raw);
  if (std::find(kProductTypes.begin(), kProductTypes.end(), p) == kProductTypes.end())
    return api_error(ErrorKind::ParameterInvalid, "productType \"" + raw + "\"");
  return p;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

std::variant<Params, ApiError> Params::of(const net::HttpRequest& r) {
  if (r.method != "POST") {
    json q = json::object();
    for (const auto& [k, v] : r.query) q[k] = v;
    return Params(std::move(q));
  }
  if (r.body.empty()) return Params();
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded())
    return api_error(ErrorKind::ParameterInvalid, "the request body is not JSON");
  if (!body.is_object())
    return api_error(ErrorKind::ParameterInvalid, "the request body is not a JSON object");
  return Params(std::move(body));
}

std::variant<Params, ApiError> Params::element(const json& item, const Params& outer,
                                               const std::string& list_name) {
  if (!item.is_object())
    return api_error(ErrorKind::ParameterInvalid, list_name +
                                                      " holds an element that is not an "
                                                      "object");
  json merged = outer.values_;
  merged.erase(list_name);
  for (const auto& [k, v] : item.items()) merged[k] = v;
  return Params(std::move(merged));
}

std::string Params::get(const char* name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return "";  // an object or array where a value belongs reads as absent; its check names it
}

std::variant<int64_t, ApiError> Params::whole(const char* name, int64_t lo, int64_t hi) const {
  const std::string v = get(name);
  const bool digits = !v.empty() && v.size() <= 18 &&
                      std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int64_t n = digits ? std::stoll(v) : -1;
  if (!digits || n < lo || n > hi)
    return api_error(ErrorKind::ParameterInvalid, std::string(name) + " \"" + v + "\" (" +
                                                      std::to_string(lo) + " to " +
                                                      std::to_string(hi) + ")");
  return n;
}

std::variant<const json*, ApiError> Params::list(const char* name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array())
    return api_error(ErrorKind::ParameterInvalid, std::string(name) + " is not a list");
  return &*it;
}

}  // namespace aitrapp::bitget
