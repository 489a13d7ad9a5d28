#pragma once
// Outside bytes in messages: a check for well-formed UTF-8 (JSON, and so every API answer and log
// line, can carry nothing else), and a quoted, bounded rendering of any bytes for an error message
// (a binary file or an escape sequence must not reach a terminal as-is); and the list of names an
// error offers instead ("known: a, b"); HTML escaping for the pages the project writes. Pure;
// thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace aitrapp {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);

// True when `s` is 1 to `max_size` ASCII letters and digits (the shape venues ask of client ids).
bool alnum_of_length(std::string_view s, size_t max_size);

// `s` in single quotes, printable ASCII as is, every other byte as \xHH, cut after `max_bytes`
// of input with the full length said: 'ab\x1b[2J...' (1024 bytes).
std::string quote_bytes(std::string_view s, size_t max_bytes = 64);

// `s` safe inside HTML text and double-quoted attributes: & < > " as entities.
std::string escape_html(std::string_view s);

// The items (any range of strings: a vector, a set) separated by `sep`: {"a", "b"} -> "a, b".
template <class Strings>
std::string join(const Strings& items, std::string_view sep = ", ") {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += sep;
    out += item;
    first = false;
  }
  return out;
}

}  // namespace aitrapp
