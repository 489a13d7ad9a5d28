// Text and HTML renderings of the burn-in report. They format what burnin_report() computed and
// compute nothing of their own beyond chart geometry.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/decimal.hpp"
#include "core/text.hpp"
#include "report/burnin.hpp"

namespace aitrapp::report {
namespace {

using nlohmann::json;

std::string str(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}
const char* verdict(const json& pass) {
  return pass.get<bool>() ? "PASS" : "FAIL";
}

// ---------------------------------------------------------------------------------------------
// Text.

void text_breakdown(std::ostringstream& o, const std::string& label, const json& b) {
  char line[160];
  std::snprintf(line, sizeof line,
                "    %-22s %4lld trades  P&L %12s  win %6s%%  PF %5s  exp %10s\n", label.c_str(),
                static_cast<long long>(b["trades"].get<int64_t>()), str(b["pnl"]).c_str(),
                str(b["win_rate_pct"]).c_str(), str(b["profit_factor"]).c_str(),
                str(b["expectancy"]).c_str());
  o << line;
}

void text_histogram(std::ostringstream& o, const std::string& title, const json& h) {
  o << "  " << title << "\n";
  for (const auto& b : h) {
    const std::string range = str(b["from"]).empty() ? "below " + str(b["to"])
                              : str(b["to"]).empty() ? str(b["from"]) + "+"
                                                     : str(b["from"]) + " .. " + str(b["to"]);
    char line[96];
    std::snprintf(line, sizeof line, "    %-16s %4lld ", range.c_str(),
                  static_cast<long long>(b["count"].get<int64_t>()));
    o << line
      << std::string(static_cast<size_t>(std::min<int64_t>(b["count"].get<int64_t>(), 60)), '#')
      << "\n";
  }
}

void text_day(std::ostringstream& o, const json& d) {
  o << "\n== " << str(d["trading_day"]) << " (" << str(d["timezone"]) << "): " << verdict(d["pass"])
    << "\n";
  for (const auto& g : d["gates"]) {
    char line[64];
    std::snprintf(line, sizeof line, "  %s  %-30s ", verdict(g["pass"]), str(g["gate"]).c_str());
    o << line << str(g["evidence"]) << "\n";
  }
  const json& c = d["counts"];
  o << "  signals " << str(c["signals"]) << ", decisions " << str(c["decisions"]) << ", orders "
    << str(c["orders"]) << ", fills " << str(c["fills"]) << ", trades " << str(c["trades"])
    << ", realized P&L " << str(c["realized_pnl"]) << ", max heat " << str(c["max_heat"]) << "\n";
  o << "  trades (R = P&L / planned risk; MAE/MFE in rupees and R)\n";
  for (const auto& t : d["trades"]) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "    %s %-12s %-4s %5lld  %s-%s  %-4s risk %9s  P&L %10s  %6s R  MAE %9s "
                  "(%5s R)  MFE %9s (%5s R)%s\n",
                  str(t["plan_id"]).c_str(), str(t["symbol"]).c_str(), str(t["side"]).c_str(),
                  static_cast<long long>(t["qty"].get<int64_t>()), str(t["opened"]).c_str(),
                  str(t["closed"]).c_str(), str(t["exit"]).c_str(), str(t["planned_risk"]).c_str(),
                  str(t["pnl"]).c_str(), str(t["r"]).c_str(), str(t["mae"]).c_str(),
                  str(t["mae_r"]).c_str(), str(t["mfe"]).c_str(), str(t["mfe_r"]).c_str(),
                  t["stop_gapped"].get<bool>() ? "  stop gapped" : "");
    o << line;
  }
  o << "  P&L breakdown\n";
  text_breakdown(o, "all", d["pnl"]["all"]);
  for (const char* dim : {"by_symbol", "by_strategy", "by_side", "by_exit", "by_hour"})
    for (const auto& [k, v] : d["pnl"][dim].items())
      text_breakdown(o, std::string(dim + 3) + " " + k, v);
  o << "  slippage per leg (adverse, against the order's own price)\n";
  for (const auto& s : d["slippage"])
    o << "    " << str(s["role"]) << ": " << str(s["orders"]) << " orders, mean "
      << str(s["mean_ticks"]) << " ticks, worst " << str(s["worst_ticks"]) << " ticks, cost "
      << str(s["cost"]) << "\n";
  text_histogram(o, "realized R", d["histograms"]["realized_r"]);
  text_histogram(o, "MAE (R)", d["histograms"]["mae_r"]);
  text_histogram(o, "MFE (R)", d["histograms"]["mfe_r"]);
  text_histogram(o, "order ack latency (ms)", d["histograms"]["ack_latency_ms"]);
  o << "  kill switch runs\n";
  for (const auto& k : d["kill_switch"])
    o << "    " << str(k["time"]) << " " << str(k["reason"]) << " [" << str(k["source"]) << "] "
      << str(k["positions"]) << " positions, " << str(k["working_orders"])
      << " working orders, flat after "
      << (k["duration_ms"].is_null() ? std::string("(never recorded)")
                                     : str(k["duration_ms"]) + " ms")
      << "\n";
  o << "  risk events by check\n";
  for (const auto& e : d["risk_events"]["by_check"])
    o << "    " << str(e["kind"]) << " " << str(e["check"]) << ": " << str(e["count"]) << "\n";
  o << "  risk events (pre-trade blocks counted above)\n";
  for (const auto& e : d["risk_events"]["events"])
    o << "    " << str(e["time"]) << " " << str(e["kind"]) << " " << str(e["check"]) << " "
      << str(e["symbol"]) << " " << str(e["reason"]) << "\n";
}

