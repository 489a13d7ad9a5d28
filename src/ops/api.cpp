#include "ops/api.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "core/result.hpp"
#include "core/text.hpp"
#include "ops/api_token.hpp"
#include "ops/dashboard_assets.hpp"
#include "ops/metrics.hpp"
#include "ops/prometheus_text.hpp"
#include "risk/kill_triggers.hpp"

namespace aitrapp::ops {
namespace {

using nlohmann::json;

net::HttpResponse reply(int status, const json& body) {
  net::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses JSON, refusing a key repeated within one object: with "last one wins" the body
// {"mode":"PAPER","mode":"LIVE"} would be read as a LIVE request that a reader sees as PAPER.
json parse_json(const std::string& body, std::optional<std::string>& dup) {
  std::vector<std::set<std::string>> open;
  json::parser_callback_t cb = [&](int depth, json::parse_event_t ev, json& parsed) {
    const auto d = static_cast<size_t>(depth);
    if (ev == json::parse_event_t::object_start) {
      if (open.size() <= d) open.resize(d + 1);
      open[d].clear();
    } else if (ev == json::parse_event_t::key && d >= 1 && open.size() >= d) {
      if (!open[d - 1].insert(parsed.get<std::string>()).second && !dup)
        dup = parsed.get<std::string>();
    }
    return true;
  };
  return json::parse(body, cb, false);
}

net::HttpResponse fail(int status, const std::string& message) {
  return reply(status, json{{"error", message}});
}

const std::set<std::string> kGetPaths = {"/health",  "/risk",   "/positions", "/orders",
                                         "/signals", "/events", "/metrics"};
const std::set<std::string> kPostPaths = {"/mode", "/pause", "/resume", "/flatten"};

// An optional JSON object body with only `allowed` keys.
Result<json> parse_body(const std::string& body, const std::set<std::string>& allowed) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  std::optional<std::string> dup;
  json j = parse_json(body, dup);
  if (j.is_discarded()) return Error{"request body is not valid JSON"};
  if (!j.is_object()) return Error{"request body must be a JSON object"};
  if (dup) return Error{"field '" + *dup + "' appears twice"};
  for (const auto& [k, _] : j.items())
    if (!allowed.count(k))
      return Error{"unknown field '" + k + "'" +
                   (allowed.empty() ? std::string(" (this endpoint takes no fields)")
                                    : " (allowed: " + join(allowed) + ")")};
  return j;
}

// The optional string field `key`; an error when it is present with another type.
Result<std::string> string_field(const json& j, const std::string& key, const std::string& def,
                                 size_t max_len = 200) {
  if (!j.contains(key)) return def;
  if (!j[key].is_string()) return Error{"field '" + key + "' must be a string"};
  std::string v = j[key].get<std::string>();
  if (v.size() > max_len)
    return Error{"field '" + key + "' is longer than " + std::to_string(max_len) + " characters"};
  for (unsigned char c : v)
    if (c < 0x20) return Error{"field '" + key + "' contains control characters"};
  return v;
}

Result<size_t> limit_param(const net::HttpRequest& r, size_t def) {
  for (const auto& [k, _] : r.query)
    if (k != "limit") return Error{"unknown query parameter '" + k + "' (allowed: limit)"};
  auto it = r.query.find("limit");
  if (it == r.query.end()) return def;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos)
    return Error{"query parameter 'limit' must be an integer from 1 to 1000, got '" + v + "'"};
  const size_t n = std::stoul(v);
  if (n < 1 || n > 1000)
    return Error{"query parameter 'limit' must be an integer from 1 to 1000, got '" + v + "'"};
  return n;
}

json newest(const json& arr, size_t limit) {
  json out = json::array();
  for (size_t i = 0; i < arr.size() && i < limit; ++i) out.push_back(arr[i]);
  return out;
}

}  // namespace

ControlApi::ControlApi(ControlPort& port, std::string token, std::vector<std::string> extra_hosts)
    : port_(port), token_(std::move(token)), hosts_{"localhost", "127.0.0.1", "[::1]"} {
  for (auto& h : extra_hosts) {
    if (h.empty()) continue;
    // An IPv6 literal is written in brackets in a Host header.
    if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
    hosts_.push_back(lower(h));
  }
}

