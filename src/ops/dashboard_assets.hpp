#pragma once
// The operator dashboard's own files, compiled into the binary (no CDN, no web font, nothing
// fetched at run time), and the reports directory it links to. Served by the operator API on
// its own origin, with a Content-Security-Policy that allows nothing but that origin.
// Stateless apart from the reports directory's path; thread-safe.
#include <optional>
#include <string>

#include "net/http_server.hpp"

namespace aitrapp::ops {

// The policy sent with every dashboard file: scripts, styles, images and connections (the /ws
// channel, the API) from this origin only; no frames, no forms, no base URL.
inline constexpr const char* kDashboardCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// GET / (the page), /dashboard.js, /dashboard.css, /reports (the newest burn-in, drill and
// go/no-go reports in `reports_dir`, as links) and /reports/NAME (one of them). Nothing for any
// other path. A NAME that is not a plain file name of that directory is 404: nothing outside it
// is ever read.
std::optional<net::HttpResponse> serve_dashboard(const net::HttpRequest& r,
                                                 const std::string& reports_dir);

}  // namespace aitrapp::ops