// ---------------------------------------------------------------------------------------------
// HTML with inline SVG.

std::string esc(const std::string& s) {
  return escape_html(s);
}
std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
double money_of(const json& v) {
  return static_cast<double>(parse_fixed(str(v)).value_or(0)) / static_cast<double>(kScale);
}
int minute_of(const std::string& hhmmss) {
  return hhmmss.size() >= 5 ? std::stoi(hhmmss.substr(0, 2)) * 60 + std::stoi(hhmmss.substr(3, 2))
                            : 0;
}

constexpr int kW = 720, kH = 220, kL = 70, kR = 10, kT = 10, kB = 30;

struct Series {
  std::string name, color;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

// A chart's caption and the opening of its SVG element, with the plot area's frame when `framed`.
std::string chart_begin(const std::string& title, bool framed) {
  std::ostringstream o;
  o << "<figure><figcaption>" << esc(title) << "</figcaption><svg class=\"chart\" width=\"" << kW
    << "\" height=\"" << kH << "\" viewBox=\"0 0 " << kW << " " << kH
    << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">";
  if (framed)
    o << "<rect x=\"" << kL << "\" y=\"" << kT << "\" width=\"" << kW - kL - kR << "\" height=\""
      << kH - kT - kB << "\" fill=\"#fafafa\" stroke=\"#ccc\"/>";
  return o.str();
}

// A line chart over the trading session (x: minutes after midnight), with vertical markers.
std::string line_chart(const std::string& title, const std::vector<Series>& series,
                       const std::vector<std::pair<std::string, int>>& markers, int x0, int x1) {
  double lo = 0, hi = 1;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
  if (hi - lo < 1) hi = lo + 1;
  const auto X = [&](double x) { return kL + (x - x0) * (kW - kL - kR) / std::max(1, x1 - x0); };
  const auto Y = [&](double y) { return kT + (hi - y) * (kH - kT - kB) / (hi - lo); };
  std::ostringstream o;
  o << chart_begin(title, true);
  for (double y : {lo, (lo + hi) / 2, hi})
    o << "<text x=\"" << kL - 4 << "\" y=\"" << num(Y(y) + 4) << "\" text-anchor=\"end\">" << num(y)
      << "</text>";
  if (lo < 0 && hi > 0)
    o << "<line x1=\"" << kL << "\" x2=\"" << kW - kR << "\" y1=\"" << num(Y(0)) << "\" y2=\""
      << num(Y(0)) << "\" stroke=\"#999\" stroke-dasharray=\"2,2\"/>";
  for (int m = x0 - x0 % 60 + 60; m < x1; m += 60)
    o << "<text x=\"" << num(X(m)) << "\" y=\"" << kH - 10 << "\" text-anchor=\"middle\">" << m / 60
      << ":00</text>";
  int row = 0;  // markers five minutes apart would print their labels over each other
  for (const auto& [label, m] : markers)
    o << "<line class=\"marker\" x1=\"" << num(X(m)) << "\" x2=\"" << num(X(m)) << "\" y1=\"" << kT
      << "\" y2=\"" << kH - kB << "\" stroke=\"#c60\" stroke-dasharray=\"4,3\"/><text x=\""
      << num(X(m) - 3) << "\" y=\"" << kT + 12 + 13 * row++
      << "\" text-anchor=\"end\" fill=\"#c60\">" << esc(label) << "</text>";
  int legend = 0;
  for (const auto& s : series) {
    if (!s.points.empty()) {
      o << "<polyline class=\"series\" fill=\"none\" stroke=\"" << s.color
        << "\" stroke-width=\"1.5\" points=\"";
      for (const auto& [x, y] : s.points) o << num(X(x)) << "," << num(Y(y)) << " ";
      o << "\"/>";
    }
    o << "<text x=\"" << kL + 8 + 140 * legend++ << "\" y=\"" << kT + 14 << "\" fill=\"" << s.color
      << "\">" << esc(s.name) << "</text>";
  }
  o << "</svg></figure>\n";
  return o.str();
}

std::string bar_chart(const std::string& title, const json& hist) {
  int64_t top = 1;
  for (const auto& b : hist) top = std::max(top, b["count"].get<int64_t>());
  const size_t n = std::max<size_t>(hist.size(), 1);
  const double w = static_cast<double>(kW - kL - kR) / static_cast<double>(n);
  std::ostringstream o;
  o << chart_begin(title, false);
  size_t i = 0;
  for (const auto& b : hist) {
    const double h =
        static_cast<double>(b["count"].get<int64_t>()) * (kH - kT - kB) / static_cast<double>(top);
    const double x = kL + w * static_cast<double>(i++);
    o << "<rect class=\"bar\" x=\"" << num(x + 2) << "\" y=\"" << num(kH - kB - h) << "\" width=\""
      << num(w - 4) << "\" height=\"" << num(h) << "\" fill=\"#47a\"/><text x=\"" << num(x + w / 2)
      << "\" y=\"" << kH - 12 << "\" text-anchor=\"middle\">"
      << esc(str(b["from"]).empty() ? "<" + str(b["to"]) : str(b["from"]))
      << (str(b["to"]).empty() ? "+" : "") << "</text><text x=\"" << num(x + w / 2) << "\" y=\""
      << num(kH - kB - h - 3) << "\" text-anchor=\"middle\">" << str(b["count"]) << "</text>";
  }
  o << "</svg></figure>\n";
  return o.str();
}

std::string scatter(const std::string& title, const json& trades) {
  double top = 1;
  for (const auto& t : trades)
    top = std::max({top, std::stod(str(t["mae_r"])), std::stod(str(t["mfe_r"]))});
  const auto X = [&](double v) { return kL + v * (kW - kL - kR) / top; };
  const auto Y = [&](double v) { return kT + (top - v) * (kH - kT - kB) / top; };
  std::ostringstream o;
  o << chart_begin(title, true);
  o << "<text x=\"" << kW / 2 << "\" y=\"" << kH - 8 << "\" text-anchor=\"middle\">MAE (R), 0 to "
    << num(top) << "</text><text x=\"" << 12 << "\" y=\"" << kH / 2 << "\">MFE</text>";
  for (const auto& t : trades) {
    const bool win = std::stod(str(t["r"])) > 0;
    o << "<circle class=\"point\" cx=\"" << num(X(std::stod(str(t["mae_r"])))) << "\" cy=\""
      << num(Y(std::stod(str(t["mfe_r"])))) << "\" r=\"4\" fill=\"" << (win ? "#2a7" : "#c33")
      << "\"><title>" << esc(str(t["plan_id"]) + " " + str(t["r"]) + " R") << "</title></circle>";
  }
  o << "</svg></figure>\n";
  return o.str();
}

std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream o;
  o << "<table><tr>";
  for (const auto& h : head) o << "<th>" << esc(h) << "</th>";
  o << "</tr>";
  for (const auto& r : rows) {
    o << "<tr>";
    for (const auto& c : r)
      o << (c == "PASS"   ? "<td class=\"pass\">"
            : c == "FAIL" ? "<td class=\"fail\">"
                          : "<td>")
        << esc(c) << "</td>";
    o << "</tr>";
  }
  o << "</table>\n";
  return o.str();
}

