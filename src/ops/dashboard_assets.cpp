#include "ops/dashboard_assets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/text.hpp"

namespace aitrapp {
// Generated from src/ops/dashboard/ (see CMakeLists.txt).
const std::string& embedded_dashboard_html();
const std::string& embedded_dashboard_js();
const std::string& embedded_dashboard_css();
}  // namespace aitrapp

namespace aitrapp::ops {
namespace {

namespace fs = std::filesystem;

constexpr size_t kReportsListed = 50;

net::HttpResponse page(int status, const char* type, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = type;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy", kDashboardCsp);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

// Report files: what the burn-in, drill, go/no-go and post-close commands write.
bool is_report_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  if (!std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
      }))
    return false;
  for (const char* ext : {".html", ".json", ".md", ".txt", ".png"})
    if (name.size() > std::strlen(ext) && name.ends_with(ext)) return true;
  return false;
}

const char* type_of(const std::string& name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".json")) return "application/json";
  if (name.ends_with(".png")) return "image/png";
  return "text/plain; charset=utf-8";
}

net::HttpResponse reports_index(const std::string& dir) {
  std::vector<std::pair<fs::file_time_type, std::string>> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) && is_report_name(name))
      files.emplace_back(e.last_write_time(ec), name);
  }
  std::sort(files.begin(), files.end(), std::greater<>());
  std::string body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reports</title>"
      "<link rel=\"stylesheet\" href=\"/dashboard.css\"></head><body><main><section><h2>"
      "Reports in " +
      escape_html(dir) + " (newest first)</h2><ul>";
  if (files.empty()) body += "<li>none yet: make burnin-report, make red-team-drills</li>";
  for (size_t i = 0; i < files.size() && i < kReportsListed; ++i)
    body += "<li><a href=\"/reports/" + escape_html(files[i].second) + "\">" +
            escape_html(files[i].second) + "</a></li>";
  body += "</ul><p><a href=\"/\">back to the dashboard</a></p></section></main></body></html>";
  return page(200, "text/html; charset=utf-8", std::move(body));
}

}  // namespace

std::optional<net::HttpResponse> serve_dashboard(const net::HttpRequest& r,
                                                 const std::string& reports_dir) {
  if (r.method != "GET") return std::nullopt;
  if (r.path == "/" || r.path == "/index.html")
    return page(200, "text/html; charset=utf-8", embedded_dashboard_html());
  if (r.path == "/dashboard.js")
    return page(200, "text/javascript; charset=utf-8", embedded_dashboard_js());
  if (r.path == "/dashboard.css")
    return page(200, "text/css; charset=utf-8", embedded_dashboard_css());
  if (r.path == "/reports" || r.path == "/reports/") return reports_index(reports_dir);
  static const std::string kPrefix = "/reports/";
  if (!r.path.starts_with(kPrefix)) return std::nullopt;
  const std::string name = r.path.substr(kPrefix.size());
  if (!is_report_name(name))
    return page(404, "text/plain; charset=utf-8", "no report " + quote_bytes(name) + "\n");
  std::ifstream in(fs::path(reports_dir) / name, std::ios::binary);
  if (!in)
    return page(404, "text/plain; charset=utf-8",
                "no report " + name + " in " + reports_dir + "\n");
  std::ostringstream body;
  body << in.rdbuf();
  return page(200, type_of(name), body.str());
}

}  // namespace aitrapp::ops
