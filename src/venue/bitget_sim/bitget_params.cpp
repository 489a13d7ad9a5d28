#include "venue/bitget_sim/bitget_params.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

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

std::variant<const json*, ApiError> Params::list(const char* name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array())
    return api_error(ErrorKind::ParameterInvalid, std::string(name) + " is not a list");
  return &*it;
}

}  // namespace aitrapp::bitget