bool ControlApi::host_allowed(const std::string& header) const {
  if (header.empty()) return true;  // HTTP/1.0 tools send none; browsers always do
  std::string host = lower(header);
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos)
    host.resize(colon);  // drop the port (the colon is not inside an IPv6 literal)
  return std::find(hosts_.begin(), hosts_.end(), host) != hosts_.end();
}

net::HttpResponse ControlApi::handle(const net::HttpRequest& r) const {
  if (!host_allowed(r.host)) {
    std::string names;
    for (const auto& h : hosts_) names += (names.empty() ? "" : ", ") + h;
    return fail(421, "Host " + quote_bytes(r.host) + " is not served here (served: " + names +
                         "; add one with --allowed-host)");
  }
  if (auto d = serve_dashboard(r, reports_dir_)) return std::move(*d);
  const bool is_get = kGetPaths.count(r.path), is_post = kPostPaths.count(r.path);
  if (!is_get && !is_post)
    return fail(404, "no endpoint " + r.path + " (GET / (the dashboard), /reports, " +
                         join(kGetPaths) + "; POST " + join(kPostPaths) + ")");
  if (is_get && r.method != "GET") {
    net::HttpResponse res = fail(405, r.path + " takes GET");
    res.headers.emplace_back("Allow", "GET");
    return res;
  }
  if (is_post && r.method != "POST") {
    net::HttpResponse res = fail(405, r.path + " takes POST");
    res.headers.emplace_back("Allow", "POST");
    return res;
  }
  return is_get ? get(r) : post(r);
}

net::WsRoute ControlApi::live_route(LiveFeed& feed) const {
  net::WsRoute route;
  route.admit = [this](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (!host_allowed(r.host))
      return fail(421, "Host " + quote_bytes(r.host) + " is not served here");
    if (!r.origin.empty() && lower(r.origin) != "http://" + lower(r.host))
      return fail(403, "Origin " + quote_bytes(r.origin) + " is not this dashboard's own (http://" +
                           r.host + ")");
    return std::nullopt;
  };
  route.callbacks = [&feed](const net::HttpRequest&) {
    net::WsSession::Callbacks cb;
    cb.on_open = [&feed](net::WsSession& ws) { feed.attach(ws.shared_from_this()); };
    return cb;  // what a client sends is ignored: the channels are read-only
  };
  return route;
}

net::HttpResponse ControlApi::get(const net::HttpRequest& r) const {
  const auto snap = port_.snapshot();
  const ServiceSnapshot& s = *snap;
  const auto now = std::chrono::steady_clock::now();
  if (r.path == "/metrics") {
    if (!r.query.empty()) return fail(400, "/metrics takes no query parameters");
    net::HttpResponse res;
    res.content_type = PrometheusText::kContentType;
    res.body = render_metrics(s, now);
    return res;
  }
  if (r.path == "/health") {
    if (!r.query.empty()) return fail(400, "/health takes no query parameters");
    double md_age = -1;
    for (const auto& [_, seen] : s.marketdata_seen) {
      const double age = std::chrono::duration<double>(now - seen).count();
      if (md_age < 0 || age < md_age) md_age = age;
    }
    const double stale_after = static_cast<double>(s.marketdata_stale_after_ms) / 1000.0;
    // Outside the session no data is expected, so old data is not a readiness failure.
    const bool md_ok = !s.session_open || (md_age >= 0 && md_age <= stale_after);
    const bool ready = s.store_ok && s.leader && s.recovered && md_ok;
    json checks = {{"store",
                    {{"ok", s.store_ok},
                     {"error", s.store_error},
                     {"backend", s.store_backend},
                     {"degraded", s.store_health.degraded},
                     {"journal_pending", s.store_health.journal_pending},
                     {"last_outage", s.store_health.last_error}}},
                   {"venue", {{"ok", s.recovered}, {"name", s.venue}}},
                   {"leader",
                    {{"ok", s.leader},
                     {"instance_id", s.instance_id},
                     {"leadership", s.leadership},
                     {"fencing_token", s.fencing_token}}},
                   {"market_data",
                    {{"ok", md_ok},
                     {"age_seconds", md_age},
                     {"stale_after_seconds", stale_after},
                     {"session_open", s.session_open},
                     {"replay_done", s.replay_done}}}};
    return reply(ready ? 200 : 503, json{{"status", ready ? "ok" : "not_ready"},
                                         {"live", true},
                                         {"ready", ready},
                                         {"mode", s.mode},
                                         {"trading_state", s.trading_state},
                                         {"trading_day", s.trading_day},
                                         {"engine_time", s.sim_time_local},
                                         {"checks", checks}});
  }
  if (r.path == "/risk") {
    if (!r.query.empty()) return fail(400, "/risk takes no query parameters");
    return reply(200, s.risk);
  }
  if (r.path == "/positions") {
    if (!r.query.empty()) return fail(400, "/positions takes no query parameters");
    return reply(200, json{{"count", s.positions.size()}, {"positions", s.positions}});
  }
  auto limit = limit_param(r, r.path == "/orders" ? 1000 : 50);
  if (!limit) return fail(400, limit.error());
  if (r.path == "/orders") {
    json o = newest(s.orders, *limit);
    return reply(200, json{{"count", o.size()}, {"total", s.orders.size()}, {"orders", o}});
  }
  if (r.path == "/signals") {
    json o = newest(s.signals, *limit);
    return reply(200, json{{"count", o.size()}, {"signals", o}});
  }
  json ev = port_.recent_events(*limit);
  return reply(200, json{{"count", ev.size()}, {"events", ev}});
}

