// Fuzz target: Kite REST answers. The first byte picks the HTTP status and content type, the
// rest is the body: Kite's JSON envelope and errors, the order-book and trade-book rows inside
// it, and the instrument master (CSV, gzipped or not), as the adapter reads them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/gzip.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_json.hpp"
#include "venue/kite/kite_rest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aitrapp::kite;
  if (size == 0) return 0;
  static const int kStatus[] = {200, 400, 403, 429, 500, 503};
  static const char* kType[] = {"application/json", "text/csv", "application/json; charset=utf-8",
                                "text/html"};
  const int status = kStatus[data[0] % 6];
  const std::string type = kType[(data[0] / 6) % 4];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  const KiteReply r = interpret_reply(status, type, body);
  if (r.ok() && status >= 400) __builtin_trap();  // an HTTP error taken for success
  (void)r.describe();
  if (r.data.is_array())
    for (const auto& row : r.data) {
      const auto trade = trade_row(row);
      if (trade && (trade->quantity <= 0 || trade->average_price.raw <= 0)) __builtin_trap();
      (void)text_field(row, "status");
      (void)int_field(row, "filled_quantity");
    }
  if (!r.raw.empty()) {
    (void)parse_instruments_csv(r.raw);
    if (auto plain = aitrapp::net::gunzip(r.raw); plain.ok())
      (void)parse_instruments_csv(plain.value());
  }
  return 0;
}
