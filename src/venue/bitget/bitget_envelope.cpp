#include "venue/bitget/bitget_envelope.hpp"

#include <charconv>

namespace aitrapp::bitget {

std::string ok_body(const nlohmann::json& data, TimeMs request_time) {
  return nlohmann::json{
      {"code", "00000"}, {"msg", "success"}, {"requestTime", request_time}, {"data", data}}
      .dump();
}

std::string error_body(const ApiError& e, TimeMs request_time) {
  return nlohmann::json{
      {"code", e.code}, {"msg", e.msg}, {"requestTime", request_time}, {"data", nullptr}}
      .dump();
}

Result<Envelope> parse_envelope(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return Error{"Bitget answer is not JSON"};
  if (!j.is_object()) return Error{"Bitget answer is not a JSON object"};
  Envelope e;
  const auto code = j.find("code");
  if (code == j.end()) return Error{"Bitget answer has no 'code'"};
  if (code->is_string())
    e.code = code->get<std::string>();
  else if (code->is_number_integer())
    e.code = std::to_string(code->get<int64_t>());  // 429 has been seen as a number
  else
    return Error{"Bitget answer's 'code' is neither a string nor an integer"};
  if (const auto msg = j.find("msg"); msg != j.end() && msg->is_string())
    e.msg = msg->get<std::string>();
  if (const auto t = j.find("requestTime"); t != j.end()) {
    if (t->is_number_integer()) {
      e.request_time = t->get<int64_t>();
    } else if (t->is_string()) {
      const auto s = t->get<std::string>();
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), e.request_time);
      if (ec != std::errc{} || end != s.data() + s.size())
        return Error{"Bitget answer's 'requestTime' is not a number: \"" + s + "\""};
    } else if (!t->is_null()) {
      return Error{"Bitget answer's 'requestTime' is neither a number nor a string"};
    }
  }
  if (const auto d = j.find("data"); d != j.end()) e.data = *d;
  return e;
}

}  // namespace aitrapp::bitget