net::HttpResponse ControlApi::post(const net::HttpRequest& r) const {
  static const std::string kBearer = "bearer ";  // the scheme is case-insensitive (RFC 7235)
  const bool bearer = lower(r.authorization.substr(0, kBearer.size())) == kBearer;
  if (!bearer || !token_matches(token_, r.authorization.substr(kBearer.size()))) {
    net::HttpResponse res =
        fail(401, bearer ? "invalid bearer token"
                         : "missing 'Authorization: Bearer <token>' (see AITRAPP_API_TOKEN or "
                           "the token file printed at startup)");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  if (!r.query.empty()) return fail(400, r.path + " takes no query parameters");
  Command c;
  if (r.path == "/mode") {
    auto body = parse_body(r.body, {"mode", "confirm"});
    if (!body) return fail(400, body.error());
    if (!body->contains("mode")) return fail(400, "field 'mode' is required (PAPER or LIVE)");
    auto mode = string_field(*body, "mode", "");
    if (!mode) return fail(400, mode.error());
    if (*mode != "PAPER" && *mode != "LIVE")
      return fail(400, "field 'mode' must be PAPER or LIVE, got '" + *mode + "'");
    auto confirm = string_field(*body, "confirm", "");
    if (!confirm) return fail(400, confirm.error());
    if (*mode == "LIVE" && *confirm != kLiveConfirmation)
      return fail(403, std::string("LIVE refused: field 'confirm' must be exactly \"") +
                           kLiveConfirmation + "\"");
    c.kind = Command::Kind::Mode;
    c.mode = *mode;
  } else if (r.path == "/flatten") {
    auto body = parse_body(r.body, {"reason"});
    if (!body) return fail(400, body.error());
    auto reason = string_field(*body, "reason", "manual");
    if (!reason) return fail(400, reason.error());
    if (!is_kill_reason(*reason)) {
      return fail(400,
                  "unknown flatten reason '" + *reason + "' (known: " + join(kill_reasons()) + ")");
    }
    c.kind = Command::Kind::Flatten;
    c.reason = *reason;
  } else {
    auto body = parse_body(r.body, {"reason"});
    if (!body) return fail(400, body.error());
    auto reason = string_field(*body, "reason", "operator");
    if (!reason) return fail(400, reason.error());
    c.kind = r.path == "/pause" ? Command::Kind::Pause : Command::Kind::Resume;
    c.reason = *reason;
  }
  CommandOutcome out = port_.execute(c);
  return reply(out.status, out.body);
}

}  // namespace aitrapp::ops
