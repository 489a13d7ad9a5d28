#include "ops/record_json.hpp"

#include "core/overloaded.hpp"

namespace aitrapp::ops {

using nlohmann::json;

json signal_json(const Signal& s, const TradingCalendar& cal) {
  return {{"seq", s.seq},
          {"time", cal.local_time_string(s.time)},
          {"strategy", s.strategy},
          {"symbol", s.symbol},
          {"side", to_string(s.side)},
          {"entry", to_string(s.entry)},
          {"stop", to_string(s.stop)},
          {"target", to_string(s.target)},
          {"score", s.score},
          {"attribution",
           {{"momentum", s.scores.momentum},
            {"trend", s.scores.trend},
            {"liquidity", s.scores.liquidity},
            {"regime", s.scores.regime},
            {"reward_risk", s.scores.reward_risk}}}};
}

json order_json(const Order& o, const TradingCalendar& cal) {
  return {{"client_order_id", o.id()},
          {"venue_order_id", o.venue_order_id},
          {"plan_id", o.plan_id},
          {"role", to_string(o.role)},
          {"symbol", o.spec.symbol},
          {"side", to_string(o.spec.side)},
          {"type", to_string(o.spec.type)},
          {"qty", o.spec.qty.units},
          {"filled", o.filled.units},
          {"limit", to_string(o.spec.limit)},
          {"trigger", to_string(o.spec.trigger)},
          {"status", to_string(o.status)},
          {"reason", o.reason},
          {"created", cal.local_time_string(o.created)}};
}

std::optional<std::pair<const char*, json>> bus_event(const StoreWrite& w,
                                                      const TradingCalendar& cal) {
  using Event = std::optional<std::pair<const char*, json>>;
  return std::visit(overloaded{
                        [&](const SignalRecord& r) -> Event {
                          json j = signal_json(r.signal, cal);
                          j["type"] = "signal";
                          j["config_sha"] = r.config_sha;
                          return std::pair{"signals", std::move(j)};
                        },
                        [&](const DecisionRecord& d) -> Event {
                          return std::pair{"decisions",
                                           json{{"type", "decision"},
                                                {"plan_id", d.plan_id},
                                                {"signal_id", d.signal_id},
                                                {"strategy", d.strategy},
                                                {"symbol", d.symbol},
                                                {"side", to_string(d.side)},
                                                {"time", cal.local_time_string(d.time)},
                                                {"qty", d.qty.units},
                                                {"entry", to_string(d.entry)},
                                                {"stop", to_string(d.stop)},
                                                {"target", to_string(d.target)},
                                                {"score", d.score},
                                                {"risk", to_string(d.risk)},
                                                {"config_sha", d.config_sha}}};
                        },
                        [&](const Order& o) -> Event {
                          json j = order_json(o, cal);
                          j["type"] = "order";
                          j["config_sha"] = o.config_sha;
                          return std::pair{"orders", std::move(j)};
                        },
                        [&](const Fill& f) -> Event {
                          return std::pair{"orders", json{{"type", "fill"},
                                                          {"fill_id", f.fill_id},
                                                          {"client_order_id", f.client_order_id},
                                                          {"plan_id", f.plan_id},
                                                          {"symbol", f.symbol},
                                                          {"side", to_string(f.side)},
                                                          {"role", to_string(f.role)},
                                                          {"qty", f.qty.units},
                                                          {"price", to_string(f.price)},
                                                          {"time", cal.local_time_string(f.time)},
                                                          {"config_sha", f.config_sha}}};
                        },
                        [&](const RiskEventRecord& r) -> Event {
                          return std::pair{"risk", json{{"type", "risk_event"},
                                                        {"time", cal.local_time_string(r.time)},
                                                        {"kind", r.kind},
                                                        {"check", r.check},
                                                        {"reason", r.reason},
                                                        {"symbol", r.symbol},
                                                        {"plan_id", r.plan_id}}};
                        },
                        [&](const KillSwitchRecord& k) -> Event {
                          return std::pair{"risk", json{{"type", "kill_switch"},
                                                        {"time", cal.local_time_string(k.time)},
                                                        {"reason", k.reason},
                                                        {"source", k.source},
                                                        {"detail", k.detail},
                                                        {"open_risk", to_string(k.open_risk)},
                                                        {"positions", k.positions},
                                                        {"working_orders", k.working_orders}}};
                        },
                        [](const auto&) -> Event { return std::nullopt; },
                    },
                    w);
}

}  // namespace aitrapp::ops
