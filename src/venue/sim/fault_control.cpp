#include "venue/sim/fault_control.hpp"

#include "core/scaled_clock.hpp"

namespace aitrapp {

using nlohmann::json;

json clock_reply(const ScaledClock& clock, const TradingCalendar& calendar) {
  const TimeMs now = clock.now();
  return {{"exchange_time_ms", now},
          {"wall_time_ms", ScaledClock::wall_now_ms()},
          {"speed", clock.speed()},
          {"local_time", calendar.local_time_string(now)}};
}

net::HttpResponse control_reply(int status, json body) {
  net::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Result<int64_t> int_param(const net::HttpRequest& r, const std::string& name, int64_t lo,
                          int64_t hi) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return Error{"missing query parameter '" + name + "'"};
  try {
    size_t used = 0;
    const int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  return Error{"'" + name + "' must be an integer in [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "], got '" + it->second + "'"};
}

namespace {

const json kOk = {{"ok", true}};

net::HttpResponse bad(const std::string& why) {
  return control_reply(400, {{"error", why}});
}

net::HttpResponse not_simulated(const net::HttpRequest& r) {
  return control_reply(
      404, {{"error", "this venue's simulator does not simulate " + r.method + " " + r.path}});
}

}  // namespace

net::HttpResponse handle_fault_control(const FaultControlHooks& h, const net::HttpRequest& r) {
  if (h.venue_routes)
    if (auto own = h.venue_routes(r)) return *own;
  if (r.method == "GET" && r.path == "/clock")
    return h.clock ? control_reply(200, h.clock()) : not_simulated(r);
  if (r.method == "GET" && r.path == "/stats")
    return h.stats ? control_reply(200, h.stats()) : not_simulated(r);
  if (r.method != "POST") return control_reply(404, {{"error", "unknown control route"}});
  if (r.path == "/faults/ws_drop" || r.path == "/faults/refuse") {
    const auto& fault = r.path == "/faults/ws_drop" ? h.drop_websockets : h.refuse_connections;
    if (!fault) return not_simulated(r);
    auto s = int_param(r, "seconds", 1, 3600);
    if (!s) return bad(s.error());
    fault(*s * 1000);
    return control_reply(200, kOk);
  }
  if (r.path == "/faults/ws_drop_on_fill") {
    if (!h.drop_websockets_after_fill) return not_simulated(r);
    auto s = int_param(r, "seconds", 1, 3600);
    if (!s) return bad(s.error());
    auto d = int_param(r, "delay_ms", 0, 10'000);
    if (!d) return bad(d.error());
    h.drop_websockets_after_fill(*s * 1000, *d);
    return control_reply(200, kOk);
  }
  // Each fault validated in full before anything changes.
  if (!h.with_faults && r.path.starts_with("/faults/")) return not_simulated(r);
  std::function<void(RequestFaults&)> change;
  if (r.path == "/faults/ack_delay") {
    auto ms = int_param(r, "ms", 0, 600'000);
    if (!ms) return bad(ms.error());
    change = [ms = *ms](RequestFaults& f) { f.ack_delay_ms = ms; };
  } else if (r.path == "/faults/lose_response") {
    change = [](RequestFaults& f) { f.lose_next_order_response = true; };
  } else if (r.path == "/faults/reject_limit") {
    change = [](RequestFaults& f) { f.reject_next_limit = true; };
  } else if (r.path == "/faults/partial_fill") {
    auto q = int_param(r, "qty", 1, 1'000'000);
    if (!q) return bad(q.error());
    change = [q = *q](RequestFaults& f) { f.partial_next_qty = q; };
  } else if (r.path == "/faults/spread") {
    auto k = int_param(r, "factor", 2, 1000);
    if (!k) return bad(k.error());
    auto s = int_param(r, "seconds", 1, 3600);
    if (!s) return bad(s.error());
    change = [k = *k, until = steady_now_ms() + *s * 1000](RequestFaults& f) {
      f.spread_factor = k;
      f.spread_until_wall_ms = until;
    };
  } else if (r.path == "/faults/errors") {
    auto st = int_param(r, "status", 400, 599);
    if (!st) return bad(st.error());
    auto n = int_param(r, "count", 1, 1'000'000);
    if (!n) return bad(n.error());
    change = [st = static_cast<int>(*st), n = static_cast<int>(*n)](RequestFaults& f) {
      f.error_status = st;
      f.error_count = n;
    };
  } else {
    return control_reply(404, {{"error", "unknown fault '" + r.path + "'"}});
  }
  h.with_faults(change);
  return control_reply(200, kOk);
}

}  // namespace aitrapp