void html_day(std::ostringstream& o, const json& d) {
  o << "<section><h2>" << esc(str(d["trading_day"])) << " <span class=\""
    << (d["pass"].get<bool>() ? "pass" : "fail") << "\">" << verdict(d["pass"])
    << "</span></h2>\n<p>Times in " << esc(str(d["timezone"])) << ".</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : d["gates"])
    rows.push_back({verdict(g["pass"]), str(g["gate"]), str(g["evidence"])});
  o << table({"", "gate", "evidence"}, rows);
  const json& c = d["counts"];
  o << table({"signals", "decisions", "orders", "fills", "trades", "realized P&L", "max heat"},
             {{str(c["signals"]), str(c["decisions"]), str(c["orders"]), str(c["fills"]),
               str(c["trades"]), str(c["realized_pnl"]), str(c["max_heat"])}});
  const int x0 = 9 * 60 + 15, x1 = 15 * 60 + 30;
  std::vector<std::pair<std::string, int>> markers{
      {str(d["markers"]["tighten"]).substr(0, 5) + " tighten",
       minute_of(str(d["markers"]["tighten"]))},
      {str(d["markers"]["hard_flat"]).substr(0, 5) + " flat",
       minute_of(str(d["markers"]["hard_flat"]))}};
  Series heat{"heat", "#c33", {}}, cap{"heat cap", "#555", {}}, pnl{"day P&L", "#27a", {}},
      dd{"drawdown", "#a52", {}};
  for (const auto& s : d["timeline"]) {
    const double m = minute_of(str(s["t"]));
    heat.points.emplace_back(m, money_of(s["heat"]));
    cap.points.emplace_back(m, money_of(s["cap"]));
    pnl.points.emplace_back(m, money_of(s["day_pnl"]));
    dd.points.emplace_back(m, -money_of(s["drawdown"]));
  }
  o << line_chart("Portfolio heat against its cap", {heat, cap}, markers, x0, x1);
  o << line_chart("Day P&L (realized + unrealized) and drawdown (below zero)", {pnl, dd}, markers,
                  x0, x1);
  o << scatter("MAE against MFE per trade, in R (green: winners)", d["trades"]);
  o << bar_chart("Realized R per trade", d["histograms"]["realized_r"]);
  o << bar_chart("MAE (R)", d["histograms"]["mae_r"]);
  o << bar_chart("MFE (R)", d["histograms"]["mfe_r"]);
  o << bar_chart("Order ack latency (ms)", d["histograms"]["ack_latency_ms"]);
  rows.clear();
  for (const auto& t : d["trades"])
    rows.push_back({str(t["plan_id"]), str(t["symbol"]), str(t["side"]), str(t["qty"]),
                    str(t["opened"]), str(t["closed"]), str(t["exit"]), str(t["planned_risk"]),
                    str(t["pnl"]), str(t["r"]), str(t["mae"]), str(t["mae_r"]), str(t["mfe"]),
                    str(t["mfe_r"]), t["stop_gapped"].get<bool>() ? "gapped" : ""});
  o << "<h3>Trades</h3>"
    << table({"plan", "symbol", "side", "qty", "opened", "closed", "exit", "planned risk", "P&L",
              "R", "MAE", "MAE R", "MFE", "MFE R", "stop"},
             rows);
  rows.clear();
  const auto add = [&](const std::string& label, const json& b) {
    rows.push_back({label, str(b["trades"]), str(b["pnl"]), str(b["win_rate_pct"]),
                    str(b["profit_factor"]), str(b["expectancy"])});
  };
  add("all", d["pnl"]["all"]);
  for (const char* dim : {"by_symbol", "by_strategy", "by_side", "by_exit", "by_hour"})
    for (const auto& [k, v] : d["pnl"][dim].items()) add(std::string(dim + 3) + " " + k, v);
  o << "<h3>P&amp;L breakdown</h3>"
    << table({"", "trades", "P&L", "win %", "profit factor", "expectancy"}, rows);
  rows.clear();
  for (const auto& s : d["slippage"])
    rows.push_back({str(s["role"]), str(s["orders"]), str(s["mean_ticks"]), str(s["worst_ticks"]),
                    str(s["cost"])});
  o << "<h3>Slippage per leg</h3>"
    << table({"leg", "orders", "mean ticks", "worst ticks", "cost"}, rows);
  rows.clear();
  for (const auto& k : d["kill_switch"])
    rows.push_back({str(k["time"]), str(k["reason"]), str(k["source"]), str(k["positions"]),
                    str(k["working_orders"]),
                    k["duration_ms"].is_null() ? "never recorded" : str(k["duration_ms"])});
  o << "<h3>Kill switch runs</h3>"
    << table({"time", "reason", "source", "positions", "working orders", "flat after ms"}, rows);
  rows.clear();
  for (const auto& e : d["risk_events"]["events"])
    rows.push_back(
        {str(e["time"]), str(e["kind"]), str(e["check"]), str(e["symbol"]), str(e["reason"])});
  o << "<h3>Risk events</h3>" << table({"time", "kind", "check", "symbol", "reason"}, rows);
  rows.clear();
  for (const auto& e : d["risk_events"]["by_check"])
    rows.push_back({str(e["kind"]), str(e["check"]), str(e["count"])});
  o << table({"kind", "check", "count"}, rows) << "</section>\n";
}

}  // namespace

