#include "venue/kite/kite_order_form.hpp"

#include "core/text.hpp"

namespace aitrapp::kite {

net::Form place_order_form(const OrderSpec& s, const std::string& tradingsymbol,
                           const std::string& exchange) {
  net::Form f{{"tradingsymbol", tradingsymbol},
              {"exchange", exchange},
              {"transaction_type", s.side == Side::Buy ? "BUY" : "SELL"},
              {"order_type", std::string(to_string(s.type))},
              {"quantity", std::to_string(s.qty.units)},
              {"product", "MIS"},
              {"validity", "DAY"},
              {"tag", s.client_order_id}};
  if (s.type == OrderType::Limit || s.type == OrderType::StopLimit)
    f.add("price", format_fixed(s.limit.raw));
  if (s.type == OrderType::StopLimit || s.type == OrderType::StopMarket)
    f.add("trigger_price", format_fixed(s.trigger.raw));
  if (s.type == OrderType::Market || s.type == OrderType::StopMarket)
    f.add("market_protection", "-1");  // SEBI: MARKET orders must carry protection
  return f;
}

bool is_valid_tag(std::string_view tag) {
  return alnum_of_length(tag, 20);
}

}  // namespace aitrapp::kite
