#include "net/form.hpp"

#include <cctype>

#include "core/text.hpp"

namespace aitrapp::net {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      const int hi = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return Error{"malformed percent escape '" + std::string(s.substr(i, 3)) + "'"};
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> Form::get(std::string_view key) const {
  for (const auto& [k, v] : kv_)
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::string> Form::all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : kv_)
    if (k == key) out.push_back(v);
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
  return out;
}

std::string Form::encode() const {
  std::string out;
  for (const auto& [k, v] : kv_) {
    if (!out.empty()) out.push_back('&');
    out += url_encode(k);
    out.push_back('=');
    out += url_encode(v);
  }
  return out;
}

Result<Form> parse_form(std::string_view body) {
  Form f;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto k = url_decode(pair.substr(0, eq));
    if (!k) return Error{k.error()};
    auto v = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!v) return Error{"field '" + k.value() + "': " + v.error()};
    if (!valid_utf8(k.value()))
      return Error{"field name " + quote_bytes(k.value()) + " is not valid UTF-8"};
    if (!valid_utf8(v.value()))
      return Error{"field '" + k.value() + "' is not valid UTF-8: " + quote_bytes(v.value())};
    f.add(std::move(k.value()), std::move(v.value()));
  }
  return f;
}

}  // namespace aitrapp::net