std::string burnin_text(const json& r) {
  std::ostringstream o;
  const json& all = r["overall"];
  o << "AITRAPP burn-in report: " << str(all["first_day"]) << " to " << str(all["last_day"]) << " ("
    << str(all["days"]) << " days): " << verdict(all["pass"]) << "\n"
    << "  trades " << str(all["trades"]) << ", realized P&L " << str(all["realized_pnl"]) << "\n";
  for (const auto& f : all["failed_gates"]) o << "  FAIL " << str(f) << "\n";
  for (const auto& d : r["days"]) text_day(o, d);
  return o.str();
}

std::string burnin_html(const json& r) {
  const json& all = r["overall"];
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
       "'unsafe-inline'\"><title>AITRAPP burn-in "
    << esc(str(all["first_day"]) + " to " + str(all["last_day"])) << "</title><style>"
    << "body{font:13px/1.4 sans-serif;margin:24px;color:#222}table{border-collapse:collapse;"
       "margin:8px 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
       ".pass{color:#176b2c;font-weight:bold}.fail{color:#b00;font-weight:bold}"
       "svg text{font:11px sans-serif}figure{margin:12px 0}section{page-break-before:always}"
       "@media print{body{margin:0}}</style></head><body>\n"
    << "<h1>AITRAPP burn-in report <span class=\"" << (all["pass"].get<bool>() ? "pass" : "fail")
    << "\">" << verdict(all["pass"]) << "</span></h1>\n<p>" << esc(str(all["first_day"])) << " to "
    << esc(str(all["last_day"])) << ", " << str(all["days"]) << " trading days, "
    << str(all["trades"]) << " trades, realized P&amp;L " << esc(str(all["realized_pnl"]))
    << ".</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r["days"]) {
    std::vector<std::string> row{str(d["trading_day"]), verdict(d["pass"])};
    for (const auto& g : d["gates"]) row.push_back(verdict(g["pass"]));
    rows.push_back(row);
  }
  std::vector<std::string> head{"day", "all"};
  if (!r["days"].empty())
    for (const auto& g : r["days"][0]["gates"]) head.push_back(str(g["gate"]));
  o << table(head, rows);
  for (const auto& d : r["days"]) html_day(o, d);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace aitrapp::report
